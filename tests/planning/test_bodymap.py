"""The body map: a pure SVG renderer over plan and case dicts."""

import xml.etree.ElementTree as ET

import pytest

from fracturecare.knowledge import load_knowledge
from fracturecare.planning.bodymap import (
    CENTRES,
    muscle_position,
    point_position,
    positions,
    render_body_map,
    site_position,
)
from fracturecare.planning.services import plan_generate
from tests.planning.factories import example_case

SVG = "{http://www.w3.org/2000/svg}"


def _render(name):
    case = example_case(name)
    return render_body_map(plan_generate(case), case), case


@pytest.mark.parametrize("name", ["C01", "C02", "C03", "C04"])
def test_it_renders_well_formed_svg_with_a_text_alternative(name):
    svg, case = _render(name)
    root = ET.fromstring(svg)
    assert root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby").split()
    desc = root.find(f"{SVG}desc")
    assert desc.get("id") == desc_id and root.find(f"{SVG}title").get("id") == title_id
    assert case["injury"]["bone"] in desc.text
    assert "Injured site" in svg and "Acupuncture point" in svg and "Dry-needling target" in svg


def test_it_marks_every_point_and_target_of_the_plan():
    case = example_case("C01")
    plan = plan_generate(case)
    svg = render_body_map(plan, case)
    desc = ET.fromstring(svg).find(f"{SVG}desc").text
    for point in plan["acupuncture"]["points"]:
        label = "Ashi" if point["code"] == "ASHI" else point["code"]
        assert label in desc
    for target in plan["dry_needling"]["targets"]:
        assert target["muscle"].replace("_", " ") in desc


def test_a_deferred_plan_says_so_and_marks_no_needles():
    svg, _ = _render("C02")
    assert "Needling is deferred" in svg
    assert 'class="mark-point"' not in svg and 'class="mark-target"' not in svg


def test_left_and_right_are_mirrored_on_each_view():
    plan = {"acupuncture": {"points": [{"code": "ST36", "laterality": "left"}]}, "dry_needling": {"targets": []}}
    svg = render_body_map(plan, {"injury": {"bone": "tibia", "side": "left"}})
    root = ET.fromstring(svg)
    (circle,) = [c for g in root.iter(f"{SVG}g") if g.get("class") == "mark-point" for c in g.iter(f"{SVG}circle")]
    # On the front view the patient's left is on the viewer's right of the midline.
    assert float(circle.get("cx")) > CENTRES["front"]


def test_it_falls_back_for_unknown_codes_and_muscles():
    site = site_position({"bone": "tibia", "region": "posteromedial_shaft"})
    assert point_position("ST99").view == "front"
    assert point_position("KI27").view in ("front", "back")
    assert muscle_position("no_such_muscle", site) == site
    assert site_position({"bone": "metatarsal", "ray": 5}).dx > site_position({"bone": "metatarsal", "ray": 1}).dx


def test_every_point_and_muscle_the_knowledge_base_knows_has_a_position():
    kb = load_knowledge()
    table = positions()
    assert not sorted(set(kb.points) - set(table["points"]) - {"ASHI"})
    assert not sorted(set(kb.muscles) - set(table["muscles"]))


def test_text_is_escaped():
    plan = {"acupuncture": {"points": []},
            "dry_needling": {"targets": [{"muscle": "<script>", "side": "left"}]}}
    svg = render_body_map(plan, {"injury": {"bone": "tibia", "side": "left"}})
    assert "<script>" not in svg
    ET.fromstring(svg)
