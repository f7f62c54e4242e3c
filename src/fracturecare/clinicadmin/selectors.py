"""Reads for /clinic/settings/: each list is a fixed number of queries, whatever its length."""

from __future__ import annotations

from django.db.models import Count, Prefetch, QuerySet

from fracturecare.accounts.models import Role, User
from fracturecare.scheduling.models import (
    AppointmentType,
    AvailabilityRule,
    ClinicClosure,
    Location,
    Practitioner,
)


def locations() -> QuerySet[Location]:
    return Location.objects.order_by("-active", "name")


def practitioners() -> QuerySet[Practitioner]:
    return (
        Practitioner.objects.select_related("user")
        .annotate(shift_count=Count("availability_rules", distinct=True))
        .prefetch_related(Prefetch("appointment_types", queryset=AppointmentType.objects.order_by("name")))
        .order_by("-active", "user__last_name", "user__first_name")
    )


def appointment_types() -> QuerySet[AppointmentType]:
    return AppointmentType.objects.prefetch_related(
        Prefetch("practitioners", queryset=Practitioner.objects.select_related("user"))
    ).order_by("-active", "name")


def shifts(practitioner: Practitioner) -> QuerySet[AvailabilityRule]:
    return practitioner.availability_rules.select_related("location").order_by("weekday", "start_time")


def time_off(practitioner: Practitioner):
    return practitioner.exceptions.select_related("location").order_by("-date", "start_time")


def holidays() -> QuerySet[ClinicClosure]:
    return ClinicClosure.objects.order_by("-date")


def staff() -> QuerySet[User]:
    return User.objects.filter(role__in=[Role.CLINICIAN, Role.FRONT_DESK, Role.CLINIC_ADMIN]).order_by(
        "-is_active", "last_name", "first_name", "username"
    )


def setup_checklist() -> list[tuple[str, bool, str]]:
    """What a new clinic still has to do before patients can book online: (label, done, url name)."""
    has_location = Location.objects.filter(active=True).exists()
    has_practitioner = Practitioner.objects.filter(active=True).exists()
    has_hours = AvailabilityRule.objects.filter(practitioner__active=True).exists()
    has_type = AppointmentType.objects.filter(active=True, bookable_online=True, practitioners__active=True).exists()
    return [
        ("Add a location", has_location, "clinicadmin:locations"),
        ("Invite your clinicians and make them bookable practitioners", has_practitioner,
         "clinicadmin:practitioners"),
        ("Give each practitioner weekly hours", has_hours, "clinicadmin:practitioners"),
        ("Create a visit type that patients can book online", has_type, "clinicadmin:visit_types"),
    ]
