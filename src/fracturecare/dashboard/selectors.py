"""What the clinic home shows: each read is a fixed number of queries however many rows there are."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from fracturecare.accounts.models import Role
from fracturecare.evaluations.models import Evaluation
from fracturecare.intake.content import FormKind
from fracturecare.intake.selectors import consent_status_for
from fracturecare.outcomes.models import OutcomeAssessment, ProgressFlag
from fracturecare.outcomes.progress import Progress, assess_progress
from fracturecare.outcomes.selectors import REVIEW_INTERVAL_DAYS, CurrentStage, current_stages, measurements
from fracturecare.patients.models import Patient
from fracturecare.planning.models import URGENT_LEVELS, OpenPlan, Plan
from fracturecare.programmes.selectors import programme_stages
from fracturecare.scheduling.models import Appointment
from fracturecare.scheduling.safety import PAIN_AREAS, SAFETY_QUESTIONS, SafetyQuestion
from fracturecare.scheduling.selectors import day_schedule

if TYPE_CHECKING:
    pass

#: How many rows each list shows; the heading gives the full count.
LIST_LIMIT = 25
#: Counting stops here ("100+"): an exact count of a long list would read every row of it on
#: every page load, and nobody acts differently on 2,317 than on 100+.
COUNT_CAP = 100
#: A patient is in active care while they have an outcome assessment this recent: three review
#: intervals (clinic default, not from a source), so one missed review does not hide a flag.
ACTIVE_CARE_DAYS = 3 * REVIEW_INTERVAL_DAYS

_PAIN_AREA_LABELS = dict(PAIN_AREAS)
_QUESTIONS = {q.key: q for q in SAFETY_QUESTIONS}


# --- today's appointments -------------------------------------------------------------------


@dataclass(frozen=True)
class Intake:
    """A booking's intake answers, read for a glance: where it hurts, why, and the safety screen."""

    pain_area: str
    reason: str
    screen: str  # "clear" (every question answered no) | "flags" | "not_asked"
    flags: tuple[SafetyQuestion, ...] = ()


def intake_of(appointment: Appointment) -> Intake:
    data = appointment.intake or {}
    answers = data.get("screen")
    if isinstance(answers, dict) and answers:
        flags = tuple(_QUESTIONS[k] for k, v in answers.items() if v is True and k in _QUESTIONS)
        screen = "flags" if flags else "clear"
    else:
        # Front-desk bookings do not ask the screen; the clinician should ask at the visit.
        flags, screen = (), "not_asked"
    area = data.get("pain_area") or ""
    return Intake(pain_area=_PAIN_AREA_LABELS.get(area, area), reason=appointment.reason, screen=screen, flags=flags)


@dataclass(frozen=True)
class TodayRow:
    appointment: Appointment
    intake: Intake
    latest_plan: Plan | None
    stage: CurrentStage | None = None
    flags: tuple[str, ...] = ()


FLAG_NOT_IMPROVING = "Not improving"
FLAG_CONSENT_MISSING = "Needling consent missing"
FLAG_RESCREEN_DUE = "Red-flag re-screen due"
FLAG_URGENT = "Urgent triage unresolved"
FLAG_STEPPED_BACK = "Programme stepped back"


def _today_flags(patient_ids: set[int], appointments: list[Appointment], plans: dict[int, Plan]) -> dict[int, list]:
    """Flags per patient for today's list, in a fixed number of queries (two, plus the programme's two)."""
    flags: dict[int, list[str]] = {pid: [] for pid in patient_ids}
    series: dict[int, list[OutcomeAssessment]] = {}
    live = (OutcomeAssessment.objects.filter(patient_id__in=patient_ids, voided_at__isnull=True)
            .only("patient_id", "assessed_on", "pain_nrs", "lefs_total", "patient_reported")
            .order_by("patient_id", "assessed_on", "id"))
    for a in live:
        series.setdefault(a.patient_id, []).append(a)
    for pid, rows in series.items():
        if assess_progress(measurements(rows)).needs_review:
            flags[pid].append(FLAG_NOT_IMPROVING)
    consents = consent_status_for(list(patient_ids))
    for pid, status in consents.items():
        if not (status[FormKind.CONSENT_ACUPUNCTURE].current and status[FormKind.CONSENT_DRY_NEEDLING].current):
            flags[pid].append(FLAG_CONSENT_MISSING)
    for appointment in appointments:
        # The booking's safety screen was not asked (front desk) or had a yes: ask it at the visit.
        if intake_of(appointment).screen != "clear" and FLAG_RESCREEN_DUE not in flags[appointment.patient_id]:
            flags[appointment.patient_id].append(FLAG_RESCREEN_DUE)
    for pid, plan in plans.items():
        if plan.triage_level in URGENT_LEVELS:
            flags[pid].append(FLAG_URGENT)
    for pid, stage in programme_stages(list(patient_ids)).items():
        if stage.stepped_back:
            flags[pid].append(FLAG_STEPPED_BACK)
    return flags


def _latest_plans(patient_ids) -> dict[int, Plan]:
    latest: dict[int, Plan] = {}
    plans = Plan.objects.filter(patient_id__in=patient_ids).only(
        "id", "patient_id", "triage_level", "created_at"
    ).order_by("patient_id", "-created_at", "-id")
    for plan in plans:
        latest.setdefault(plan.patient_id, plan)
    return latest


def clinician_day(*, user, day: datetime.date) -> list[TodayRow]:
    """The user's own live appointments on a clinic-local day, in time order, with intake and latest plan."""
    appointments: list[Appointment] = []
    for practitioner, rows in day_schedule(day).items():
        if practitioner.user_id == user.pk:
            appointments = rows
    if not appointments:
        return []
    ids = {a.patient_id for a in appointments}
    plans = _latest_plans(ids)
    stages = current_stages(ids)
    flags = _today_flags(ids, appointments, plans)
    return [TodayRow(a, intake_of(a), plans.get(a.patient_id), stages.get(a.patient_id), tuple(flags[a.patient_id]))
            for a in appointments]


# --- plans ----------------------------------------------------------------------------------


def _open_plans() -> QuerySet[OpenPlan]:
    """Each patient's newest plan when it has something to sign: never signed, or changed since.

    Read from planning.models.OpenPlan, which the planning services keep as plans are generated, changed
    and signed: one index range, oldest first, stopping at the page's last row.
    """
    return (
        OpenPlan.objects.select_related("patient")
        .only("plan_id", "patient_id", "triage_level", "created_at", "created_by_id", "last_version",
              "patient__id", "patient__first_name", "patient__last_name")
        .order_by("created_at", "plan_id")
    )


@dataclass(frozen=True)
class Listing:
    rows: list
    total: int
    #: True when there are more than `total` rows (the count stopped at COUNT_CAP).
    capped: bool = False

    @property
    def more(self) -> int:
        return self.total - len(self.rows)


def _listing(qs, limit: int = LIST_LIMIT) -> Listing:
    """The first `limit` rows and a count that stops at COUNT_CAP: two bounded queries, whatever the size."""
    # Always count, so the page runs the same queries however long the list is.
    counted = qs.order_by()[: COUNT_CAP + 1].count()
    return Listing(rows=list(qs[:limit]), total=min(counted, COUNT_CAP), capped=counted > COUNT_CAP)


def plans_awaiting_signature(*, user) -> Listing:
    """Plans the user generated that wait for a signature (a clinic admin sees everyone's), oldest first."""
    qs = _open_plans()
    if user.role != Role.CLINIC_ADMIN:
        qs = qs.filter(created_by=user)
    return _listing(qs)


def urgent_plans_unsigned() -> Listing:
    """Clinic-wide: newest plans triaged emergency or urgent referral that nobody has signed yet."""
    return _listing(_open_plans().filter(urgent_unsigned=True))


# --- outcomes -------------------------------------------------------------------------------


@dataclass(frozen=True)
class FlaggedPatient:
    patient: Patient
    progress: Progress
    last_assessed: datetime.date


def _patients_in_care_of(user) -> Q:
    return Q(patient_id__in=Evaluation.objects.filter(clinician=user).values("patient_id")) | Q(
        patient_id__in=Appointment.objects.filter(practitioner__user=user).values("patient_id")
    )


def patients_not_improving(*, user, today: datetime.date) -> Listing:
    """Patients in active care whose course the outcomes rule flags (not improving or worsening).

    A clinician sees the patients they evaluated or who booked with them; a clinic admin sees all.
    The rule is outcomes.progress.assess_progress, the one the outcomes page shows, over the same live
    (not entered-in-error) assessments; its verdicts are stored (outcomes.models.ProgressFlag) when an
    assessment is recorded or marked as entered in error, so this reads one index range: worsening first,
    then the longest without improvement. Two bounded queries.
    """
    active = ProgressFlag.objects.filter(last_assessed__gte=today - datetime.timedelta(days=ACTIVE_CARE_DAYS))
    if user.role != Role.CLINIC_ADMIN:
        active = active.filter(_patients_in_care_of(user))
    qs = (
        active.select_related("patient")
        .only("patient_id", "status", "message", "days_since_baseline", "last_assessed",
              "patient__id", "patient__first_name", "patient__last_name")
        .order_by("rank", "-days_since_baseline", "patient_id")
    )
    listing = _listing(qs)
    rows = [FlaggedPatient(f.patient, Progress(f.status, f.message, f.days_since_baseline), f.last_assessed)
            for f in listing.rows]
    return Listing(rows=rows, total=listing.total, capped=listing.capped)
