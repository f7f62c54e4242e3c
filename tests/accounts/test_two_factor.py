"""Two-factor sign-in for staff: enrolment with a QR code, sign-in with the app or a backup code, policy."""

import re

import pytest
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from fracturecare.accounts.models import Role, SecurityPolicy
from fracturecare.accounts.twofactor import BACKUP_CODE_COUNT
from fracturecare.audit.models import AuditEvent
from tests.accounts.factories import backup_codes_for, totp_code, totp_device
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
VERIFY = reverse("accounts:two_factor_verify")
SETUP = reverse("accounts:two_factor_setup")
PATIENTS = reverse("patients:list")


def _unthrottle(device) -> None:
    """Skip the wait a wrong code starts (django-otp doubles it after each failure)."""
    type(device).objects.filter(pk=device.pk).update(throttling_failure_count=0,
                                                     throttling_failure_timestamp=None)


def _sign_in(client, user, next_url: str = ""):
    data = {"username": user.username, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post(LOGIN, data)


def test_a_clinician_enrols_with_the_qr_code_and_gets_backup_codes(client):
    user = UserFactory(role=Role.CLINICIAN)
    client.force_login(user)
    page = client.get(SETUP)
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and "<path" in html  # the QR code, drawn without an image library
    device = TOTPDevice.objects.get(user=user, confirmed=False)

    wrong = client.post(SETUP, {"code": "000000" if totp_code(device) != "000000" else "111111"})
    assert "does not match" in wrong.content.decode()
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    _unthrottle(device)

    done = client.post(SETUP, {"code": totp_code(device)})
    assert done.status_code == 200
    codes = re.findall(r"<li><code>([a-z0-9]+)</code></li>", done.content.decode())
    assert len(codes) == BACKUP_CODE_COUNT
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEvent.objects.filter(action="account.2fa_enabled", actor=user).exists()
    # The enrolling session counts as verified: the clinic opens.
    assert client.get(PATIENTS).status_code == 200


def test_sign_in_asks_for_the_code_and_the_app_code_lets_in(client):
    user = UserFactory(role=Role.CLINICIAN)
    device = totp_device(user)
    response = _sign_in(client, user, next_url=PATIENTS)
    assert response.status_code == 302
    # Password alone opens nothing: every clinic page sends to the code page.
    held = client.get(PATIENTS)
    assert held.status_code == 302 and held["Location"].startswith(VERIFY)
    assert client.get(reverse("audit:log")).status_code == 302
    assert client.get(reverse("api:plans")).status_code in (401, 403, 405)

    wrong = client.post(VERIFY, {"code": "12345x", "next": PATIENTS})
    assert "does not work" in wrong.content.decode()
    assert client.get(PATIENTS).status_code == 302

    _unthrottle(device)
    ok = client.post(VERIFY, {"code": totp_code(device), "next": PATIENTS})
    assert ok.status_code == 302 and ok["Location"] == PATIENTS
    assert client.get(PATIENTS).status_code == 200
    assert AuditEvent.objects.filter(action="account.2fa_verified", actor=user, data__method="app").exists()
    assert AuditEvent.objects.filter(action="account.2fa_failed", actor=user).exists()


def test_a_backup_code_signs_in_once(client):
    user = UserFactory(role=Role.FRONT_DESK)
    totp_device(user)
    codes = backup_codes_for(user)

    _sign_in(client, user)
    assert client.get(PATIENTS).status_code == 302
    ok = client.post(VERIFY, {"code": codes[0].upper()})
    assert ok.status_code == 302
    assert client.get(PATIENTS).status_code == 200
    assert StaticToken.objects.filter(device__user=user).count() == BACKUP_CODE_COUNT - 1
    assert AuditEvent.objects.filter(action="account.2fa_verified", data__method="backup code").exists()

    client.logout()
    _sign_in(client, user)
    StaticDevice.objects.filter(user=user).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    again = client.post(VERIFY, {"code": codes[0]})
    assert again.status_code == 200 and "does not work" in again.content.decode()
    assert client.get(PATIENTS).status_code == 302


def test_the_admin_requires_two_factor_for_a_role_and_members_must_enrol(client):
    admin = UserFactory(role=Role.CLINIC_ADMIN)
    client.force_login(admin)
    saved = client.post(reverse("security:home"), {"require_2fa_front_desk": "on"})
    assert saved.status_code == 302
    policy = SecurityPolicy.objects.get()
    assert policy.require_2fa_front_desk and not policy.require_2fa_clinician
    assert AuditEvent.objects.filter(action="security.policy_changed", actor=admin).exists()
    client.logout()

    desk = UserFactory(role=Role.FRONT_DESK)
    _sign_in(client, desk)
    held = client.get(reverse("scheduling:schedule"))
    assert held.status_code == 302 and held["Location"].startswith(SETUP)
    assert "The clinic requires two-factor sign-in" in client.get(SETUP).content.decode()
    client.logout()

    # Another role is not affected.
    clinician = UserFactory(role=Role.CLINICIAN)
    _sign_in(client, clinician)
    assert client.get(PATIENTS).status_code == 200


def test_by_default_nothing_is_required_and_a_password_signs_in(client):
    user = UserFactory(role=Role.CLINIC_ADMIN)
    _sign_in(client, user)
    assert client.get(reverse("audit:log")).status_code == 200


def test_the_admin_resets_a_lost_authenticator_with_a_reason(client):
    user = UserFactory(role=Role.CLINICIAN)
    totp_device(user)
    admin = UserFactory(role=Role.CLINIC_ADMIN)
    client.force_login(admin)
    url = reverse("security:reset_two_factor", args=[user.pk])
    client.post(url, {"reason": ""})
    assert TOTPDevice.objects.filter(user=user).exists()
    client.post(url, {"reason": "lost phone; identity checked in person"})
    assert not TOTPDevice.objects.filter(user=user).exists()
    event = AuditEvent.objects.get(action="account.2fa_reset")
    assert event.actor == admin and event.data["reason"].startswith("lost phone")


def test_patients_are_not_offered_two_factor(client):
    patient = UserFactory(role=Role.PATIENT)
    client.force_login(patient)
    response = client.get(SETUP)
    assert response.status_code == 302 and response["Location"] == reverse("portal:home")
