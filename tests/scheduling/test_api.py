"""The booking API, to the contract in booking.md."""

import pytest
import time_machine

from fracturecare.audit.models import AuditEvent
from fracturecare.patients.models import Patient
from fracturecare.scheduling.models import Appointment, AppointmentType, OutboxMessage, PractitionerTimeCell
from tests.scheduling.conftest import ny

NOW = ny(2026, 6, 1, 7, 0)


@pytest.fixture(autouse=True)
def _pinned():
    with time_machine.travel(NOW, tick=False):
        yield


def _payload(clinic, **overrides):
    body = {
        "type": "new-patient-consultation",
        "start": "2026-06-02T10:00:00-04:00",
        "practitioner": clinic.dana.pk,
        "patient": {
            "first_name": "Ana",
            "last_name": "Lopez",
            "email": "ana@example.test",
            "phone": "+1 555 010 0100",
            "date_of_birth": "1990-04-02",
        },
        "reason": "Shin pain when running",
    }
    for key, value in overrides.items():
        if key.startswith("patient."):
            body["patient"][key.split(".", 1)[1]] = value
        else:
            body[key] = value
    return body


def _post(client, body):
    return client.post("/api/v1/bookings", body, content_type="application/json")


def _counts():
    return (
        Appointment.objects.count(),
        Patient.objects.count(),
        OutboxMessage.objects.count(),
        PractitionerTimeCell.objects.count(),
        AuditEvent.objects.count(),
    )


def test_it_lists_appointment_types(clinic, client):
    AppointmentType.objects.create(slug="phone-only", name="Phone only", minutes=30, bookable_online=False)
    response = client.get("/api/v1/appointment-types")
    assert response.status_code == 200
    assert response.json() == [
        {"slug": "new-patient-consultation", "name": "New-patient consultation", "minutes": 60, "new_patients": True}
    ]


def test_it_books_with_201_and_the_slot_disappears(clinic, client):
    response = _post(client, _payload(clinic))
    assert response.status_code == 201, response.content
    body = response.json()
    appointment = Appointment.objects.get()
    assert body["id"] == appointment.pk and body["status"] == "booked"
    assert (body["start"], body["end"]) == ("2026-06-02T10:00:00-04:00", "2026-06-02T11:00:00-04:00")
    assert body["manage_url"].startswith("http://testserver/book/manage/")
    assert appointment.reason == "Shin pain when running"
    event = AuditEvent.objects.get(action="appointment.booked")
    assert event.actor_label == "online booking (anonymous)"

    slots = client.get(
        "/api/v1/slots",
        {
            "type": "new-patient-consultation",
            "start": "2026-06-02",
            "end": "2026-06-02",
            "practitioner": clinic.dana.pk,
        },
    ).json()["slots"]
    starts = {s["start"] for s in slots}
    assert "2026-06-02T10:00:00-04:00" not in starts and "2026-06-02T09:30:00-04:00" not in starts
    assert "2026-06-02T11:00:00-04:00" in starts

    again = _post(client, _payload(clinic, **{"patient.email": "bo@example.test", "patient.first_name": "Bo"}))
    assert again.status_code == 409
    assert "no longer free" in again.json()["detail"]


def test_a_utc_start_for_the_same_instant_books_the_same_slot(clinic, client):
    response = _post(client, _payload(clinic, start="2026-06-02T14:00:00Z"))
    assert response.status_code == 201
    assert response.json()["start"] == "2026-06-02T10:00:00-04:00"


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"start": "2026-05-20T10:00:00-04:00"}, "start"),  # past
        ({"start": "2026-06-02T10:10:00-04:00"}, "start"),  # not on the grid
        ({"start": "2026-06-02T18:00:00-04:00"}, "start"),  # after hours
        ({"start": "2026-06-02T10:00:00"}, "start"),  # no offset
        ({"start": "tomorrow"}, "start"),
        ({"type": "no-such-type"}, "type"),
        ({"type": None}, "type"),
        ({"practitioner": 999999}, "practitioner"),
        ({"practitioner": "x"}, "practitioner"),
        ({"patient.email": "not-an-email"}, "patient.email"),
        ({"patient.email": ""}, "patient.email"),
        ({"patient.first_name": ""}, "patient.first_name"),
        ({"patient.last_name": "   "}, "patient.last_name"),
        ({"patient.date_of_birth": "2090-01-01"}, "patient.date_of_birth"),
        ({"patient.date_of_birth": "02/04/1990"}, "patient.date_of_birth"),
        ({"patient.phone": "call me"}, "patient.phone"),
        ({"patient": None}, "patient"),
        ({"reason": ""}, "reason"),
        ({"reason": {"text": "x"}}, "reason"),
        ({"red_flags": {"fever_with_bone_pain": True}}, "red_flags.fever_with_bone_pain"),
        ({"red_flags": {"made_up": False}}, "red_flags"),
    ],
)
def test_bad_input_gets_422_naming_the_field_and_books_nothing(clinic, client, override, field):
    before = _counts()
    response = _post(client, _payload(clinic, **override))
    assert response.status_code == 422, response.content
    fields = [e["field"] for e in response.json()["errors"]]
    assert field in fields
    assert _counts() == before


def test_a_missing_field_is_named(clinic, client):
    body = _payload(clinic)
    del body["patient"]["date_of_birth"]
    del body["reason"]
    response = _post(client, body)
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"patient.date_of_birth", "reason"}
    assert Appointment.objects.count() == 0


@pytest.mark.parametrize("raw", [b"", b"{not json", b"[]", b'"text"'])
def test_a_body_that_is_not_a_json_object_gets_422(clinic, client, raw):
    response = client.post("/api/v1/bookings", raw, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "request"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"type": "nope", "start": "2026-06-02", "end": "2026-06-03"}, "type"),
        ({"type": "new-patient-consultation", "start": "June", "end": "2026-06-03"}, "start"),
        ({"type": "new-patient-consultation", "start": "2026-06-05", "end": "2026-06-03"}, "end"),
        ({"type": "new-patient-consultation", "start": "2026-06-01", "end": "2026-08-30"}, "end"),
        (
            {"type": "new-patient-consultation", "start": "2026-06-01", "end": "2026-06-02", "practitioner": "0"},
            "practitioner",
        ),
        ({"start": "2026-06-01", "end": "2026-06-02"}, "type"),
    ],
)
def test_bad_slot_queries_get_422(clinic, client, query, field):
    response = client.get("/api/v1/slots", query)
    assert response.status_code == 422
    assert field in [e["field"] for e in response.json()["errors"]]


def test_cancel_through_the_manage_link_returns_the_slot(clinic, client):
    manage_url = _post(client, _payload(clinic)).json()["manage_url"]
    path = manage_url.removeprefix("http://testserver")
    response = client.post(path + "cancel/")
    assert response.status_code == 302
    assert Appointment.objects.get().status == "cancelled"
    slots = client.get(
        "/api/v1/slots",
        {
            "type": "new-patient-consultation",
            "start": "2026-06-02",
            "end": "2026-06-02",
            "practitioner": clinic.dana.pk,
        },
    ).json()["slots"]
    assert "2026-06-02T10:00:00-04:00" in {s["start"] for s in slots}
    assert _post(client, _payload(clinic)).status_code == 201
