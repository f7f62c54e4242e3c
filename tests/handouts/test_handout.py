import dataclasses
import io
import re

import pypdf
import pytest
from django.conf import settings
from django.urls import reverse

from fracturecare.accounts.models import Role
from fracturecare.audit.models import AuditEvent
from fracturecare.handouts.content import DISCLAIMER, handout_content
from fracturecare.handouts.pdf import handout_pdf
from fracturecare.knowledge import load_knowledge
from fracturecare.planning.services import plan_sign
from tests.planning.factories import make_plan

pytestmark = pytest.mark.django_db


def _text(pdf: bytes) -> tuple[int, str]:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return len(reader.pages), " ".join(text.split())


def test_download_is_a_real_pdf_of_the_signed_plan(client, login):
    clinician = login(Role.CLINICIAN)
    plan = make_plan("C01", clinician=clinician)
    version = plan_sign(plan=plan, actor=clinician)
    response = client.get(reverse("handouts:plan_pdf", args=[plan.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    pdf = response.content
    assert pdf.startswith(b"%PDF-")
    pages, text = _text(pdf)
    assert pages >= 1
    plan_dict = version.snapshot["plan"]
    assert "Your care plan" in text
    assert plan.patient.first_name in text
    # Plain-language text comes from the plan: the injury's plain label and the home advice.
    assert plan_dict["injury"]["plain_label"] in text
    home = [c["plain"] for c in plan_dict["conventional"] if c.get("plain") and c["category"] == "rest_and_load"]
    assert home and " ".join(home[0].split())[:60] in text
    assert "KI3" in text and "Soleus" in text
    assert "Warning signs: when to get help" in text
    assert " ".join(DISCLAIMER.split())[:60] in text
    event = AuditEvent.objects.get(action="handout.downloaded")
    assert event.patient == plan.patient and event.data == {"version": 1}


def test_an_unsigned_plan_has_no_handout(client, login):
    login(Role.CLINICIAN)
    plan = make_plan("C01")
    response = client.get(reverse("handouts:plan_pdf", args=[plan.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("planning:detail", args=[plan.pk])
    assert not AuditEvent.objects.filter(action="handout.downloaded").exists()


@pytest.mark.parametrize("role", [Role.FRONT_DESK, Role.PATIENT])
def test_non_clinical_roles_cannot_download(client, login, role):
    plan = make_plan("C01")
    plan_sign(plan=plan, actor=plan.created_by)
    login(role)
    assert client.get(reverse("handouts:plan_pdf", args=[plan.pk])).status_code == 403


def test_unknown_plan_is_404(client, login):
    login(Role.CLINICIAN)
    assert client.get(reverse("handouts:plan_pdf", args=[999999])).status_code == 404


def test_urgent_plan_leads_with_the_referral_and_lists_no_needling():
    plan = make_plan("C02")  # suspected femoral-neck stress fracture: urgent referral
    version = plan_sign(plan=plan, actor=plan.created_by)
    content = handout_content(version.snapshot, load_knowledge(), patient_first_name="Ann")
    assert content.urgent
    assert content.points == [] and content.targets == [] and content.needling_deferred
    assert content.warnings and all(group.items for group in content.warnings)


def test_every_sentence_about_care_comes_from_the_plan():
    plan = make_plan("C01")
    version = plan_sign(plan=plan, actor=plan.created_by)
    content = handout_content(version.snapshot, load_knowledge(), patient_first_name="Ann")
    plain = {c["plain"] for c in version.snapshot["plan"]["conventional"] if c.get("plain")}
    shown = [a.text for a in content.home_care + content.clinic_care]
    assert shown and set(shown) <= plain


def test_patient_pages_offer_the_handout_once_a_plan_is_signed(client, login):
    clinician = login(Role.CLINICIAN)
    plan = make_plan("C01", clinician=clinician)
    pages = [
        reverse("outcomes:patient_outcomes", args=[plan.patient.pk]),
        reverse("charting:visit_list", args=[plan.patient.pk]),
    ]
    link = f'href="{reverse("handouts:plan_pdf", args=[plan.pk])}">Download handout PDF</a>'
    assert len(pages) == 2
    for url in pages:
        assert link not in client.get(url).content.decode()
    plan_sign(plan=plan, actor=clinician)
    for url in pages:
        assert link in client.get(url).content.decode()


def _pages(pdf: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]


@pytest.mark.parametrize("case_name", ["C01", "C02", "C04"])
def test_the_pages_break_where_a_reader_expects(case_name):
    plan = make_plan(case_name)
    version = plan_sign(plan=plan, actor=plan.created_by)
    snapshot = version.snapshot
    content = handout_content(snapshot, load_knowledge(), patient_first_name="Ann")
    pages = _pages(handout_pdf(content, plan=snapshot["plan"], case=snapshot["case"], clinic=settings.CLINIC))

    # No page but the last is left nearly empty (the body map used to strand a few lines).
    assert len(pages) > 1 and all(len(text) > 800 for text in pages[:-1]), [len(text) for text in pages]
    # Each group of warning signs, "Call 911 ..." first, is read on one page.
    for group in content.warnings:
        (page,) = [text for text in pages if group.heading in text]
        assert group.items and all(" ".join(item.split()) in page for item in group.items), group.heading
    # The body map (its legend is text in the PDF) sits with the needling section it illustrates.
    section = "Acupuncture points" if content.points else "not part of your plan for now"
    (page,) = [text for text in pages if "Injured site" in text]
    assert section in page


def _kb_get_help_groups(kb) -> list[tuple[str, list[str]]]:
    return [
        (block["heading"], [item["text"] for item in block["items"]])
        for page in kb.patient_education[:1]
        for section in page["sections"]
        for block in section.get("red_flags", [])
    ]


def test_warning_signs_are_the_patient_wording_of_the_condition_page():
    kb = load_knowledge()
    plan = make_plan("C01")
    version = plan_sign(plan=plan, actor=plan.created_by)
    content = handout_content(version.snapshot, kb, patient_first_name="Ann")
    expected = _kb_get_help_groups(kb)
    assert expected, "the knowledge base has patient-facing warning signs"
    assert [(g.heading, g.items) for g in content.warnings] == expected
    assert content.warnings[0].heading.startswith("Call 911")
    reasons = {rule["reason"] for rule in kb.red_flags["rules"] if rule.get("reason")}
    assert not reasons & {item for g in content.warnings for item in g.items}


def test_without_patient_wording_the_red_flag_reasons_are_listed():
    kb = load_knowledge()
    bare = dataclasses.replace(kb, files={k: v for k, v in kb.files.items() if k != "patient_education"})
    plan = make_plan("C01")
    version = plan_sign(plan=plan, actor=plan.created_by)
    content = handout_content(version.snapshot, bare, patient_first_name="Ann")
    listed = {item for g in content.warnings for item in g.items}
    rules = kb.red_flags["rules"]
    emergency = {r["reason"] for r in rules if r.get("kind") == "red_flag" and r["level"] == "emergency"}
    assert emergency and emergency <= listed


def test_the_handout_is_a_tagged_pdf_ua_document_with_language_and_title(client, login):
    clinician = login(Role.CLINICIAN)
    plan = make_plan("C01", clinician=clinician)
    plan_sign(plan=plan, actor=clinician)
    pdf = client.get(reverse("handouts:plan_pdf", args=[plan.pk])).content
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    root = reader.trailer["/Root"]
    # Tagged: a structure tree and the MarkInfo flag, so assistive technology reads the structure.
    assert bool(root["/MarkInfo"]["/Marked"])
    tree = root["/StructTreeRoot"].get_object()
    assert tree["/K"]
    assert root["/Lang"] == "en"
    # PDF/UA asks viewers to show the document title, not the file name.
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    assert reader.metadata.title.startswith("Your care plan")
    # The XMP metadata declares PDF/UA part 1.
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8")
    assert re.search(r'pdfuaid:part(="|>)1', xmp)
