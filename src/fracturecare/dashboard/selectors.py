"""What the clinic home shows: each read is a fixed number of queries however many rows there are."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypedDict

from django.db.models import Exists, Max, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from fracturecare.accounts.models import Role
from fracturecare.evaluations.models import Evaluation
from fracturecare.intake.content import FormKind
from fracturecare.intake.selectors import consent_status_for
from fracturecare.outcomes.models import OutcomeAssessment
from fracturecare.outcomes.progress import Progress, assess_progress
from fracturecare.outcomes.selectors import REVIEW_INTERVAL_DAYS, CurrentStage, current_stages, measurements
from fracturecare.patients.models import Patient
from fracturecare.planning.models import URGENT_LEVELS, Plan, PlanEdit, PlanVersion
from fracturecare.programmes.selectors import programme_stages
from fracturecare.scheduling.models import Appointment
from fracturecare.scheduling.safety import PAIN_AREAS, SAFETY_QUESTIONS, SafetyQuestion
from fracturecare.scheduling.selectors import day_schedule

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

#: How many rows each list shows; the heading gives the full count.
LIST_LIMIT = 25
#: Counting stops here ("100+"): an exact count of a long list would read every row of it on
#: every page load, and nobody acts differently on 2,317 than on 100+.
COUNT_CAP = 100
#: The "not improving" list checks the outcome series of at most this many patients in active care,
#: the most recently assessed first ("N+" when there were more). Each clinician's own home covers
#: their own patients, so a clinic admin's clinic-wide view is the one this bounds.
FLAG_SCAN_LIMIT = 300
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


class _OpenPlanFields(TypedDict):
    """What `_open_plans` annotates each plan with."""

    last_version: int | None
    next_version: int
    pending: bool
    superseded: bool


def _open_plans() -> QuerySet[WithAnnotations[Plan, _OpenPlanFields]]:
    """Each patient's newest plan when it has something to sign: never signed, or changed since.

    Only the newest plan per patient counts: an older draft was superseded by a re-evaluation.
    """
    last_number = PlanVersion.objects.filter(plan=OuterRef("pk")).order_by("-number").values("number")[:1]
    return (
        Plan.objects.annotate(last_version=Subquery(last_number))
        .annotate(next_version=Coalesce("last_version", Value(0)) + 1)
        .annotate(
            pending=Exists(PlanEdit.objects.filter(plan=OuterRef("pk"), version=OuterRef("next_version"))),
            superseded=Exists(
                Plan.objects.filter(patient=OuterRef("patient")).filter(
                    Q(created_at__gt=OuterRef("created_at"))
                    | Q(created_at=OuterRef("created_at"), pk__gt=OuterRef("pk"))
                )
            ),
        )
        .filter(superseded=False)
        .filter(Q(last_version__isnull=True) | Q(pending=True))
        .select_related("patient")
        # The engine's plan (tens of kilobytes of JSON) is not shown here: never read it.
        .only("id", "patient_id", "triage_level", "created_at", "created_by_id",
              "patient__id", "patient__first_name", "patient__last_name")
        # Walks the (created_at, id) index oldest first and stops at the page's last row.
        .order_by("created_at", "id")
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
    return _listing(_open_plans().filter(triage_level__in=URGENT_LEVELS, last_version__isnull=True))


# --- outcomes -------------------------------------------------------------------------------


@dataclass(frozen=True)
class FlaggedPatient:
    patient: Patient
    progress: Progress
    last_assessed: datetime.date


@dataclass
class _Series:
    patient: Patient
    assessments: list = field(default_factory=list)


def _patients_in_care_of(user) -> Q:
    return Q(patient_id__in=Evaluation.objects.filter(clinician=user).values("patient_id")) | Q(
        patient_id__in=Appointment.objects.filter(practitioner__user=user).values("patient_id")
    )


def patients_not_improving(*, user, today: datetime.date) -> Listing:
    """Patients in active care whose course the outcomes rule flags (not improving or worsening).

    A clinician sees the patients they evaluated or who booked with them; a clinic admin sees all.
    Uses outcomes.progress.assess_progress, the rule the outcomes page shows, over the same
    live (not entered-in-error) assessments. Two bounded queries.
    """
    live = OutcomeAssessment.objects.filter(voided_at__isnull=True)
    active = live.filter(assessed_on__gte=today - datetime.timedelta(days=ACTIVE_CARE_DAYS))
    if user.role != Role.CLINIC_ADMIN:
        active = active.filter(_patients_in_care_of(user))
    # The most recently assessed patients first, at most FLAG_SCAN_LIMIT of them: the rule runs in
    # Python over each patient's series, so an unbounded set would grow with the clinic.
    candidates = list(
        active.values("patient_id").annotate(last=Max("assessed_on")).order_by("-last", "-patient_id")
        .values_list("patient_id", flat=True)[: FLAG_SCAN_LIMIT + 1]
    )
    scanned_all = len(candidates) <= FLAG_SCAN_LIMIT
    rows = (
        live.filter(patient_id__in=candidates[:FLAG_SCAN_LIMIT])
        .select_related("patient")
        .only("patient_id", "assessed_on", "pain_nrs", "lefs_total", "patient_reported", "patient__first_name",
              "patient__last_name", "patient__date_of_birth")
        .order_by("patient_id", "assessed_on", "id")
    )
    series: dict[int, _Series] = {}
    for row in rows:
        if row.patient_id not in series:
            series[row.patient_id] = _Series(row.patient)
        series[row.patient_id].assessments.append(row)
    flagged = []
    for s in series.values():
        progress = assess_progress(measurements(s.assessments))
        if progress.needs_review:
            flagged.append(FlaggedPatient(s.patient, progress, s.assessments[-1].assessed_on))
    # Worsening first, then the longest without improvement.
    flagged.sort(key=lambda f: (f.progress.status != "worsening", -(f.progress.days_since_baseline or 0)))
    return Listing(rows=flagged[:LIST_LIMIT], total=len(flagged), capped=not scanned_all)
