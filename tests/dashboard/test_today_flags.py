"""The clinic home's list of today's patients: their stage now and their flags."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from fracturecare.accounts.models import Role
from fracturecare.dashboard import selectors
from fracturecare.outcomes.services import assessment_create
from fracturecare.scheduling.services import appointment_book
from tests.factories import PatientFactory, UserFactory
from tests.intake.factories import give_consents
from tests.planning.factories import make_plan
from tests.scheduling.factories import AppointmentTypeFactory, LocationFactory, PractitionerFactory, open_every_day

pytestmark = pytest.mark.django_db



@pytest.fixture(autouse=True)
def patients_have_consented():
    """Here patients start without consent: the consent-missing flag is under test."""
    yield

def _book_today(practitioner, kind, patient, hour):
    start = timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time(hour)))
    return appointment_book(appointment_type=kind, practitioner=practitioner, start=start, reason="Shin pain",
                            patient=patient, source="front_desk", now=start - datetime.timedelta(days=1))


def test_todays_patients_carry_stage_and_flags(django_assert_max_num_queries):
    clinician = UserFactory(role=Role.CLINICIAN)
    kind = AppointmentTypeFactory()
    practitioner = PractitionerFactory(user=clinician, appointment_types=[kind])
    open_every_day(practitioner, LocationFactory(), start=datetime.time(0), end=datetime.time(23, 55))
    urgent = make_plan("C02", clinician=clinician).patient
    calm = PatientFactory()
    give_consents(calm)
    assessment_create(patient=calm, recorded_by=clinician, assessed_on=timezone.localdate(), timepoint="review",
                      phase="reload")
    _book_today(practitioner, kind, urgent, 1)
    _book_today(practitioner, kind, calm, 2)
    rows = {r.appointment.patient_id: r for r in selectors.clinician_day(user=clinician, day=timezone.localdate())}
    assert selectors.FLAG_URGENT in rows[urgent.pk].flags
    assert selectors.FLAG_CONSENT_MISSING in rows[urgent.pk].flags
    assert selectors.FLAG_CONSENT_MISSING not in rows[calm.pk].flags
    # Booked by the front desk: the safety screen was not asked, so it is due at the visit.
    assert selectors.FLAG_RESCREEN_DUE in rows[calm.pk].flags
    assert rows[calm.pk].stage.phase == "reload" and rows[calm.pk].stage.source == "outcome"
