"""Reading outcome assessments, and the progress rule and chart over them."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet

from fracturecare.outcomes.chart import render_progress_chart
from fracturecare.outcomes.models import OutcomeAssessment
from fracturecare.outcomes.progress import Measurement, Progress, assess_progress

# Clinic default, not from a source: reassess every two weeks, which is when the
# "no improvement after 2–3 weeks" rule (outcomes.progress) can first fire.
REVIEW_INTERVAL_DAYS = 14


def outcomes_for_patient(patient) -> QuerySet[OutcomeAssessment]:
    """A patient's assessments, oldest first (one query)."""
    return OutcomeAssessment.objects.filter(patient=patient).select_related("recorded_by").order_by("assessed_on", "id")


def measurements(assessments) -> list[Measurement]:
    return [Measurement(on=a.assessed_on, pain_nrs=a.pain_nrs, lefs=a.lefs_total) for a in assessments]


@dataclass(frozen=True)
class OutcomeSummary:
    assessments: list[OutcomeAssessment]
    progress: Progress
    chart_svg: str
    current_phase: OutcomeAssessment | None
    next_review_due: datetime.date | None


def outcome_summary(patient) -> OutcomeSummary:
    """Everything the outcomes page shows, from one query."""
    assessments = list(outcomes_for_patient(patient))
    series = measurements(assessments)
    staged = [a for a in assessments if a.phase]
    return OutcomeSummary(
        assessments=assessments,
        progress=assess_progress(series),
        chart_svg=render_progress_chart(series),
        current_phase=staged[-1] if staged else None,
        next_review_due=(
            assessments[-1].assessed_on + datetime.timedelta(days=REVIEW_INTERVAL_DAYS) if assessments else None
        ),
    )
