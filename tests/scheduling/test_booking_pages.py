"""The public booking pages: type → time → details and safety screen → confirmed; manage link."""

import re
from urllib.parse import unquote

import pytest
import time_machine
from django.core import signing

from fracturecare.audit.models import AuditEvent
from fracturecare.patients.models import Patient
from fracturecare.scheduling.links import manage_token
from fracturecare.scheduling.models import Appointment, AppointmentStatus, OutboxMessage
from fracturecare.scheduling.safety import SAFETY_QUESTIONS
from tests.clinic.factories import ClinicProfileFactory
from tests.scheduling.conftest import ny

NOW = ny(2026, 6, 1, 7, 0)


@pytest.fixture(autouse=True)
def _pinned():
    with time_machine.travel(NOW, tick=False):
        yield


def _form(**overrides):
    data = {
        "first_name": "Ana",
        "last_name": "Lopez",
        "date_of_birth": "1990-04-02",
        "email": "ana@example.test",
        "phone": "",
        "reason": "Shin pain when running",
        "pain_area": "shin",
    }
    data.update({f"screen_{q.key}": "no" for q in SAFETY_QUESTIONS})
    data.update(overrides)
    return data


def _first_slot_link(client, clinic) -> str:
    page = client.get("/book/new-patient-consultation/").content.decode()
    match = re.search(r'href="(/book/new-patient-consultation/details/\?[^"]+)"', page)
    assert match, "no time offered"
    return match.group(1).replace("&amp;", "&")


def test_the_whole_flow_books_and_confirms(clinic, client):
    types = client.get("/book/")
    assert types.status_code == 200
    assert b"New-patient consultation" in types.content and b">Book<" in types.content
    slots_page = client.get("/book/new-patient-consultation/")
    assert slots_page.status_code == 200
    assert b"Times on Monday 1 June" in slots_page.content  # today, after the 2-hour notice
    link = _first_slot_link(client, clinic)
    assert "start=2026-06-01T13%3A00%3A00%2B00%3A00" in link  # 9:00 New York = 13:00 UTC
    details = client.get(link)
    assert details.status_code == 200
    html = details.content.decode()
    assert "Confirm booking" in html
    for label in ("First name", "Last name", "Date of birth", "Email", "Reason for your visit", "Where does it hurt?"):
        assert f">{label}" in html
    for q in SAFETY_QUESTIONS:
        assert q.text in html
    query = dict(p.split("=", 1) for p in link.split("?", 1)[1].split("&"))
    response = client.post(link.split("?")[0], _form(start=unquote(query["start"]), practitioner=query["practitioner"]))
    assert response.status_code == 302, response.content
    appointment = Appointment.objects.get()
    assert appointment.start == ny(2026, 6, 1, 9)
    assert appointment.intake["pain_area"] == "shin"
    assert appointment.intake["screen"] == {q.key: False for q in SAFETY_QUESTIONS}
    done = client.get(response["Location"])
    assert b"Booking confirmed" in done.content and b"ana@example.test" in done.content


def test_a_yes_on_the_safety_screen_sends_to_emergency_care_and_books_nothing(clinic, client):
    link = _first_slot_link(client, clinic)
    query = dict(p.split("=", 1) for p in link.split("?", 1)[1].split("&"))
    data = _form(
        start=unquote(query["start"]),
        practitioner=query["practitioner"],
        screen_numb_cold_or_colour_change="yes",
        email="",
    )  # even with another error on the form
    response = client.post(link.split("?")[0], data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Call 911" in html and "emergency department" in html and "not booked" in html
    assert Appointment.objects.count() == 0 and Patient.objects.count() == 0 and OutboxMessage.objects.count() == 0
    # The health answers were received: the stop is logged with the signs, nothing about who typed them.
    event = AuditEvent.objects.get(action="booking.safety_stop")
    assert event.data["signs"] == ["numb_cold_or_colour_change"] and event.patient_id is None


def test_a_form_with_errors_shows_them_on_the_fields_and_books_nothing(clinic, client):
    link = _first_slot_link(client, clinic)
    query = dict(p.split("=", 1) for p in link.split("?", 1)[1].split("&"))
    data = _form(start=unquote(query["start"]), practitioner=query["practitioner"], email="nope", reason="")
    data.pop("screen_fever_with_bone_pain")
    response = client.post(link.split("?")[0], data)
    assert response.status_code == 422
    html = response.content.decode()
    assert "Please check the form" in html and "Enter a valid email address." in html
    assert 'aria-invalid="true"' in html
    assert Appointment.objects.count() == 0 and Patient.objects.count() == 0
    event = AuditEvent.objects.get(action="booking.not_made")
    assert event.data["outcome"] == "returned to fix" and {"email", "reason"} <= set(event.data["fields"])


def test_a_slot_taken_meanwhile_sends_back_to_the_times_with_a_message(clinic, client):
    link = _first_slot_link(client, clinic)
    query = dict(p.split("=", 1) for p in link.split("?", 1)[1].split("&"))
    data = _form(start=unquote(query["start"]), practitioner=query["practitioner"])
    assert client.post(link.split("?")[0], data).status_code == 302
    response = client.post(link.split("?")[0], {**data, "email": "bo@example.test", "first_name": "Bo"}, follow=True)
    assert b"no longer free" in response.content
    assert Appointment.objects.count() == 1
    assert AuditEvent.objects.get(action="booking.not_made").data["outcome"] == "time no longer free"


def test_the_details_page_without_a_time_goes_back_to_the_times(clinic, client):
    response = client.get("/book/new-patient-consultation/details/?start=garbage&practitioner=1")
    assert response.status_code == 302 and response["Location"] == "/book/new-patient-consultation/"
    assert client.get("/book/no-such-type/").status_code == 404


def _booked(client, clinic):
    link = _first_slot_link(client, clinic)
    query = dict(p.split("=", 1) for p in link.split("?", 1)[1].split("&"))
    client.post(link.split("?")[0], _form(start=unquote(query["start"]), practitioner=query["practitioner"]))
    return Appointment.objects.get()


def test_the_manage_link_cancels(clinic, client):
    ClinicProfileFactory(cancellation_window_hours=0)  # online changes open until the visit starts
    appointment = _booked(client, clinic)
    token = manage_token(appointment)
    page = client.get(f"/book/manage/{token}/")
    assert b"Cancel the appointment" in page.content and b"Change the time" in page.content
    assert client.get(f"/book/manage/{token}/cancel/").status_code == 200
    assert client.post(f"/book/manage/{token}/cancel/").status_code == 302
    appointment.refresh_from_db()
    # One window decides both: what may still be cancelled online is never a late cancellation.
    assert appointment.status == AppointmentStatus.CANCELLED
    assert b"This appointment is cancelled" in client.get(f"/book/manage/{token}/").content


def test_the_manage_link_reschedules(clinic, client):
    ClinicProfileFactory(cancellation_window_hours=0)  # online changes open until the visit starts
    appointment = _booked(client, clinic)
    token = manage_token(appointment)
    page = client.get(f"/book/manage/{token}/reschedule/?date=2026-06-03")
    assert page.status_code == 200 and b"Times on Wednesday 3 June" in page.content
    response = client.post(
        f"/book/manage/{token}/reschedule/?date=2026-06-03",
        {"start": "2026-06-03T15:00:00+00:00", "practitioner": clinic.sam.pk},
    )
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.start == ny(2026, 6, 3, 11) and appointment.practitioner == clinic.sam


def test_a_tampered_or_expired_link_is_refused(clinic, client):
    appointment = _booked(client, clinic)
    token = manage_token(appointment)
    assert client.get(f"/book/manage/{token[:-2]}xx/").status_code == 404
    forged = signing.dumps({"a": appointment.pk}, salt="something else")
    assert client.get(f"/book/manage/{forged}/").status_code == 404
    with time_machine.travel(ny(2026, 9, 15, 7), tick=False):
        assert client.get(f"/book/manage/{token}/").status_code == 404
        assert client.post(f"/book/manage/{token}/cancel/").status_code == 404
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.BOOKED


def test_a_past_appointment_cannot_be_changed_online(clinic, client):
    appointment = _booked(client, clinic)
    token = manage_token(appointment)
    with time_machine.travel(ny(2026, 6, 1, 9, 30), tick=False):
        response = client.post(f"/book/manage/{token}/cancel/", follow=True)
    assert b"can no longer be changed online" in response.content
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.BOOKED
