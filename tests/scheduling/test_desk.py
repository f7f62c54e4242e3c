"""Front desk: the day's schedule, booking for a caller, moving, cancelling, failed emails."""

import pytest
import time_machine

from fracturecare.accounts.models import Role
from fracturecare.audit.models import AuditEvent
from fracturecare.scheduling.models import (
    Appointment,
    AppointmentStatus,
    BookingSource,
    MessageKind,
    MessageStatus,
    OutboxMessage,
)
from fracturecare.scheduling.services import appointment_book
from tests.factories import PatientFactory
from tests.scheduling.conftest import details, ny

NOW = ny(2026, 6, 1, 7, 0)


@pytest.fixture(autouse=True)
def _pinned():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def booked(clinic):
    return appointment_book(
        appointment_type=clinic.kind,
        practitioner=clinic.dana,
        start=ny(2026, 6, 1, 10),
        details=details(),
        reason="ZZREASONMARKER",
    )


PAGES = ["/clinic/schedule/", "/clinic/schedule/book/", "/clinic/schedule/messages/"]


@pytest.mark.parametrize("url", PAGES)
def test_anonymous_users_are_sent_to_login(client, clinic, url):
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("url", PAGES)
def test_patients_are_refused(client, clinic, login, url):
    login(Role.PATIENT)
    assert client.get(url).status_code == 403


def test_clinicians_see_the_day_but_cannot_change_it(client, clinic, booked, login):
    login(Role.CLINICIAN)
    page = client.get("/clinic/schedule/?date=2026-06-01")
    assert page.status_code == 200 and b"Lopez, Ana" in page.content
    assert b"Book for a caller" not in page.content
    assert client.get("/clinic/schedule/book/").status_code == 403
    assert client.post(f"/clinic/schedule/appointments/{booked.pk}/cancel/").status_code == 403
    assert client.post(f"/clinic/schedule/appointments/{booked.pk}/move/").status_code == 403
    assert client.get("/clinic/schedule/messages/").status_code == 403
    assert Appointment.objects.get().status == AppointmentStatus.BOOKED


@pytest.mark.parametrize("role", [Role.FRONT_DESK, Role.CLINIC_ADMIN])
def test_the_schedule_shows_the_day_without_the_reason(
    client, clinic, booked, login, role, django_assert_max_num_queries
):
    login(role)
    # 19, constant in the number of appointments (checked with 1 and 4 on the day): session, user and clinic
    # profile reads; the audit chain (savepoint, last seal, insert, release); the session's activity stamp
    # saved by the access middleware (savepoint, update, release); then the page itself: types, practitioners,
    # practitioner ids, rules, exceptions, closures, time cells, the day's live and its cancelled appointments.
    # +1 on PostgreSQL: the audit chain's advisory lock.
    with django_assert_max_num_queries(20):
        page = client.get("/clinic/schedule/?date=2026-06-01")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Lopez, Ana" in html and "10:00–11:00" in html and "Dana Reyes" in html and "Sam Okafor" in html
    assert "ZZREASONMARKER" not in html
    assert "Book for a caller" in html
    assert "Lopez" not in client.get("/clinic/schedule/?date=2026-06-02").content.decode()


def test_front_desk_books_a_new_caller(client, clinic, login):
    user = login(Role.FRONT_DESK)
    page = client.get("/clinic/schedule/book/?type=new-patient-consultation&date=2026-06-01")
    assert b"08:00" not in page.content and b"09:00" in page.content  # within notice is fine for the desk
    form = client.get(
        "/clinic/schedule/book/",
        {"type": "new-patient-consultation", "start": "2026-06-01T13:00:00+00:00", "practitioner": clinic.sam.pk},
    )
    assert form.status_code == 200 and b"Find an existing patient" in form.content
    response = client.post(
        "/clinic/schedule/book/",
        {
            "type": "new-patient-consultation",
            "start": "2026-06-01T13:00:00+00:00",
            "practitioner": clinic.sam.pk,
            "patient": "",
            "first_name": "Bo",
            "last_name": "Chen",
            "date_of_birth": "1985-01-31",
            "email": "",
            "phone": "",
            "reason": "Foot pain",
            "pain_area": "foot",
        },
    )
    assert response.status_code == 422  # a phone or an email is needed to reach the caller
    assert b"Give a phone number or an email" in response.content
    response = client.post(
        "/clinic/schedule/book/",
        {
            "type": "new-patient-consultation",
            "start": "2026-06-01T13:00:00+00:00",
            "practitioner": clinic.sam.pk,
            "patient": "",
            "first_name": "Bo",
            "last_name": "Chen",
            "date_of_birth": "1985-01-31",
            "email": "bo@example.test",
            "phone": "555 010 0155",
            "reason": "Foot pain",
            "pain_area": "foot",
        },
    )
    assert response.status_code == 302
    appointment = Appointment.objects.get()
    assert appointment.source == BookingSource.FRONT_DESK and appointment.booked_by == user
    assert appointment.start == ny(2026, 6, 1, 9) and appointment.practitioner == clinic.sam
    assert AuditEvent.objects.filter(action="appointment.booked", actor=user).count() == 1


def test_front_desk_books_an_existing_patient_found_by_search(client, clinic, login):
    login(Role.FRONT_DESK)
    patient = PatientFactory(first_name="Carol", last_name="Ng", email="")
    params = {"type": "new-patient-consultation", "start": "2026-06-02T14:00:00+00:00", "practitioner": clinic.dana.pk}
    page = client.get("/clinic/schedule/book/", {**params, "q": "Ng"})
    assert f'value="{patient.pk}"'.encode() in page.content
    response = client.post("/clinic/schedule/book/", {**params, "patient": patient.pk, "reason": "Review"})
    assert response.status_code == 302
    appointment = Appointment.objects.get()
    assert appointment.patient == patient
    assert not OutboxMessage.objects.exists()  # no email address, so nothing to send


def test_front_desk_moves_and_cancels(client, clinic, booked, login):
    login(Role.FRONT_DESK)
    page = client.get(f"/clinic/schedule/appointments/{booked.pk}/move/?date=2026-06-02")
    assert page.status_code == 200 and b"14:00" in page.content
    response = client.post(
        f"/clinic/schedule/appointments/{booked.pk}/move/?date=2026-06-02",
        {"start": "2026-06-02T18:00:00+00:00", "practitioner": clinic.sam.pk},
    )
    assert response.status_code == 302
    booked.refresh_from_db()
    assert booked.start == ny(2026, 6, 2, 14) and booked.practitioner == clinic.sam
    # Moving onto a taken time is refused with a message and changes nothing.
    other = appointment_book(
        appointment_type=clinic.kind,
        practitioner=clinic.dana,
        start=ny(2026, 6, 3, 10),
        details=details(first_name="Bo", email="bo@example.test"),
        reason="x",
    )
    response = client.post(
        f"/clinic/schedule/appointments/{booked.pk}/move/",
        {"start": "2026-06-03T14:00:00+00:00", "practitioner": clinic.dana.pk},
        follow=True,
    )
    assert b"no longer free" in response.content
    booked.refresh_from_db()
    assert booked.start == ny(2026, 6, 2, 14)
    assert client.get(f"/clinic/schedule/appointments/{other.pk}/cancel/").status_code == 200
    assert client.post(f"/clinic/schedule/appointments/{other.pk}/cancel/").status_code == 302
    other.refresh_from_db()
    assert other.status == AppointmentStatus.CANCELLED
    assert client.get("/clinic/schedule/appointments/999999/cancel/").status_code == 404


def test_front_desk_sees_failed_emails_and_retries(client, clinic, booked, login):
    user = login(Role.FRONT_DESK)
    message = OutboxMessage.objects.get(kind=MessageKind.CONFIRMATION)
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=MessageStatus.FAILED, attempts=3, last_error="SMTPRecipientsRefused: mailbox unavailable"
    )
    page = client.get("/clinic/schedule/messages/")
    assert b"SMTPRecipientsRefused: mailbox unavailable" in page.content and b"Retry" in page.content
    assert client.get(f"/clinic/schedule/messages/{message.pk}/retry/").status_code == 405
    response = client.post(f"/clinic/schedule/messages/{message.pk}/retry/")
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.status == MessageStatus.QUEUED and message.attempts == 3
    assert AuditEvent.objects.filter(action="outbox.retried", actor=user).count() == 1
