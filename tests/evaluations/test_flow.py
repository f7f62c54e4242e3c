"""The evaluation form flows (issue 11 part 2): choices from the knowledge base, real "no" and "none"
answers, BMI from height and weight, the Triad section out of the way, notes, and prefill."""

import re

import pytest
from django.urls import reverse

from fracturecare.accounts.models import Role
from fracturecare.evaluations.forms import EvaluationForm
from fracturecare.evaluations.models import Evaluation
from fracturecare.knowledge import load_knowledge
from tests.evaluations.test_form import _post_data
from tests.factories import PatientFactory
from tests.planning.factories import example_case


def _valid(**changes) -> EvaluationForm:
    form = EvaluationForm({**_post_data(example_case("C01")), **changes})
    assert form.is_valid(), form.errors
    return form


def test_region_options_come_from_the_sites_data_and_carry_their_bone():
    html = str(EvaluationForm()["injury__region"])
    kb = load_knowledge()
    expected = sum(len(kb.regions_of(bone)) for bone in kb.regions)
    options = re.findall(r'<option value="(\w+)\|(\w+)" data-bone="(\w+)"', html)
    assert len(options) == expected > 0
    assert all(bone == data_bone for bone, _, data_bone in options)
    assert ("tibia", "anterior_cortex", "tibia") in options


def test_labels_are_clinical_words_never_codes():
    form = EvaluationForm()
    for name in ("injury__bone", "injury__region", "conditions", "medications", "history__menstrual_status"):
        labels = [str(label) for _, group in form.fields[name].choices
                  for label in ([group] if isinstance(group, str) else [lbl for _, lbl in group])]
        assert labels and not [label for label in labels if "_" in label], name
    assert not [f.help_text for f in form.fields.values() if re.search(r"\b[a-z]+_[a-z_]+\b", str(f.help_text))]


def test_an_answered_no_is_recorded_and_a_question_not_asked_is_left_out():
    case = _valid(findings__fever="False", findings__night_pain="").to_case()
    assert case["findings"]["fever"] is False
    assert "night_pain" not in case["findings"]


def test_none_is_an_answer_for_medications_and_conditions():
    case = _valid(medications_none="on", conditions_none="on").to_case()
    assert case["medications"] == [] and case["conditions"] == []
    assert "medications" not in _valid().to_case()


def test_typed_medicines_resolve_through_the_vocabulary():
    case = _valid(medications_other="Eliquis, plavix", conditions_other="ICD").to_case()
    assert case["medications"] == ["apixaban", "clopidogrel"]
    assert case["conditions"] == ["implanted_electronic_device"]


def test_bmi_is_worked_out_from_height_and_weight():
    case = _valid(history__bmi="", history__height_cm="170", history__weight_kg="52").to_case()
    assert case["history"]["bmi"] == 18.0


def test_a_note_per_section_is_kept_with_the_case():
    case = _valid(note__examination="Tender 10 cm above the medial malleolus.").to_case()
    assert case["notes"] == {"examination": "Tender 10 cm above the medial malleolus."}


@pytest.mark.parametrize(("sex", "age", "hidden"), [("male", 24, True), ("female", 74, True), ("female", 24, False)])
def test_the_triad_section_stays_out_of_the_way_when_it_does_not_apply(sex, age, hidden):
    form = EvaluationForm(initial={"patient__sex": sex, "patient__age": age})
    assert form.triad_applies() is not hidden


@pytest.mark.django_db
def test_the_form_page_folds_the_triad_away_for_a_man_and_loads_its_script(client, login):
    login(Role.CLINICIAN)
    patient = PatientFactory(sex="male")
    html = client.get(reverse("planning:evaluate", args=[patient.pk])).content.decode()
    assert re.search(r'id="group-triad"[^>]* hidden', html)
    # Production serves static files under hashed names (evaluation_form.<hash>.js).
    assert re.search(r"evaluations/evaluation_form(\.\w+)?\.js", html) and "<script>" not in html


@pytest.mark.django_db
def test_the_last_evaluation_prefills_the_next_one_without_the_findings_of_that_day(client, login):
    from tests.planning.factories import make_plan

    login(Role.CLINICIAN)
    plan = make_plan("C03")
    response = client.get(reverse("planning:evaluate", args=[plan.patient_id]))
    form = response.context["form"]
    assert form.initial["injury__bone"] == "metatarsal" and form.initial["patient__pregnant"] is True
    assert not [k for k in form.initial if k.startswith("findings__")]
    assert "Started from the evaluation of" in response.content.decode()


@pytest.mark.django_db
def test_an_unknown_typed_medicine_saves_nothing(client, login):
    login(Role.CLINICIAN)
    patient = PatientFactory()
    data = {**_post_data(example_case("C01")), "medications_other": "zorblaxin"}
    response = client.post(reverse("planning:evaluate", args=[patient.pk]), data)
    assert response.status_code == 200
    assert "is not a known medicine" in response.content.decode()
    assert not Evaluation.objects.exists()
