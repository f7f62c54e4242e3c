"""Demo schedule: one location, the appointment types, two practitioners with weekday hours
for the next four weeks, and a few booked visits for the demo patients. Safe to run twice."""

from __future__ import annotations

import datetime

from django.utils import timezone

from fracturecare.accounts.models import Role, User
from fracturecare.patients.models import Patient
from fracturecare.scheduling.models import (
    Appointment,
    AppointmentType,
    AvailabilityRule,
    BookingSource,
    Location,
    Practitioner,
)
from fracturecare.scheduling.services import BookingError, appointment_book
from fracturecare.scheduling.slots import free_slots

NEW_PATIENT_SLUG = "new-patient-consultation"

TYPES = [
    # slug, name, minutes, new_patients, bookable_online, buffer_after, description
    (
        NEW_PATIENT_SLUG,
        "New-patient consultation",
        60,
        True,
        True,
        10,
        "A first visit: history, examination and a plan agreed with you.",
    ),
    ("follow-up", "Follow-up visit", 30, False, True, 0, "For patients already under our care."),
    (
        "needling-session",
        "Acupuncture or dry-needling session",
        45,
        False,
        False,
        5,
        "Booked by the front desk once a clinician has agreed it is suitable.",
    ),
]

# username, title, [(start, end), ...] on each weekday
HOURS = [
    (
        "clinician",
        "Sports medicine physician",
        [(datetime.time(9), datetime.time(12, 30)), (datetime.time(13, 30), datetime.time(17))],
    ),
    (
        "clinician2",
        "Physiotherapist and acupuncturist",
        [(datetime.time(8), datetime.time(12)), (datetime.time(13), datetime.time(16))],
    ),
]


def load(stdout) -> None:
    location, _ = Location.objects.update_or_create(
        name="Downtown clinic",
        defaults={"address": "100 Main Street, Suite 200, Springfield", "directions": "Lift to the 2nd floor."},
    )
    types = []
    for slug, name, minutes, new, online, buffer_after, description in TYPES:
        t, _ = AppointmentType.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "minutes": minutes,
                "new_patients": new,
                "bookable_online": online,
                "buffer_after_minutes": buffer_after,
                "description": description,
                "active": True,
            },
        )
        types.append(t)

    today = timezone.localdate()
    until = today + datetime.timedelta(weeks=4)
    for username, title, shifts in HOURS:
        user = User.objects.filter(username=username, role=Role.CLINICIAN).first()
        if user is None:
            stdout.write(f"  scheduling: no clinician {username!r}; run the accounts demo first")
            continue
        practitioner, _ = Practitioner.objects.update_or_create(user=user, defaults={"title": title, "active": True})
        practitioner.appointment_types.set(types)
        for weekday in range(5):
            for start, end in shifts:
                AvailabilityRule.objects.update_or_create(
                    practitioner=practitioner,
                    weekday=weekday,
                    start_time=start,
                    defaults={"end_time": end, "location": location, "valid_from": today, "valid_until": until},
                )
    _book_demo_visits(stdout)
    stdout.write(f"  scheduling: {Practitioner.objects.count()} practitioners bookable until {until}")


def _book_demo_visits(stdout) -> None:
    """Give up to three demo patients an upcoming visit, unless they already have one."""
    follow_up = AppointmentType.objects.get(slug="follow-up")
    now = timezone.now()
    start_day = timezone.localdate() + datetime.timedelta(days=1)
    slots = free_slots(
        appointment_type=follow_up,
        start_date=start_day,
        end_date=start_day + datetime.timedelta(days=6),
        enforce_notice=False,
    )
    patients = Patient.objects.exclude(appointments__start__gt=now).order_by("id")[:3]
    for patient, slot in zip(patients, slots[::5], strict=False):
        if Appointment.objects.filter(patient=patient, start__gt=now).exists():
            continue
        try:
            appointment_book(
                appointment_type=follow_up,
                practitioner=Practitioner.objects.get(pk=slot.practitioner_id),
                start=slot.start,
                patient=patient,
                reason="Review of progress (demo)",
                source=BookingSource.FRONT_DESK,
                actor_label="demo data",
            )
        except BookingError as exc:
            stdout.write(f"  scheduling: could not book a demo visit for patient {patient.pk}: {exc}")
