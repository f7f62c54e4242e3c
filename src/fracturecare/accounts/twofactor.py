"""Two-factor sign-in for staff (django-otp): an authenticator app (TOTP) plus one-use backup codes."""

from __future__ import annotations

from base64 import b32encode
from dataclasses import dataclass

import django_otp
import qrcode
import qrcode.image.svg
from django.db import transaction
from django.http import HttpRequest
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from fracturecare.accounts.models import STAFF_ROLES, SecurityPolicy, User
from fracturecare.accounts.permissions import signed_in_user
from fracturecare.audit.actions import AuditAction
from fracturecare.audit.services import audit_record

#: How many backup codes a person gets; each works once.
BACKUP_CODE_COUNT = 10
_TOTP_NAME = "Authenticator app"
_BACKUP_NAME = "Backup codes"


def has_two_factor(user: User) -> bool:
    """Whether the user has a confirmed authenticator (and so must give a code at sign-in)."""
    return bool(TOTPDevice.objects.filter(user=user, confirmed=True).exists())


def two_factor_required(user: User) -> bool:
    """Whether the clinic's policy makes this user's role use two-factor sign-in."""
    return user.role in STAFF_ROLES and SecurityPolicy.current().requires_2fa(user.role)


def pending_device(user: User) -> TOTPDevice:
    """The authenticator being set up (unconfirmed), made on first call and reused until confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=_TOTP_NAME, confirmed=False)
    return device


def qr_svg(device: TOTPDevice) -> str:
    """The device's otpauth:// URL as an inline SVG QR code (no image library needed)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return str(image.to_string(encoding="unicode"))


def make_backup_codes(user: User) -> list[str]:
    """Replace the user's backup codes with a fresh set and return them (they are shown once)."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name=_BACKUP_NAME, defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


@dataclass(frozen=True)
class Enrolment:
    device: TOTPDevice
    backup_codes: list[str]  # shown once


@transaction.atomic
def enrol_confirm(*, request: HttpRequest, device: TOTPDevice, code: str) -> Enrolment | None:
    """Confirm the pending authenticator with a code from it; None when the code is wrong.

    On success any older authenticator is removed, fresh backup codes are made and the
    current session counts as verified.
    """
    user = signed_in_user(request)
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user, confirmed=False)
    if not device.verify_token(code.strip().replace(" ", "")):
        return None
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = make_backup_codes(user)
    django_otp.login(request, device)
    audit_record(actor=user, action=AuditAction.ACCOUNT_TWO_FACTOR_ENABLED, obj=user, data={"user": user.pk},
                 request=request)
    return Enrolment(device=device, backup_codes=codes)


@transaction.atomic
def backup_codes_regenerate(*, request: HttpRequest) -> list[str]:
    """Replace the user's backup codes (the old ones stop working)."""
    codes = make_backup_codes(signed_in_user(request))
    audit_record(actor=request.user, action=AuditAction.ACCOUNT_TWO_FACTOR_BACKUP_CODES_MADE, obj=request.user,
                 data={"user": request.user.pk, "count": len(codes)}, request=request)
    return codes


def verify(*, request: HttpRequest, code: str) -> bool:
    """Check a code from the authenticator or a backup code; mark the session verified when it matches.

    Both kinds are throttled by django-otp (a wait that doubles after each wrong code); a
    backup code is deleted once used. Every attempt is audited.
    """
    user = request.user
    code = code.strip().replace(" ", "").replace("-", "")
    device = None
    if code:
        # Six digits come from the app; anything else can only be a backup code. Trying one
        # device only keeps a backup code from counting as a wrong app code in the throttle.
        model = TOTPDevice if code.isdigit() and len(code) == 6 else StaticDevice
        with transaction.atomic():
            candidate = model.objects.select_for_update().filter(user=user, confirmed=True).first()
            if candidate is not None and candidate.verify_token(code.lower()):
                device = candidate
    if device is None:
        audit_record(actor=user, action=AuditAction.ACCOUNT_TWO_FACTOR_FAILED, obj=user, data={"user": user.pk},
                     request=request)
        return False
    django_otp.login(request, device)
    audit_record(actor=user, action=AuditAction.ACCOUNT_TWO_FACTOR_VERIFIED, obj=user,
                 data={"user": user.pk, "method": "backup code" if isinstance(device, StaticDevice) else "app"},
                 request=request)
    return True


@transaction.atomic
def two_factor_reset(*, user: User, actor: User, reason: str, request: HttpRequest | None = None) -> None:
    """Remove a person's authenticator and backup codes (a lost phone); a clinic admin does this, with a reason."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    audit_record(actor=actor, action=AuditAction.ACCOUNT_TWO_FACTOR_RESET, obj=user,
                 data={"user": user.pk, "reason": reason}, request=request)


def backup_codes_left(user: User) -> int:
    """How many unused backup codes the user has."""
    return int(StaticToken.objects.filter(device__user=user, device__confirmed=True).count())


def secret_text(device: TOTPDevice) -> str:
    """The key in base32, grouped by four, for typing into an app that cannot scan."""
    raw = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(raw[i:i + 4] for i in range(0, len(raw), 4))
