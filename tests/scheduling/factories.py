"""Factories for the scheduling tests."""

from __future__ import annotations

import datetime

import factory

from fracturecare.accounts.models import Role
from fracturecare.scheduling.models import AppointmentType, AvailabilityRule, Location, Practitioner
from tests.factories import UserFactory


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location

    name = factory.Sequence(lambda n: f"Clinic {n}")
    address = factory.Sequence(lambda n: f"{n} Main Street, Springfield")


class AppointmentTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AppointmentType
        django_get_or_create = ("slug",)

    slug = "new-patient-consultation"
    name = "New-patient consultation"
    minutes = 60
    new_patients = True
    slot_step_minutes = 30
    min_notice_minutes = 120
    max_advance_days = 60


class PractitionerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Practitioner
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory, role=Role.CLINICIAN, first_name="Dana", last_name="Reyes")

    @factory.post_generation
    def appointment_types(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.appointment_types.set(extracted)


def open_every_day(practitioner, location, start=datetime.time(9), end=datetime.time(17)):
    """Weekly hours on all seven days, so tests can use any date."""
    for weekday in range(7):
        AvailabilityRule.objects.create(
            practitioner=practitioner, location=location, weekday=weekday, start_time=start, end_time=end
        )
