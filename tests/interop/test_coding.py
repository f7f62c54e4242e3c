"""ICD-10-CM codes from site and laterality, and CPT unit rules."""

from __future__ import annotations

import types

import pytest
import simple_icd_10_cm as icd

from fracturecare.interop import coding
from fracturecare.knowledge import load_knowledge


@pytest.mark.parametrize(
    ("site", "side", "seventh", "expected"),
    [
        # The concrete examples of the ICD-10-CM tabular list.
        ("tibia_posteromedial_shaft", "right", "A", ["M84.361A"]),
        ("tibia_anterior_cortex", "left", "D", ["M84.362D"]),
        ("fibula_distal", "right", "A", ["M84.363A"]),
        ("metatarsal_shaft", "right", "A", ["M84.374A"]),
        ("navicular", "left", "D", ["M84.375D"]),
        ("femur_neck_tension", "right", "A", ["M84.351A"]),
        ("pelvis_pubic_ramus", "left", "A", ["M84.350A"]),
        ("rib", "right", "A", ["M84.38XA"]),
        ("radius_distal_physis", "right", "A", ["M84.333A"]),
        ("ulna_olecranon", "right", "A", ["M84.331A"]),
        # No bilateral code in M84.3-: one code per side; midline takes the unspecified code.
        ("tibia_posteromedial_shaft", "bilateral", "A", ["M84.361A", "M84.362A"]),
        ("tibia_posteromedial_shaft", "midline", "A", ["M84.369A"]),
    ],
)
def test_site_and_side_give_the_reference_code(site, side, seventh, expected):
    got = coding.diagnoses(site, side, seventh)
    assert [d.code for d in got] == expected
    assert all(d.valid for d in got)
    assert all(icd.is_valid_item(code) for code in expected)


@pytest.mark.parametrize("seventh", ["A", "D"])
def test_every_knowledge_base_site_and_side_gives_a_billable_code(seventh):
    # Guards sites.yaml: a typo in an icd10 entry would otherwise reach a superbill.
    bad = []
    for site in load_knowledge().sites:
        for side in ("left", "right", "bilateral", "midline"):
            for d in coding.diagnoses(site["id"], side, seventh):
                if not (icd.is_valid_item(d.code) and icd.is_leaf(d.code)):
                    bad.append((site["id"], side, d.code))
    assert not bad


def test_a_code_that_does_not_validate_is_flagged_not_billed():
    (d,) = coding.diagnoses("tibia_posteromedial_shaft", "right", "Z")
    assert d.code == "M84.361Z"
    assert not d.valid
    assert "Not a valid" in d.note


def test_an_unknown_site_gives_no_code():
    (d,) = coding.diagnoses("elbow_of_nowhere", "left", "A")
    assert d.code == "" and not d.valid


def test_seventh_character_is_d_only_once_the_patient_is_back_to_running():
    assert coding.propose_seventh(None) == "A"
    assert coding.propose_seventh("protection") == "A"
    assert coding.propose_seventh("reload") == "A"
    assert coding.propose_seventh("return_to_run") == "D"
    assert coding.propose_seventh("return_to_sport") == "D"


@pytest.mark.parametrize(
    ("minutes", "units"),
    [(1, (0, 0)), (7, (0, 0)), (8, (1, 0)), (15, (1, 0)), (22, (1, 0)), (23, (1, 1)), (37, (1, 1)),
     (38, (1, 2)), (52, (1, 2)), (53, (1, 3))],
)
def test_acupuncture_units_at_the_boundaries(minutes, units):
    assert coding.acupuncture_units(minutes) == units


def test_acupuncture_lines_without_and_with_electrical_stimulation():
    plain = coding.acupuncture_lines(minutes=30, electrical=False, reinserted=True)
    assert [(line.code, line.units) for line in plain] == [("97810", 1), ("97811", 1)]
    estim = coding.acupuncture_lines(minutes=40, electrical=True, reinserted=True)
    assert [(line.code, line.units) for line in estim] == [("97813", 1), ("97814", 2)]


def test_add_on_units_need_reinsertion():
    lines = coding.acupuncture_lines(minutes=30, electrical=False, reinserted=False)
    assert [(line.code, line.units) for line in lines] == [("97810", 1), ("97811", 0)]
    assert "re-insertion" in lines[1].note


def test_no_time_or_too_little_time_bills_no_unit():
    (line,) = coding.acupuncture_lines(minutes=None, electrical=False, reinserted=False)
    assert line.units == 0 and "Enter" in line.note
    (line,) = coding.acupuncture_lines(minutes=7, electrical=False, reinserted=False)
    assert line.units == 0


def test_labels_are_short_and_our_own():
    # CPT descriptors are copyrighted: no label reproduces the AMA wording.
    lines = coding.acupuncture_lines(minutes=40, electrical=False, reinserted=True) + coding.dry_needling_lines(3)
    assert len(lines) == 3
    for line in lines:
        assert len(line.label) < 60
        assert "personal one-on-one contact" not in line.label
        assert "without injection" not in line.label


def _target(muscle, side):
    return types.SimpleNamespace(muscle=muscle, side=side)


@pytest.mark.parametrize(("n", "expected"), [(0, []), (1, ["20560"]), (2, ["20560"]), (3, ["20561"]), (9, ["20561"])])
def test_dry_needling_code_by_muscle_count(n, expected):
    assert [line.code for line in coding.dry_needling_lines(n)] == expected


def test_a_bilateral_muscle_counts_twice_and_a_repeat_once():
    assert coding.muscle_count([_target("soleus", "bilateral")]) == 2
    assert coding.muscle_count([_target("soleus", "left"), _target("soleus", "left")]) == 1
    assert coding.muscle_count([_target("soleus", "bilateral"), _target("gastrocnemius", "left")]) == 3
