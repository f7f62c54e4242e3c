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


def outcomes_for_patient(patient, *, include_voided: bool = False) -> QuerySet[OutcomeAssessment]:
    """A patient's assessments, oldest first (one query); entries made in error only on request."""
    qs = OutcomeAssessment.objects.filter(patient=patient).select_related("recorded_by", "voided_by")
    if not include_voided:
        qs = qs.filter(voided_at__isnull=True)
    return qs.order_by("assessed_on", "id")


def measurements(assessments) -> list[Measurement]:
    return [Measurement(on=a.assessed_on, pain_nrs=a.pain_nrs, lefs=a.lefs_total) for a in assessments]


@dataclass(frozen=True)
class OutcomeSummary:
    assessments: list[OutcomeAssessment]  # live and entered-in-error, oldest first
    progress: Progress
    chart_svg: str
    current_phase: OutcomeAssessment | None
    next_review_due: datetime.date | None


def outcome_summary(patient) -> OutcomeSummary:
    """Everything the outcomes page shows, from one query. Entries made in error are listed, not charted."""
    assessments = list(outcomes_for_patient(patient, include_voided=True))
    live = [a for a in assessments if not a.is_voided]
    series = measurements(live)
    staged = [a for a in live if a.phase]
    return OutcomeSummary(
        assessments=assessments,
        progress=assess_progress(series),
        chart_svg=render_progress_chart(series),
        current_phase=staged[-1] if staged else None,
        next_review_due=live[-1].assessed_on + datetime.timedelta(days=REVIEW_INTERVAL_DAYS) if live else None,
    )
