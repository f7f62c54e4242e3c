"""The forms pages behind a link, and the clinic's Forms page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from fracturecare.audit.models import AuditEvent
from fracturecare.intake.content import FormKind
from fracturecare.intake.models import ConsentRecord, IntakeResponse
from fracturecare.intake.services import form_request_create
from fracturecare.intake.tokens import forms_token
from fracturecare.outcomes.models import OutcomeAssessment
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db

INTAKE_POST = {
    "activity": "netball", "side": "right", "onset_weeks": "2", "pain_nrs": "5", "pain_at_rest": "no",
    "night_pain": "yes", "unable_to_bear_weight": "no", "fever": "no", "unexplained_weight_loss": "no",
    "prior_stress_fractures": "0", "pregnant": "no", "menstrual_status": "not_applicable",
    "medications": ["none"], "conditions": ["none"], "acupuncture": "yes", "dry_needling": "yes",
    "electroacupuncture": "no",
}


def _url(request, form=None) -> str:
    token = forms_token(request)
    return reverse("intake:form_fill", args=[token, form]) if form else reverse("intake:forms", args=[token])


def test_a_bad_link_gets_a_friendly_404_and_no_store(client):
    response = client.get(reverse("intake:forms", args=["not-a-token"]))
    assert response.status_code == 404 and b"This link does not work" in response.content
    assert response["Cache-Control"] == "no-store"


def test_the_intake_is_answered_once_by_link(client):
    patient = PatientFactory()
    request = form_request_create(patient=patient, forms=[FormKind.INTAKE])
    assert client.get(_url(request)).status_code == 200
    response = client.post(_url(request, FormKind.INTAKE), INTAKE_POST)
    assert response.status_code == 302
    answers = IntakeResponse.objects.get(patient=patient).answers
    assert answers["activity"] == "netball" and answers["medications"] == [] and answers["night_pain"] == "yes"
    again = client.post(_url(request, FormKind.INTAKE), INTAKE_POST, follow=True)
    assert "already been sent" in again.content.decode()
    assert IntakeResponse.objects.filter(patient=patient).count() == 1
    assert AuditEvent.objects.filter(patient=patient, action="intake.submitted").count() == 1


def test_missing_and_contradictory_answers_are_named_and_nothing_is_stored(client):
    request = form_request_create(patient=PatientFactory(), forms=[FormKind.INTAKE])
    bad = {**INTAKE_POST, "medications": ["none", "nsaid"], "pain_nrs": "11", "height_cm": "170"}
    del bad["side"]
    page = client.post(_url(request, FormKind.INTAKE), bad).content.decode()
    assert "Choose &#x27;None of these&#x27; or the items that apply, not both." in page
    assert 'href="#q-side"' in page and 'href="#q-pain_nrs"' in page and "Give both height and weight" in page
    assert not IntakeResponse.objects.exists()


def test_a_consent_is_signed_by_link(client):
    patient = PatientFactory()
    request = form_request_create(patient=patient, forms=[FormKind.CONSENT_ACUPUNCTURE])
    page = client.get(_url(request, FormKind.CONSENT_ACUPUNCTURE)).content.decode()
    assert "Fainting is uncommon" in page and "White A" in page
    client.post(_url(request, FormKind.CONSENT_ACUPUNCTURE), {"signed_name": "Kim Lee", "agreed": "on"})
    assert ConsentRecord.objects.get(patient=patient).signed_name == "Kim Lee"


def test_the_outcomes_questionnaire_goes_on_the_chart_as_patient_reported(client):
    patient = PatientFactory()
    request = form_request_create(patient=patient, forms=[FormKind.OUTCOMES])
    data = {"pain_nrs": "3", **{f"lefs_{i}": "2" for i in range(20)}}
    assert client.get(_url(request, FormKind.OUTCOMES)).status_code == 302  # the outcomes app takes it
    url = reverse("outcomes_public:questionnaire", args=[forms_token(request)])
    assert client.post(url, data).status_code == 302
    assessment = OutcomeAssessment.objects.get(patient=patient)
    assert assessment.patient_reported and assessment.lefs_total == 40


def test_a_link_for_one_patient_never_opens_a_form_it_does_not_list(client):
    request = form_request_create(patient=PatientFactory(), forms=[FormKind.OUTCOMES])
    assert client.get(_url(request, FormKind.INTAKE)).status_code == 404
    assert client.get(_url(request, "tax_return")).status_code == 404


def test_the_clinic_forms_page_shows_consent_state_and_records_a_withdrawal(client, login):
    clinician = login("clinician")
    patient = PatientFactory()
    url = reverse("intake:patient_forms", args=[patient.pk])
    assert "not signed" in client.get(url).content.decode()
    client.post(reverse("intake:consent_in_clinic", args=[patient.pk]),
                {"form": FormKind.CONSENT_DRY_NEEDLING, "signed_name": patient.full_name})
    client.post(reverse("intake:consent_withdraw", args=[patient.pk]), {"form": FormKind.CONSENT_DRY_NEEDLING})
    records = list(ConsentRecord.objects.filter(patient=patient).order_by("id").values_list("decision", flat=True))
    assert records == ["given", "withdrawn"]
    assert AuditEvent.objects.filter(patient=patient, actor=clinician, action="intake.viewed").exists()
