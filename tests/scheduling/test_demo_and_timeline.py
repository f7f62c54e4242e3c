"""Demo data (idempotent) and the appointments on the patient timeline."""

import datetime
import io

import time_machine
from django.utils import timezone

from fracturecare.accounts import demo as accounts_demo
from fracturecare.clinic.selectors import clinic_scope
from fracturecare.scheduling import demo as scheduling_demo
from fracturecare.scheduling.models import Appointment, AppointmentType, AvailabilityRule, Location, Practitioner
from fracturecare.scheduling.services import appointment_book, appointment_cancel
from fracturecare.scheduling.slots import free_slots
from fracturecare.scheduling.timeline import CLINICAL, timeline_entries
from tests.factories import PatientFactory
from tests.scheduling.conftest import details, ny


def test_the_demo_loads_twice_without_duplicates(db):
    with time_machine.travel(ny(2026, 6, 1, 7, 0), tick=False):
        out = io.StringIO()
        accounts_demo.load(out)
        PatientFactory.create_batch(3)
        scheduling_demo.load(out)
        counts = [
            Practitioner.objects.count(),
            Location.objects.count(),
            AppointmentType.objects.count(),
            AvailabilityRule.objects.count(),
            Appointment.objects.count(),
        ]
        scheduling_demo.load(out)
        assert [
            Practitioner.objects.count(),
            Location.objects.count(),
            AppointmentType.objects.count(),
            AvailabilityRule.objects.count(),
            Appointment.objects.count(),
        ] == counts
        assert counts[0] == 2 and counts[1] == 1 and counts[4] == 3
        assert {p.user.username for p in Practitioner.objects.select_related("user")} == {"clinician", "clinician2"}
        new = AppointmentType.objects.get(slug="new-patient-consultation")
        assert new.new_patients and new.bookable_online
        today = timezone.localdate()
        slots = free_slots(appointment_type=new, start_date=today, end_date=today + datetime.timedelta(days=30))
        days = {s.start.astimezone(timezone.get_current_timezone()).date() for s in slots}
        assert all(d.weekday() < 5 for d in days)
        assert {s.practitioner_id for s in slots} == set(Practitioner.objects.values_list("pk", flat=True))
        assert max(days) >= today + datetime.timedelta(days=25)  # four weeks of weekdays
        assert max(days) <= today + datetime.timedelta(weeks=4)


def test_the_timeline_shows_appointments_without_the_reason(clinic, django_assert_num_queries):
    assert CLINICAL is False
    with time_machine.travel(ny(2026, 6, 1, 7, 0), tick=False):
        first = appointment_book(
            appointment_type=clinic.kind,
            practitioner=clinic.dana,
            start=ny(2026, 6, 2, 10),
            details=details(),
            reason="ZZREASON",
        )
        # Online bookings always create a new record, so the second visit names the same patient outright.
        appointment_book(
            appointment_type=clinic.kind,
            practitioner=clinic.sam,
            start=ny(2026, 6, 4, 11),
            patient=first.patient,
            reason="ZZREASON",
        )
        appointment_cancel(appointment=first)
    # In a request the clinic profile (zone) is already read by ClinicMiddleware; clinic_scope does the same here.
    with clinic_scope(), django_assert_num_queries(1):
        entries = list(timeline_entries(patient=first.patient))
    assert [e.title for e in entries] == [
        "New-patient consultation with Sam Okafor",
        "New-patient consultation with Dana Reyes (cancelled)",
    ]
    assert entries[1].detail == "Tue 02 Jun 2026, 10:00 at Downtown clinic"
    assert all("ZZREASON" not in e.title + e.detail for e in entries)
