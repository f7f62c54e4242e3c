"""The red-flag re-screen: its questions come from the knowledge base, its verdict from the engine."""

import datetime

import pytest

from fracturecare.charting import rescreen
from fracturecare.charting.models import Visit
from fracturecare.charting.services import visit_create, visit_sign
from fracturecare.charting.validation import VisitRecord, VisitRecordError
from fracturecare.engine.conditions import paths_in
from fracturecare.knowledge import load_knowledge
from fracturecare.outcomes.models import OutcomeAssessment
from tests.factories import PatientFactory, UserFactory
from tests.planning.factories import example_case, make_plan

pytestmark = pytest.mark.django_db


def test_every_question_is_a_finding_a_knowledge_base_red_flag_rule_reads():
    asked = {q.path for q in rescreen.questions()}
    kb = load_knowledge()
    red_flag_paths = {
        p for r in kb.red_flags["rules"] if r["kind"] == "red_flag"
        for p in paths_in(r["when"]) if p.startswith("findings.")
    }
    assert asked == red_flag_paths
    assert "findings.fever" in asked and "findings.neurovascular_deficit" in asked
    questions = rescreen.questions()
    assert questions and all(q.label and "_" not in q.label for q in questions)


def test_none_today_holds_nothing_and_fever_fires_the_engines_infection_rule():
    case = example_case("C01")
    clear = rescreen.evaluate([], case=case, evaluation_id=1)
    assert not clear.held and clear.fired == []
    fever = rescreen.evaluate(["findings.fever"], case=case, evaluation_id=1)
    assert fever.held and [f["rule"] for f in fever.fired] == ["infection_suspected"]
    # Fever with a stress fracture is an emergency in the knowledge base (possible infection).
    assert fever.fired[0]["level"] == "emergency" and fever.fired[0]["action"]


def test_a_finding_answered_no_today_replaces_the_evaluations_yes():
    case = example_case("C01")
    case["findings"]["night_pain"] = True
    assert not rescreen.evaluate([], case=case, evaluation_id=1).held
    assert rescreen.evaluate(["findings.night_pain"], case=case, evaluation_id=1).held


def test_a_rule_needs_all_its_parts_as_in_the_engine():
    case = example_case("C01")
    case["findings"]["hop_test_pain"] = False
    # Groin pain alone does not make the femoral-neck rule; with pain on internal rotation it does.
    assert not rescreen.evaluate(["findings.groin_pain"], case=case, evaluation_id=1).held
    both = rescreen.evaluate(["findings.groin_pain", "findings.pain_on_hip_internal_rotation"], case=case,
                             evaluation_id=1)
    assert [f["rule"] for f in both.fired] == ["femoral_neck_suspected"]


def test_without_an_evaluation_the_rules_are_checked_with_the_engines_evaluator():
    result = rescreen.evaluate(["findings.unable_to_bear_weight"], case=None)
    assert result.basis == "answers" and [f["rule"] for f in result.fired] == ["cannot_bear_weight"]
    assert not rescreen.evaluate([], case=None).held


def test_an_unknown_answer_is_refused():
    with pytest.raises(ValueError, match="findings.made_up"):
        rescreen.evaluate(["findings.made_up"], case=None)


def _record(positive, **rows) -> VisitRecord:
    return VisitRecord(
        fields={"visit_date": datetime.date.today(), "pain_nrs_before": 4, "pain_nrs_after": 2,
                "needles_all_out": True, "rescreen_positive": positive},
        **rows,
    )


def test_a_positive_re_screen_holds_needling_and_is_recorded():
    patient, clinician = PatientFactory(), UserFactory()
    make_plan("C01", patient=patient, clinician=clinician)
    with pytest.raises(VisitRecordError) as caught:
        visit_create(patient=patient, clinician=clinician, sign=True,
                     record=_record(["findings.fever"], points=[{"code": "KI3", "laterality": "left"}]))
    assert [(p.field, "Needling is held" in p.message) for p in caught.value.problems] == [("rescreen_clear", True)]
    assert not Visit.objects.exists()
    visit = visit_create(patient=patient, clinician=clinician, sign=True, record=_record(["findings.fever"]))
    assert visit.is_signed and visit.needling_held
    assert visit.rescreen["fired"][0]["rule"] == "infection_suspected"


def test_signing_needs_a_re_screen_answer():
    patient, clinician = PatientFactory(), UserFactory()
    with pytest.raises(VisitRecordError) as caught:
        visit_create(patient=patient, clinician=clinician, sign=True, record=_record(None))
    assert {p.field for p in caught.value.problems} == {"rescreen_clear"}
    draft = visit_create(patient=patient, clinician=clinician, record=_record(None))
    with pytest.raises(VisitRecordError):
        visit_sign(visit=draft, actor=clinician)


def test_the_signed_visits_pain_joins_the_outcomes_chart_once():
    patient, clinician = PatientFactory(), UserFactory()
    draft = visit_create(patient=patient, clinician=clinician, record=_record([]))
    assert not OutcomeAssessment.objects.exists()
    visit = visit_sign(visit=draft, actor=clinician)
    point = OutcomeAssessment.objects.get()
    assert (point.patient, point.pain_nrs, point.assessed_on, point.recorded_by) == (
        patient, 4, visit.visit_date, clinician)
    assert f"visit {visit.pk}" in point.note
