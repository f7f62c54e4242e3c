"""Demo outcome measures: one patient improving, one not (runs after planning's demo).

Safe to run twice: a patient who already has assessments is left alone.
"""

from __future__ import annotations

import datetime

from django.core.management.base import OutputWrapper
from django.utils import timezone

from fracturecare.accounts.models import User
from fracturecare.outcomes import services
from fracturecare.outcomes.models import OutcomeAssessment
from fracturecare.patients.models import Patient

# (days ago, timepoint, pain NRS, LEFS item score used for every item, phase, walk-run day)
SERIES: dict[tuple[str, str], list[tuple[int, str, int, int, str, int | None]]] = {
    ("Maya", "Lopez"): [
        (28, "intake", 6, 2, "protection", None),
        (14, "review", 4, 3, "reload", None),
        (1, "review", 2, 3, "return_to_run", 6),
    ],
    # No clinically important change after more than two weeks: the page prompts a review.
    ("Marcus", "Green"): [(21, "intake", 5, 2, "protection", None), (3, "review", 5, 2, "protection", None)],
}


def load(stdout: OutputWrapper) -> None:
    """Record the demo assessments."""
    clinician = User.objects.get(username="clinician")
    today = timezone.localdate()
    created = 0
    for (first, last), series in SERIES.items():
        patient = Patient.objects.filter(first_name=first, last_name=last).first()
        # Signed demo visits add their pain scores (timepoint "other"); those do not count as loaded.
        if patient is None or OutcomeAssessment.objects.filter(patient=patient).exclude(timepoint="other").exists():
            continue
        for days_ago, timepoint, nrs, item, phase, day in series:
            # Vary one item so the LEFS totals are not all multiples of 20.
            items = [item] * 19 + [min(item + 1, 4)]
            services.assessment_create(
                patient=patient,
                recorded_by=clinician,
                assessed_on=today - datetime.timedelta(days=days_ago),
                timepoint=timepoint,
                pain_nrs=nrs,
                lefs_items=items,
                phase=phase,
                walk_run_day=day,
            )
            created += 1
    stdout.write(f"Demo outcome assessments: {created} new.")
