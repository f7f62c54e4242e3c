import pytest

from fracturecare.engine.site import resolve_site


@pytest.mark.parametrize(
    ("injury", "site", "matched"),
    [
        ({"bone": "tibia", "region": "posteromedial_shaft"}, "tibia_posteromedial_shaft", True),
        ({"bone": "tibia", "region": "anterior_cortex"}, "tibia_anterior_cortex", True),
        # No region: the bone's highest-risk site that fits, never the low-risk default.
        ({"bone": "tibia"}, "tibia_anterior_cortex", False),
        ({"bone": "femur"}, "femur_neck_tension", False),
        ({"bone": "metatarsal", "ray": 5}, "metatarsal_5_proximal", False),
        ({"bone": "metatarsal", "ray": 3}, "metatarsal_shaft", False),
        ({"bone": "metatarsal", "ray": 5, "region": "proximal_diaphysis"}, "metatarsal_5_proximal", True),
        ({"bone": "metatarsal", "ray": 5, "region": "shaft"}, "metatarsal_shaft", True),
        ({"bone": "metatarsal", "ray": 2, "region": "base"}, "metatarsal_2_base", True),
        # A listed region with no entry for this ray: the nearest ray's entry for that region.
        ({"bone": "metatarsal", "ray": 3, "region": "base"}, "metatarsal_2_base", False),
        ({"bone": "femur", "region": "neck_tension"}, "femur_neck_tension", True),
        ({"bone": "navicular"}, "navicular", True),
        ({"bone": "ulna", "region": "olecranon"}, "ulna_olecranon", True),
    ],
)
def test_it_resolves_the_most_specific_site(kb, injury, site, matched):
    found, region_matched = resolve_site({"side": "left", **injury}, kb.sites)
    assert (found["id"], region_matched) == (site, matched)


def test_every_bone_in_the_contract_has_a_site(kb):
    bones = kb.case_schema["properties"]["injury"]["properties"]["bone"]["enum"]
    assert len(bones) > 10
    for bone in bones:
        site, _ = resolve_site({"bone": bone, "side": "left"}, kb.sites)
        assert site["bone"] == bone
