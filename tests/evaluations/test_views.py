"""Recording an evaluation through the web form."""

import pytest
from django.urls import reverse

from fracturecare.accounts.models import Role
from fracturecare.audit.models import AuditEvent
from fracturecare.engine import CaseError, FieldError
from fracturecare.evaluations.models import Evaluation
from fracturecare.planning.models import Plan
from tests.evaluations.test_form import _post_data
from tests.factories import PatientFactory
from tests.planning.factories import example_case

pytestmark = pytest.mark.django_db


def test_it_shows_the_form_prefilled_from_the_record(client, login):
    login(Role.CLINICIAN)
    patient = PatientFactory(sex="female")
    response = client.get(reverse("planning:evaluate", args=[patient.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Red flags: ask these first" in html
    assert '<label for="id_injury__pain_nrs">Pain now (0-10)' in html
    assert response.context["form"].initial["patient__sex"] == "female"


@pytest.mark.parametrize("role", [Role.FRONT_DESK, Role.PATIENT, Role.CLINIC_ADMIN])
def test_only_clinicians_record_evaluations(client, login, role):
    login(role)
    patient = PatientFactory()
    assert client.get(reverse("planning:evaluate", args=[patient.pk])).status_code == 403
    data = _post_data(example_case("C01"))
    assert client.post(reverse("planning:evaluate", args=[patient.pk]), data).status_code == 403
    assert not Evaluation.objects.exists()


def test_submitting_stores_the_case_and_its_plan(client, login):
    user = login(Role.CLINICIAN)
    patient = PatientFactory()
    response = client.post(reverse("planning:evaluate", args=[patient.pk]), _post_data(example_case("C02")))
    evaluation = Evaluation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("planning:detail", args=[evaluation.plan.pk])
    assert evaluation.clinician == user and evaluation.patient == patient
    assert evaluation.case["injury"]["region"] == "neck_tension"
    assert evaluation.plan.triage_level in ("urgent_referral", "emergency")
    assert AuditEvent.objects.filter(action="evaluation.created", patient=patient).exists()


def test_bad_input_rerenders_with_field_messages_and_saves_nothing(client, login):
    login(Role.CLINICIAN)
    patient = PatientFactory()
    data = {**_post_data(example_case("C01")), "injury__pain_nrs": "14"}
    response = client.post(reverse("planning:evaluate", args=[patient.pk]), data)
    assert response.status_code == 200
    assert 'id="id_injury__pain_nrs_error"' in response.content.decode()
    assert "Nothing was saved" in response.content.decode()
    assert not Evaluation.objects.exists() and not Plan.objects.exists()


def test_an_engine_rejection_lands_on_the_field_and_saves_nothing(client, login, monkeypatch):
    login(Role.CLINICIAN)
    patient = PatientFactory()

    def reject(case):
        raise CaseError([FieldError("injury.onset_weeks", "onset is implausible for this case")])

    monkeypatch.setattr("fracturecare.planning.services.plan_generate", reject)
    response = client.post(reverse("planning:evaluate", args=[patient.pk]), _post_data(example_case("C01")))
    assert response.status_code == 200
    assert response.context["form"].errors["injury__onset_weeks"] == ["onset is implausible for this case"]
    assert not Evaluation.objects.exists()


def test_a_failure_after_the_evaluation_is_written_rolls_everything_back(client, login, monkeypatch):
    login(Role.CLINICIAN)
    patient = PatientFactory()

    def explode(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("fracturecare.planning.services.plan_create", explode)
    client.raise_request_exception = False
    response = client.post(reverse("planning:evaluate", args=[patient.pk]), _post_data(example_case("C01")))
    assert response.status_code == 500
    assert not Evaluation.objects.exists()
    assert not AuditEvent.objects.filter(action="evaluation.created").exists()


def test_the_evaluation_page_shows_the_answers(client, login):
    login(Role.CLINIC_ADMIN)
    patient = PatientFactory()
    from tests.planning.factories import make_plan

    plan = make_plan("C01", patient=patient)
    response = client.get(reverse("evaluations:detail", args=[plan.evaluation_id]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Inner (posteromedial) border of the shaft" in html and "Fredericson MRI grade" in html
    assert AuditEvent.objects.filter(action="evaluation.viewed").exists()


def test_front_desk_cannot_read_an_evaluation(client, login):
    from tests.planning.factories import make_plan

    plan = make_plan("C01")
    login(Role.FRONT_DESK)
    assert client.get(reverse("evaluations:detail", args=[plan.evaluation_id])).status_code == 403


def test_the_database_refuses_to_update_an_evaluation():
    from django.db import DatabaseError, transaction

    from tests.planning.factories import make_plan

    plan = make_plan("C01")
    with pytest.raises(ValueError):
        plan.evaluation.save()
    with pytest.raises(DatabaseError), transaction.atomic():
        Evaluation.objects.filter(pk=plan.evaluation_id).update(case={})
    assert Evaluation.objects.get(pk=plan.evaluation_id).case["injury"]["bone"] == "tibia"


def test_re_evaluating_starts_from_the_earlier_case_and_audits_the_read(client, login):
    from tests.planning.factories import make_plan

    user = login(Role.CLINICIAN)
    plan = make_plan("C03")
    url = reverse("planning:evaluate", args=[plan.patient_id]) + f"?from={plan.evaluation_id}"
    form = client.get(url).context["form"]
    assert form.initial["injury__ray"] == 2 and form.initial["patient__pregnant"] is True
    assert AuditEvent.objects.filter(action="evaluation.viewed", actor=user, patient=plan.patient).exists()
