"""A clinician's morning, end to end in the browser (issue 3): sign in, register a patient,
evaluate, review and sign the plan, chart two visits with outcome measures, see progress, and
download the patient's handout."""

from __future__ import annotations

import datetime
import io
import re

import pytest
from django.utils import timezone
from pypdf import PdfReader

from fracturecare.patients.models import Patient
from tests.browser.helpers import assert_accessible, sign_in
from tests.factories import PASSWORD, UserFactory
from tests.intake.factories import give_consents

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def register_patient(page):
    page.get_by_role("navigation", name="Clinic").get_by_role("link", name="Patients").click()
    page.get_by_role("link", name="Register a patient").first.click()
    page.get_by_label("First name").fill("Rosa")
    page.get_by_label("Last name").fill("Alvarez")
    page.get_by_label("Date of birth").fill("2001-06-02")
    page.get_by_label("Sex").select_option(label="Female")
    page.get_by_label("Email").fill("rosa@example.test")
    page.get_by_role("button", name="Register patient").click()
    page.get_by_role("heading", name="Rosa Alvarez", level=1).wait_for()


def evaluate_low_risk_tibia(page):
    """A low-risk posteromedial tibial stress fracture seen on MRI (like shared case C01)."""
    page.get_by_role("link", name="New evaluation").click()
    page.get_by_label("Main sport or load").fill("running")
    # Exact names: "Bone" is also part of "Region of the bone".
    # Bones and regions carry the knowledge base's clinical labels; the regions follow the bone.
    page.get_by_role("combobox", name="Bone", exact=True).select_option(label="Tibia (shin bone)")
    region = page.get_by_label("Region of the bone")
    region.select_option(label="Inner (posteromedial) border of the shaft")
    assert region.input_value() == "tibia|posteromedial_shaft"
    page.get_by_role("combobox", name="Side", exact=True).select_option(label="Left")
    page.get_by_label("Weeks since onset").fill("4")
    page.get_by_label("Pain now (0-10)").fill("5")
    # Examination findings are answered Yes / No / Not asked (a radio group named by its legend).
    page.get_by_role("group", name="Focal bony tenderness").get_by_label("Yes").check()
    page.get_by_role("group", name="Pain on single-leg hop").get_by_label("Yes").check()
    page.get_by_label("Imaging done").select_option("mri")
    page.get_by_label("Imaging result (from the report)").select_option("stress_fracture")
    page.get_by_label("Fredericson MRI grade (0-4)").fill("3")
    assert_accessible(page)
    page.get_by_role("button", name="Save evaluation and generate plan").click()
    page.wait_for_url(re.compile(r"/clinic/plans/\d+/$"))


def chart_visit(page, *, day: datetime.date, pain_before: int, pain_after: int):
    page.get_by_role("link", name="Chart a visit").first.click()
    page.get_by_role("heading", name="Chart a visit", level=1).wait_for()
    page.get_by_label("Visit date").fill(day.isoformat())
    page.get_by_label("Pain NRS before treatment (0–10)").fill(str(pain_before))
    page.get_by_label("Pain NRS after treatment (0–10)").fill(str(pain_after))
    # The first visit copies the signed plan, the next one the last signed visit: every row is complete.
    points = page.get_by_role("table", name="Acupuncture points")
    assert points.get_by_label("Point 1: Point").input_value(), "points should be copied"
    muscles = page.get_by_role("table", name="Muscles dry-needled")
    assert muscles.get_by_label("Muscle 1: Muscle").input_value(), "dry-needling targets should be copied"
    assert muscles.get_by_label("Muscle 1: Response").input_value(), "a copied row carries its response"
    page.get_by_label("None of these today").check()
    page.get_by_label("All needles removed and counted").check()
    assert_accessible(page)
    page.get_by_role("button", name="Save and sign").click()
    page.get_by_role("heading", name=re.compile(r"^Visit of .* Signed$"), level=1).wait_for()


def record_outcomes(page, *, day: datetime.date, timepoint: str, pain: int, lefs_item: int):
    """Pain NRS and all twenty LEFS items (each scored `lefs_item`, so LEFS = 20 x lefs_item)."""
    page.get_by_role("link", name="Record outcome measures").click()
    page.get_by_role("textbox", name="Date", exact=True).fill(day.isoformat())
    page.get_by_label("Timepoint").select_option(label=timepoint)
    page.get_by_label("Pain NRS (0–10)").fill(str(pain))
    items = page.get_by_role("group", name="Lower Extremity Functional Scale (LEFS)").get_by_role("combobox")
    assert items.count() == 20
    for i in range(20):
        items.nth(i).select_option(str(lefs_item))
    assert_accessible(page)
    page.get_by_role("button", name="Save outcome measures").click()
    page.get_by_role("heading", name=re.compile(r"^Outcomes and progress"), level=1).wait_for()


def test_clinician_goes_from_new_patient_to_handout(page, base_url):
    clinician = UserFactory(role="clinician", first_name="Dana", last_name="Reyes")
    today = timezone.localdate()
    first_day = today - datetime.timedelta(days=14)
    page.set_default_timeout(30_000)  # a long flow on a shared machine; no timing is asserted

    sign_in(page, base_url, clinician.username, PASSWORD)
    register_patient(page)
    assert_accessible(page)
    # Needling is charted only with the patient's current consents (signed by link before the visit).
    give_consents(Patient.objects.get(first_name="Rosa", last_name="Alvarez"))

    evaluate_low_risk_tibia(page)
    main = page.get_by_role("main")
    assert "Draft: not signed" in main.inner_text()
    for section in ("Site and risk", "Today's needling", "Cautions", "Conventional care now"):
        assert main.get_by_role("heading", name=re.compile("^" + section), level=2).is_visible()
    assert_accessible(page)
    main.get_by_label("I have reviewed the basis of each recommendation").check()
    main.get_by_role("button", name="Sign plan").click()
    page.get_by_text("Signed version 1").first.wait_for()
    assert_accessible(page)

    # First visit, two weeks ago, with its intake measures.
    page.get_by_role("link", name="← Rosa Alvarez").click()
    page.get_by_role("link", name="Visits", exact=True).click()
    assert_accessible(page)
    chart_visit(page, day=first_day, pain_before=6, pain_after=4)
    page.get_by_role("main").get_by_role("link", name="Visits").click()
    page.get_by_role("link", name="Outcomes and progress").click()
    record_outcomes(page, day=first_day, timepoint="Intake", pain=6, lefs_item=2)

    # Second visit today, and the review measures.
    page.get_by_role("main").get_by_role("link", name="Visits").click()
    chart_visit(page, day=today, pain_before=3, pain_after=2)
    page.get_by_role("main").get_by_role("link", name="Visits").click()
    visits = page.get_by_role("main")
    assert visits.get_by_text(first_day.isoformat()).count() and visits.get_by_text(today.isoformat()).count()
    page.get_by_role("link", name="Outcomes and progress").click()
    record_outcomes(page, day=today, timepoint="Scheduled review", pain=3, lefs_item=3)

    # Progress: two assessments make a chart, and the table shows both scores.
    main = page.get_by_role("main")
    assert main.get_by_role("img", name=re.compile(r"^Progress chart")).is_visible()
    assert main.get_by_role("img", name=re.compile(r"No scores recorded")).count() == 0
    assert main.get_by_role("region", name="Not enough data").count() == 0
    assessments = main.get_by_role("region", name="Assessments")
    assert "40" in assessments.inner_text() and "60" in assessments.inner_text()
    assert "pain 6 → 3, LEFS 40 → 60" in main.inner_text()
    assert_accessible(page)

    # The handout downloads as a PDF written for the patient.
    with page.expect_download() as info:
        page.get_by_role("link", name="Download handout PDF").click()
    download = info.value
    assert download.suggested_filename.endswith(".pdf")
    data = open(download.path(), "rb").read()
    assert data.startswith(b"%PDF-")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert "Rosa" in text
