"""Visits on the patient timeline (see patients.timeline)."""

from __future__ import annotations

import datetime
from collections import Counter

from django.urls import reverse
from django.utils import timezone

from fracturecare.charting.selectors import addenda_for_patient, visits_for_patient
from fracturecare.patients.timeline import TimelineEntry

CLINICAL = True


def _when(visit) -> datetime.datetime:
    # A visit is dated, not timed: use the time it was charted when that was the same day.
    created = timezone.localtime(visit.created_at)
    if created.date() == visit.visit_date:
        return created
    return timezone.make_aware(datetime.datetime.combine(visit.visit_date, datetime.time(12)))


def timeline_entries(*, patient) -> list[TimelineEntry]:
    """One entry per visit and one per signed addendum (who added it, when), in two queries."""
    addenda = list(addenda_for_patient(patient))
    addenda_per_visit = Counter(a.visit_id for a in addenda)
    entries = []
    for v in visits_for_patient(patient):
        parts = [f"{v.n_points} point(s)", f"{v.n_dry_needling} muscle(s)"]
        if v.pain_nrs_before is not None and v.pain_nrs_after is not None:
            parts.append(f"pain {v.pain_nrs_before}→{v.pain_nrs_after}")
        if v.n_adverse_events:
            parts.append(f"{v.n_adverse_events} adverse event(s)")
        if v.n_amendments:
            parts.append(f"{v.n_amendments} amendment(s)")
        if addenda_per_visit[v.pk]:
            n = addenda_per_visit[v.pk]
            parts.append(f"{n} {'addendum' if n == 1 else 'addenda'}")
        entries.append(
            TimelineEntry(
                when=_when(v),
                kind="visit",
                title=f"Treatment visit ({'signed' if v.is_signed else 'draft'})",
                detail=", ".join(parts),
                url=reverse("charting:visit_detail", args=[v.pk]),
            )
        )
    for a in addenda:
        author = a.author.get_full_name() or a.author.get_username()
        entries.append(
            TimelineEntry(
                when=a.signed_at,
                kind="visit",
                title=f"Addendum to the visit of {a.visit.visit_date:%Y-%m-%d}",
                detail=f"Signed by {author}",
                url=reverse("charting:visit_detail", args=[a.visit_id]),
            )
        )
    return entries
