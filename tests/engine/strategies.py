"""Hypothesis strategies that generate contract-valid cases across the whole input space."""

from __future__ import annotations

from hypothesis import strategies as st

from fracturecare.knowledge import load_knowledge

KB = load_knowledge()
# Bones and regions come from the sites data alone (the knowledge base), as the engine reads them.
BONES = sorted(KB.bones.labels)
REGIONS = {bone: [code for code, _ in KB.regions_of(bone)] for bone in BONES if KB.regions_of(bone)}
FINDINGS = ["focal_bony_tenderness", "diffuse_tenderness", "hop_test_pain", "pain_at_rest", "night_pain",
            "unable_to_bear_weight", "deformity", "swelling", "groin_pain", "pain_on_hip_internal_rotation", "fever",
            "unexplained_weight_loss", "neurovascular_deficit", "pain_out_of_proportion", "skin_lesion_at_site",
            "first_step_heel_pain", "exertional_pain_resolves_at_rest_with_tightness"]
MEDICATIONS = sorted(KB.vocabularies["medications"].labels)
CONDITIONS = sorted(KB.vocabularies["conditions"].labels)


def _optional(d: dict) -> st.SearchStrategy[dict]:
    """A dict with any subset of the given keys, each drawn from its strategy."""
    return st.fixed_dictionaries({}, optional=d)


@st.composite
def injuries(draw) -> dict:
    bone = draw(st.sampled_from(BONES))
    injury = {"bone": bone, "side": draw(st.sampled_from(["left", "right", "bilateral", "midline"]))}
    if bone in REGIONS and draw(st.booleans()):
        injury["region"] = draw(st.sampled_from(REGIONS[bone]))
    if bone == "metatarsal" and draw(st.booleans()):
        injury["ray"] = draw(st.integers(1, 5))
    injury.update(draw(_optional({"onset_weeks": st.floats(0, 52), "pain_nrs": st.integers(0, 10)})))
    return injury


@st.composite
def imaging(draw) -> dict:
    """Imaging that agrees with itself (the contract refuses contradictory imaging)."""
    modality = draw(st.sampled_from([None, "none", "xray", "mri", "ct", "bone_scan"]))
    out: dict = {} if modality is None else {"modality": modality}
    if modality == "none":
        if draw(st.booleans()):
            out["result"] = "not_done"
        return out
    result = draw(st.sampled_from([None, "not_done", "negative", "stress_reaction", "stress_fracture",
                                   "complete_fracture", "displaced_fracture"]))
    if result is not None:
        out["result"] = result
    if modality is not None and result not in ("not_done", "negative"):
        out.update(draw(_optional({"fredericson_grade": st.integers(0, 4), "kaeding_miller_grade": st.integers(1, 5)})))
    elif result == "negative" and draw(st.booleans()):
        out["fredericson_grade"] = 0
    return out


@st.composite
def cases(draw) -> dict:
    sex = draw(st.sampled_from(["female", "male", "other"]))
    patient = {"age": draw(st.integers(0, 120)), "sex": sex,
               **draw(_optional({"activity": st.sampled_from(["running", "dance", "rowing"])}))}
    if sex != "male" and draw(st.booleans()):
        patient["pregnant"] = draw(st.booleans())
    case = {"patient": patient, "injury": draw(injuries())}
    if draw(st.booleans()):
        case["findings"] = draw(_optional({name: st.booleans() for name in FINDINGS}))
    elif draw(st.booleans()):
        # Rare but dangerous combinations, drawn often enough to reach every rule.
        case["findings"] = draw(st.sampled_from([{"swelling": True}, {"night_pain": True}, {"pain_at_rest": True},
                                                 {"unexplained_weight_loss": True}]))
    if draw(st.booleans()):
        case["imaging"] = draw(imaging())
    if draw(st.booleans()):
        case["history"] = draw(_optional({
            "prior_stress_fractures": st.integers(0, 6),
            "menstrual_status": st.sampled_from(
                ["not_applicable"] if sex == "male" else
                ["eumenorrheic", "oligomenorrhea", "amenorrhea", "not_applicable"]
                + ([] if patient.get("pregnant") else ["postmenopausal"])),
            "age_at_menarche": st.integers(5, 25),
            "bmi": st.floats(8, 80),
            "low_energy_availability": st.booleans(),
            "diagnosed_eating_disorder": st.booleans(),
            "bmd_z_score": st.floats(-8, 8),
            "vitamin_d_ng_ml": st.floats(0, 300),
            "under_orthopaedic_care": st.booleans(),
            "cancer_history": st.booleans(),
        }))
    if draw(st.booleans()):
        case["medications"] = draw(st.lists(st.sampled_from(MEDICATIONS), unique=True, max_size=3))
    if draw(st.booleans()):
        case["conditions"] = draw(st.lists(st.sampled_from(CONDITIONS), unique=True, max_size=4))
    if draw(st.booleans()):
        case["preferences"] = draw(_optional({
            "electroacupuncture": st.booleans(), "dry_needling": st.booleans(), "acupuncture": st.booleans()}))
    return case
