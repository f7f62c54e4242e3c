"""Visits on the patient timeline (see patients.timeline)."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from fracturecare.charting.selectors import visits_for_patient
from fracturecare.patients.timeline import TimelineEntry

CLINICAL = True


def _when(visit) -> datetime.datetime:
    # A visit is dated, not timed: use the time it was charted when that was the same day.
    created = timezone.localtime(visit.created_at)
    if created.date() == visit.visit_date:
        return created
    return timezone.make_aware(datetime.datetime.combine(visit.visit_date, datetime.time(12)))


def timeline_entries(*, patient) -> list[TimelineEntry]:
    """One entry per visit, in one query."""
    entries = []
    for v in visits_for_patient(patient):
        parts = [f"{v.n_points} point(s)", f"{v.n_dry_needling} muscle(s)"]  # type: ignore[attr-defined]  # counted in visits_for_patient; django-stubs drops annotations
        if v.pain_nrs_before is not None and v.pain_nrs_after is not None:
            parts.append(f"pain {v.pain_nrs_before}→{v.pain_nrs_after}")
        if v.n_adverse_events:  # type: ignore[attr-defined]  # counted in visits_for_patient; django-stubs drops annotations
            parts.append(f"{v.n_adverse_events} adverse event(s)")  # type: ignore[attr-defined]  # counted in visits_for_patient; django-stubs drops annotations
        if v.n_amendments:  # type: ignore[attr-defined]  # counted in visits_for_patient; django-stubs drops annotations
            parts.append(f"{v.n_amendments} amendment(s)")  # type: ignore[attr-defined]  # counted in visits_for_patient; django-stubs drops annotations
        entries.append(
            TimelineEntry(
                when=_when(v),
                kind="visit",
                title=f"Treatment visit ({'signed' if v.is_signed else 'draft'})",
                detail=", ".join(parts),
                url=reverse("charting:visit_detail", args=[v.pk]),
            )
        )
    return entries
