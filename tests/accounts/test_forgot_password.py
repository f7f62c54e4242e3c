"""The portal's "forgot password": same answer for any address, rate-limited, one-use link, audited."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from fracturecare.accounts.models import Role
from fracturecare.accounts.recovery import RESET_LIMIT_PER_CLIENT, RESET_LIMIT_PER_EMAIL
from fracturecare.audit.models import AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("accounts:forgot_password")
SENT = reverse("accounts:forgot_password_sent")


def _ask(client, email: str, address: str = "198.51.100.9"):
    return client.post(URL, {"email": email}, REMOTE_ADDR=address)


def test_the_login_page_links_to_it(client):
    assert URL in client.get(reverse("accounts:login")).content.decode()


def test_a_known_and_an_unknown_address_get_the_same_answer(client):
    UserFactory(role=Role.PATIENT, email="ann@example.test")
    known = _ask(client, "Ann@Example.test")
    unknown = _ask(client, "nobody@example.test")
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == SENT
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["ann@example.test"]
    assert AuditEvent.objects.filter(action="account.password_reset_requested").count() == 2


def test_the_link_sets_a_new_password_once(client):
    user = UserFactory(role=Role.PATIENT, email="ann@example.test")
    _ask(client, "ann@example.test")
    path = re.search(r"/accounts/set-password/\S+/\S+/", mail.outbox[0].body).group(0)
    page = client.get(path, follow=True)
    assert page.context["validlink"]
    client.post(page.redirect_chain[-1][0], {"new_password1": "quiet river lantern",
                                             "new_password2": "quiet river lantern"})
    user.refresh_from_db()
    assert user.check_password("quiet river lantern")
    assert AuditEvent.objects.filter(action="account.password_set", actor=user).exists()
    assert not client.get(path, follow=True).context["validlink"]


def test_staff_logins_are_not_reset_by_email(client):
    UserFactory(role=Role.CLINICIAN, email="doc@example.test")
    assert _ask(client, "doc@example.test")["Location"] == SENT
    assert not mail.outbox


def test_one_address_is_limited(client):
    UserFactory(role=Role.PATIENT, email="ann@example.test")
    for i in range(RESET_LIMIT_PER_EMAIL):
        assert _ask(client, "ann@example.test", address=f"198.51.100.{i + 1}").status_code == 302
    limited = _ask(client, "ann@example.test", address="203.0.113.1")
    assert limited.status_code == 429 and "Too many requests" in limited.content.decode()
    assert limited["Retry-After"] == "3600"
    assert len(mail.outbox) == RESET_LIMIT_PER_EMAIL


def test_one_client_is_limited(client):
    for i in range(RESET_LIMIT_PER_CLIENT):
        assert _ask(client, f"someone{i}@example.test").status_code == 302
    assert _ask(client, "another@example.test").status_code == 429
    assert _ask(client, "another@example.test", address="203.0.113.2").status_code == 302


def test_a_bad_address_is_refused_on_the_field(client):
    response = _ask(client, "not-an-address")
    assert response.status_code == 200 and response.context["form"].errors["email"]


def test_the_email_names_the_clinic_as_its_settings_name_it(client):
    from fracturecare.clinic.models import PROFILE_PK, ClinicProfile
    from fracturecare.clinic.selectors import profile_defaults

    ClinicProfile.objects.create(pk=PROFILE_PK, **{**profile_defaults(), "name": "Riverside Bone Clinic"})
    UserFactory(role=Role.PATIENT, email="ann@example.test")
    _ask(client, "ann@example.test")
    (message,) = mail.outbox
    assert message.subject == "Choose a new password for Riverside Bone Clinic"
    assert "Riverside Bone Clinic" in message.body
