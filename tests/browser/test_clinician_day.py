"""The clinician's day, fast (issue 11 parts 1 and 3), at 1366x768: the plan review at a glance
with Sign in reach, a routine follow-up charted by copying the last signed visit, and a positive
red-flag re-screen holding needling."""

from __future__ import annotations

import datetime
import re

import pytest

from fracturecare.charting.models import Visit
from fracturecare.charting.services import visit_create
from fracturecare.charting.validation import VisitRecord
from fracturecare.outcomes.models import OutcomeAssessment
from fracturecare.planning.models import PlanVersion
from fracturecare.planning.services import plan_sign
from tests.browser.helpers import assert_accessible, sign_in
from tests.factories import PASSWORD, UserFactory
from tests.planning.factories import make_plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAPTOP = {"width": 1366, "height": 768}
MAX_PLAN_HEIGHT = 3000


def _clinician():
    return UserFactory(role="clinician", first_name="Dana", last_name="Reyes")


def _in_view(page, selector: str) -> bool:
    box = page.locator(selector).bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= LAPTOP["height"]


def test_plan_review_fits_and_sign_stays_in_reach(page, base_url):
    clinician = _clinician()
    plan = make_plan("C01", clinician=clinician)
    page.set_viewport_size(LAPTOP)
    page.set_default_timeout(30_000)  # the shared test machine can be slow; no timing is asserted
    sign_in(page, base_url, clinician.username, PASSWORD)
    page.goto(f"{base_url}/clinic/plans/{plan.pk}/")
    page.get_by_role("heading", name=re.compile("^Triage: ")).wait_for()

    height = page.evaluate("document.documentElement.scrollHeight")
    print(f"\nplan review height at 1366x768, details folded: {height} px")
    assert height <= MAX_PLAN_HEIGHT
    # The summary's needling, with sides, is on the first screen.
    assert _in_view(page, "#needling-h")
    points = page.get_by_role("table", name="Acupuncture points to needle, with sides")
    assert points.get_by_role("rowheader", name=re.compile("^KI3")).is_visible()
    # Sign is in reach at the top, the middle and the bottom of the page.
    sign = "#sign-bar button.primary"
    for y in (0, height // 2, height):
        page.evaluate(f"window.scrollTo(0, {y})")
        assert _in_view(page, sign), f"Sign is out of reach at scroll {y}"
    assert_accessible(page)

    # A change from the summary, without a page reload (htmx swaps the working area).
    page.evaluate("window.scrollTo(0, 0); window.__notReloaded = true")
    row = points.get_by_role("row", name=re.compile("^KI3"))
    row.locator("summary", has_text="Remove").click()
    row.get_by_label("Reason for removing KI3").fill("Bruised at the ankle last time.")
    row.get_by_role("button", name="Remove KI3").click()
    page.get_by_role("status").filter(has_text="KI3 removed from the plan").wait_for()
    assert page.evaluate("window.__notReloaded === true"), "the change reloaded the page"

    # Signing needs the attestation; it is stored with the version.
    attest = page.get_by_label("I have reviewed the basis of each recommendation")
    page.get_by_role("button", name="Sign plan").click()
    # The browser holds the form back until the box is ticked (the server refuses it too: unit tests).
    assert attest.evaluate("el => el.validity.valueMissing")
    assert not PlanVersion.objects.filter(plan=plan).exists()
    attest.check()
    page.get_by_role("button", name="Sign plan").click()
    page.get_by_text("Plan signed as version 1.").wait_for()
    version = PlanVersion.objects.get(plan=plan)
    assert version.attestation == "I have reviewed the basis of each recommendation"
    assert "KI3" not in {p["code"] for p in version.snapshot["plan"]["acupuncture"]["points"]}


def _patient_with_a_signed_visit():
    clinician = _clinician()
    plan = make_plan("C01", clinician=clinician)
    plan_sign(plan=plan, actor=clinician, attested=True)
    planned = PlanVersion.objects.get(plan=plan).snapshot["plan"]
    last = visit_create(
        patient=plan.patient, clinician=clinician, sign=True,
        record=VisitRecord(
            fields={"visit_date": datetime.date.today() - datetime.timedelta(days=7), "pain_nrs_before": 6,
                    "pain_nrs_after": 4, "needles_all_out": True, "rescreen_positive": []},
            points=[{"code": p["code"], "laterality": p["laterality"], "retention_min": 20}
                    for p in planned["acupuncture"]["points"]],
            dry_needling=[{"muscle": t["muscle"], "side": t["side"], "technique": "pistoning", "response": "ltr"}
                          for t in planned["dry_needling"]["targets"]],
        ),
    )
    return clinician, plan.patient, last


def test_a_routine_follow_up_copied_from_the_last_signed_visit(page, base_url):
    clinician, patient, last = _patient_with_a_signed_visit()
    page.set_viewport_size(LAPTOP)
    page.set_default_timeout(30_000)  # the shared test machine can be slow; no timing is asserted
    sign_in(page, base_url, clinician.username, PASSWORD)
    page.goto(f"{base_url}/clinic/patients/{patient.pk}/visits/")
    inputs = 0  # every field filled, box ticked or button pressed on the visit form

    page.get_by_role("link", name="Chart a visit").first.click()
    page.get_by_role("heading", name="Chart a visit", level=1).wait_for()
    page.get_by_text(f"Copied from the last signed visit ({last.visit_date:%Y-%m-%d})").wait_for()
    count = int(page.locator("#needle-count").inner_text())
    assert count == last.needles_in
    page.get_by_label("Pain NRS before treatment (0–10)").fill("4")
    inputs += 1
    page.get_by_label("None of these today").check()
    inputs += 1
    page.get_by_label("Pain NRS after treatment (0–10)").fill("2")
    inputs += 1
    page.get_by_label("All needles removed and counted").check()
    inputs += 1
    assert_accessible(page)
    page.get_by_role("button", name="Save and sign").click()
    inputs += 1
    page.get_by_role("heading", name=re.compile(r"^Visit of .* Signed$"), level=1).wait_for()

    print(f"\nroutine follow-up charted with copy-from-last in {inputs} inputs")
    assert inputs <= 5
    visit = Visit.objects.filter(patient=patient).latest("id")
    assert visit.is_signed and visit.pk != last.pk and visit.prefilled_from == f"visit:{last.pk}"
    assert [(p.code, p.laterality, p.retention_min) for p in visit.points.all()] == [
        (p.code, p.laterality, p.retention_min) for p in last.points.all()
    ]
    assert [(t.muscle, t.response) for t in visit.dry_needling.all()] == [
        (t.muscle, t.response) for t in last.dry_needling.all()
    ]
    assert (visit.needles_in, visit.needles_out) == (count, count)
    assert OutcomeAssessment.objects.filter(patient=patient, pain_nrs=4, assessed_on=visit.visit_date).exists()


def test_a_positive_re_screen_holds_needling(page, base_url):
    clinician, patient, last = _patient_with_a_signed_visit()
    page.set_viewport_size(LAPTOP)
    page.set_default_timeout(30_000)  # the shared test machine can be slow; no timing is asserted
    sign_in(page, base_url, clinician.username, PASSWORD)
    page.goto(f"{base_url}/clinic/patients/{patient.pk}/visits/new/")
    page.get_by_label("Pain NRS before treatment (0–10)").fill("7")
    page.get_by_label("Fever or chills").check()
    page.get_by_text("Needling is held:").wait_for()
    assert page.get_by_role("table", name="Acupuncture points").get_by_label("Point 1: Point").is_disabled()
    assert page.locator("#needle-count").inner_text() == "0"
    page.get_by_role("button", name="Save and sign").click()
    page.get_by_role("heading", name="Red flag at this visit: needling held").wait_for()
    assert page.get_by_text("Bone pain with fever").first.is_visible()
    visit = Visit.objects.filter(patient=patient).latest("id")
    assert visit.is_signed and visit.needling_held and visit.pk != last.pk
    assert not visit.points.exists() and not visit.dry_needling.exists()
    assert visit.rescreen["fired"][0]["rule"] == "infection_suspected"
