"""The stored "not improving" flags follow the assessments: recorded, voided, and moved by a merge."""

import datetime

import pytest
from django.utils import timezone

from fracturecare.outcomes.models import ProgressFlag
from fracturecare.outcomes.services import assessment_create, assessment_void
from fracturecare.patients.matching import match_merge
from fracturecare.patients.models import PatientMatch
from tests.factories import PatientFactory, UserFactory

pytestmark = pytest.mark.django_db


def _record(patient, recorder, nrs: int, days_ago: int):
    return assessment_create(patient=patient, recorded_by=recorder, timepoint="review", pain_nrs=nrs,
                             assessed_on=timezone.localdate() - datetime.timedelta(days=days_ago))


def test_a_flag_is_stored_when_the_rule_flags_and_removed_when_it_no_longer_does():
    clinician = UserFactory(role="clinician")
    patient = PatientFactory()
    _record(patient, clinician, 3, 10)
    assert not ProgressFlag.objects.filter(patient=patient).exists()
    worse = _record(patient, clinician, 7, 3)
    flag = ProgressFlag.objects.get(patient=patient)
    assert (flag.status, flag.rank, flag.last_assessed) == ("worsening", 0, worse.assessed_on)
    assessment_void(assessment=worse, actor=clinician, reason="wrong patient")
    assert not ProgressFlag.objects.filter(patient=patient).exists()


def test_a_merge_moves_the_flag_to_the_existing_chart():
    clinician = UserFactory(role="clinician")
    existing, booking = PatientFactory(), PatientFactory()
    _record(booking, clinician, 3, 10)
    _record(booking, clinician, 8, 2)
    assert ProgressFlag.objects.filter(patient=booking).exists()
    match = PatientMatch.objects.create(new=booking, existing=existing, reasons=["email"])
    match_merge(match=match, actor=UserFactory(role="front_desk"))
    assert list(ProgressFlag.objects.values_list("patient_id", "status")) == [(existing.pk, "worsening")]
