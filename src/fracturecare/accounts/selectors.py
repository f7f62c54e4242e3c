"""Reads for accounts pages."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django_otp.plugins.otp_totp.models import TOTPDevice

from fracturecare.accounts.models import STAFF_ROLES, ApiToken, Role, SecurityPolicy, User


def tokens_visible_to(user) -> QuerySet[ApiToken]:
    """A user's own tokens; a clinic admin sees everyone's. Newest first, one query."""
    qs = ApiToken.objects.select_related("user", "revoked_by").order_by("revoked_at", "-created_at", "-id")
    if user.role != Role.CLINIC_ADMIN:
        qs = qs.filter(user=user)
    return qs


@dataclass(frozen=True)
class StaffTwoFactor:
    user: User
    has_two_factor: bool
    required: bool


def staff_two_factor_states() -> list[StaffTwoFactor]:
    """Active staff with whether each has an authenticator and whether their role must (three queries)."""
    from_devices = set(TOTPDevice.objects.filter(confirmed=True).values_list("user_id", flat=True))
    policy = SecurityPolicy.current()
    staff = User.objects.filter(role__in=STAFF_ROLES, is_active=True).order_by("last_name", "first_name", "username")
    return [StaffTwoFactor(user=u, has_two_factor=u.pk in from_devices, required=policy.requires_2fa(u.role))
            for u in staff]
