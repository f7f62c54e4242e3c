"""The rules the review found missing, each proved on the case that showed the gap."""

import pytest

from fracturecare.engine import make_plan
from fracturecare.knowledge import load_knowledge

KB = load_knowledge()


def _case(**parts) -> dict:
    case = {"patient": {"age": 30, "sex": "female"},
            "injury": {"bone": "metatarsal", "region": "shaft", "side": "left"}}
    for key, value in parts.items():
        case[key] = {**case[key], **value} if isinstance(case.get(key), dict) else value
    return case


def _codes(plan: dict) -> set[str]:
    return {w["code"] for w in plan["warnings"]} | {r["rule"] for r in plan["triage"]["reasons"]}


def _targets(plan: dict) -> set[tuple[str, str]]:
    return {(t["muscle"], t["side"]) for t in plan["dry_needling"]["targets"]}


def _points(plan: dict) -> dict[str, str]:
    return {p["code"]: p["laterality"] for p in plan["acupuncture"]["points"]}


# --- triage rules -------------------------------------------------------------------------------

def test_severe_pain_that_began_this_week_is_referred_as_a_possible_acute_fracture():
    plan = make_plan(_case(injury={"onset_weeks": 0.5, "pain_nrs": 10}), KB)
    assert plan["triage"]["level"] == "urgent_referral"
    assert "acute_fracture_suspected" in _codes(plan)
    assert make_plan(_case(injury={"onset_weeks": 6, "pain_nrs": 4}), KB)["triage"]["level"] == "proceed"


def test_past_cancer_with_night_and_rest_pain_is_an_urgent_pathological_fracture_referral():
    plan = make_plan(_case(patient={"age": 61}, history={"cancer_history": True},
                           findings={"night_pain": True, "pain_at_rest": True}), KB)
    assert plan["triage"]["level"] == "urgent_referral"
    assert "pathological_fracture_suspected" in _codes(plan)
    assert "bone_malignancy" in {d["condition"] for d in plan["differentials"]}


def test_cancer_history_named_as_a_condition_counts_the_same():
    plan = make_plan(_case(conditions=["breast cancer"], findings={"night_pain": True}), KB)
    assert "pathological_fracture_suspected" in _codes(plan)


def test_neuropathic_swollen_foot_puts_charcot_in_the_differentials_with_referral():
    plan = make_plan(_case(injury={"bone": "navicular", "region": None}, conditions=["diabetic neuropathy", "diabetes"],
                           findings={"swelling": True}) | {"injury": {"bone": "navicular", "side": "left"}}, KB)
    assert "charcot_neuroarthropathy" in {d["condition"] for d in plan["differentials"]}
    assert "charcot_suspected" in _codes(plan)
    assert plan["triage"]["level"] == "urgent_referral"


# --- warnings -----------------------------------------------------------------------------------

@pytest.mark.parametrize("drug", ["prednisone", "methotrexate", "Humira"])
def test_corticosteroids_and_immunosuppressants_raise_infection_and_healing_warnings(drug):
    plan = make_plan(_case(medications=[drug]), KB)
    text = next(w["text"] for w in plan["warnings"] if w["code"] == "corticosteroid_or_immunosuppressant")
    assert "infection" in text and "healing" in text


def test_nsaids_are_named_as_avoided_in_pregnancy():
    plan = make_plan(_case(patient={"pregnant": True}), KB)
    assert "nsaids_in_pregnancy" in _codes(plan)
    plan = make_plan(_case(patient={"pregnant": True}, medications=["ibuprofen"]), KB)
    assert "nsaid_taken_in_pregnancy" in _codes(plan)
    assert "nsaids_in_pregnancy" not in _codes(make_plan(_case(), KB))


@pytest.mark.parametrize("patient", [{"age": 74}, {"age": 28, "pregnant": True}])
def test_the_triad_score_is_not_applied_to_an_older_or_pregnant_patient(patient):
    plan = make_plan(_case(patient=patient, history={"menstrual_status": "amenorrhea", "bmi": 17}), KB)
    assert "triad_cumulative_risk" not in plan["risk"]
    assert "triad_score_not_applicable" in _codes(plan)


def test_a_young_woman_still_gets_the_triad_score():
    plan = make_plan(_case(patient={"age": 22}, history={"menstrual_status": "amenorrhea"}), KB)
    assert plan["risk"]["triad_cumulative_risk"]["score"] >= 2


def test_older_patients_get_an_osteoporosis_prompt():
    assert "osteoporosis_prompt" in _codes(make_plan(_case(patient={"age": 74}), KB))
    assert "osteoporosis_prompt" not in _codes(make_plan(_case(), KB))


# --- conventional care under urgent triage -----------------------------------------------------

def test_urgent_plans_hold_conventional_care_at_protection_and_referral():
    plan = make_plan(_case(findings={"unable_to_bear_weight": True}), KB)
    assert plan["triage"]["level"] == "urgent_referral"
    assert {item["phase"] for item in plan["conventional"]} <= {"triage", "protection"}
    assert "weight_bearing_as_tolerated" not in {item["id"] for item in plan["conventional"]}
    assert "conventional_held_for_referral" in _codes(plan)
    calm = make_plan(_case(), KB)
    assert {item["phase"] for item in calm["conventional"]} - {"triage", "protection"}, "the hold must not always apply"


# --- needling -----------------------------------------------------------------------------------

def test_no_intercostal_needling_at_a_rib_fracture_and_no_scalenes_at_the_first_rib():
    rib = make_plan(_case(injury={"bone": "rib", "region": None, "side": "right"}) | {
        "injury": {"bone": "rib", "side": "right"}}, KB)
    first = make_plan(_case() | {"injury": {"bone": "rib", "region": "first rib", "side": "right"}}, KB)
    assert "intercostals" not in {m for m, _ in _targets(rib)}
    assert "intercostals" in {x["muscle"] for x in rib["dry_needling"]["excluded"]}
    assert "scalenes" not in {m for m, _ in _targets(first)}
    assert "scalenes" in {x["muscle"] for x in first["dry_needling"]["excluded"]}


def test_no_local_ashi_over_subcutaneous_bone_at_a_high_risk_site():
    plan = make_plan(_case(injury={"bone": "tibia", "region": "anterior_cortex"},
                           imaging={"modality": "mri", "result": "stress_fracture"},
                           history={"under_orthopaedic_care": True}), KB)
    assert plan["triage"]["level"] == "referral"
    assert "ASHI" not in _points(plan)
    why = next(x["why"] for x in plan["acupuncture"]["excluded"] if x["code"] == "ASHI")
    assert "Treat around it" in why


def test_no_local_ashi_over_a_childs_growth_plate():
    plan = make_plan(_case(patient={"age": 13}, injury={"bone": "radius", "region": "distal_physis"}), KB)
    assert plan["acupuncture"]["points"] or plan["acupuncture"]["deferred"] is False
    assert "ASHI" not in _points(plan)


def test_lymphoedema_spares_the_whole_side_including_the_buttock_and_local_points():
    plan = make_plan(_case(injury={"bone": "pelvis", "region": "pubic_ramus", "side": "right"},
                           conditions=["lymphoedema of the right leg"]), KB)
    assert not {(m, s) for m, s in _targets(plan) if s in ("right", "bilateral")}
    assert "ASHI" not in _points(plan)
    assert not [c for c, side in _points(plan).items() if side in ("right", "bilateral")]


def test_pregnancy_closes_the_lumbosacral_region_to_dry_needling_too():
    plan = make_plan(_case(patient={"pregnant": True}) | {"injury": {"bone": "sacrum", "side": "midline"}}, KB)
    assert "quadratus_lumborum" not in {m for m, _ in _targets(plan)}
    assert "quadratus_lumborum" in {x["muscle"] for x in plan["dry_needling"]["excluded"]}
