"""Forms by link: issuing, single use per form, consent records, intake answers as case values."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from fracturecare.audit.models import AuditEvent
from fracturecare.intake import selectors, services
from fracturecare.intake.content import CONSENT_FORMS, FormKind
from fracturecare.intake.models import AppendOnlyError, ConsentDecision, ConsentRecord, FormRequest
from fracturecare.intake.tokens import forms_token
from fracturecare.outcomes.models import OutcomeAssessment
from fracturecare.outcomes.services import questionnaire_submit
from tests.factories import PatientFactory, UserFactory
from tests.intake.factories import give_consents

pytestmark = pytest.mark.django_db

ANSWERS = {
    "activity": "running", "side": "left", "onset_weeks": 4, "pain_nrs": 6, "pain_at_rest": "no",
    "night_pain": "no", "unable_to_bear_weight": "no", "fever": "no", "unexplained_weight_loss": "no",
    "prior_stress_fractures": 1, "height_cm": 170, "weight_kg": 60.0, "pregnant": "unsure",
    "menstrual_status": "oligomenorrhea", "age_at_menarche": 14, "medications": [], "conditions": ["diabetes"],
    "acupuncture": "yes", "dry_needling": "no", "electroacupuncture": "no", "other": "",
}


def test_a_new_patient_is_asked_for_intake_and_consents_then_a_returning_one_for_outcomes():
    patient = PatientFactory()
    assert services.forms_for_booking(patient) == [
        FormKind.INTAKE, FormKind.CONSENT_ACUPUNCTURE, FormKind.CONSENT_DRY_NEEDLING, FormKind.PRIVACY]
    first = services.form_request_create(patient=patient, forms=services.forms_for_booking(patient))
    services.intake_submit(form_request=first, answers=ANSWERS)
    give_consents(patient)
    assert services.forms_for_booking(patient) == [FormKind.OUTCOMES]


def test_a_booking_issues_the_forms_link_and_the_sender_emails_it_once():
    from tests.test_url_permissions import World

    appointment = World().get("appointment")
    request = FormRequest.objects.get(appointment=appointment)
    assert request.forms[0] == FormKind.INTAKE and request.emailed_at is None
    mail.outbox.clear()
    assert services.send_due_form_links() == 1
    assert services.send_due_form_links() == 0
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert forms_token(request) in body and "pain" not in mail.outbox[0].subject.lower()


def test_each_form_of_a_link_is_accepted_once():
    patient = PatientFactory()
    request = services.form_request_create(patient=patient, forms=[FormKind.INTAKE])
    services.intake_submit(form_request=request, answers=ANSWERS)
    with pytest.raises(ValidationError) as exc:
        services.intake_submit(form_request=request, answers=ANSWERS)
    assert "already been sent" in str(exc.value)
    assert patient.intake_responses.count() == 1


def test_a_form_not_in_the_link_is_refused_naming_it():
    request = services.form_request_create(patient=PatientFactory(), forms=[FormKind.OUTCOMES])
    with pytest.raises(ValidationError) as exc:
        services.intake_submit(form_request=request, answers=ANSWERS)
    assert "'intake'" in str(exc.value)


def test_unknown_forms_are_refused_by_name():
    with pytest.raises(ValidationError) as exc:
        services.form_request_create(patient=PatientFactory(), forms=["tax_return"])
    assert "tax_return" in str(exc.value)


def test_tokens_are_refused_when_tampered_with_expired_or_superseded():
    request = services.form_request_create(patient=PatientFactory(), forms=[FormKind.INTAKE])
    token = forms_token(request)
    assert selectors.form_request_for_token(token) == request
    assert selectors.form_request_for_token(token[:-2] + "xx") is None
    assert selectors.form_request_for_token(token, now=request.expires_at + datetime.timedelta(seconds=1)) is None
    FormRequest.objects.filter(pk=request.pk).update(nonce="0" * 32)
    assert selectors.form_request_for_token(token) is None


def test_a_signed_consent_keeps_name_time_version_and_the_text_and_never_changes():
    patient = PatientFactory()
    request = services.form_request_create(patient=patient, forms=[FormKind.CONSENT_DRY_NEEDLING])
    record = services.consent_sign(form_request=request, form=FormKind.CONSENT_DRY_NEEDLING,
                                   signed_name=" Ada Lovelace ", agreed=True)
    form = CONSENT_FORMS[FormKind.CONSENT_DRY_NEEDLING]
    assert (record.signed_name, record.version) == ("Ada Lovelace", form.version)
    assert record.signed_at is not None and form.statements[1].text in record.text
    # The sources behind the risk figures travel with the copy.
    assert "Brady S" in record.text and "Boyce D" in record.text
    assert selectors.consent_status(patient)[FormKind.CONSENT_DRY_NEEDLING].current
    record.signed_name = "Someone else"
    with pytest.raises(AppendOnlyError):
        record.save()
    with pytest.raises(AppendOnlyError):
        record.delete()
    assert AuditEvent.objects.filter(patient=patient, action="consent.signed").exists()


def test_consent_needs_a_name_and_the_box_ticked():
    request = services.form_request_create(patient=PatientFactory(), forms=[FormKind.CONSENT_ACUPUNCTURE])
    with pytest.raises(ValidationError) as exc:
        services.consent_sign(form_request=request, form=FormKind.CONSENT_ACUPUNCTURE, signed_name=" ", agreed=False)
    assert set(exc.value.message_dict) == {"signed_name", "agreed"}
    assert not ConsentRecord.objects.exists()


def test_withdrawn_or_outdated_consent_is_not_current():
    patient = PatientFactory()
    give_consents(patient, kinds=[FormKind.CONSENT_ACUPUNCTURE, FormKind.CONSENT_DRY_NEEDLING])
    services.consent_withdraw(patient=patient, form=FormKind.CONSENT_ACUPUNCTURE, actor=UserFactory(role="clinician"))
    status = selectors.consent_status(patient)
    acupuncture = status[FormKind.CONSENT_ACUPUNCTURE]
    assert not acupuncture.current and "withdrawn" in acupuncture.reason
    # A privacy notice signed in an earlier version (stored rows never change, so it is stored that way).
    ConsentRecord.objects.create(patient=patient, form=FormKind.PRIVACY, version="2020-1", title="Privacy notice",
                                 text="Earlier text.", decision=ConsentDecision.GIVEN, signed_name=patient.full_name)
    assert "now version" in selectors.consent_status(patient)[FormKind.PRIVACY].reason


def test_intake_answers_become_case_values():
    patient = PatientFactory()
    request = services.form_request_create(patient=patient, forms=[FormKind.INTAKE])
    services.intake_submit(form_request=request, answers=ANSWERS)
    case = selectors.intake_case_values(patient)
    assert case["patient"] == {"activity": "running", "pregnant": True}  # "not sure" counts as possibly pregnant
    assert case["injury"] == {"side": "left", "onset_weeks": 4, "pain_nrs": 6}
    assert case["findings"]["night_pain"] is False
    assert case["history"]["bmi"] == 20.8 and case["history"]["menstrual_status"] == "oligomenorrhea"
    assert case["medications"] == [] and case["conditions"] == ["diabetes"]
    assert case["preferences"] == {"acupuncture": True, "dry_needling": False, "electroacupuncture": False}
    assert selectors.intake_case_values(PatientFactory()) == {}


def test_outcome_answers_are_stored_as_patient_reported():
    patient = PatientFactory()
    request = services.form_request_create(patient=patient, forms=[FormKind.OUTCOMES])
    questionnaire_submit(form_request=request, pain_nrs=4, lefs_items=[3] * 20)
    a = OutcomeAssessment.objects.get(patient=patient)
    assert (a.patient_reported, a.recorded_by, a.pain_nrs, a.lefs_total) == (True, None, 4, 60)
    assert a.assessed_on == timezone.localdate()
    with pytest.raises(ValidationError):
        questionnaire_submit(form_request=request, pain_nrs=4, lefs_items=[3] * 20)
