"""Public booking abuse guard: the hidden honeypot field and the hourly limit per client address."""

import datetime

import pytest
import time_machine

from fracturecare.audit.models import AuditEvent
from fracturecare.patients.models import Patient
from fracturecare.public.services import client_key_for
from fracturecare.scheduling.models import Appointment, BookingSource, OutboxMessage
from fracturecare.scheduling.safety import SAFETY_QUESTIONS
from fracturecare.scheduling.services import BookingRateLimited, appointment_book
from tests.scheduling.conftest import details, ny

NOW = ny(2026, 6, 1, 7, 0)
OTHER_ADDRESS = "203.0.113.9"


@pytest.fixture(autouse=True)
def _pinned():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def limit_two(settings):
    settings.BOOKING_LIMIT_PER_HOUR = 2


def _api(client, clinic, hour: int, n: int, **extra):
    body = {
        "type": "new-patient-consultation",
        "start": f"2026-06-02T{hour:02d}:00:00-04:00",
        "practitioner": clinic.dana.pk,
        "patient": {
            "first_name": "Ana",
            "last_name": f"Lopez{'abcdefghij'[n]}",
            "email": f"ana{n}@example.test",
            "phone": "",
            "date_of_birth": "1990-04-02",
        },
        "reason": "Shin pain when running",
    }
    return client.post("/api/v1/bookings", body, content_type="application/json", **extra)


def _web(client, clinic, hour: int, **overrides):
    data = {
        "start": ny(2026, 6, 2, hour).isoformat(),
        "practitioner": clinic.dana.pk,
        "first_name": "Bea",
        "last_name": "Stone",
        "date_of_birth": "1985-01-02",
        "email": "bea@example.test",
        "phone": "",
        "reason": "Foot pain",
        "pain_area": "foot",
        **{f"screen_{q.key}": "no" for q in SAFETY_QUESTIONS},
    }
    data.update(overrides)
    return client.post("/book/new-patient-consultation/details/", data)


def _written():
    return Appointment.objects.count(), Patient.objects.count(), OutboxMessage.objects.count()


def test_past_the_limit_the_api_answers_429_with_retry_after_and_writes_nothing(clinic, client, limit_two):
    assert _api(client, clinic, 10, 0).status_code == 201
    with time_machine.travel(NOW + datetime.timedelta(minutes=20), tick=False):
        assert _api(client, clinic, 11, 1).status_code == 201
    with time_machine.travel(NOW + datetime.timedelta(minutes=30), tick=False):
        before = _written()
        response = _api(client, clinic, 12, 2)
        assert response.status_code == 429
        # Free again when the first booking leaves the hour: 30 minutes from now.
        assert response["Retry-After"] == "1800"
        assert "call the clinic" in response.json()["detail"]
        assert _written() == before
        # Another address has its own allowance.
        assert _api(client, clinic, 12, 3, REMOTE_ADDR=OTHER_ADDRESS).status_code == 201
    with time_machine.travel(NOW + datetime.timedelta(minutes=60, seconds=1), tick=False):
        assert _api(client, clinic, 13, 4).status_code == 201


def test_the_web_form_shares_the_limit_and_says_to_call(clinic, client, settings):
    settings.BOOKING_LIMIT_PER_HOUR = 1
    assert _api(client, clinic, 10, 0).status_code == 201
    before = _written()
    response = _web(client, clinic, 11)
    assert response.status_code == 429
    assert response["Retry-After"] == "3600"
    html = response.content.decode()
    assert "Please call us to book" in html and 'href="tel:' in html
    assert 'value="Bea"' in html  # what they typed is kept
    assert _written() == before
    # The page received and shows back someone's details: logged with the outcome, never the details.
    event = AuditEvent.objects.filter(action="booking.not_made").get()
    assert event.data["outcome"] == "over the hourly limit" and "Bea" not in str(event.data)


def test_the_safety_screen_still_comes_first_when_the_limit_is_reached(clinic, client, settings):
    settings.BOOKING_LIMIT_PER_HOUR = 1
    assert _api(client, clinic, 10, 0).status_code == 201
    first = SAFETY_QUESTIONS[0].key
    response = _web(client, clinic, 11, **{f"screen_{first}": "yes"})
    assert response.status_code == 200
    assert b"911" in response.content


def test_a_filled_honeypot_books_nothing_and_learns_nothing(clinic, client):
    page = client.get(
        "/book/new-patient-consultation/details/",
        {"start": ny(2026, 6, 2, 11).isoformat(), "practitioner": clinic.dana.pk},
    )
    html = page.content.decode()
    assert '<div class="hp">' in html and 'name="website"' in html
    before = _written()
    response = _web(client, clinic, 11, website="https://spam.example")
    assert response.status_code == 302 and response["Location"] == "/book/"
    assert _written() == before
    # An empty honeypot is a person: the booking goes through.
    assert _web(client, clinic, 11, website="").status_code == 302
    assert Appointment.objects.count() == before[0] + 1


def test_only_online_bookings_count_and_the_address_is_not_stored(clinic, limit_two):
    for hour in (10, 11, 12):
        appointment_book(
            appointment_type=clinic.kind,
            practitioner=clinic.dana,
            start=ny(2026, 6, 2, hour),
            details=details(email=f"desk{hour}@example.test", last_name=f"Desk{'abc'[hour - 10]}"),
            reason="Booked by phone",
            source=BookingSource.FRONT_DESK,
            ip_address="198.51.100.7",
        )
    assert set(Appointment.objects.values_list("client_key", flat=True)) == {""}
    online = appointment_book(
        appointment_type=clinic.kind,
        practitioner=clinic.sam,
        start=ny(2026, 6, 2, 10),
        details=details(),
        reason="Shin pain",
        ip_address="198.51.100.7",
    )
    assert online.client_key == client_key_for("198.51.100.7") and "198.51.100.7" not in online.client_key
    appointment_book(
        appointment_type=clinic.kind, practitioner=clinic.sam, start=ny(2026, 6, 2, 11),
        details=details(email="b@example.test", last_name="Other"), reason="Shin pain", ip_address="198.51.100.7",
    )
    with pytest.raises(BookingRateLimited):
        appointment_book(
            appointment_type=clinic.kind, practitioner=clinic.sam, start=ny(2026, 6, 2, 12),
            details=details(email="c@example.test", last_name="Third"), reason="Shin pain", ip_address="198.51.100.7",
        )
