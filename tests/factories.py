"""factory_boy factories shared by the tests of every app."""

from __future__ import annotations

import datetime

import factory

from fracturecare.accounts.models import Role, User
from fracturecare.patients.models import Patient

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.test")
    role = Role.CLINICIAN
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class PatientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Patient

    first_name = factory.Sequence(lambda n: f"Pat{n}")
    last_name = factory.Sequence(lambda n: f"Smith{n}")
    date_of_birth = datetime.date(1998, 5, 17)
    sex = "female"
    email = factory.LazyAttribute(lambda p: f"{p.first_name.lower()}@example.test")
    phone = factory.Sequence(lambda n: f"+1555010{n:04d}")
