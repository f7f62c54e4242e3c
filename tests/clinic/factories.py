"""Factories for the clinic profile."""

from __future__ import annotations

import factory

from fracturecare.clinic.models import PROFILE_PK, ClinicProfile


class ClinicProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClinicProfile
        django_get_or_create = ("id",)

    id = PROFILE_PK
    name = "Riverside Bone Clinic"
    address = "12 River Road, Springfield"
    phone = "+1-555-010-0123"
    sms = "+1-555-010-0124"
    email = "desk@riverside.example.test"
    time_zone = "America/New_York"
