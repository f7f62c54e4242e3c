"""Evaluations on the patient timeline (see patients.timeline)."""

from __future__ import annotations

from django.urls import reverse

from fracturecare.evaluations.models import Evaluation
from fracturecare.evaluations.summary import case_summary
from fracturecare.patients.models import Patient
from fracturecare.patients.timeline import TimelineEntry

CLINICAL = True


def timeline_entries(*, patient: Patient) -> list[TimelineEntry]:
    """One entry per evaluation, in one query."""
    rows = Evaluation.objects.filter(patient=patient).select_related("clinician")
    return [
        TimelineEntry(
            when=e.created_at,
            kind="evaluation",
            title=f"Evaluation by {e.clinician.get_full_name() or e.clinician.get_username()}",
            detail=case_summary(e.case),
            url=reverse("evaluations:detail", args=[e.pk]),
        )
        for e in rows
    ]
