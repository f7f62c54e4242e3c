"""Writes to the clinic profile, its message templates and the first-run set-up token. All audited."""

from __future__ import annotations

import datetime
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from fracturecare.accounts.models import Role, User
from fracturecare.audit.actions import AuditAction
from fracturecare.audit.services import audit_record
from fracturecare.clinic.models import PROFILE_PK, ClinicProfile, MessageTemplate, SetupToken
from fracturecare.clinic.selectors import profile_defaults, replace_scoped

#: How long a set-up link works.
SETUP_TOKEN_LIFETIME = datetime.timedelta(hours=24)


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def clinic_needs_setup() -> bool:
    """An empty database: no clinic profile and no clinic admin yet."""
    return (
        not ClinicProfile.objects.filter(pk=PROFILE_PK).exists()
        and not User.objects.filter(role=Role.CLINIC_ADMIN, is_active=True).exists()
    )


def setup_token_create(*, now: datetime.datetime | None = None) -> str:
    """A new one-time set-up secret (returned once; only its hash is stored). Older unused links stop working."""
    now = now or timezone.now()
    raw = secrets.token_urlsafe(32)
    with transaction.atomic():
        SetupToken.objects.filter(used_at__isnull=True).delete()
        SetupToken.objects.create(token_hash=_hash(raw), expires_at=now + SETUP_TOKEN_LIFETIME)
        audit_record(action=AuditAction.CLINIC_SETUP_LINK_CREATED, actor_label="fracturecare serve",
                     data={"expires_at": (now + SETUP_TOKEN_LIFETIME).isoformat()})
    return raw


def setup_token_find(raw: str, *, now: datetime.datetime | None = None) -> SetupToken | None:
    """The unused, unexpired token for this secret, or None (wrong, used or expired all look alike)."""
    now = now or timezone.now()
    if not raw or len(raw) > 100:
        return None
    return SetupToken.objects.filter(token_hash=_hash(raw), used_at__isnull=True, expires_at__gt=now).first()


class SetupTokenInvalid(Exception):
    """The link is wrong, used or expired."""


@dataclass(frozen=True)
class AdminDetails:
    username: str
    first_name: str
    last_name: str
    email: str
    password: str


@transaction.atomic
def setup_complete(
    *, raw_token: str, profile: dict[str, Any], admin: AdminDetails, request: HttpRequest | None = None,
    now: datetime.datetime | None = None,
) -> User:
    """Name the clinic and create its first clinic-admin login; the token is spent. All or nothing.

    `profile` holds the validated ClinicProfile details (name, address, phone, sms, email, time_zone).
    Raises SetupTokenInvalid if the token is wrong, used or expired (checked under a row lock, so two
    tabs cannot both use it).
    """
    now = now or timezone.now()
    token = setup_token_find(raw_token, now=now)
    if token is None:
        raise SetupTokenInvalid
    token = SetupToken.objects.select_for_update().get(pk=token.pk)
    if token.used_at is not None:
        raise SetupTokenInvalid
    # A new profile takes the rest (booking policy) from the first-run defaults.
    row, _ = ClinicProfile.objects.update_or_create(
        pk=PROFILE_PK, defaults=profile, create_defaults={**profile_defaults(), **profile}
    )
    user = User(username=admin.username, first_name=admin.first_name, last_name=admin.last_name,
                email=admin.email, role=Role.CLINIC_ADMIN)
    user.set_password(admin.password)
    user.save()
    token.used_at = now
    token.save(update_fields=["used_at"])
    audit_record(action=AuditAction.CLINIC_SETUP_COMPLETED, actor=user, obj=row, request=request,
                 data={"admin": user.pk, "fields": sorted(profile)})
    replace_scoped(row)
    return user


def profile_ensure(**overrides: Any) -> ClinicProfile:
    """The saved profile, created from the first-run defaults (plus `overrides`) if there is none."""
    row, created = ClinicProfile.objects.get_or_create(pk=PROFILE_PK, defaults={**profile_defaults(), **overrides})
    if created:
        audit_record(action=AuditAction.CLINIC_PROFILE_CREATED, actor_label="demo data", obj=row,
                     data={"fields": sorted(profile_defaults())})
    return row


@transaction.atomic
def profile_save(
    *,
    form: forms.ModelForm,
    actor: User,
    request: HttpRequest | None = None,
    action: AuditAction = AuditAction.CLINIC_PROFILE_UPDATED,
) -> ClinicProfile:
    """Save a validated ClinicProfile form (details or booking policy) and audit which fields changed."""
    row: ClinicProfile = form.save(commit=False)
    row.pk = PROFILE_PK
    row.save()
    audit_record(actor=actor, action=action, obj=row, request=request,
                 data={"fields": sorted(form.changed_data)})
    replace_scoped(row)
    return row


@transaction.atomic
def message_template_save(
    *, kind: str, channel: str, subject: str, body: str, actor: User, request: HttpRequest | None = None
) -> MessageTemplate:
    """Store the clinic's wording for one message (validated by MessageTemplateForm first)."""
    row, created = MessageTemplate.objects.update_or_create(
        kind=kind, channel=channel, defaults={"subject": subject, "body": body}
    )
    audit_record(actor=actor, action=AuditAction.CLINIC_MESSAGE_TEMPLATE_SAVED, obj=row, request=request,
                 data={"kind": kind, "channel": channel, "created": created})
    return row


@transaction.atomic
def message_template_reset(
    *, kind: str, channel: str, actor: User, request: HttpRequest | None = None
) -> bool:
    """Go back to the default wording; True if there was a custom one."""
    deleted, _ = MessageTemplate.objects.filter(kind=kind, channel=channel).delete()
    audit_record(actor=actor, action=AuditAction.CLINIC_MESSAGE_TEMPLATE_RESET, request=request,
                 data={"kind": kind, "channel": channel, "had_custom": bool(deleted)})
    return bool(deleted)
