"""Rendering the handout: HTML from a template, then PDF with WeasyPrint."""

from __future__ import annotations

import base64

from django.template.loader import render_to_string
from weasyprint import HTML

from fracturecare.handouts.content import HandoutContent
from fracturecare.planning.bodymap import render_body_map


def body_map_data_uri(plan: dict, case: dict) -> str:
    # An <img> with a data URI keeps WeasyPrint's SVG handling on its well-trodden path.
    svg = render_body_map(plan, case, id_prefix="handout-bodymap")
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def handout_html(content: HandoutContent, *, plan: dict, case: dict, clinic: dict) -> str:
    return render_to_string(
        "handouts/plan_handout.html",
        {
            "h": content,
            "clinic": clinic,
            "bodymap_src": body_map_data_uri(plan, case),
        },
    )


# Tagged PDF/UA-1: screen readers get the structure (headings, lists, reading order), the document
# language and its title, which WeasyPrint takes from the template's <html lang> and <title>.
PDF_VARIANT = "pdf/ua-1"


def handout_pdf(content: HandoutContent, *, plan: dict, case: dict, clinic: dict) -> bytes:
    """The handout as tagged (PDF/UA-1) PDF bytes."""
    html = handout_html(content, plan=plan, case=case, clinic=clinic)
    return HTML(string=html, base_url=None).write_pdf(pdf_variant=PDF_VARIANT)
