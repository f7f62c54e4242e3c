"""Sign-in lockout (django-axes): how attempts are keyed, who is locked out, and the admin's unlock.

Failures are counted per username and per client address (settings.AXES_LOCKOUT_PARAMETERS);
either reaching AXES_FAILURE_LIMIT refuses further attempts until the cool-off passes or a
clinic admin unlocks at /clinic/security/.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.db import transaction
from django.db.models import Max, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from fracturecare.accounts.models import User
from fracturecare.audit.actions import AuditAction
from fracturecare.audit.services import audit_record


def client_address(request: HttpRequest) -> str | None:
    """The client's address as Django sees it (REMOTE_ADDR, set by a trusted proxy if any)."""
    return request.META.get("REMOTE_ADDR") or None


def attempted_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str | None:
    """The username typed, folded to lower case so 'Alice' and 'alice' share one count."""
    username = (credentials or {}).get("username")
    if username is None and request is not None:
        username = request.POST.get("username")
    return username.strip().lower() if isinstance(username, str) else None


def _cooloff() -> datetime.timedelta | None:
    hours = settings.AXES_COOLOFF_TIME
    return datetime.timedelta(hours=hours) if hours else None


@dataclass(frozen=True)
class Lockout:
    """A username or an address that has reached the failure limit."""

    kind: str  # "username" or "address"
    value: str
    failures: int
    last_attempt: datetime.datetime


def active_lockouts() -> list[Lockout]:
    """Usernames and addresses locked out now, most recent first."""
    attempts = AccessAttempt.objects.all()
    cooloff = _cooloff()
    if cooloff:
        attempts = attempts.filter(attempt_time__gte=timezone.now() - cooloff)
    limit = settings.AXES_FAILURE_LIMIT
    found = []
    for kind, field in (("username", "username"), ("address", "ip_address")):
        # (No exclude(field=""): on an IP address field "" means NULL, and NOT NULL-or-NULL drops every row.)
        rows = (attempts.exclude(**{f"{field}__isnull": True})
                .values(field).annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
                .filter(failures__gte=limit))
        found += [Lockout(kind=kind, value=r[field], failures=r["failures"], last_attempt=r["last"])
                  for r in rows.order_by() if r[field]]
    return sorted(found, key=lambda lock: lock.last_attempt, reverse=True)


@transaction.atomic
def unlock(*, kind: str, value: str, actor: User, request: HttpRequest | None = None) -> int:
    """Clear the failed attempts of a username or an address (audited); returns how many rows went."""
    if kind == "username":
        removed = AxesProxyHandler.reset_attempts(username=value)
    elif kind == "address":
        removed = AxesProxyHandler.reset_attempts(ip_address=value)
    else:
        raise ValueError(f"kind={kind!r} is not 'username' or 'address'")
    audit_record(actor=actor, action=AuditAction.ACCOUNT_UNLOCKED,
                 data={"kind": kind, "value": value, "attempts": removed},
                 request=request)
    return int(removed)


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict[str, Any] | None
) -> HttpResponse:
    """The page a locked-out sign-in gets (429), saying how long the pause lasts."""
    cooloff = _cooloff()
    minutes = int(cooloff.total_seconds() // 60) if cooloff else None
    response = render(request, "accounts/locked_out.html", {"cooloff_minutes": minutes}, status=429)
    if minutes:
        response["Retry-After"] = str(minutes * 60)
    return response
