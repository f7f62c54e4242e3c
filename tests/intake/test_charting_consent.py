"""Charting needling needs the patient's current consent (the check lives in the charting service)."""

from __future__ import annotations

import datetime

import pytest

from fracturecare.charting import services
from fracturecare.charting.models import Visit
from fracturecare.charting.validation import VisitRecord, VisitRecordError
from fracturecare.intake.content import FormKind
from fracturecare.intake.services import consent_withdraw
from tests.factories import PatientFactory, UserFactory
from tests.intake.factories import give_consents

pytestmark = pytest.mark.django_db

YESTERDAY = datetime.date.today() - datetime.timedelta(days=1)
POINT = {"code": "SP6", "laterality": "left"}
TARGET = {"muscle": "soleus", "side": "left", "technique": "pistoning", "response": "ltr"}


def _record(points=(), dry_needling=()) -> VisitRecord:
    count = len(points) + len(dry_needling)
    return VisitRecord(fields={"visit_date": YESTERDAY, "pain_nrs_before": 5, "needles_in": count or None,
                               "needles_out": count or None},
                       points=list(points), dry_needling=list(dry_needling))


def _consent_messages(exc: VisitRecordError) -> list[str]:
    return [p.message for p in exc.problems if p.field == "consent"]


def test_acupuncture_without_consent_is_refused_with_a_clear_message():
    patient = PatientFactory()
    with pytest.raises(VisitRecordError) as exc:
        services.visit_create(patient=patient, clinician=UserFactory(), record=_record(points=[POINT]))
    (message,) = _consent_messages(exc.value)
    assert "without the patient's current written consent" in message
    assert "consent to acupuncture (not signed)" in message and "dry needling" not in message
    assert not Visit.objects.filter(patient=patient).exists()


def test_dry_needling_needs_its_own_consent():
    patient = PatientFactory()
    give_consents(patient, kinds=[FormKind.CONSENT_ACUPUNCTURE])
    services.visit_create(patient=patient, clinician=UserFactory(), record=_record(points=[POINT]))
    with pytest.raises(VisitRecordError) as exc:
        services.visit_create(patient=patient, clinician=UserFactory(), record=_record(dry_needling=[TARGET]))
    assert "consent to dry needling (not signed)" in _consent_messages(exc.value)[0]


def test_a_visit_without_needling_needs_no_consent():
    visit = services.visit_create(patient=PatientFactory(), clinician=UserFactory(), record=_record())
    assert visit.pk is not None


def test_a_draft_cannot_be_signed_after_consent_is_withdrawn():
    patient, clinician = PatientFactory(), UserFactory(role="clinician")
    give_consents(patient)
    visit = services.visit_create(patient=patient, clinician=clinician, record=_record(points=[POINT]))
    consent_withdraw(patient=patient, form=FormKind.CONSENT_ACUPUNCTURE, actor=clinician)
    with pytest.raises(VisitRecordError) as exc:
        services.visit_sign(visit=visit, actor=clinician)
    assert "withdrawn" in _consent_messages(exc.value)[0]
    visit.refresh_from_db()
    assert visit.signed_at is None
