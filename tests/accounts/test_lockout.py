"""Repeated wrong passwords lock the username and the address; a clinic admin unlocks."""

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from fracturecare.accounts.models import Role
from fracturecare.audit.models import AuditEvent
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")


def _attempt(client, username: str, password: str, address: str = "198.51.100.20"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


@pytest.fixture
def limit(settings):
    settings.AXES_FAILURE_LIMIT = 3
    return 3


def test_the_right_password_after_repeated_failures_is_refused(client, limit):
    user = UserFactory(role=Role.CLINICIAN)
    for _ in range(limit - 1):
        assert _attempt(client, user.username, "wrong-guess").status_code == 200
    locked = _attempt(client, user.username, "wrong-guess")
    assert locked.status_code == 429
    assert "Sign-in paused" in locked.content.decode()

    # From another address too: the username itself is locked.
    right = _attempt(client, user.username, PASSWORD, address="203.0.113.5")
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="account.locked_out", data__username=user.username).exists()


def test_the_username_count_ignores_letter_case(client, limit):
    user = UserFactory(role=Role.CLINICIAN, username="alice")
    for name in ("Alice", "ALICE", "alice"):
        _attempt(client, name, "wrong-guess")
    assert _attempt(client, "alice", PASSWORD, address="203.0.113.5").status_code == 429
    assert user.username == "alice"


def test_one_address_guessing_many_usernames_is_locked(client, limit):
    users = [UserFactory(role=Role.FRONT_DESK) for _ in range(limit)]
    for user in users:
        _attempt(client, user.username, "wrong-guess", address="192.0.2.66")
    fresh = UserFactory(role=Role.CLINICIAN)
    assert _attempt(client, fresh.username, PASSWORD, address="192.0.2.66").status_code == 429
    # Someone else, elsewhere, is not affected.
    assert _attempt(client, fresh.username, PASSWORD, address="192.0.2.77").status_code == 302


def test_a_success_before_the_limit_clears_the_count(client, limit):
    user = UserFactory(role=Role.CLINICIAN)
    for _ in range(limit - 1):
        _attempt(client, user.username, "wrong-guess")
    assert _attempt(client, user.username, PASSWORD).status_code == 302
    client.logout()
    for _ in range(limit - 1):
        _attempt(client, user.username, "wrong-guess")
    assert _attempt(client, user.username, PASSWORD).status_code == 302


def test_the_admin_sees_the_lockout_and_unlocks_it(client, limit):
    user = UserFactory(role=Role.CLINICIAN)
    for _ in range(limit):
        _attempt(client, user.username, "wrong-guess", address="198.51.100.20")
    assert _attempt(client, user.username, PASSWORD).status_code == 429

    admin = UserFactory(role=Role.CLINIC_ADMIN)
    client.force_login(admin)
    page = client.get(reverse("security:home")).content.decode()
    assert user.username in page and "198.51.100.20" in page
    response = client.post(reverse("security:unlock"), {"kind": "username", "value": user.username})
    assert response.status_code == 302
    client.post(reverse("security:unlock"), {"kind": "address", "value": "198.51.100.20"})
    assert not AccessAttempt.objects.exists()
    assert AuditEvent.objects.filter(action="account.unlocked", actor=admin).count() == 2
    client.logout()

    assert _attempt(client, user.username, PASSWORD).status_code == 302


def test_an_unlock_with_a_bad_kind_is_refused_with_a_message(client, limit):
    client.force_login(UserFactory(role=Role.CLINIC_ADMIN))
    response = client.post(reverse("security:unlock"), {"kind": "everyone", "value": "x"}, follow=True)
    assert "Say what to unlock" in response.content.decode()
    assert not AuditEvent.objects.filter(action="account.unlocked").exists()


def test_only_the_clinic_admin_may_unlock(client, limit):
    client.force_login(UserFactory(role=Role.CLINICIAN))
    assert client.post(reverse("security:unlock"), {"kind": "username", "value": "x"}).status_code == 403
