"""A synthetic clinic of N patients, written with bulk inserts (`fracturecare demo --patients N`).

Every patient has an evaluation, the engine's plan for it, and (most of them) a signed
version, signed visits, outcome assessments, a past appointment with its confirmation email,
and the audit events those actions leave. Some have an upcoming appointment. Names, dates and
scores are random but seeded, so the same N gives the same clinic.

Speed comes from three choices:
- the engine runs once per example case (a handful of plans), and every patient reuses one of
  them: the plans are real engine output, only not recomputed 100,000 times;
- rows are built in memory with their primary keys assigned up front and inserted with
  `bulk_create` in batches, a chunk of patients per transaction;
- signed rows (plan versions, visits) are inserted final: the database refuses UPDATE on them.

Nothing here is clinical content: the cases are the project's example cases, and the visit and
outcome values are random within their valid ranges.
"""

from __future__ import annotations

import datetime
import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import orjson
from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone

from fracturecare.accounts.models import Role, User
from fracturecare.audit.actions import AuditAction
from fracturecare.audit.chain import keyed_hash
from fracturecare.audit.models import AuditEvent
from fracturecare.charting.models import Visit
from fracturecare.charting.services import LATER_FIELDS, VISIT_FIELDS
from fracturecare.evaluations.models import Evaluation
from fracturecare.outcomes.measures import LEFS_ITEMS
from fracturecare.outcomes.models import OutcomeAssessment, Timepoint
from fracturecare.outcomes.services import progress_flags_refresh
from fracturecare.patients.models import Patient
from fracturecare.planning.models import Plan, PlanVersion
from fracturecare.planning.services import open_plans_refresh, plan_generate
from fracturecare.scheduling.clock import cells
from fracturecare.scheduling.models import (
    Appointment,
    AppointmentStatus,
    AppointmentType,
    BookingSource,
    Location,
    MessageChannel,
    MessageKind,
    MessageStatus,
    OutboxMessage,
    PatientTimeCell,
    Practitioner,
    PractitionerTimeCell,
)

CASES_DIR = Path(__file__).resolve().parents[1] / "planning" / "example_cases"
#: Patients written per transaction; each insert is split into batches of BATCH rows.
CHUNK = 2000
BATCH = 1000
#: Patients per synthetic clinician (a full-time list); at least the demo's two clinicians.
PATIENTS_PER_CLINICIAN = 5000
#: Appointments start on the hour, 9:00-16:00 clinic time, on weekdays.
HOURS = range(9, 17)
#: First visits are spread over at least this many weekdays (about half a year).
HISTORY_WEEKDAYS = 130
#: Share of patients with a signed plan, an upcoming visit, and a failed confirmation email.
SIGNED_SHARE, UPCOMING_SHARE, FAILED_EMAIL_SHARE = 0.8, 0.1, 0.03

FIRST = (
    "Alex",
    "Sam",
    "Jordan",
    "Taylor",
    "Morgan",
    "Riley",
    "Casey",
    "Jamie",
    "Avery",
    "Quinn",
    "Maya",
    "Noah",
    "Liam",
    "Emma",
    "Olivia",
    "Ava",
    "Mia",
    "Lucas",
    "Ethan",
    "Zoe",
    "Aisha",
    "Omar",
    "Priya",
    "Ravi",
)
LAST = (
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Moore",
    "Martin",
    "Lee",
    "Perez",
    "Thompson",
    "White",
    "Harris",
    "Clark",
    "Lewis",
    "Walker",
    "Young",
    "Allen",
    "King",
    "Wright",
    "Scott",
    "Nguyen",
    "Patel",
    "Kim",
    "Chen",
    "Okafor",
    "Reyes",
    "Shah",
    "Green",
    "Blake",
    "Park",
)
OTHER_CARE = (
    "Load management reviewed; walking boot continued.",
    "Progressed to pain-free cross-training.",
    "Reviewed calcium and vitamin D intake.",
    "Gait reviewed; footwear advice given.",
)


@dataclass(frozen=True)
class Template:
    """One example case and the engine's plan for it, reused by many patients."""

    case: dict
    plan: dict
    triage: str


@dataclass
class Stats:
    patients: int = 0
    evaluations: int = 0
    plans: int = 0
    signed: int = 0
    visits: int = 0
    outcomes: int = 0
    appointments: int = 0
    messages: int = 0
    audit_events: int = 0


def templates() -> list[Template]:
    """The engine's plan for each valid example case: a few real plans for every patient to share."""
    out = []
    for path in sorted(CASES_DIR.glob("*.json")):
        spec = json.loads(path.read_text(encoding="utf-8"))
        if "exit" in spec.get("expect", {}):
            continue  # a case the contract refuses
        plan = plan_generate(spec["case"])
        out.append(Template(case=spec["case"], plan=plan, triage=plan["triage"]["level"]))
    if not out:
        raise RuntimeError(f"no example cases in {CASES_DIR}")
    return out


def _next_id(model: type[models.Model]) -> int:
    return (model._default_manager.aggregate(m=models.Max("pk"))["m"] or 0) + 1


def _plain(value: object) -> object:
    if value is None or isinstance(value, (str, int, bool)):
        return value
    return str(value)


def visit_signature(visit: Visit | SimpleNamespace) -> str:
    """The keyed signature of a visit without needle rows, as charting.services.visit_hash computes it.

    Built here from the unsaved object (charting's function reads the child rows from the
    database); a test checks the two agree.
    """
    snapshot = {
        "visit_id": visit.id,
        "patient_id": visit.patient_id,
        "clinician_id": visit.clinician_id,
        **{name: _plain(getattr(visit, name)) for name in VISIT_FIELDS},
        **{name: getattr(visit, name) for name in LATER_FIELDS if getattr(visit, name) is not None},
        "points": [],
        "dry_needling": [],
        "electrode_pairs": [],
        "adverse_events": [],
    }
    payload = json.dumps(snapshot, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return keyed_hash(payload.encode())


def insert_audit_events(events: list[AuditEvent]) -> None:
    """Append audit events in bulk, in the order given (oldest first within a chunk).

    The one place the generator writes the audit log, so chaining or signing of events is
    added here and nowhere else.
    """
    insert_rows(AuditEvent, events)


def _clinicians(n_patients: int) -> list[User]:
    """The demo clinicians plus synthetic ones (no usable password), each bookable."""
    wanted = max(2, -(-n_patients // PATIENTS_PER_CLINICIAN))
    existing = list(User.objects.filter(role=Role.CLINICIAN).order_by("id"))
    location = Location.objects.filter(active=True).order_by("id").first()
    types = list(AppointmentType.objects.filter(active=True))
    unusable = make_password(None)
    for i in range(len(existing), wanted):
        user = User.objects.create(
            username=f"synthetic-clinician-{i}",
            first_name="Clinician",
            last_name=f"No. {i}",
            role=Role.CLINICIAN,
            password=unusable,
            email=f"clinician{i}@example.invalid",
        )
        practitioner = Practitioner.objects.create(user=user, title="Physiotherapist")
        practitioner.appointment_types.set(types)
        existing.append(user)
    if location is None:
        raise RuntimeError("no clinic location: load the demo first (fracturecare demo)")
    return existing[:wanted]


class _Slots:
    """Hands out hour-long appointment times, one practitioner at a time, on weekdays."""

    def __init__(self, practitioners: list[Practitioner], first_day: datetime.date, step: int = 1,
                 hours: range | list[int] = HOURS):
        self.practitioners, self.day, self.step, self.hours = practitioners, first_day, step, hours
        self.zone = timezone.get_default_timezone()  # settings.TIME_ZONE is the clinic's zone
        self._free: list[tuple[Practitioner, datetime.datetime]] = []

    def take(self) -> tuple[Practitioner, datetime.datetime]:
        while not self._free:
            self.day += datetime.timedelta(days=self.step)
            if self.day.weekday() < 5:
                for hour in self.hours:
                    at = datetime.datetime.combine(self.day, datetime.time(hour)).replace(tzinfo=self.zone)
                    self._free.extend((p, at.astimezone(datetime.UTC)) for p in self.practitioners)
                self._free.reverse()
        return self._free.pop()


class AlreadyGenerated(Exception):
    """The database already holds a synthetic clinic: its appointment times would collide."""


def generate(n_patients: int, *, seed: int = 1, log: Callable[[str], None] = print) -> Stats:
    """Add `n_patients` synthetic patients with their whole course of care to the database.

    Needs the demo's users, location and appointment types (`fracturecare demo`). Refuses a
    database that already has synthetic patients: generate into a fresh one.
    """
    if n_patients < 1:
        raise ValueError(f"--patients must be at least 1, got {n_patients}")
    if Patient.objects.filter(email__startswith="patient", email__endswith="@example.invalid").exists():
        raise AlreadyGenerated("this database already holds a synthetic clinic; use a fresh database")
    rng = random.Random(seed)
    plans = templates()
    clinicians = _clinicians(n_patients)
    practitioners = list(Practitioner.objects.filter(user__in=clinicians).select_related("user"))
    front_desk = User.objects.filter(role=Role.FRONT_DESK).order_by("id").first()
    location = Location.objects.filter(active=True).order_by("id").first()
    follow_up = AppointmentType.objects.filter(active=True).order_by("minutes", "id").first()
    if front_desk is None or location is None or follow_up is None:
        raise RuntimeError("no front-desk login, active location or appointment type: load the demo first "
                           "(fracturecare demo)")
    now = timezone.now()
    today = timezone.localdate()
    # Past visits fill weekday hours backwards from yesterday; upcoming ones forwards from tomorrow,
    # after what is already booked (the demo's own visits).
    # A small clinic still has months of history (visits and reviews follow the first visit by
    # weeks): spread its first visits over at least HISTORY_WEEKDAYS by using fewer hours a day.
    per_day = max(1, min(len(HOURS), -(-n_patients // (len(practitioners) * HISTORY_WEEKDAYS))))
    past = _Slots(practitioners, today, step=-1, hours=list(HOURS)[:per_day])
    upcoming = _Slots(practitioners, today + datetime.timedelta(days=1 + 7))
    stats = Stats()
    ids: dict[type[models.Model], int] = {
        m: _next_id(m) for m in (Patient, Evaluation, Plan, PlanVersion, Visit, Appointment)
    }
    for start in range(0, n_patients, CHUNK):
        size = min(CHUNK, n_patients - start)
        with transaction.atomic():
            _chunk(size, rng, plans, front_desk, location, follow_up, past, upcoming, now, ids, stats)
        log(f"  {start + size:,} / {n_patients:,} patients")
    _reset_sequences()
    # Fresh statistics for the planner: after a bulk load PostgreSQL still believes the tables hold
    # what they held before, and chooses its plans by that until autovacuum catches up.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return stats


def _chunk(size: int, rng: random.Random, plans: list[Template], front_desk: User, location: Location,
           appt_type: AppointmentType, past: _Slots, upcoming: _Slots, now: datetime.datetime,
           ids: dict[type[models.Model], int], stats: Stats) -> None:
    rows: dict[type[models.Model], list] = {
        m: []
        for m in (
            Patient,
            Evaluation,
            Plan,
            PlanVersion,
            Visit,
            OutcomeAssessment,
            Appointment,
            PractitionerTimeCell,
            PatientTimeCell,
            OutboxMessage,
        )
    }
    audit: list[AuditEvent] = []
    duration = datetime.timedelta(minutes=appt_type.minutes)
    after = datetime.timedelta(minutes=appt_type.buffer_after_minutes)
    for _ in range(size):
        pid = _take(ids, Patient)
        first, last = rng.choice(FIRST), rng.choice(LAST)
        practitioner, seen = past.take()
        clinician = practitioner.user
        created = seen - datetime.timedelta(days=rng.randint(1, 10))
        patient = _row(
            Patient,
            id=pid,
            first_name=first,
            last_name=last,
            sex=rng.choice(("female", "male")),
            date_of_birth=datetime.date(rng.randint(1950, 2008), rng.randint(1, 12), rng.randint(1, 28)),
            email=f"patient{pid}@example.invalid",
            phone=f"+1555{pid:07d}"[:16],
            created_at=created,
            updated_at=created,
        )
        rows[Patient].append(patient)
        actor_name = clinician.get_username()

        def event(action, at, obj=None, *, actor=clinician, actor_label=actor_name, data=None, pid=pid):
            audit.append(
                _row(
                    AuditEvent,
                    at=at,
                    actor_id=actor.pk if actor else None,
                    actor_label=actor_label,
                    action=action,
                    patient_id=pid,
                    object_type=obj.model_name if obj is not None else "",
                    object_id=str(obj.id) if obj is not None else "",
                    data=data or {},
                )
            )

        event(AuditAction.PATIENT_CREATED, created, patient, actor=front_desk, actor_label=front_desk.get_username())
        # The first visit: booked, attended (or missed), confirmed by email.
        appt = _appointment(
            ids,
            patient,
            practitioner,
            appt_type,
            location,
            seen,
            duration,
            created,
            AppointmentStatus.COMPLETED if rng.random() > 0.05 else AppointmentStatus.NO_SHOW,
            rows,
        )
        rows[PractitionerTimeCell].extend(
            _row(PractitionerTimeCell, practitioner_id=practitioner.pk, appointment_id=appt.id, at=at)
            for at in cells(seen, seen + duration + after)
        )
        rows[PatientTimeCell].extend(
            _row(PatientTimeCell, patient_id=pid, appointment_id=appt.id, at=at) for at in cells(seen, seen + duration)
        )
        failed = rng.random() < FAILED_EMAIL_SHARE
        rows[OutboxMessage].append(
            _row(
                OutboxMessage,
                kind=MessageKind.CONFIRMATION,
                channel=MessageChannel.EMAIL,
                patient_id=pid,
                appointment_id=appt.id,
                to_email=patient.email,
                status=MessageStatus.FAILED if failed else MessageStatus.SENT,
                send_after=created,
                attempts=5 if failed else 1,
                last_error="550 mailbox unavailable" if failed else "",
                subject="Your appointment is confirmed",
                sent_at=None if failed else created,
                created_at=created,
                updated_at=created + datetime.timedelta(minutes=rng.randint(1, 300)),
            )
        )
        event(AuditAction.APPOINTMENT_BOOKED, created, appt, actor=front_desk, actor_label=front_desk.get_username())
        # The evaluation and the engine's plan, at the first visit.
        template = rng.choice(plans)
        evaluation = _row(
            Evaluation,
            id=_take(ids, Evaluation),
            patient_id=pid,
            clinician_id=clinician.pk,
            case=template.case,
            created_at=seen,
        )
        plan = _row(
            Plan,
            id=_take(ids, Plan),
            patient_id=pid,
            evaluation_id=evaluation.id,
            generated=template.plan,
            engine_version=str(template.plan.get("engine_version", "")),
            knowledge_version=str(template.plan.get("knowledge_version", "")),
            triage_level=template.triage,
            created_by_id=clinician.pk,
            created_at=seen,
        )
        rows[Evaluation].append(evaluation)
        rows[Plan].append(plan)
        event(AuditAction.PATIENT_VIEWED, seen)
        event(AuditAction.EVALUATION_CREATED, seen, evaluation)
        event(AuditAction.PLAN_GENERATED, seen, plan, data={"evaluation": evaluation.id, "triage": template.triage})
        stats.evaluations += 1
        stats.plans += 1
        # Outcomes at intake and at reviews: pain falls and function rises, with noise.
        pain, lefs = rng.randint(4, 8), rng.randint(20, 50)
        for week in range(rng.randint(1, 4)):
            on = (seen + datetime.timedelta(weeks=2 * week)).date()
            if seen + datetime.timedelta(weeks=2 * week) > now:
                break
            items = _lefs_items(rng, lefs)
            rows[OutcomeAssessment].append(
                _row(
                    OutcomeAssessment,
                    patient_id=pid,
                    recorded_by_id=clinician.pk,
                    assessed_on=on,
                    timepoint=Timepoint.INTAKE if week == 0 else Timepoint.REVIEW,
                    pain_nrs=pain,
                    lefs_items=items,
                    lefs_total=sum(items),
                    created_at=seen + datetime.timedelta(weeks=2 * week),
                )
            )
            event(AuditAction.OUTCOME_RECORDED, seen + datetime.timedelta(weeks=2 * week))
            pain, lefs = min(10, max(0, pain - rng.randint(-1, 2))), min(80, max(0, lefs + rng.randint(-2, 10)))
            stats.outcomes += 1
        if rng.random() < SIGNED_SHARE:
            signed_at = seen + datetime.timedelta(minutes=20)
            version = _row(
                PlanVersion,
                id=_take(ids, PlanVersion),
                plan_id=plan.id,
                number=1,
                snapshot=_snapshot(plan, evaluation, clinician, signed_at),
                engine_version=plan.engine_version,
                knowledge_version=plan.knowledge_version,
                signed_by_id=clinician.pk,
                signed_at=signed_at,
            )
            rows[PlanVersion].append(version)
            event(AuditAction.PLAN_SIGNED, signed_at, plan, data={"version": 1})
            stats.signed += 1
            for week in range(1, rng.randint(1, 5)):
                at = seen + datetime.timedelta(weeks=week)
                if at > now:
                    break
                before = rng.randint(1, 7)
                visit = _row(
                    Visit,
                    id=_take(ids, Visit),
                    patient_id=pid,
                    clinician_id=clinician.pk,
                    visit_date=at.date(),
                    pain_nrs_before=before,
                    pain_nrs_after=max(0, before - rng.randint(0, 2)),
                    other_care=rng.choice(OTHER_CARE),
                    signed_at=at + datetime.timedelta(minutes=45),
                    signed_by_id=clinician.pk,
                    created_at=at,
                    updated_at=at + datetime.timedelta(minutes=45),
                )
                visit.signed_sha256 = visit_signature(visit)
                rows[Visit].append(visit)
                event(AuditAction.VISIT_CREATED, at, visit)
                event(AuditAction.VISIT_SIGNED, visit.signed_at, visit)
                stats.visits += 1
        if rng.random() < UPCOMING_SHARE:
            u_practitioner, when = upcoming.take()
            nxt = _appointment(
                ids,
                patient,
                u_practitioner,
                appt_type,
                location,
                when,
                duration,
                now,
                AppointmentStatus.BOOKED,
                rows,
            )
            rows[PractitionerTimeCell].extend(
                _row(PractitionerTimeCell, practitioner_id=u_practitioner.pk, appointment_id=nxt.id, at=at)
                for at in cells(when, when + duration + after)
            )
            rows[PatientTimeCell].extend(
                _row(PatientTimeCell, patient_id=pid, appointment_id=nxt.id, at=at)
                for at in cells(when, when + duration)
            )
            event(AuditAction.APPOINTMENT_BOOKED, now, nxt, actor=front_desk, actor_label=front_desk.get_username())
    for model, objs in rows.items():
        insert_rows(model, objs)
    audit.sort(key=lambda e: e.at)
    insert_audit_events(audit)
    # The clinic home's stored lists (plans awaiting a signature, patients not improving) follow the rows.
    patient_ids = [p.id for p in rows[Patient]]
    open_plans_refresh(patient_ids)
    progress_flags_refresh(patient_ids)
    stats.patients += size
    stats.appointments += len(rows[Appointment])
    stats.messages += len(rows[OutboxMessage])
    stats.audit_events += len(audit)


def _converter(field: models.Field) -> Callable[[Any], Any]:
    """How one field's Python value goes to the database, without the ORM's per-value machinery."""
    ops = connection.ops
    if isinstance(field, models.JSONField):
        return _json_text
    if isinstance(field, models.DateTimeField):
        return ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return ops.adapt_datefield_value
    if isinstance(field, models.DecimalField):
        return lambda value: ops.adapt_decimalfield_value(value, field.max_digits, field.decimal_places)
    return lambda value: value


def _json_text(value: object, _memo: dict[int, tuple[object, str]] = {}) -> str | None:  # noqa: B006
    """JSON text for a JSON column; the few shared engine plans and cases are encoded once."""
    if value is None:
        return None
    hit = _memo.get(id(value))
    if hit is not None and hit[0] is value:
        return hit[1]
    text = orjson.dumps(value).decode()
    if isinstance(value, dict) and len(text) > 4096:
        _memo[id(value)] = (value, text)
    return text


def insert_rows(model: type[models.Model], objs: list) -> None:
    """Insert fully built model instances with executemany: Django's bulk_create costs most of the time.

    The instances are never saved through the ORM, so no signal, `save()` or validation runs:
    the generator builds only valid rows (the database's constraints still check them).
    """
    if not objs:
        return
    fields = [f for f in model._meta.concrete_fields if not (f.primary_key and getattr(objs[0], f.attname) is None)]
    convert = [_converter(f) for f in fields]
    names = [f.attname for f in fields]
    quote = connection.ops.quote_name
    sql = (
        # django-stubs: `column` is None only for fields without one, and concrete fields all have one.
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "  # type: ignore[arg-type]
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    with connection.cursor() as cursor:
        for i in range(0, len(objs), BATCH * 5):
            cursor.executemany(
                sql,
                [tuple(c(getattr(o, n)) for c, n in zip(convert, names, strict=True)) for o in objs[i : i + BATCH * 5]],
            )


_DEFAULTS: dict[type[models.Model], dict[str, object]] = {}


def _row(model: type[models.Model], **values: object) -> SimpleNamespace:
    """A row of `model` as plain attributes (by attname), defaults filled in: a model instance costs 10x more."""
    if model not in _DEFAULTS:
        _DEFAULTS[model] = {f.attname: f.get_default() for f in model._meta.concrete_fields}
    row = SimpleNamespace(**_DEFAULTS[model], model_name=model.__name__)
    row.__dict__.update(values)
    return row


def _take(ids: dict[type[models.Model], int], model: type[models.Model]) -> int:
    value = ids[model]
    ids[model] = value + 1
    return value


def _appointment(ids, patient, practitioner, appt_type, location, start, duration, booked, status, rows):
    appt = _row(
        Appointment,
        id=_take(ids, Appointment),
        practitioner_id=practitioner.pk,
        patient_id=patient.id,
        appointment_type_id=appt_type.pk,
        location_id=location.pk,
        start=start,
        end=start + duration,
        status=status,
        reason="Follow-up of a stress fracture",
        source=BookingSource.FRONT_DESK,
        created_at=booked,
        updated_at=booked,
    )
    rows[Appointment].append(appt)
    return appt


def _lefs_items(rng: random.Random, total: int) -> list[int]:
    base, extra = divmod(total, len(LEFS_ITEMS))
    items = [base + 1] * extra + [base] * (len(LEFS_ITEMS) - extra)
    rng.shuffle(items)
    return items


def _snapshot(plan: Plan | SimpleNamespace, evaluation: Evaluation | SimpleNamespace, clinician: User,
              signed_at: datetime.datetime) -> dict:
    """Version 1 of a plan signed without changes, in the shape planning.services.plan_sign writes."""
    return {
        "version": 1,
        "plan": plan.generated,
        "case": evaluation.case,
        "patient_id": plan.patient_id,
        "evaluation_id": evaluation.id,
        "engine_version": plan.engine_version,
        "knowledge_version": plan.knowledge_version,
        "signed_by": {"id": clinician.pk, "name": clinician.get_full_name() or clinician.get_username()},
        "signed_at": signed_at.isoformat(),
        "amendment_reason": "",
        "changes": [],
        "history": [],
    }


def _reset_sequences() -> None:
    """Explicit primary keys leave PostgreSQL's sequences behind; move them past the new rows."""
    statements = connection.ops.sequence_reset_sql(
        no_style(), [Patient, Evaluation, Plan, PlanVersion, Visit, Appointment]
    )
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
