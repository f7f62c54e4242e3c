"""The public site on a phone: from the condition page to a confirmed booking, and axe-core
finding no serious or critical problem on any public page a patient passes through (issue 4)."""

from __future__ import annotations

import re

import pytest

from fracturecare.scheduling.models import Appointment
from tests.browser.helpers import assert_accessible
from tests.public.factories import ArticleFactory, PatientStoryFactory
from tests.scheduling.factories import AppointmentTypeFactory, LocationFactory, PractitionerFactory, open_every_day

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SLOT = re.compile(r"^\d{1,2}:\d{2} [AP]M with ")


@pytest.fixture
def bookable_clinic():
    """One location, the new-patient consultation, and a practitioner open every day."""
    kind = AppointmentTypeFactory()
    practitioner = PractitionerFactory(appointment_types=[kind])
    open_every_day(practitioner, LocationFactory(name="Downtown clinic"))
    return kind, practitioner


def _goto(page, url):
    response = page.goto(url)
    assert response is not None and response.status == 200, f"{url} answered {response and response.status}"
    return response


def test_phone_visitor_books_from_the_condition_page(phone_page, base_url, bookable_clinic):
    page = phone_page
    _goto(page, f"{base_url}/conditions/stress-fracture/")
    assert_accessible(page)

    page.get_by_role("main").get_by_role("link", name="Book a visit").first.click()
    assert page.url == f"{base_url}/book/"
    assert_accessible(page)

    page.get_by_role("link", name="Book a new-patient consultation").click()
    page.get_by_role("heading", name="Choose a time", level=1).wait_for()
    assert_accessible(page)
    slot = page.get_by_role("link", name=SLOT).first
    slot_time = slot.inner_text().split("\n")[0].strip()  # "9:00 AM"; the rest is for screen readers
    slot.click()

    page.get_by_role("heading", name="Your details", level=1).wait_for()
    assert_accessible(page)
    page.get_by_label("First name").fill("Maya")
    page.get_by_label("Last name").fill("Okonkwo")
    page.get_by_label("Date of birth").fill("1999-03-14")
    page.get_by_label("Email").fill("maya@example.test")
    page.get_by_label("Mobile phone").fill("+1 555 010 0142")
    page.get_by_label("Reason for your visit").fill("Shin pain when running for three weeks.")
    page.get_by_role("group", name="Where does it hurt?").get_by_label("Shin or lower leg").check()
    safety = page.get_by_role("group", name="Safety questions")
    questions = safety.get_by_role("group")
    assert questions.count() >= 3, "the safety questions should each be a labelled group"
    for i in range(questions.count()):
        questions.nth(i).get_by_label("No").check()
    page.get_by_role("button", name="Confirm booking").click()

    page.wait_for_url(re.compile(r"/book/confirmed/"))
    assert_accessible(page)
    main = page.get_by_role("main")
    assert "confirmed" in main.inner_text().lower()
    assert f"at {slot_time}" in main.inner_text()

    # The confirmation links to the page where the booking can be changed or cancelled.
    page.get_by_role("link", name="change or cancel this booking").click()
    page.wait_for_load_state()
    assert_accessible(page)
    # The appointment card shows the status in the clinic's wording (AppointmentStatus.BOOKED).
    assert page.get_by_role("main").get_by_text("Booked", exact=True).first.is_visible()

    appointment = Appointment.objects.get()
    assert appointment.patient.email == "maya@example.test"
    assert appointment.status == "booked"
    assert appointment.appointment_type.slug == "new-patient-consultation"


def test_phone_visitor_sees_field_messages_and_books_nothing(phone_page, base_url, bookable_clinic):
    page = phone_page
    _goto(page, f"{base_url}/book/new-patient-consultation/")
    page.get_by_role("link", name=SLOT).first.click()
    page.get_by_role("heading", name="Your details", level=1).wait_for()
    page.get_by_label("Email").fill("not-an-email")
    page.get_by_role("button", name="Confirm booking").click()

    page.get_by_role("heading", name="Your details", level=1).wait_for()
    # Each problem is announced next to its field, and the form keeps what was typed.
    assert page.get_by_label("Email").input_value() == "not-an-email"
    invalid = page.locator("[aria-invalid=true]")
    assert invalid.count() >= 2
    assert_accessible(page)
    assert not Appointment.objects.exists()


PUBLIC_PAGES = [
    "/",
    "/conditions/stress-fracture/",
    "/book/",
    "/book/new-patient-consultation/",
    "/contact/",
    "/stories/",
    "/articles/",
]


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_public_pages_have_no_serious_accessibility_problems(request, viewport, base_url, bookable_clinic):
    page = request.getfixturevalue("phone_page" if viewport == "phone" else "page")
    PatientStoryFactory(published=True)
    article = ArticleFactory(title="Walking again after a metatarsal stress fracture")
    problems = []
    for path in [*PUBLIC_PAGES, f"/articles/{article.slug}/"]:
        _goto(page, base_url + path)
        try:
            assert_accessible(page)
        except pytest.fail.Exception as exc:
            problems.append(str(exc))
        # On a phone, sideways scrolling of the whole page hides content off screen.
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if overflow > 0:
            problems.append(f"{path}: the page is {overflow}px wider than the {viewport} screen")
    assert not problems, "\n\n".join(problems)
