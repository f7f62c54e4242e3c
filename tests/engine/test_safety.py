"""Safety rules, proved over generated cases (hypothesis).

Each property is stated from the outside — from the case and the knowledge base's own
data — not by re-running the engine's internals.
"""

import json
from pathlib import Path

import jsonschema
from hypothesis import HealthCheck, given, settings

from fracturecare.engine import make_plan
from fracturecare.engine.conditions import holds
from fracturecare.engine.facts import flatten_case
from fracturecare.knowledge import load_knowledge
from tests.engine.strategies import cases

KB = load_knowledge()
PLAN_SCHEMA = json.loads((Path(__file__).resolve().parents[1] / "contracts" / "plan.schema.json").read_text())
LIMBS = {"lower_limb": KB.limb_points["lower_limb"], "upper_limb": KB.limb_points["upper_limb"]}
RED_FLAG_FINDINGS = ["deformity", "neurovascular_deficit", "pain_out_of_proportion", "fever",
                     "unexplained_weight_loss", "unable_to_bear_weight", "pain_at_rest", "night_pain"]
SETTINGS = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _points(plan):
    return plan["acupuncture"]["points"]


def _targets(plan):
    return plan["dry_needling"]["targets"]


@SETTINGS
@given(cases())
def test_every_plan_meets_the_contract_and_is_deterministic(case):
    plan = make_plan(case, KB)
    jsonschema.validate(plan, PLAN_SCHEMA)
    assert make_plan(case, KB) == plan
    ids = {c["id"] for c in plan["citations"]}
    assert ids <= set(KB.sources)
    for item in [*plan["triage"]["reasons"], *plan["conventional"], *_points(plan), *_targets(plan)]:
        assert item["reason"] and item["citations"]
        assert set(item["citations"]) <= ids


@SETTINGS
@given(cases())
def test_pregnancy_excludes_forbidden_points_and_electroacupuncture(case):
    # Every generated case is made a pregnancy (a woman of child-bearing age), so no example is skipped.
    patient = {**case["patient"], "sex": "female", "pregnant": True, "age": min(max(case["patient"]["age"], 18), 45)}
    history = {k: v for k, v in case.get("history", {}).items() if k != "menstrual_status"}
    case = {**case, "patient": patient, "history": history}
    plan = make_plan(case, KB)
    assert "pregnan" in json.dumps(plan).lower()  # the plan knows, so the rules below were in force
    for point in _points(plan):
        assert KB.points[point["code"]]["pregnancy"]["rule"] == "none", point["code"]
        assert not point["electroacupuncture"]


@SETTINGS
@given(cases())
def test_no_electroacupuncture_with_an_implanted_device_or_without_consent(case):
    plan = make_plan(case, KB)
    device = {"pacemaker", "implanted_electronic_device"} & set(case.get("conditions", []))
    wanted = case.get("preferences", {}).get("electroacupuncture") is True
    if device or not wanted:
        assert not any(p["electroacupuncture"] for p in _points(plan))


@SETTINGS
@given(cases())
def test_nothing_is_needled_on_a_lymphoedematous_limb(case):
    plan = make_plan(case, KB)
    assert isinstance(case.get("conditions", []), list)
    for condition in case.get("conditions", []):
        if not condition.startswith("lymphedema_"):
            continue
        _, side, limb = condition.split("_")
        area = "lower_limb" if limb == "leg" else "upper_limb"
        for point in _points(plan):
            on_limb = point["code"] in LIMBS[area] or (point["code"] == "ASHI" and point["area"] == area)
            assert not (on_limb and point["laterality"] in (side, "bilateral")), (condition, point)
        for target in _targets(plan):
            assert not (target["area"] == area and target["side"] in (side, "bilateral")), (condition, target)


@SETTINGS
@given(cases())
def test_no_local_needling_over_a_skin_lesion_at_the_site(case):
    plan = make_plan(case, KB)
    if case.get("findings", {}).get("skin_lesion_at_site"):
        assert "ASHI" not in {p["code"] for p in _points(plan)}
        assert _targets(plan) == []


@SETTINGS
@given(cases())
def test_any_red_flag_lifts_triage_above_proceed(case):
    plan = make_plan(case, KB)
    findings = case.get("findings", {})
    femoral_neck = findings.get("groin_pain") and (findings.get("hop_test_pain")
                                                  or findings.get("pain_on_hip_internal_rotation"))
    if any(findings.get(name) for name in RED_FLAG_FINDINGS) or femoral_neck:
        assert plan["triage"]["level"] != "proceed"


@SETTINGS
@given(cases())
def test_urgent_triage_defers_all_needling(case):
    plan = make_plan(case, KB)
    if plan["triage"]["level"] in ("urgent_referral", "emergency"):
        assert plan["acupuncture"]["deferred"] and plan["dry_needling"]["deferred"]
        assert _points(plan) == [] and _targets(plan) == []


@SETTINGS
@given(cases())
def test_a_high_risk_site_is_never_plain_proceed(case):
    plan = make_plan(case, KB)
    if plan["risk"]["site_risk"] == "high":
        assert plan["triage"]["level"] != "proceed"


@SETTINGS
@given(cases())
def test_declined_modalities_are_absent(case):
    plan = make_plan(case, KB)
    prefs = case.get("preferences", {})
    if prefs.get("acupuncture") is False:
        assert _points(plan) == []
    if prefs.get("dry_needling") is False:
        assert _targets(plan) == []


@SETTINGS
@given(cases())
def test_no_recommendation_falls_under_a_blocking_rule_that_applies(case):
    """The engine's own rules, read from the knowledge base: nothing they exclude is recommended."""
    plan = make_plan(case, KB)
    facts = flatten_case(case)
    facts.update({"site.id": plan["injury"]["site"], "site.risk": plan["risk"]["site_risk"],
                  "site.bone_type": plan["injury"]["bone_type"], "site.body_area": plan["injury"]["body_area"]})
    assert KB.contraindications
    for rule in KB.contraindications:
        if rule["severity"] == "caution" or not holds(rule["when"], facts):
            continue
        scope = rule["scope"]
        if "acupuncture" in rule["modalities"]:
            for point in _points(plan):
                data = KB.points[point["code"]]
                assert not ("all" in scope
                            or point["code"] in scope.get("points", [])
                            or data["pregnancy"]["rule"] == scope.get("pregnancy_rule")
                            or set(data["flags"]) & set(scope.get("point_flags", []))
                            or ("injured_site" in scope and point["code"] == "ASHI")), (rule["id"], point["code"])
        if "dry_needling" in rule["modalities"]:
            for target in _targets(plan):
                flags = set(KB.muscles[target["muscle"]].get("flags", []))
                assert not ("all" in scope or "injured_site" in scope
                            or flags & set(scope.get("muscle_flags", []))), (rule["id"], target["muscle"])
        if "electroacupuncture" in rule["modalities"] and "all" in scope:
            assert not any(p["electroacupuncture"] for p in _points(plan)), rule["id"]


@SETTINGS
@given(cases())
def test_points_over_the_injured_bone_are_never_needled_on_the_injured_side(case):
    plan = make_plan(case, KB)
    side = case["injury"]["side"]
    assert side and plan["injury"]["site"]
    for point in _points(plan):
        if point["code"] != "ASHI" and plan["injury"]["site"] in KB.points[point["code"]]["overlies"]:
            assert point["laterality"] not in (side, "bilateral")
