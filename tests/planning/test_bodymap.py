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
    assert plan["acupuncture"]["points"] and plan["dry_needling"]["targets"]
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


# --- Label placement: read back from the SVG itself. -----------------------------------------


def _label_boxes(svg: str) -> list[tuple[str, tuple[float, float], tuple[float, float, float, float]]]:
    """(text, marker centre, text box) for every point and target label drawn."""
    root = ET.fromstring(svg)
    out = []
    for g in root.iter(f"{SVG}g"):
        if g.get("class") not in ("mark-point", "mark-target"):
            continue
        text = g.find(f"{SVG}text")
        if text is None:
            continue
        shape = g.find(f"{SVG}circle")
        if shape is not None:
            centre = (float(shape.get("cx")), float(shape.get("cy")))
        else:
            rect = g.find(f"{SVG}rect")
            centre = (float(rect.get("x")) + 3, float(rect.get("y")) + 3)
        x, y, size = float(text.get("x")), float(text.get("y")), float(text.get("font-size"))
        # Bold capitals and digits are at most about 0.72 em wide in common sans fonts.
        width = len(text.text) * 0.72 * size
        x0 = x if text.get("text-anchor") == "start" else x - width
        out.append((text.text, centre, (x0, y - 0.78 * size, x0 + width, y + 0.22 * size)))
    return out


def _site_circles(svg: str) -> list[tuple[float, float, float]]:
    root = ET.fromstring(svg)
    return [
        (float(c.get("cx")), float(c.get("cy")), float(c.get("r")))
        for g in root.iter(f"{SVG}g")
        if g.get("class") == "mark-site"
        for c in g.iter(f"{SVG}circle")
    ]


def _box_hits_circle(box, circle) -> bool:
    x0, y0, x1, y1 = box
    cx, cy, r = circle
    nx, ny = min(max(cx, x0), x1), min(max(cy, y0), y1)
    return (nx - cx) ** 2 + (ny - cy) ** 2 < r**2


def _overlap(a, b) -> bool:
    return min(a[2], b[2]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[1], b[1])


@pytest.mark.parametrize("name", ["C01", "C03", "C04"])
def test_labels_clear_the_injured_site_each_other_and_stay_by_their_marker(name):
    svg, _ = _render(name)
    labels = _label_boxes(svg)
    sites = _site_circles(svg)
    assert labels and sites
    for text, (cx, cy), box in labels:
        assert not any(_box_hits_circle(box, site) for site in sites), f"{text} covers the injured site"
        nx, ny = min(max(cx, box[0]), box[2]), min(max(cy, box[1]), box[3])
        assert ((nx - cx) ** 2 + (ny - cy) ** 2) ** 0.5 <= 40, f"{text} is far from its marker"
    for i, (text, _, box) in enumerate(labels):
        for other, _, other_box in labels[i + 1 :]:
            assert not _overlap(box, other_box), f"{text} overlaps {other}"


def test_an_ashi_point_on_the_site_is_labelled_beside_the_site_marker():
    case = example_case("C01")
    plan = {"acupuncture": {"points": [{"code": "ASHI", "laterality": "left"}]}, "dry_needling": {"targets": []}}
    svg = render_body_map(plan, case)
    ((text, centre, box),) = _label_boxes(svg)
    assert text == "Ashi"
    assert any(abs(centre[0] - cx) < 0.1 and abs(centre[1] - cy) < 0.1 for cx, cy, _ in _site_circles(svg))
    assert not any(_box_hits_circle(box, site) for site in _site_circles(svg))


def test_even_a_crowded_map_never_labels_over_the_site():
    # Every point the position table knows, on both sides, around a bilateral injury.
    case = {"injury": {"bone": "tibia", "region": "posteromedial_shaft", "side": "bilateral"}}
    points = [{"code": code, "laterality": "bilateral"} for code in positions()["points"]]
    plan = {"acupuncture": {"points": [{"code": "ASHI"}, *points]}, "dry_needling": {"targets": []}}
    svg = render_body_map(plan, case)
    sites = _site_circles(svg)
    labels = _label_boxes(svg)
    assert len(labels) == 2 * (len(points) + 1)
    for text, _, box in labels:
        assert not any(_box_hits_circle(box, site) for site in sites), f"{text} covers the injured site"
