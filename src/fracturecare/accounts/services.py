"""Writes for accounts: personal API tokens (made, revoked, checked on use)."""

from __future__ import annotations

import datetime
import hashlib
import secrets
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from fracturecare.accounts.models import ApiToken, Role, User
from fracturecare.audit.actions import AuditAction
from fracturecare.audit.services import audit_record

#: Every token starts with this, so a leaked one is easy to recognise (and to scan for).
TOKEN_PREFIX = "fct_"
#: Roles that may hold a token: the API's only operation (plans) is clinical.
TOKEN_ROLES = (Role.CLINICIAN, Role.CLINIC_ADMIN)
#: `last_used_at` is written at most this often per token, not on every request.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class NewToken:
    """A token just made: `raw` is shown to its owner once and stored nowhere."""

    token: ApiToken
    raw: str


@transaction.atomic
def token_create(*, user: User, name: str, request: HttpRequest | None = None) -> NewToken:
    """Make a personal access token for `user`; raises ValidationError for a bad name."""
    if user.role not in TOKEN_ROLES or not user.is_active:
        raise PermissionDenied("Only clinicians and clinic admins may hold API tokens.")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name.strip(), key_hash=token_hash(raw), prefix=raw[: len(TOKEN_PREFIX) + 6])
    token.full_clean()
    token.save()
    audit_record(actor=user, action=AuditAction.API_TOKEN_CREATED, obj=token,
                 data={"token": token.pk, "owner": user.pk}, request=request)
    return NewToken(token=token, raw=raw)


@transaction.atomic
def token_revoke(*, token: ApiToken, actor: User, request: HttpRequest | None = None) -> ApiToken:
    """Revoke a token (its owner, or a clinic admin). Revoking twice keeps the first time."""
    if actor.pk != token.user_id and actor.role != Role.CLINIC_ADMIN:
        raise PermissionDenied("Only the token's owner or a clinic admin may revoke it.")
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.revoked_by = actor
        token.full_clean()
        token.save(update_fields=["revoked_at", "revoked_by"])
        audit_record(actor=actor, action=AuditAction.API_TOKEN_REVOKED, obj=token,
                     data={"token": token.pk, "owner": token.user_id}, request=request)
    return token


def token_authenticate(raw: str, *, request: HttpRequest | None = None) -> ApiToken | None:
    """The live token for a raw bearer value, with its user; None if unknown, revoked or the user is off.

    Use of a revoked token is audited against its owner: it is either a forgotten script or a leak.
    """
    if not raw or not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    token = ApiToken.objects.select_related("user").filter(key_hash=token_hash(raw)).first()
    if token is None:
        return None
    if token.revoked_at is not None or not token.user.is_active:
        audit_record(actor=token.user, action=AuditAction.API_TOKEN_REJECTED, obj=token,
                     data={"token": token.pk, "reason": "revoked" if token.revoked_at else "user inactive"},
                     request=request)
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
