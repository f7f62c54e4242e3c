"""Password rules, Argon2 hashing and changing one's own password."""

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from fracturecare.accounts.models import Role
from fracturecare.audit.models import AuditEvent
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_production_hashes_with_argon2_first():
    # Read from the settings module itself: the test suite swaps in a fast hasher.
    from fracturecare import settings as project_settings

    assert project_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_a_new_password_is_stored_as_argon2(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher",
                                 "django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    user = UserFactory()
    user.set_password("a-long-enough-passphrase")
    user.save()
    assert user.password.startswith("argon2$argon2id$")
    assert user.check_password("a-long-enough-passphrase")


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("83920174658", "entirely numeric"),
        ("short1!", "at least 10 characters"),
        ("password123", "too common"),
    ],
)
def test_weak_passwords_are_refused(password, message):
    assert django_settings.AUTH_PASSWORD_VALIDATORS
    with pytest.raises(ValidationError, match=message):
        validate_password(password, UserFactory.build(username="someone"))


def test_staff_change_their_own_password(client):
    user = UserFactory(role=Role.FRONT_DESK)
    client.force_login(user)
    url = reverse("accounts:password_change")
    assert client.get(url).status_code == 200

    refused = client.post(url, {"old_password": PASSWORD, "new_password1": "1234567890123",
                                "new_password2": "1234567890123"})
    assert refused.status_code == 200 and "entirely numeric" in refused.content.decode()

    wrong_old = client.post(url, {"old_password": "not-it", "new_password1": "quiet river lantern",
                                  "new_password2": "quiet river lantern"})
    assert wrong_old.status_code == 200

    done = client.post(url, {"old_password": PASSWORD, "new_password1": "quiet river lantern",
                             "new_password2": "quiet river lantern"})
    assert done.status_code == 302 and done["Location"] == reverse("accounts:account")
    user.refresh_from_db()
    assert user.check_password("quiet river lantern")
    assert AuditEvent.objects.filter(action="account.password_changed", actor=user).count() == 1
    # This session stays signed in.
    assert client.get(reverse("patients:list")).status_code == 200


def test_the_password_page_needs_a_sign_in(client):
    response = client.get(reverse("accounts:password_change"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
