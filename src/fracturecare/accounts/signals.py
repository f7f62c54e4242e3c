"""Receivers for sign-in events: stamp the session, decide the second factor, audit lockouts."""

from __future__ import annotations

import time

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest

from fracturecare.accounts.models import STAFF_ROLES, User
from fracturecare.accounts.twofactor import has_two_factor, two_factor_required
from fracturecare.audit.actions import AuditAction
from fracturecare.audit.services import audit_record

#: When the session's user signed in (epoch seconds); the absolute lifetime counts from here.
AUTH_AT = "auth_at"
#: The session's last recorded activity (epoch seconds); signing in is activity. Read by the idle logout.
LAST_SEEN = "last_seen"
#: What the session still owes before clinic pages open: "verify" (a code) or "setup" (enrol first).
TWO_FACTOR_DUE = "two_factor_due"


@receiver(user_logged_in)
def stamp_sign_in(sender: object, request: HttpRequest | None, user: User, **kwargs: object) -> None:
    """Record the sign-in time and, for staff, whether a second factor is still due.

    Deciding once here keeps the per-page cost at a session read (no query); a policy the
    admin changes applies from each person's next sign-in.
    """
    if request is None or not hasattr(request, "session"):
        return
    request.session[AUTH_AT] = request.session[LAST_SEEN] = int(time.time())
    request.session.pop(TWO_FACTOR_DUE, None)
    if user.role in STAFF_ROLES:
        if has_two_factor(user):
            request.session[TWO_FACTOR_DUE] = "verify"
        elif two_factor_required(user):
            request.session[TWO_FACTOR_DUE] = "setup"


@receiver(user_locked_out)
def audit_lockout(sender: object, request: HttpRequest | None, username: str | None, ip_address: str | None,
                  **kwargs: object) -> None:
    """Every lockout goes in the audit log: the admin sees who was guessed at, and from where."""
    audit_record(action=AuditAction.ACCOUNT_LOCKED_OUT, actor_label="sign-in lockout",
                 data={"username": username or "", "address": ip_address or ""}, request=request)
