"""A new clinic, as its admin lives it: the set-up link printed by `serve`, the clinic named and
the admin created, then settings (a location, a clinician, weekly hours, a visit type with a price),
and the new visit type booked on the public site."""

from __future__ import annotations

import datetime
import io
import re
import zoneinfo

import pytest
from django.core.management import call_command

from fracturecare.accounts.models import Role, User
from fracturecare.audit.models import AuditEvent
from fracturecare.clinic.models import ClinicProfile
from fracturecare.scheduling.models import Appointment, AppointmentType
from tests.browser.helpers import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ZONE = "America/Chicago"


def _submit(page, name: str) -> None:
    page.get_by_role("button", name=name).click()
    page.wait_for_load_state()


def test_first_run_settings_and_the_new_visit_type_booked_online(page, phone_page, base_url, settings):
    settings.CLINIC = {**settings.CLINIC, "base_url": base_url}
    for p in (page, phone_page):
        p.context.set_default_timeout(30_000)  # a long walk on a shared machine
    out = io.StringIO()
    call_command("setup_link", stdout=out)  # what `fracturecare serve` runs on an empty database
    link = re.search(r"https?://\S+/setup/\S+/", out.getvalue()).group(0)

    # --- first run ------------------------------------------------------------------------
    page.goto(base_url + "/setup/not-the-token/")
    assert "We could not find that page" in page.inner_text("main")
    page.goto(link)
    page.get_by_role("heading", name="Set up your clinic").wait_for()
    assert_accessible(page)
    page.get_by_label("Name", exact=True).fill("Lakeside Stress Fracture Clinic")
    page.get_by_label("Address").fill("8 Shore Drive, Lakeside")
    page.get_by_label("Phone").fill("+1 555 010 0300")
    page.get_by_label("Text number").fill("+1 555 010 0301")
    page.get_by_label("Email", exact=True).fill("desk@lakeside.example.test")
    page.get_by_label("Time zone").select_option(ZONE)
    page.get_by_label("Your first name").fill("Robin")
    page.get_by_label("Your last name").fill("Diaz")
    page.get_by_label("Your email").fill("robin@lakeside.example.test")
    page.get_by_label("Username").fill("robin")
    page.get_by_label("Password", exact=True).fill("lakeside-admin-passphrase")
    page.get_by_label("Password again").fill("lakeside-admin-passphrase")
    _submit(page, "Set up the clinic")
    assert page.url == base_url + "/clinic/settings/"
    assert "Lakeside Stress Fracture Clinic" in page.inner_text("body")
    assert User.objects.get(username="robin").role == Role.CLINIC_ADMIN
    assert ClinicProfile.objects.get().time_zone == ZONE
    page.goto(link)  # the link worked once
    assert "We could not find that page" in page.inner_text("main")

    # --- settings: a location, a clinician, hours, a visit type ----------------------------
    page.goto(base_url + "/clinic/settings/")
    assert_accessible(page)
    page.get_by_role("link", name="Locations").first.click()
    page.get_by_role("link", name="Add a location").click()
    page.get_by_label("Name").fill("Lakeside")
    page.get_by_label("Address").fill("8 Shore Drive, Lakeside")
    _submit(page, "Save")
    assert "Location saved." in page.inner_text("main")

    page.goto(base_url + "/clinic/settings/staff/invite/")
    page.get_by_label("First name").fill("Kim")
    page.get_by_label("Last name").fill("Lee")
    page.get_by_label("Email").fill("kim@lakeside.example.test")
    page.get_by_label("Username").fill("kim")
    page.get_by_label("Role").select_option("clinician")
    _submit(page, "Create login and send invitation")
    page.get_by_role("link", name="Make them a bookable practitioner").click()
    page.get_by_label("Staff login").select_option(label="Kim Lee (kim)")
    page.get_by_label("Title").fill("Physiotherapist")
    _submit(page, "Save")
    assert "Practitioner saved." in page.inner_text("main")

    # Weekly hours on the weekday two days from now (clinic time), so the slot is bookable.
    page.get_by_role("link", name="Weekly hours of Kim Lee").click()
    assert_accessible(page)
    day = datetime.datetime.now(zoneinfo.ZoneInfo(ZONE)).date() + datetime.timedelta(days=2)
    page.get_by_label("Location").select_option(label="Lakeside")
    page.get_by_label("Weekday").select_option(str(day.weekday()))
    page.get_by_label("Start time").fill("09:00")
    page.get_by_label("End time").fill("08:00")  # refused, and nothing saved
    _submit(page, "Add shift")
    assert "The shift must end after it starts." in page.inner_text("main")
    page.get_by_label("End time").fill("12:00")
    _submit(page, "Add shift")
    assert "Shift added." in page.inner_text("main")
    assert "09:00–12:00" in page.inner_text("main")

    page.goto(base_url + "/clinic/settings/visit-types/new/")
    page.get_by_label("Name").fill("Bone stimulator fitting")
    page.get_by_label("Length (minutes)").fill("30")
    page.get_by_label("Price (USD)").fill("120")
    page.get_by_label("Kim Lee").check()
    _submit(page, "Save")
    assert "Visit type saved." in page.inner_text("main")
    assert "$120.00" in page.inner_text("main")
    kind = AppointmentType.objects.get(name="Bone stimulator fitting")
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"clinic.setup_completed", "clinic.location_created", "clinic.staff_invited",
            "clinic.practitioner_created", "clinic.availabilityrule_created",
            "clinic.appointmenttype_created"} <= actions

    # --- the public site offers it at once --------------------------------------------------
    phone = phone_page
    phone.goto(base_url + "/book/")
    assert "Lakeside Stress Fracture Clinic" in phone.inner_text("body")
    card = phone.locator("li.card", has_text="Bone stimulator fitting")
    assert "$120.00" in card.inner_text()
    card.get_by_role("link").click()
    phone.get_by_role("heading", name="Choose a time", level=1).wait_for()
    assert "Kim Lee" in phone.inner_text("main")
    assert f"({ZONE})" in phone.inner_text("main")
    first = phone.locator("a.slot").first
    assert first.inner_text().startswith("9:00 AM")
    first.click()
    phone.get_by_role("heading", name="Your details", level=1).wait_for()
    phone.get_by_label("First name").fill("Ade")
    phone.get_by_label("Last name").fill("Bello")
    phone.get_by_label("Date of birth").fill("1995-06-01")
    phone.get_by_label("Email").fill("ade@example.test")
    phone.get_by_label("Reason for your visit").fill("Fitting of a bone stimulator.")
    phone.get_by_role("group", name="Where does it hurt?").get_by_label("Shin or lower leg").check()
    questions = phone.get_by_role("group", name="Safety questions").get_by_role("group")
    for i in range(questions.count()):
        questions.nth(i).get_by_label("No").check()
    _submit(phone, "Confirm booking")
    phone.wait_for_url(re.compile(r"/book/confirmed/"))
    appointment = Appointment.objects.get()
    assert appointment.appointment_type == kind
    local = appointment.start.astimezone(zoneinfo.ZoneInfo(ZONE))
    assert (local.date(), local.hour, local.minute) == (day, 9, 0)
