"""Reading the audit log (clinic admins only; the read itself is audited by the caller)."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet
from django.utils import timezone

from fracturecare.audit.models import AuditEvent


def _start_of(day: datetime.date) -> datetime.datetime:
    # Days are the clinic's days: the current time zone is the clinic zone (settings.TIME_ZONE).
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def audit_events(
    *, patient_id: int | None = None, actor: str = "", action: str = "",
    date_from: datetime.date | None = None, date_to: datetime.date | None = None,
) -> QuerySet[AuditEvent]:
    """Events matching every filter given, newest first, with actor and patient (one query per page)."""
    qs = AuditEvent.objects.select_related("actor", "patient").order_by("-at", "-id")
    if patient_id:
        qs = qs.filter(patient_id=patient_id)
    if actor:
        # The label keeps the name when there is no user (online booking, the outbox worker).
        qs = qs.filter(actor_label__iexact=actor.strip())
    if action:
        action = action.strip()
        qs = qs.filter(action__startswith=action) if action.endswith(".") else qs.filter(action=action)
    if date_from:
        qs = qs.filter(at__gte=_start_of(date_from))
    if date_to:
        qs = qs.filter(at__lt=_start_of(date_to + datetime.timedelta(days=1)))
    return qs
