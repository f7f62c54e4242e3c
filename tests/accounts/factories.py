"""Factories for accounts tests: API tokens made through the service."""

from __future__ import annotations

from fracturecare.accounts.models import Role
from fracturecare.accounts.services import NewToken, token_create
from tests.factories import UserFactory


def make_token(user=None, name: str = "script") -> NewToken:
    """A live token (and its raw value) for `user`, a new clinician by default."""
    return token_create(user=user or UserFactory(role=Role.CLINICIAN), name=name)


def totp_device(user):
    """A confirmed authenticator for `user` (as if enrolled) with no backup codes."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def totp_code(device, *, at: float | None = None) -> str:
    """The code the authenticator app shows for `device` now (or at the epoch time `at`)."""
    import time

    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() if at is None else at
    return f"{totp.token():0{device.digits}d}"


def backup_codes_for(user) -> list[str]:
    """A fresh set of backup codes for `user` (as the enrolment page makes them)."""
    from fracturecare.accounts.twofactor import make_backup_codes

    return make_backup_codes(user)
