"""Hypothesis strategies that generate contract-valid cases across the whole input space."""

from __future__ import annotations

from hypothesis import strategies as st

BONES = ["tibia", "fibula", "femur", "metatarsal", "navicular", "calcaneus", "talus", "cuboid", "cuneiform",
         "sesamoid", "patella", "pelvis", "sacrum", "rib", "spine", "humerus", "ulna", "radius"]
REGIONS = {
    "tibia": ["posteromedial_shaft", "anterior_cortex", "medial_malleolus", "plateau"],
    "femur": ["neck_tension", "neck_compression", "shaft"],
    "metatarsal": ["base", "shaft", "neck", "proximal_diaphysis"],
    "pelvis": ["pubic_ramus"],
    "spine": ["pars_interarticularis"],
    "ulna": ["olecranon", "shaft"],
    "radius": ["distal_physis", "shaft"],
    "fibula": ["distal", "proximal"],
}
FINDINGS = ["focal_bony_tenderness", "diffuse_tenderness", "hop_test_pain", "pain_at_rest", "night_pain",
            "unable_to_bear_weight", "deformity", "swelling", "groin_pain", "pain_on_hip_internal_rotation", "fever",
            "unexplained_weight_loss", "neurovascular_deficit", "pain_out_of_proportion", "skin_lesion_at_site",
            "first_step_heel_pain", "exertional_pain_resolves_at_rest_with_tightness"]
MEDICATIONS = ["anticoagulant", "antiplatelet", "corticosteroid", "nsaid", "bisphosphonate", "immunosuppressant"]
CONDITIONS = ["pacemaker", "implanted_electronic_device", "bleeding_disorder", "immunosuppressed", "needle_phobia",
              "vasovagal_history", "epilepsy", "metal_allergy", "metal_implant_at_site", "diabetes",
              "peripheral_neuropathy", "lymphedema_left_leg", "lymphedema_right_leg", "lymphedema_left_arm",
              "lymphedema_right_arm"]


def _optional(d: dict) -> st.SearchStrategy[dict]:
    """A dict with any subset of the given keys, each drawn from its strategy."""
    return st.fixed_dictionaries({}, optional=d)


@st.composite
def injuries(draw) -> dict:
    bone = draw(st.sampled_from(BONES))
    injury = {"bone": bone, "side": draw(st.sampled_from(["left", "right", "bilateral", "midline"]))}
    if bone in REGIONS and draw(st.booleans()):
        injury["region"] = draw(st.sampled_from(REGIONS[bone] + ["unknown_region"]))
    if bone == "metatarsal" and draw(st.booleans()):
        injury["ray"] = draw(st.integers(1, 5))
    injury.update(draw(_optional({"onset_weeks": st.floats(0, 52), "pain_nrs": st.integers(0, 10)})))
    return injury


@st.composite
def cases(draw) -> dict:
    case = {
        "patient": {
            "age": draw(st.integers(0, 120)),
            "sex": draw(st.sampled_from(["female", "male", "other"])),
            **draw(_optional({"pregnant": st.booleans(), "activity": st.sampled_from(["running", "dance", "rowing"])})),
        },
        "injury": draw(injuries()),
    }
    if draw(st.booleans()):
        case["findings"] = draw(_optional({name: st.booleans() for name in FINDINGS}))
    if draw(st.booleans()):
        case["imaging"] = draw(_optional({
            "modality": st.sampled_from(["none", "xray", "mri", "ct", "bone_scan"]),
            "result": st.sampled_from(["not_done", "negative", "stress_reaction", "stress_fracture",
                                       "complete_fracture", "displaced_fracture"]),
            "fredericson_grade": st.integers(0, 4),
            "kaeding_miller_grade": st.integers(1, 5),
        }))
    if draw(st.booleans()):
        case["history"] = draw(_optional({
            "prior_stress_fractures": st.integers(0, 6),
            "menstrual_status": st.sampled_from(["eumenorrheic", "oligomenorrhea", "amenorrhea", "not_applicable"]),
            "age_at_menarche": st.integers(5, 25),
            "bmi": st.floats(8, 80),
            "low_energy_availability": st.booleans(),
            "diagnosed_eating_disorder": st.booleans(),
            "bmd_z_score": st.floats(-8, 8),
            "vitamin_d_ng_ml": st.floats(0, 300),
            "under_orthopaedic_care": st.booleans(),
        }))
    if draw(st.booleans()):
        case["medications"] = draw(st.lists(st.sampled_from(MEDICATIONS), unique=True, max_size=3))
    if draw(st.booleans()):
        case["conditions"] = draw(st.lists(st.sampled_from(CONDITIONS), unique=True, max_size=4))
    if draw(st.booleans()):
        case["preferences"] = draw(_optional({
            "electroacupuncture": st.booleans(), "dry_needling": st.booleans(), "acupuncture": st.booleans()}))
    return case
