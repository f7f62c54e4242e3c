"""Booking, moving and cancelling appointments. Every write goes through here.

The slot check below gives friendly answers; the cell tables' unique constraints are what
actually make double booking impossible when two requests race (see models.py).
"""

from __future__ import annotations

import datetime
import hashlib
import math
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.http import HttpRequest
from django.utils import timezone

from fracturecare.accounts.models import User
from fracturecare.audit.actions import AuditAction
from fracturecare.audit.services import audit_record
from fracturecare.clinic.selectors import is_late_cancellation
from fracturecare.patients.matching import flag_possible_matches
from fracturecare.patients.models import Patient
from fracturecare.ratelimit import RateLimited, client_key_for
from fracturecare.scheduling.clock import cells, local_to_utc, to_local
from fracturecare.scheduling.models import (
    RELEASED_STATUSES,
    Appointment,
    AppointmentStatus,
    AppointmentType,
    BookingSource,
    MessageKind,
    MessageStatus,
    OutboxMessage,
    PatientTimeCell,
    Practitioner,
    PractitionerTimeCell,
    WaitlistEntry,
    WaitlistOffer,
)
from fracturecare.scheduling.queueing import queue_for_patient, text_consent_record
from fracturecare.scheduling.slots import Slot, find_slot
from fracturecare.scheduling.waitlist import waitlist_offer_freed

#: Reminders go out this long before the visit, unless the booking is too close for one.
REMINDER_BEFORE = datetime.timedelta(hours=24)
_REMINDER_MIN_LEAD = datetime.timedelta(hours=1)

BOOKING_WINDOW = datetime.timedelta(hours=1)
BOOKING_RATE_LIMITED = (
    "Several visits have been booked from this connection in the last hour. "
    "Please call the clinic to book more."
)

SLOT_TAKEN = "This time is no longer free. Please choose another time."
PATIENT_BUSY = "You already have an appointment at this time."
NOT_A_SLOT = "This time is not one of the offered times."


class BookingError(Exception):
    """A booking request that cannot be carried out; nothing was written."""


class SlotUnavailable(BookingError):
    """The time was free a moment ago but is taken now (HTTP 409)."""


@dataclass
class BookingInvalid(BookingError):
    """Bad input (HTTP 422): a list of (field, message)."""

    errors: list[tuple[str, str]]


@dataclass(frozen=True)
class PatientDetails:
    first_name: str
    last_name: str
    date_of_birth: datetime.date
    email: str = ""
    phone: str = ""


def _identity_lock(details: PatientDetails) -> None:
    """Serialise match-or-create for one identity so a race cannot make two records.

    SQLite already runs write transactions one at a time (BEGIN IMMEDIATE, see settings);
    PostgreSQL gets a transaction-scoped advisory lock keyed on the identity.
    """
    if connection.vendor != "postgresql":
        return
    key = "|".join(
        [
            details.first_name.casefold(),
            details.last_name.casefold(),
            details.date_of_birth.isoformat(),
            details.email.casefold(),
            "" if details.email else details.phone,
        ]
    )
    lock_id = int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "big", signed=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [lock_id])


@transaction.atomic
def patient_match_or_create(
    *,
    details: PatientDetails,
    actor: User | None = None,
    actor_label: str = "",
    request: HttpRequest | None = None,
) -> tuple[Patient, bool]:
    """A new patient record for a booking with `details`; never an existing chart.

    Joining an existing record on name, date of birth and email would let anyone who knows those three read
    or add to a stranger's chart; a look-alike is flagged for the front desk to merge (patients.matching).
    Returns (patient, True); the tuple shape is kept for callers.
    """
    _identity_lock(details)
    patient = Patient(
        first_name=details.first_name,
        last_name=details.last_name,
        date_of_birth=details.date_of_birth,
        email=details.email,
        phone=details.phone,
    )
    patient.full_clean()
    patient.save()
    audit_record(
        actor=actor,
        actor_label=actor_label,
        action=AuditAction.PATIENT_CREATED,
        patient=patient,
        obj=patient,
        data={"via": "booking"},
        request=request,
    )
    flag_possible_matches(patient=patient, actor=actor, actor_label=actor_label, request=request)
    return patient, True


def _claim_time(appointment: Appointment) -> None:
    """Insert the appointment's occupancy cells; IntegrityError means someone holds one."""
    kind = appointment.appointment_type
    before = datetime.timedelta(minutes=kind.buffer_before_minutes)
    after = datetime.timedelta(minutes=kind.buffer_after_minutes)
    PractitionerTimeCell.objects.bulk_create(
        PractitionerTimeCell(practitioner_id=appointment.practitioner_id, appointment=appointment, at=at)
        for at in cells(appointment.start - before, appointment.end + after)
    )
    PatientTimeCell.objects.bulk_create(
        PatientTimeCell(patient_id=appointment.patient_id, appointment=appointment, at=at)
        for at in cells(appointment.start, appointment.end)
    )


def _release_time(appointment: Appointment) -> None:
    PractitionerTimeCell.objects.filter(appointment=appointment).delete()
    PatientTimeCell.objects.filter(appointment=appointment).delete()


def _patient_busy(
    patient: Patient, start: datetime.datetime, end: datetime.datetime, ignore: Appointment | None = None
) -> bool:
    rows = PatientTimeCell.objects.filter(patient=patient, at__gte=start, at__lt=end)
    if ignore is not None:
        rows = rows.exclude(appointment=ignore)
    return rows.exists()


def _queue(kind: str, appointment: Appointment, send_after: datetime.datetime) -> list[OutboxMessage]:
    """Email and/or text the patient about the appointment (see queueing.queue_for_patient)."""
    return queue_for_patient(kind, appointment.patient, send_after, appointment=appointment)


def _queue_reminder(appointment: Appointment, now: datetime.datetime) -> None:
    remind_at = appointment.start - REMINDER_BEFORE
    if remind_at >= now + _REMINDER_MIN_LEAD:
        _queue(MessageKind.REMINDER, appointment, remind_at)


def _drop_pending(appointment: Appointment, kinds: tuple[str, ...]) -> None:
    OutboxMessage.objects.filter(
        appointment=appointment, kind__in=kinds, status__in=[MessageStatus.QUEUED, MessageStatus.FAILED]
    ).update(status=MessageStatus.CANCELLED, retry_at=None, updated_at=timezone.now())


def _check_slot(
    *,
    appointment_type: AppointmentType,
    practitioner: Practitioner,
    start: datetime.datetime,
    now: datetime.datetime,
    enforce_notice: bool,
    ignore: Appointment | None = None,
) -> Slot:
    """The slot at `start`, or an error saying whether it is taken or was never offered."""
    slot = find_slot(
        appointment_type=appointment_type,
        practitioner=practitioner,
        start=start,
        now=now,
        enforce_notice=enforce_notice,
        ignore_appointment=ignore,
    )
    if slot is not None:
        return slot
    on_grid = find_slot(
        appointment_type=appointment_type,
        practitioner=practitioner,
        start=start,
        now=now,
        enforce_notice=enforce_notice,
        ignore_appointment=ignore,
        ignore_busy=True,
    )
    if on_grid is None:
        raise BookingInvalid([("start", NOT_A_SLOT)])
    raise SlotUnavailable(SLOT_TAKEN)


class BookingRateLimited(RateLimited):
    """One client has used up its hourly allowance of online bookings (settings.BOOKING_LIMIT_PER_HOUR).

    The contact form's limit (public.services), reused: the same keyed hash of the address and
    the same exception family, plus how long until a booking is possible again.
    """

    def __init__(self, retry_after: int) -> None:
        super().__init__(BOOKING_RATE_LIMITED)
        self.retry_after = retry_after


def _check_booking_rate(client_key: str, now: datetime.datetime) -> None:
    # Counted like the contact form's limit (public.services): stored rows with the client's
    # keyed address, in a sliding hour. Cancelled bookings count too: booking and cancelling
    # is no way round it. Two racing requests may both pass; the limit is a brake, not a lock.
    limit = settings.BOOKING_LIMIT_PER_HOUR
    recent = list(
        Appointment.objects.filter(client_key=client_key, created_at__gt=now - BOOKING_WINDOW)
        .order_by("created_at")
        .values_list("created_at", flat=True)
    )
    if len(recent) >= limit:
        # Free again once enough of these bookings have left the window.
        frees_at = recent[len(recent) - limit] + BOOKING_WINDOW
        raise BookingRateLimited(max(1, math.ceil((frees_at - now).total_seconds())))


@transaction.atomic
def appointment_book(
    *,
    appointment_type: AppointmentType,
    practitioner: Practitioner,
    start: datetime.datetime,
    reason: str,
    patient: Patient | None = None,
    details: PatientDetails | None = None,
    intake: dict | None = None,
    source: str = BookingSource.ONLINE,
    booked_by: User | None = None,
    actor_label: str = "",
    request: HttpRequest | None = None,
    now: datetime.datetime | None = None,
    ip_address: str | None = None,
    text_consent: bool = False,
    series: uuid.UUID | None = None,
) -> Appointment:
    """Book a slot for an existing `patient` or for the person in `details` (matched or created).

    Raises BookingInvalid (bad input, nothing written) or SlotUnavailable (taken meanwhile).
    An online booking from `ip_address` past the hourly limit raises BookingRateLimited
    before anything is written. Queues the confirmation and the reminder in the same transaction,
    by email and, when `text_consent` is given (or was before) for the patient's mobile, by text.
    """
    now = now or timezone.now()
    if (patient is None) == (details is None):
        raise ValueError("give exactly one of patient and details")
    online = source == BookingSource.ONLINE
    client_key = client_key_for(ip_address) if online else ""
    if client_key:
        _check_booking_rate(client_key, now)
    if online and not appointment_type.bookable_online:
        raise BookingInvalid([("type", "This visit cannot be booked online.")])
    slot = _check_slot(
        appointment_type=appointment_type, practitioner=practitioner, start=start, now=now, enforce_notice=online
    )
    if patient is None:
        if details is None:  # ruled out at the top; said again so the type of `details` is known here
            raise ValueError("give exactly one of patient and details")
        patient, _ = patient_match_or_create(details=details, actor=booked_by, actor_label=actor_label, request=request)
    if _patient_busy(patient, slot.start, slot.end):
        raise SlotUnavailable(PATIENT_BUSY)
    if text_consent:
        text_consent_record(patient=patient, source=source, actor=booked_by, actor_label=actor_label, request=request)

    appointment = Appointment(
        practitioner=practitioner,
        patient=patient,
        appointment_type=appointment_type,
        location_id=slot.location_id,
        start=slot.start,
        end=slot.end,
        reason=reason,
        intake=intake or {},
        source=source,
        booked_by=booked_by if getattr(booked_by, "is_authenticated", False) else None,
        client_key=client_key,
        series=series,
    )
    # Constraints are left to the database: a race shows up as IntegrityError below.
    appointment.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            appointment.save()
            _claim_time(appointment)
    except IntegrityError:
        raise SlotUnavailable(SLOT_TAKEN) from None

    _queue(MessageKind.CONFIRMATION, appointment, now)
    _queue_reminder(appointment, now)
    audit_record(
        actor=booked_by,
        actor_label=actor_label,
        action=AuditAction.APPOINTMENT_BOOKED,
        patient=patient,
        obj=appointment,
        data={
            "source": source,
            "type": appointment_type.slug,
            "practitioner": practitioner.pk,
            **({"series": str(series)} if series else {}),
        },
        request=request,
    )
    return appointment


def _locked(appointment: Appointment) -> Appointment:
    return (
        Appointment.objects.select_for_update()
        .select_related("appointment_type", "patient", "practitioner__user", "location")
        .get(pk=appointment.pk)
    )


@transaction.atomic
def appointment_cancel(
    *,
    appointment: Appointment,
    actor: User | None = None,
    actor_label: str = "",
    request: HttpRequest | None = None,
    now: datetime.datetime | None = None,
) -> Appointment:
    """Cancel and give the time back at once. Cancelling twice changes nothing.

    Inside the clinic's cancellation window (its booking policy) the status is late_cancelled.
    The freed time is offered to the waiting list in the same transaction.
    """
    now = now or timezone.now()
    appointment = _locked(appointment)
    if appointment.status in RELEASED_STATUSES:
        return appointment
    if appointment.status != AppointmentStatus.BOOKED:
        raise BookingInvalid([("status", "Only a booked appointment can be cancelled.")])
    _release_time(appointment)
    late = is_late_cancellation(appointment.start, now)
    appointment.status = AppointmentStatus.LATE_CANCELLED if late else AppointmentStatus.CANCELLED
    appointment.cancelled_at = now
    appointment.sequence += 1
    appointment.full_clean(validate_constraints=False)
    appointment.save()
    _drop_pending(appointment, (MessageKind.CONFIRMATION, MessageKind.REMINDER, MessageKind.CHANGE))
    _queue(MessageKind.CANCELLATION, appointment, now)
    audit_record(
        actor=actor,
        actor_label=actor_label,
        action=AuditAction.APPOINTMENT_CANCELLED,
        patient=appointment.patient,
        obj=appointment,
        data={"status": appointment.status},
        request=request,
    )
    waitlist_offer_freed(appointment, now=now, request=request)
    return appointment


@transaction.atomic
def appointment_move(
    *,
    appointment: Appointment,
    start: datetime.datetime,
    practitioner: Practitioner | None = None,
    actor: User | None = None,
    actor_label: str = "",
    request: HttpRequest | None = None,
    now: datetime.datetime | None = None,
    enforce_notice: bool = True,
) -> Appointment:
    """Move a confirmed appointment to another free slot (optionally another practitioner).

    Its own time counts as free while moving, so it can shift by half an hour.
    """
    now = now or timezone.now()
    appointment = _locked(appointment)
    if appointment.status != AppointmentStatus.BOOKED:
        raise BookingInvalid([("status", "Only a booked appointment can be moved.")])
    practitioner = practitioner or appointment.practitioner
    slot = _check_slot(
        appointment_type=appointment.appointment_type,
        practitioner=practitioner,
        start=start,
        now=now,
        enforce_notice=enforce_notice,
        ignore=appointment,
    )
    if _patient_busy(appointment.patient, slot.start, slot.end, ignore=appointment):
        raise SlotUnavailable(PATIENT_BUSY)
    old = {"start": appointment.start.isoformat(), "practitioner": appointment.practitioner_id}
    try:
        with transaction.atomic():
            _release_time(appointment)
            appointment.practitioner = practitioner
            appointment.location_id = slot.location_id
            appointment.start, appointment.end = slot.start, slot.end
            appointment.sequence += 1
            appointment.full_clean(validate_constraints=False)
            appointment.save()
            _claim_time(appointment)
    except IntegrityError:
        raise SlotUnavailable(SLOT_TAKEN) from None
    _drop_pending(appointment, (MessageKind.CONFIRMATION, MessageKind.REMINDER, MessageKind.CHANGE))
    _queue(MessageKind.CHANGE, appointment, now)
    _queue_reminder(appointment, now)
    audit_record(
        actor=actor,
        actor_label=actor_label,
        action=AuditAction.APPOINTMENT_MOVED,
        patient=appointment.patient,
        obj=appointment,
        data={"from": old, "to": {"start": slot.start.isoformat(), "practitioner": practitioner.pk}},
        request=request,
    )
    return appointment


#: The statuses the front desk may set from each status (cancelling has its own service).
STATUS_TRANSITIONS: dict[str, tuple[str, ...]] = {
    AppointmentStatus.BOOKED: (AppointmentStatus.ARRIVED, AppointmentStatus.NO_SHOW),
    AppointmentStatus.ARRIVED: (AppointmentStatus.IN_TREATMENT, AppointmentStatus.COMPLETED, AppointmentStatus.BOOKED),
    AppointmentStatus.IN_TREATMENT: (AppointmentStatus.COMPLETED, AppointmentStatus.ARRIVED),
    AppointmentStatus.COMPLETED: (AppointmentStatus.IN_TREATMENT,),
    AppointmentStatus.NO_SHOW: (AppointmentStatus.BOOKED,),
}


@transaction.atomic
def appointment_set_status(
    *,
    appointment: Appointment,
    status: str,
    actor: User | None = None,
    actor_label: str = "",
    request: HttpRequest | None = None,
) -> Appointment:
    """Arrived, in treatment, completed, no-show (or back a step to undo a slip). Audited.

    Raises BookingInvalid naming the status when the change is not one of STATUS_TRANSITIONS.
    """
    appointment = _locked(appointment)
    allowed = STATUS_TRANSITIONS.get(appointment.status, ())
    if status not in allowed:
        label = dict(AppointmentStatus.choices).get(status, status)
        raise BookingInvalid(
            [("status", f"A {appointment.get_status_display().lower()} appointment cannot become '{label}'.")]
        )
    old = appointment.status
    appointment.status = status
    appointment.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        actor_label=actor_label,
        action=AuditAction.APPOINTMENT_STATUS_CHANGED,
        patient=appointment.patient,
        obj=appointment,
        data={"from": old, "to": status},
        request=request,
    )
    return appointment


@dataclass(frozen=True)
class Occurrence:
    """One visit of a weekly series: its start (None when the wall time does not exist) and any conflict."""

    local_date: datetime.date
    start: datetime.datetime | None
    conflict: str = ""


MAX_SERIES_WEEKS = 26


def series_preview(
    *,
    appointment_type: AppointmentType,
    practitioner: Practitioner,
    first_start: datetime.datetime,
    weeks: int,
    patient: Patient | None = None,
    now: datetime.datetime | None = None,
) -> list[Occurrence]:
    """The weekly visits at the same clinic wall time, each marked with its conflict, if any."""
    if not 1 <= weeks <= MAX_SERIES_WEEKS:
        raise BookingInvalid([("weeks", f"Repeat for 1 to {MAX_SERIES_WEEKS} weeks.")])
    now = now or timezone.now()
    local = to_local(first_start)
    out = []
    for week in range(weeks):
        day = local.date() + datetime.timedelta(weeks=week)
        start = local_to_utc(day, local.time().replace(tzinfo=None))
        if start is None:
            out.append(Occurrence(day, None, "This time does not exist on that day (clock change)."))
            continue
        try:
            slot = _check_slot(
                appointment_type=appointment_type, practitioner=practitioner, start=start, now=now, enforce_notice=False
            )
        except SlotUnavailable:
            out.append(Occurrence(day, start, "Taken"))
            continue
        except BookingInvalid:
            out.append(Occurrence(day, start, "Outside the practitioner's hours"))
            continue
        if patient is not None and _patient_busy(patient, slot.start, slot.end):
            out.append(Occurrence(day, start, "The patient has another visit then"))
            continue
        out.append(Occurrence(day, start))
    return out


@transaction.atomic
def series_book(
    *,
    appointment_type: AppointmentType,
    practitioner: Practitioner,
    starts: list[datetime.datetime],
    reason: str,
    patient: Patient | None = None,
    details: PatientDetails | None = None,
    intake: dict | None = None,
    booked_by: User | None = None,
    request: HttpRequest | None = None,
    text_consent: bool = False,
) -> list[Appointment]:
    """Book every start as one weekly series, all or none (a clash rolls everything back)."""
    if not starts:
        raise BookingInvalid([("weeks", "No free week to book.")])
    series = uuid.uuid4()
    booked = []
    for start in starts:
        appointment = appointment_book(
            appointment_type=appointment_type,
            practitioner=practitioner,
            start=start,
            reason=reason,
            patient=patient,
            details=None if patient else details,
            intake=intake,
            source=BookingSource.FRONT_DESK,
            booked_by=booked_by,
            request=request,
            text_consent=text_consent,
            series=series,
        )
        patient = appointment.patient
        booked.append(appointment)
    return booked


@transaction.atomic
def waitlist_add(
    *,
    patient: Patient,
    appointment_type: AppointmentType,
    practitioner: Practitioner | None,
    weekdays: list[int],
    earliest: datetime.time | None,
    latest: datetime.time | None,
    note: str = "",
    actor: User | None = None,
    request: HttpRequest | None = None,
) -> WaitlistEntry:
    """Put a patient on the waiting list. Audited."""
    entry = WaitlistEntry(
        patient=patient,
        appointment_type=appointment_type,
        practitioner=practitioner,
        weekdays=sorted(set(weekdays)),
        earliest=earliest,
        latest=latest,
        note=note,
        created_by=actor,
    )
    entry.full_clean()
    entry.save()
    audit_record(actor=actor, action=AuditAction.WAITLIST_ADDED, patient=patient, obj=entry, request=request)
    return entry


@transaction.atomic
def waitlist_remove(
    *, entry: WaitlistEntry, actor: User | None = None, request: HttpRequest | None = None
) -> WaitlistEntry:
    """Take an entry off the waiting list. Audited."""
    WaitlistEntry.objects.filter(pk=entry.pk, state=WaitlistEntry.State.WAITING).update(
        state=WaitlistEntry.State.REMOVED
    )
    audit_record(actor=actor, action=AuditAction.WAITLIST_REMOVED, patient=entry.patient, obj=entry, request=request)
    entry.refresh_from_db()
    return entry


OFFER_GONE = "Sorry, this time has already been taken or the offer has expired. You are still on the waiting list."


@transaction.atomic
def waitlist_claim(
    *, offer: WaitlistOffer, request: HttpRequest | None = None, now: datetime.datetime | None = None
) -> Appointment:
    """The patient claims an offered time: the first claim books it; later ones get OFFER_GONE."""
    now = now or timezone.now()
    offer = (
        WaitlistOffer.objects.select_for_update()
        .select_related("entry__patient", "entry__appointment_type", "practitioner__user")
        .get(pk=offer.pk)
    )
    if offer.state != WaitlistOffer.State.OPEN or offer.expires_at <= now:
        raise SlotUnavailable(OFFER_GONE)
    entry = offer.entry
    try:
        appointment = appointment_book(
            appointment_type=entry.appointment_type,
            practitioner=offer.practitioner,
            start=offer.start,
            reason="Earlier time from the waiting list",
            patient=entry.patient,
            source=BookingSource.WAITLIST,
            actor_label="patient (waitlist offer)",
            request=request,
            now=now,
        )
    except (SlotUnavailable, BookingInvalid):
        WaitlistOffer.objects.filter(pk=offer.pk).update(state=WaitlistOffer.State.GONE)
        raise SlotUnavailable(OFFER_GONE) from None
    WaitlistOffer.objects.filter(pk=offer.pk).update(state=WaitlistOffer.State.CLAIMED, booked=appointment)
    WaitlistOffer.objects.filter(freed_by_id=offer.freed_by_id, state=WaitlistOffer.State.OPEN).update(
        state=WaitlistOffer.State.GONE
    )
    WaitlistEntry.objects.filter(pk=entry.pk).update(state=WaitlistEntry.State.BOOKED)
    audit_record(
        actor=None,
        actor_label="patient (waitlist offer)",
        action=AuditAction.WAITLIST_CLAIMED,
        patient=entry.patient,
        obj=offer,
        data={"appointment": appointment.pk},
        request=request,
    )
    return appointment
