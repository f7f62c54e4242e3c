"""The front desk's day in the browser (issue 10 part 3 and 4): book a caller by phone only from a
free time in the grid, mark arrival and a no-show in the week view, book a weekly series, offer a
freed time to the waiting list, and see a text land in the sink and STOP stop the next one."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone

from fracturecare.accounts.models import Role
from fracturecare.scheduling.models import Appointment, AppointmentStatus
from fracturecare.scheduling.outbox import outbox_send_due
from fracturecare.scheduling.services import appointment_book
from fracturecare.scheduling.sms import FileSink
from tests.browser.helpers import assert_accessible, sign_in
from tests.factories import PASSWORD, PatientFactory, UserFactory
from tests.scheduling.factories import AppointmentTypeFactory, LocationFactory, PractitionerFactory, open_every_day

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def clinic(settings, tmp_path, live_server):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SMS_BACKEND = "sink"
    settings.SMS_SINK_PATH = str(tmp_path / "sms.jsonl")
    settings.CLINIC = {**settings.CLINIC, "base_url": live_server.url}
    kind = AppointmentTypeFactory()
    location = LocationFactory(name="Downtown clinic")
    dana = PractitionerFactory(appointment_types=[kind])
    sam = PractitionerFactory(appointment_types=[kind], user__first_name="Sam", user__last_name="Okafor")
    open_every_day(dana, location)
    open_every_day(sam, location)
    day = timezone.localdate() + datetime.timedelta(days=2)

    def at(hour: int, d: datetime.date = day) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(d, datetime.time(hour)))

    def book(name: str, hour: int, practitioner=dana) -> Appointment:
        return appointment_book(
            appointment_type=kind,
            practitioner=practitioner,
            start=at(hour),
            patient=PatientFactory(first_name=name, last_name="Visitor"),
            reason="x",
        )

    return {"kind": kind, "dana": dana, "sam": sam, "day": day, "at": at, "book": book}


def _week(page, base_url, day):
    page.goto(f"{base_url}/clinic/schedule/?view=week&date={day.isoformat()}")
    page.get_by_role("heading", level=1).wait_for()


def test_front_desk_day(page, base_url, clinic):
    # A long walk with many pages; a shared, busy test machine needs more than the default wait.
    page.set_default_timeout(60_000)
    page.set_default_navigation_timeout(60_000)
    user = UserFactory(role=Role.FRONT_DESK, username="desk")
    sign_in(page, base_url, user.username, PASSWORD)
    day = clinic["day"]
    arriving = clinic["book"]("Arlo", 9)
    missing = clinic["book"]("Nell", 14, clinic["sam"])
    leaving = clinic["book"]("Cara", 15)
    waiting = PatientFactory(first_name="Wren", last_name="Waits", email="wren@example.test")

    # 1. A caller with a phone and no email, booked from a free time in the day grid.
    page.goto(f"{base_url}/clinic/schedule/?view=day&date={day.isoformat()}")
    assert_accessible(page)
    dana = page.get_by_role("region", name="Dana Reyes")
    dana.get_by_role("link", name=re.compile(r"^11:00 .* free with Dana Reyes")).click()
    page.get_by_label("First name").fill("Phil")
    page.get_by_label("Last name").fill("Phoneonly")
    page.get_by_role("textbox", name=re.compile(r"^Date of birth")).fill("1970-03-03")
    page.get_by_label("Mobile phone").fill("555 010 0123")
    page.get_by_label(re.compile("agrees to confirmations and reminders by text")).check()
    page.get_by_label("Reason for your visit").fill("Called about foot pain")
    page.get_by_role("button", name="Book", exact=True).click()
    page.get_by_text("Booked Phil Phoneonly").wait_for()
    phil = Appointment.objects.get(patient__last_name="Phoneonly")
    assert phil.patient.email == "" and phil.start == clinic["at"](11)

    # 2. Arrival and a no-show, from the week view.
    _week(page, base_url, day)
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("Visitor, Arlo")).click()
    page.get_by_role("button", name="Mark arrived").click()
    page.wait_for_url(re.compile(r"view=week"))
    page.get_by_role("link", name=re.compile("Visitor, Nell")).click()
    page.get_by_role("button", name="Mark no-show").click()
    page.wait_for_url(re.compile(r"view=week"))
    assert re.search(r"Visitor, Arlo.*Arrived", page.inner_text("main"), re.S)
    arriving.refresh_from_db()
    missing.refresh_from_db()
    assert (arriving.status, missing.status) == (AppointmentStatus.ARRIVED, AppointmentStatus.NO_SHOW)

    # 3. A weekly series for three weeks, checked before saving.
    page.goto(f"{base_url}/clinic/schedule/?view=day&date={day.isoformat()}")
    page.get_by_role("region", name="Sam Okafor").get_by_role("link", name=re.compile(r"^12:00 .* free")).click()
    page.get_by_label("First name").fill("Sera")
    page.get_by_label("Last name").fill("Series")
    page.get_by_role("textbox", name=re.compile(r"^Date of birth")).fill("1990-05-05")
    page.get_by_label(re.compile("^Email")).fill("sera@example.test")
    page.get_by_label("Reason for your visit").fill("Weekly rehab")
    page.get_by_label(re.compile("Repeat weekly for")).fill("3")
    page.get_by_role("button", name="Book", exact=True).click()
    page.get_by_role("heading", name="Book 3 weekly visits?").wait_for()
    page.get_by_role("button", name="Book the 3 free visits").click()
    page.get_by_text("Booked 3 weekly visits").wait_for()
    assert Appointment.objects.filter(patient__last_name="Series").count() == 3

    # 4. The waiting list gets the freed time; the patient claims it from the offer.
    page.goto(f"{base_url}/clinic/schedule/waitlist/?q=Waits")
    page.get_by_label(re.compile("Waits, Wren")).check()
    page.get_by_role("button", name="Add to the waiting list").click()
    page.get_by_text("Wren Waits is on the waiting list").wait_for()
    _week(page, base_url, day)
    page.get_by_role("link", name=re.compile("Visitor, Cara")).click()
    page.get_by_role("link", name="Cancel").click()
    page.get_by_role("button", name="Cancel appointment").click()
    page.get_by_text(re.compile("Cancelled Cara Visitor")).wait_for()
    outbox_send_due()  # the worker's pass
    offer = next(m for m in mail.outbox if m.to == ["wren@example.test"])
    claim = re.search(r"To claim this time: (\S+)", offer.body).group(1)
    page.goto(claim)
    page.get_by_role("button", name="Claim this time").click()
    page.get_by_role("heading", name="Your appointment").wait_for()
    leaving.refresh_from_db()
    assert Appointment.objects.get(patient=waiting).start == leaving.start

    # 5. The phone-only caller's confirmation lands in the sink; STOP stops the next text.
    page.goto(f"{base_url}/clinic/schedule/messages/texts/")
    texts = page.get_by_role("table")
    assert "+15550100123" in texts.inner_text()
    page.get_by_label("From number").fill("+1 555 010 0123")
    page.get_by_label("Text").fill("STOP")
    page.get_by_role("button", name="Receive reply").click()
    page.get_by_text("Number opted out").wait_for()
    appointment_book(
        appointment_type=clinic["kind"],
        practitioner=clinic["dana"],
        start=clinic["at"](16),
        patient=phil.patient,
        reason="again",
        source="front_desk",
    )
    outbox_send_due()
    to_phil = [t for t in FileSink(clinic_sink_path()).read() if t["to"] == "+15550100123"]
    assert len(to_phil) == 1


def clinic_sink_path() -> str:
    from django.conf import settings

    return settings.SMS_SINK_PATH
