"""Reading outcome assessments, and the progress rule and chart over them."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet

from fracturecare.outcomes.chart import render_progress_chart
from fracturecare.outcomes.models import OutcomeAssessment
from fracturecare.outcomes.progress import Measurement, Progress, assess_progress
from fracturecare.outcomes.stages import Phase
from fracturecare.planning.models import PlanVersion
from fracturecare.programmes.selectors import programme_stages

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
    return [
        Measurement(on=a.assessed_on, pain_nrs=a.pain_nrs, lefs=a.lefs_total, patient_reported=a.patient_reported)
        for a in assessments
    ]


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


@dataclass(frozen=True)
class CurrentStage:
    """Where the patient is now on the return-to-activity road, and what says so."""

    phase: str  # a Phase value
    label: str  # e.g. "3. Return to running"
    detail: str  # e.g. the programme step, or "" when the phase is all there is
    source: str  # "outcome" | "programme" | "plan"
    on: datetime.date


def current_stages(patient_ids) -> dict[int, CurrentStage]:
    """The current stage of many patients in three queries (the clinic home's list).

    The most recent of: the latest outcome assessment that records a phase, the programme's latest
    position (return to running; return to sport once complete), and the latest signed plan's phase.
    On the same day an outcome assessment wins over a programme, which wins over the plan.
    """
    ids = list(patient_ids)
    found: dict[int, list[tuple[datetime.date, int, CurrentStage]]] = {pid: [] for pid in ids}
    staged = (OutcomeAssessment.objects.filter(patient_id__in=ids, voided_at__isnull=True).exclude(phase="")
              .order_by("patient_id", "-assessed_on", "-id"))
    seen: set[int] = set()
    for a in staged:
        if a.patient_id in seen:
            continue
        seen.add(a.patient_id)
        detail = f"walk–run day {a.walk_run_day}" if a.walk_run_day else ""
        found[a.patient_id].append((a.assessed_on, 3, CurrentStage(a.phase, Phase(a.phase).label, detail, "outcome",
                                                                   a.assessed_on)))
    for pid, stage in programme_stages(ids).items():
        phase = Phase.RETURN_TO_SPORT if stage.completed else Phase.RETURN_TO_RUN
        found[pid].append((stage.on, 2, CurrentStage(phase, Phase(phase).label, stage.text, "programme", stage.on)))
    versions = (PlanVersion.objects.filter(plan__patient_id__in=ids).select_related("plan")
                .order_by("plan__patient_id", "-signed_at", "-id"))
    seen = set()
    for v in versions:
        pid = v.plan.patient_id
        if pid in seen:
            continue
        seen.add(pid)
        phase = (v.snapshot.get("plan", {}).get("phase") or {}).get("current", "")
        if phase in Phase.values:
            on = v.signed_at.date()
            found[pid].append((on, 1, CurrentStage(phase, Phase(phase).label, "", "plan", on)))
    return {pid: max(c, key=lambda t: (t[0], t[1]))[2] for pid, c in found.items() if c}


def latest_signed_plan_for_patient(patient) -> PlanVersion | None:
    """The patient's most recently signed plan version (outcomes never reads handouts: they read outcomes)."""
    return (
        PlanVersion.objects.filter(plan__patient=patient).select_related("plan").order_by("-signed_at", "-id").first()
    )


def current_stage(patient) -> CurrentStage | None:
    """The patient's current return-to-activity stage, or None when nothing records one yet."""
    return current_stages([patient.pk]).get(patient.pk)
