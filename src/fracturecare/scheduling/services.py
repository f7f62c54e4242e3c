"""Booking, moving and cancelling appointments. Every write goes through here.

The slot check below gives friendly answers; the cell tables' unique constraints are what
actually make double booking impossible when two requests race (see models.py).
"""

from __future__ import annotations

import datetime
import hashlib
import math
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from fracturecare.audit.actions import AuditAction
from fracturecare.audit.services import audit_record
from fracturecare.patients.matching import flag_possible_matches
from fracturecare.patients.models import Patient
from fracturecare.ratelimit import RateLimited, client_key_for
from fracturecare.scheduling.clock import cells
from fracturecare.scheduling.models import (
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
)
from fracturecare.scheduling.slots import find_slot

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
    email: str
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
        ]
    )
    lock_id = int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "big", signed=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [lock_id])


@transaction.atomic
def patient_match_or_create(
    *, details: PatientDetails, actor=None, actor_label: str = "", request=None
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


def _patient_busy(patient: Patient, start, end, ignore: Appointment | None = None) -> bool:
    rows = PatientTimeCell.objects.filter(patient=patient, at__gte=start, at__lt=end)
    if ignore is not None:
        rows = rows.exclude(appointment=ignore)
    return rows.exists()


def _queue(kind: str, appointment: Appointment, send_after: datetime.datetime) -> OutboxMessage | None:
    email = appointment.patient.email
    if not email:
        return None
    message = OutboxMessage(kind=kind, appointment=appointment, to_email=email, send_after=send_after)
    message.full_clean()
    message.save()
    return message


def _queue_reminder(appointment: Appointment, now: datetime.datetime) -> None:
    remind_at = appointment.start - REMINDER_BEFORE
    if remind_at >= now + _REMINDER_MIN_LEAD:
        _queue(MessageKind.REMINDER, appointment, remind_at)


def _drop_pending(appointment: Appointment, kinds: tuple[str, ...]) -> None:
    OutboxMessage.objects.filter(
        appointment=appointment, kind__in=kinds, status__in=[MessageStatus.QUEUED, MessageStatus.FAILED]
    ).update(status=MessageStatus.CANCELLED, retry_at=None, updated_at=timezone.now())


def _check_slot(*, appointment_type, practitioner, start, now, enforce_notice, ignore=None):
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

    def __init__(self, retry_after: int):
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
    booked_by=None,
    actor_label: str = "",
    request=None,
    now: datetime.datetime | None = None,
    ip_address: str | None = None,
) -> Appointment:
    """Book a slot for an existing `patient` or for the person in `details` (matched or created).

    Raises BookingInvalid (bad input, nothing written) or SlotUnavailable (taken meanwhile).
    An online booking from `ip_address` past the hourly limit raises BookingRateLimited
    before anything is written. Queues the confirmation and the reminder in the same transaction.
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
        patient, _ = patient_match_or_create(details=details, actor=booked_by, actor_label=actor_label, request=request)
    if _patient_busy(patient, slot.start, slot.end):
        raise SlotUnavailable(PATIENT_BUSY)

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
        data={"source": source, "type": appointment_type.slug, "practitioner": practitioner.pk},
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
    *, appointment: Appointment, actor=None, actor_label: str = "", request=None, now=None
) -> Appointment:
    """Cancel and give the time back at once. Cancelling twice changes nothing."""
    now = now or timezone.now()
    appointment = _locked(appointment)
    if appointment.status == AppointmentStatus.CANCELLED:
        return appointment
    if appointment.status != AppointmentStatus.CONFIRMED:
        raise BookingInvalid([("status", "Only a confirmed appointment can be cancelled.")])
    _release_time(appointment)
    appointment.status = AppointmentStatus.CANCELLED
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
        request=request,
    )
    return appointment


@transaction.atomic
def appointment_move(
    *,
    appointment: Appointment,
    start: datetime.datetime,
    practitioner: Practitioner | None = None,
    actor=None,
    actor_label: str = "",
    request=None,
    now=None,
    enforce_notice: bool = True,
) -> Appointment:
    """Move a confirmed appointment to another free slot (optionally another practitioner).

    Its own time counts as free while moving, so it can shift by half an hour.
    """
    now = now or timezone.now()
    appointment = _locked(appointment)
    if appointment.status != AppointmentStatus.CONFIRMED:
        raise BookingInvalid([("status", "Only a confirmed appointment can be moved.")])
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
