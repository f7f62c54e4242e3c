import datetime
import xml.etree.ElementTree as ET

from fracturecare.outcomes.chart import render_progress_chart
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
    labels = [t.text for t in root.findall(".//svg:text[@class='mcid-label']", NS)]
    assert labels == [
        "Important change: 2 points below first score (5)",
        "Important change: 9 points above first score (39)",
    ]
    assert "<script" not in svg


def test_empty_chart_still_renders():
    root = ET.fromstring(render_progress_chart([]))
    assert "No scores recorded yet." in root.find("svg:desc", NS).text
