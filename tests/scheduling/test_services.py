"""Booking, matching patients, cancelling and moving; the database forbids overlaps itself."""

import datetime

import pytest
import time_machine
from django.db import IntegrityError, transaction

from fracturecare.audit.models import AuditEvent
from fracturecare.patients.matching import match_merge
from fracturecare.patients.models import Patient, PatientMatch
from fracturecare.scheduling.models import (
    Appointment,
    AppointmentStatus,
    MessageKind,
    MessageStatus,
    OutboxMessage,
    PatientTimeCell,
    PractitionerTimeCell,
)
from fracturecare.scheduling.selectors import appointments_for_patient
from fracturecare.scheduling.services import (
    BookingInvalid,
    SlotUnavailable,
    appointment_book,
    appointment_cancel,
    appointment_move,
)
from fracturecare.scheduling.slots import free_slots
from tests.factories import PatientFactory, UserFactory
from tests.scheduling.conftest import details, ny

NOW = ny(2026, 6, 1, 7, 0)


@pytest.fixture(autouse=True)
def _pinned():
    with time_machine.travel(NOW, tick=False):
        yield


def _book(clinic, start, practitioner=None, **kw):
    kw.setdefault("details", details())
    return appointment_book(
        appointment_type=clinic.kind, practitioner=practitioner or clinic.dana, start=start, reason="Shin pain", **kw
    )


def test_it_books_creates_the_patient_and_attaches_the_intake(clinic):
    appointment = _book(clinic, ny(2026, 6, 2, 10), intake={"pain_area": "shin", "screen": {"fever": False}})
    patient = appointment.patient
    assert (patient.first_name, patient.last_name, patient.email) == ("Ana", "Lopez", "ana@example.test")
    assert appointment.status == AppointmentStatus.BOOKED
    assert appointment.reason == "Shin pain" and appointment.intake["pain_area"] == "shin"
    assert appointment.end == ny(2026, 6, 2, 11)
    assert PractitionerTimeCell.objects.filter(appointment=appointment).count() == 12
    assert PatientTimeCell.objects.filter(appointment=appointment).count() == 12
    actions = list(AuditEvent.objects.order_by("id").values_list("action", "actor_label"))
    assert actions == [("patient.created", "anonymous"), ("appointment.booked", "anonymous")]


def test_the_anonymous_booker_is_labelled_in_the_audit(clinic):
    _book(clinic, ny(2026, 6, 2, 10), actor_label="online booking (anonymous)")
    event = AuditEvent.objects.get(action="appointment.booked")
    assert event.actor is None and event.actor_label == "online booking (anonymous)"
    assert event.patient_id is not None and "Shin" not in str(event.data)


def test_a_booking_never_joins_an_existing_chart_it_flags_a_match(clinic):
    existing = PatientFactory(
        first_name="Ana",
        last_name="Lopez",
        date_of_birth=datetime.date(1990, 4, 2),
        email="Ana@Example.test",
        phone="+15550000000",
    )
    appointment = _book(clinic, ny(2026, 6, 2, 10), details=details(first_name="ana", phone="+1 555 999 9999"))
    assert appointment.patient != existing
    existing.refresh_from_db()
    assert existing.phone == "+15550000000"  # an anonymous booker cannot change the record
    match = PatientMatch.objects.get(new=appointment.patient)
    assert match.existing == existing and match.status == "pending" and "email" in match.reasons
    merged = match_merge(match=match, actor=UserFactory(role="front_desk"))
    assert merged.status == "merged"
    appointment.refresh_from_db()
    assert appointment.patient == existing
    assert Patient.objects.get(pk=match.new_id).merged_into == existing
    assert AuditEvent.objects.filter(action="patient.merged", patient=existing).exists()


def test_it_queues_confirmation_now_and_reminder_a_day_before(clinic):
    appointment = _book(clinic, ny(2026, 6, 4, 10))
    rows = {m.kind: m for m in OutboxMessage.objects.filter(appointment=appointment)}
    assert set(rows) == {MessageKind.CONFIRMATION, MessageKind.REMINDER}
    assert rows[MessageKind.CONFIRMATION].send_after == NOW
    assert rows[MessageKind.REMINDER].send_after == ny(2026, 6, 3, 10)
    assert rows.values() and all(
        m.status == MessageStatus.QUEUED and m.to_email == "ana@example.test" for m in rows.values()
    )


def test_a_booking_inside_a_day_gets_no_reminder(clinic):
    appointment = _book(clinic, ny(2026, 6, 1, 15))
    assert list(appointment.messages.values_list("kind", flat=True)) == [MessageKind.CONFIRMATION]


def test_a_taken_slot_is_refused_and_nothing_is_written(clinic):
    _book(clinic, ny(2026, 6, 2, 10))
    counts = (Appointment.objects.count(), Patient.objects.count(), OutboxMessage.objects.count())
    with pytest.raises(SlotUnavailable):
        _book(clinic, ny(2026, 6, 2, 10), details=details(email="bo@example.test", first_name="Bo"))
    with pytest.raises(SlotUnavailable):  # overlaps the first half hour
        _book(clinic, ny(2026, 6, 2, 9, 30), details=details(email="bo@example.test", first_name="Bo"))
    assert (Appointment.objects.count(), Patient.objects.count(), OutboxMessage.objects.count()) == counts


def test_a_patient_cannot_be_in_two_places_at_once(clinic):
    first = _book(clinic, ny(2026, 6, 2, 10), practitioner=clinic.dana)
    with pytest.raises(SlotUnavailable, match="already have an appointment"):
        _book(clinic, ny(2026, 6, 2, 10, 30), practitioner=clinic.sam, details=None, patient=first.patient)


@pytest.mark.parametrize(
    "start",
    [ny(2026, 6, 2, 10, 10), ny(2026, 6, 2, 17), ny(2026, 5, 30, 10), ny(2026, 6, 1, 8)],
    ids=["off-grid", "after-hours", "past", "inside-notice"],
)
def test_a_time_that_is_not_a_slot_is_invalid(clinic, start):
    with pytest.raises(BookingInvalid) as exc:
        _book(clinic, start)
    assert exc.value.errors[0][0] == "start"
    assert Appointment.objects.count() == 0 and Patient.objects.count() == 0


def test_the_database_refuses_overlapping_practitioner_time_whatever_the_code_does(clinic):
    first = _book(clinic, ny(2026, 6, 2, 10))
    patient = PatientFactory()
    sneaky = Appointment.objects.create(
        practitioner=clinic.dana,
        patient=patient,
        appointment_type=clinic.kind,
        location=clinic.location,
        start=ny(2026, 6, 2, 10, 30),
        end=ny(2026, 6, 2, 11, 30),
        reason="x",
        source="online",
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        PractitionerTimeCell.objects.create(practitioner=clinic.dana, appointment=sneaky, at=ny(2026, 6, 2, 10, 30))
    with pytest.raises(IntegrityError), transaction.atomic():
        PatientTimeCell.objects.create(patient=first.patient, appointment=sneaky, at=ny(2026, 6, 2, 10, 45))
    with pytest.raises(IntegrityError), transaction.atomic():
        Appointment.objects.create(
            practitioner=clinic.dana,
            patient=patient,
            appointment_type=clinic.kind,
            location=clinic.location,
            start=ny(2026, 6, 2, 10),
            end=ny(2026, 6, 2, 11),
            reason="x",
            source="online",
        )


def test_cancelling_gives_the_slot_back(clinic):
    start = ny(2026, 6, 2, 10)
    appointment = _book(clinic, start)

    def free():
        return {
            s.start
            for s in free_slots(
                appointment_type=clinic.kind, start_date=start.date(), end_date=start.date(), practitioner=clinic.dana
            )
        }

    assert start not in free()
    appointment_cancel(appointment=appointment, actor_label="test")
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED and appointment.cancelled_at == NOW
    assert start in free()
    assert not PractitionerTimeCell.objects.exists() and not PatientTimeCell.objects.exists()
    kinds = dict(OutboxMessage.objects.values_list("kind", "status"))
    assert kinds[MessageKind.REMINDER] == MessageStatus.CANCELLED
    assert kinds[MessageKind.CANCELLATION] == MessageStatus.QUEUED
    # Someone else can now take it.
    again = _book(clinic, start, details=details(first_name="Bo", email="bo@example.test"))
    assert again.start == start
    # Cancelling twice changes nothing.
    appointment_cancel(appointment=appointment)
    assert OutboxMessage.objects.filter(kind=MessageKind.CANCELLATION).count() == 1


def test_moving_frees_the_old_time_and_holds_the_new(clinic):
    appointment = _book(clinic, ny(2026, 6, 3, 10))
    moved = appointment_move(appointment=appointment, start=ny(2026, 6, 3, 10, 30), practitioner=clinic.sam)
    assert (moved.start, moved.practitioner, moved.sequence) == (ny(2026, 6, 3, 10, 30), clinic.sam, 1)
    assert not PractitionerTimeCell.objects.filter(practitioner=clinic.dana).exists()
    assert PractitionerTimeCell.objects.filter(practitioner=clinic.sam).count() == 12
    reminders = OutboxMessage.objects.filter(kind=MessageKind.REMINDER)
    assert list(reminders.values_list("status", "send_after")) == [
        (MessageStatus.CANCELLED, ny(2026, 6, 2, 10)),
        (MessageStatus.QUEUED, ny(2026, 6, 2, 10, 30)),
    ]
    assert OutboxMessage.objects.filter(kind=MessageKind.CHANGE, status=MessageStatus.QUEUED).count() == 1
    assert AuditEvent.objects.filter(action="appointment.moved").count() == 1


def test_moving_onto_a_taken_time_changes_nothing(clinic):
    first = _book(clinic, ny(2026, 6, 3, 10))
    second = _book(clinic, ny(2026, 6, 3, 12), details=details(first_name="Bo", email="bo@example.test"))
    with pytest.raises(SlotUnavailable):
        appointment_move(appointment=second, start=ny(2026, 6, 3, 10, 30))
    second.refresh_from_db()
    assert second.start == ny(2026, 6, 3, 12)
    assert PractitionerTimeCell.objects.filter(appointment=second).count() == 12
    assert PractitionerTimeCell.objects.filter(appointment=first).count() == 12


def test_appointments_for_patient_lists_newest_first_including_cancelled(clinic, django_assert_num_queries):
    a = _book(clinic, ny(2026, 6, 2, 10))
    b = _book(clinic, ny(2026, 6, 5, 10), details=None, patient=a.patient)
    appointment_cancel(appointment=a)
    with django_assert_num_queries(1):
        rows = list(appointments_for_patient(a.patient))
        names = [(r.practitioner.display_name, r.location.name, r.appointment_type.slug) for r in rows]
    assert [r.pk for r in rows] == [b.pk, a.pk]
    assert names[0] == ("Dana Reyes", "Downtown clinic", "new-patient-consultation")
