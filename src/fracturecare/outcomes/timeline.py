"""Outcome assessments on the patient timeline (see patients.timeline)."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from fracturecare.outcomes.selectors import outcomes_for_patient
from fracturecare.patients.timeline import TimelineEntry

CLINICAL = True


def timeline_entries(*, patient) -> list[TimelineEntry]:
    """One entry per assessment, in one query."""
    url = reverse("outcomes:patient_outcomes", args=[patient.pk])
    entries = []
    for a in outcomes_for_patient(patient):
        parts = []
        if a.pain_nrs is not None:
            parts.append(f"pain {a.pain_nrs}/10")
        if a.lefs_total is not None:
            parts.append(f"LEFS {a.lefs_total}/80")
        if a.phase:
            parts.append(a.get_phase_display())
        created = timezone.localtime(a.created_at)
        when = (
            created
            if created.date() == a.assessed_on
            else timezone.make_aware(datetime.datetime.combine(a.assessed_on, datetime.time(12)))
        )
        entries.append(
            TimelineEntry(
                when=when,
                kind="outcome",
                title=f"Outcome measures ({a.get_timepoint_display()})",
                detail=", ".join(parts),
                url=url,
            )
        )
    return entries
