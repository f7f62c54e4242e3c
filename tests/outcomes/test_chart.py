import datetime
import xml.etree.ElementTree as ET

from fracturecare.outcomes.chart import LEFT, PLOT_W, WIDTH, render_progress_chart
from fracturecare.outcomes.progress import Measurement

NS = {"svg": "http://www.w3.org/2000/svg"}


def test_chart_is_valid_svg_with_both_series_and_mcid_lines():
    d0 = datetime.date(2025, 3, 1)
    svg = render_progress_chart(
        [
            Measurement(d0, 7, 30),
            Measurement(d0 + datetime.timedelta(days=14), 5, 38),
            Measurement(d0 + datetime.timedelta(days=28), 3, None),
        ]
    )
    root = ET.fromstring(svg)
    assert root.get("role") == "img"
    assert root.find("svg:title", NS).text.startswith("Progress chart")
    desc = root.find("svg:desc", NS).text
    assert "Pain NRS from 7 to 3" in desc and "LEFS from 30 to 38" in desc
    assert len(root.findall(".//svg:circle", NS)) == 5
    mcid = root.findall(".//svg:line[@class='mcid']", NS)
    assert len(mcid) == 2
    labels = [" ".join(t.itertext()) for t in root.findall(".//svg:text[@class='mcid-label']", NS)]
    assert labels == ["Important change ≤ 5 (first − 2)", "Important change ≥ 39 (first + 9)"]
    assert "<script" not in svg


def test_empty_chart_still_renders():
    root = ET.fromstring(render_progress_chart([]))
    assert "No scores recorded yet." in root.find("svg:desc", NS).text


def test_important_change_labels_sit_in_the_right_margin_beside_their_line():
    d0 = datetime.date(2025, 3, 1)
    # Scores that end level with the targets: the old in-plot labels sat on these lines.
    svg = render_progress_chart(
        [Measurement(d0, 6, 41), Measurement(d0 + datetime.timedelta(days=27), 4, 50)]
    )
    root = ET.fromstring(svg)
    lines = root.findall(".//svg:line[@class='mcid']", NS)
    frames = root.findall(".//svg:rect[@class='frame']", NS)
    labels = root.findall(".//svg:text[@class='mcid-label']", NS)
    assert len(lines) == len(frames) == len(labels) == 2
    for line, frame, label in zip(lines, frames, labels, strict=True):
        x = float(label.get("x"))
        # Right of everything plotted (the last point's circle reaches 3.5 past the frame) ...
        assert x >= LEFT + PLOT_W + 5
        # ... with room for its text ("Important change" at 11 px is about 95 px wide) ...
        assert x + 100 <= WIDTH
        # ... and level with its dashed line, inside its panel.
        top, bottom = float(frame.get("y")), float(frame.get("y")) + float(frame.get("height"))
        first = float(label.get("y"))
        second = first + float(label.findall("svg:tspan", NS)[1].get("dy"))
        assert top <= first - 10 and second <= bottom
        assert first - 14 <= float(line.get("y1")) <= second
