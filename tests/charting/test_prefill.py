"""Copy from the last signed visit (or the signed plan), never from a draft; counts follow the rows."""

import datetime
from decimal import Decimal

import pytest

from fracturecare.charting.models import SignedRecordError, Visit
from fracturecare.charting.prefill import PLAN_DN_DEFAULTS, visit_prefill
from fracturecare.charting.services import visit_create, visit_update
from fracturecare.charting.validation import VisitRecord, needle_count
from fracturecare.planning.services import plan_change, plan_sign
from tests.factories import PatientFactory, UserFactory
from tests.planning.factories import make_plan

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


def _record(day: datetime.date, points: list[dict], targets: list[dict] | None = None) -> VisitRecord:
    return VisitRecord(
        fields={"visit_date": day, "pain_nrs_before": 5, "pain_nrs_after": 3, "needles_all_out": True,
                "rescreen_positive": []},
        points=points, dry_needling=targets or [],
    )


def test_needle_count_is_one_per_point_and_side_and_one_per_muscle():
    assert needle_count([], []) == 0
    assert needle_count([{"code": "KI3", "laterality": "left"}], []) == 1
    assert needle_count([{"code": "KI3", "laterality": "bilateral"}, {"code": "GV20", "laterality": "midline"}],
                        [{"muscle": "soleus"}]) == 4


def test_the_service_derives_the_count_and_ignores_a_typed_one():
    patient, clinician = PatientFactory(), UserFactory()
    record = _record(TODAY, [{"code": "KI3", "laterality": "bilateral"}],
                     [{"muscle": "soleus", "side": "left", "technique": "pistoning", "response": "ltr"}])
    record.fields["needles_in"] = 40
    visit = visit_create(patient=patient, clinician=clinician, record=record, sign=True)
    assert (visit.needles_in, visit.needles_out) == (3, 3)


def test_nothing_to_copy_for_a_new_patient():
    prefill = visit_prefill(PatientFactory())
    assert prefill.source == "" and prefill.rows == {} and prefill.draft is None


def test_the_signed_plan_is_copied_with_sides_and_stated_defaults_when_no_visit_is_signed():
    clinician = UserFactory()
    plan = make_plan("C01", clinician=clinician)
    version = plan_sign(plan=plan, actor=clinician, attested=True)
    prefill = visit_prefill(plan.patient)
    assert prefill.source == f"plan:{plan.pk}" and "signed plan (version 1" in prefill.label
    planned = version.snapshot["plan"]
    assert prefill.rows["points"] == [{"code": p["code"], "laterality": p["laterality"]}
                                      for p in planned["acupuncture"]["points"]]
    targets = prefill.rows["dry_needling"]
    assert targets and all(t["technique"] == PLAN_DN_DEFAULTS["technique"] and t["response"] == "not_sought"
                           for t in targets)
    assert prefill.defaults and "Not sought" in prefill.defaults[0]


def test_the_last_signed_visit_is_copied_whole_and_a_newer_draft_is_only_named():
    patient, clinician = PatientFactory(), UserFactory()
    point = {"code": "KI3", "laterality": "left", "needle_diameter_mm": Decimal("0.25"), "needle_length_mm": 30,
             "depth": Decimal("0.5"), "depth_unit": "cun", "retention_min": 20, "response": "obtained"}
    target = {"muscle": "soleus", "side": "left", "technique": "static", "response": "ltr",
              "needle_length_mm": 40, "depth_mm": Decimal("20.0")}
    signed = visit_create(patient=patient, clinician=clinician, sign=True,
                          record=_record(TODAY - datetime.timedelta(days=7), [point], [target]))
    draft = visit_create(patient=patient, clinician=clinician,
                         record=_record(TODAY - datetime.timedelta(days=1), [{"code": "LR3", "laterality": "right"}]))
    prefill = visit_prefill(patient)
    assert prefill.source == f"visit:{signed.pk}" and "last signed visit" in prefill.label
    assert prefill.rows["points"] == [point]
    assert prefill.rows["dry_needling"] == [target]  # the response is copied: the row is complete
    assert prefill.draft == draft and prefill.defaults == []


def test_a_plan_amended_after_the_last_signed_visit_wins():
    clinician = UserFactory()
    plan = make_plan("C01", clinician=clinician)
    plan_sign(plan=plan, actor=clinician, attested=True)
    visit = visit_create(patient=plan.patient, clinician=clinician, sign=True,
                         record=_record(TODAY, [{"code": "LR3", "laterality": "left"}]))
    assert visit_prefill(plan.patient).source == f"visit:{visit.pk}"
    plan_change(plan=plan, actor=clinician, action="remove", section="acupuncture", key="KI3", reason="Bruising.")
    plan_sign(plan=plan, actor=clinician, amendment_reason="KI3 paused.", attested=True)
    prefill = visit_prefill(plan.patient)
    assert prefill.source == f"plan:{plan.pk}" and "newer than the last signed visit" in prefill.label
    assert "KI3" not in {p["code"] for p in prefill.rows["points"]}


def test_a_visit_signed_in_one_step_cannot_change():
    patient, clinician = PatientFactory(), UserFactory()
    visit = visit_create(patient=patient, clinician=clinician, sign=True,
                         record=_record(TODAY, [{"code": "KI3", "laterality": "left"}]))
    with pytest.raises(SignedRecordError):
        visit_update(visit=visit, actor=clinician, record=_record(TODAY, []))
    assert [p.code for p in Visit.objects.get().points.all()] == ["KI3"]
