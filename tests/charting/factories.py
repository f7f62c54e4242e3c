"""Factories for visit records."""

from __future__ import annotations

import datetime

import factory

from fracturecare.accounts.models import Role
from fracturecare.charting.models import Amendment, NeedledPoint, Visit
from tests.factories import PatientFactory, UserFactory

CLEAR_RESCREEN = {"answered": True, "positive": [], "fired": [], "held": False, "basis": "answers"}


class VisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Visit

    patient = factory.SubFactory(PatientFactory)
    clinician = factory.SubFactory(UserFactory, role=Role.CLINICIAN)
    visit_date = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=1))
    pain_nrs_before = 5
    pain_nrs_after = 3
    # A re-screen answered "none of these today" (signing needs one).
    rescreen = factory.LazyFunction(lambda: dict(CLEAR_RESCREEN))


class NeedledPointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NeedledPoint

    visit = factory.SubFactory(VisitFactory)
    code = "KI3"
    laterality = "left"


def signed_visit(**kwargs) -> Visit:
    """A visit signed through the service (the only way a visit gets signed)."""
    from fracturecare.charting.services import visit_sign

    visit = VisitFactory(**kwargs)
    return visit_sign(visit=visit, actor=visit.clinician)


def amendment(visit: Visit, text: str = "Late entry.") -> Amendment:
    return Amendment.objects.create(visit=visit, author=visit.clinician, text=text)
