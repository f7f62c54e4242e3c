"""The clinic navigation on a 360 px phone: it wraps, the page never scrolls sideways, and each
section it offers opens with its link marked as the current page."""

from __future__ import annotations

import pytest

from fracturecare.accounts.models import Role
from tests.browser.helpers import assert_accessible, sign_in
from tests.factories import PASSWORD, PatientFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NARROW = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}


@pytest.fixture
def narrow_page(browser):
    context = browser.new_context(**NARROW)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("role", [Role.CLINIC_ADMIN, Role.FRONT_DESK])
def test_every_section_fits_a_phone_and_marks_itself(narrow_page, base_url, role):
    page = narrow_page
    # Long contact details: the patient list is where a narrow screen used to overflow.
    PatientFactory(email="a.very.long.address.for.testing@example.invalid")
    user = UserFactory(role=role)
    sign_in(page, base_url, user.username, PASSWORD)
    nav = page.get_by_role("navigation", name="Clinic")
    labels = [link.inner_text() for link in nav.get_by_role("link").all()]
    assert "Home" in labels and "Patients" in labels
    for label in labels:
        nav.get_by_role("link", name=label, exact=True).click()
        page.wait_for_load_state()
        current = nav.locator('a[aria-current="page"]')
        assert current.count() == 1 and current.inner_text() == label
        box = nav.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 360, f"the navigation overflows on {label}"
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{label} ({page.url}) scrolls sideways by {overflow}px at 360 px"
    assert_accessible(page)
