
"""The front desk's calendar: day and week grids, bad query values, statuses, late cancellation,
weekly series and the day sheet; query counts that do not grow with the appointments."""

import datetime
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fracturecare.accounts.models import Role
from fracturecare.audit.models import AuditEvent
from fracturecare.scheduling.models import Appointment, AppointmentStatus
from fracturecare.scheduling.services import (
    BookingInvalid,
    appointment_book,
    appointment_cancel,
    appointment_set_status,
    series_preview,
)
from tests.clinic.factories import ClinicProfileFactory
from tests.factories import PatientFactory
from tests.scheduling.conftest import details, ny
from tests.scheduling.factories import AppointmentTypeFactory

NOW = ny(2026, 6, 1, 7, 0)  # a Monday


@pytest.fixture(autouse=True)
def _pinned():
    with time_machine.travel(NOW, tick=False):
        yield


def _book(clinic, start, practitioner=None, **kw):
    return appointment_book(
        appointment_type=clinic.kind,
        practitioner=practitioner or clinic.dana,
        start=start,
        details=details(**kw),
        reason="ZZREASONMARKER",
    )


@pytest.mark.parametrize(
    "query",
    [
        "view=month",
        "date=2026-13-01",
        "date=yesterday",
        "colour=pink",
        "type=no-such-type",
        "practitioner=999",
        "practitioner=abc",
        "view=week&date=2026-02-30",
    ],
)
def test_bad_query_values_answer_400_naming_the_parameter(client, clinic, login, query):
    login(Role.FRONT_DESK)
    response = client.get(f"/clinic/schedule/?{query}")
    assert response.status_code == 400
    name = query.split("&")[-1].split("=")[0]
    assert f"{name}=" in response.content.decode()


def test_the_day_view_has_a_column_per_practitioner_and_free_times_to_book(client, clinic, login):
    _book(clinic, ny(2026, 6, 1, 10))
    login(Role.FRONT_DESK)
    html = client.get("/clinic/schedule/?view=day&date=2026-06-01").content.decode()
    assert 'aria-label="Dana Reyes"' in html and 'aria-label="Sam Okafor"' in html
    assert "10:00–11:00 Lopez, Ana" in html and "ZZREASONMARKER" not in html
    # A free time links to the booking form, prefilled with type, start and practitioner.
    assert f"/clinic/schedule/book/?type={clinic.kind.slug}&amp;start=2026-06-01T13%3A00%3A00%2B00%3A00" in html
    assert "cal-free" in html and "pal-0" in html


def test_the_week_view_has_a_column_per_day_and_lanes_per_practitioner(client, clinic, login):
    _book(clinic, ny(2026, 6, 3, 10))
    _book(clinic, ny(2026, 6, 5, 11), practitioner=clinic.sam, first_name="Bo", email="bo@example.test")
    login(Role.FRONT_DESK)
    html = client.get("/clinic/schedule/?view=week&date=2026-06-03&colour=practitioner").content.decode()
    for label in ("Mon 1 Jun", "Tue 2 Jun", "Wed 3 Jun", "Sun 7 Jun"):
        assert label in html
    assert "Lopez, Ana" in html and "Lopez, Bo" in html and "lanes-2" in html and "gl-2" in html
    # Only Sam's week:
    only_sam = client.get(f"/clinic/schedule/?view=week&date=2026-06-03&practitioner={clinic.sam.pk}")
    assert b"Lopez, Bo" in only_sam.content and b"Lopez, Ana" not in only_sam.content


def _many(clinic, count: int) -> None:
    """`count` more appointments spread over the week (in free hours), each with its own patient."""
    made = 0
    for day in range(7):
        for hour in range(9, 17):
            for practitioner in (clinic.dana, clinic.sam):
                if made == count:
                    return
                if Appointment.objects.filter(practitioner=practitioner, start=ny(2026, 6, 1 + day, hour)).exists():
                    continue
                appointment_book(
                    appointment_type=clinic.kind,
                    practitioner=practitioner,
                    start=ny(2026, 6, 1 + day, hour),
                    patient=PatientFactory(),
                    reason="x",
                )
                made += 1


@pytest.mark.parametrize("view", ["day", "week"])
def test_query_counts_do_not_grow_with_the_appointments(client, clinic, login, view, django_assert_num_queries):
    login(Role.FRONT_DESK)
    url = f"/clinic/schedule/?view={view}&date=2026-06-01"
    _many(clinic, 10)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _many(clinic, 90)
    assert Appointment.objects.count() == 100
    with django_assert_num_queries(len(few)):
        assert client.get(url).status_code == 200


def test_statuses_change_from_the_grid_and_are_audited(client, clinic, login):
    appointment = _book(clinic, ny(2026, 6, 1, 10))
    user = login(Role.FRONT_DESK)
    detail = client.get(f"/clinic/schedule/appointments/{appointment.pk}/?next=/clinic/schedule/?view=week")
    assert b"Mark arrived" in detail.content and b"Mark no-show" in detail.content
    assert AuditEvent.objects.filter(action="appointment.viewed", actor=user).exists()
    response = client.post(
        f"/clinic/schedule/appointments/{appointment.pk}/status/",
        {"status": "arrived", "next": "/clinic/schedule/?view=week&date=2026-06-01"},
    )
    assert response.status_code == 302 and response["Location"] == "/clinic/schedule/?view=week&date=2026-06-01"
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.ARRIVED
    event = AuditEvent.objects.get(action="appointment.status_changed")
    assert event.data == {"from": "booked", "to": "arrived"} and event.actor == user
    # An off-site "next" is ignored; an unknown status is refused and changes nothing.
    response = client.post(
        f"/clinic/schedule/appointments/{appointment.pk}/status/",
        {"status": "teleported", "next": "https://evil.test/"},
    )
    assert response.status_code == 302 and "evil" not in response["Location"]
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.ARRIVED


def test_only_allowed_transitions(clinic):
    appointment = _book(clinic, ny(2026, 6, 1, 10))
    with pytest.raises(BookingInvalid):
        appointment_set_status(appointment=appointment, status=AppointmentStatus.COMPLETED)
    appointment_set_status(appointment=appointment, status=AppointmentStatus.NO_SHOW)
    with pytest.raises(BookingInvalid):
        appointment_cancel(appointment=appointment)


def test_the_status_values_are_exactly_the_reporting_set():
    assert AppointmentStatus.values == [
        "booked",
        "arrived",
        "in_treatment",
        "completed",
        "no_show",
        "cancelled",
        "late_cancelled",
    ]


def test_cancelling_inside_the_window_is_a_late_cancellation(clinic):
    ClinicProfileFactory(cancellation_window_hours=24)
    soon = _book(clinic, ny(2026, 6, 1, 10))
    later = _book(clinic, ny(2026, 6, 4, 10))
    assert appointment_cancel(appointment=soon).status == AppointmentStatus.LATE_CANCELLED
    assert appointment_cancel(appointment=later).status == AppointmentStatus.CANCELLED
    # Both give the time back: the same slot can be booked again.
    again = _book(clinic, ny(2026, 6, 1, 10), first_name="Cy", email="cy@example.test")
    assert again.status == AppointmentStatus.BOOKED


def test_a_weekly_series_shows_conflicts_then_books_the_rest(client, clinic, login):
    taken = _book(clinic, ny(2026, 6, 15, 10), first_name="Di", email="di@example.test")
    login(Role.FRONT_DESK)
    form = {
        "type": clinic.kind.slug,
        "start": "2026-06-01T14:00:00+00:00",
        "practitioner": clinic.dana.pk,
        "patient": "",
        "first_name": "Ed",
        "last_name": "Park",
        "date_of_birth": "1980-02-02",
        "email": "",
        "phone": "555 010 0177",
        "reason": "Series",
        "repeat_weeks": "4",
    }
    preview = client.post("/clinic/schedule/book/", form)
    html = preview.content.decode()
    assert preview.status_code == 200 and "Conflict:" in html and "Book the 3 free visits" in html
    assert Appointment.objects.count() == 1  # nothing booked before confirming
    done = client.post("/clinic/schedule/book/", {**form, "series_confirm": "rest"})
    assert done.status_code == 302
    series = Appointment.objects.exclude(pk=taken.pk).order_by("start")
    assert [a.start for a in series] == [ny(2026, 6, d, 10) for d in (1, 8, 22)]
    assert len({a.series for a in series}) == 1 and series[0].series is not None
    assert series[0].patient.email == "" and series[0].patient.phone == "555 010 0177"


def test_a_series_keeps_the_wall_time_across_a_clock_change(clinic):
    occurrences = series_preview(
        appointment_type=clinic.kind, practitioner=clinic.dana, first_start=ny(2026, 10, 26, 10), weeks=3
    )
    # New York leaves daylight time on 1 November: 10:00 stays 10:00, so the UTC hour moves.
    assert [o.start for o in occurrences] == [ny(2026, 10, 26, 10), ny(2026, 11, 2, 10), ny(2026, 11, 9, 10)]
    assert [o.start.astimezone(datetime.UTC).hour for o in occurrences] == [14, 15, 15]


def test_the_day_sheet_prints_the_day(client, clinic, login):
    _book(clinic, ny(2026, 6, 1, 10))
    login(Role.CLINICIAN)
    page = client.get("/clinic/schedule/day-sheet/?date=2026-06-01")
    html = page.content.decode()
    assert page.status_code == 200 and re.search(r"print(\.\w+)?\.css", html)
    assert "Lopez, Ana" in html and "+1 555 010 0100" in html
    assert "ZZREASONMARKER" not in html
    assert client.get("/clinic/schedule/day-sheet/?date=junk").status_code == 400


def test_a_phone_only_caller_gets_no_email_and_a_text_only_with_consent(clinic):
    appointment = appointment_book(
        appointment_type=clinic.kind,
        practitioner=clinic.dana,
        start=ny(2026, 6, 2, 10),
        details=details(email="", phone="555 010 0188"),
        reason="x",
        source="front_desk",
        text_consent=True,
    )
    channels = set(appointment.messages.values_list("channel", flat=True))
    assert channels == {"sms"}


def test_another_type_gets_another_colour(client, clinic, login):
    other = AppointmentTypeFactory(slug="follow-up", name="Follow-up", minutes=30, new_patients=False)
    clinic.dana.appointment_types.add(other)
    appointment_book(
        appointment_type=other, practitioner=clinic.dana, start=ny(2026, 6, 1, 14), details=details(), reason="x"
    )
    _book(clinic, ny(2026, 6, 1, 10), first_name="Fa", email="fa@example.test")
    login(Role.FRONT_DESK)
    html = client.get("/clinic/schedule/?date=2026-06-01").content.decode()
    assert "pal-0" in html and "pal-1" in html


def test_week_links_step_by_a_week(client, clinic, login):
    login(Role.FRONT_DESK)
    html = client.get("/clinic/schedule/?view=week&date=2026-06-03").content.decode()
    assert "date=2026-06-08" in html and "date=2026-05-25" in html
    assert datetime.date(2026, 6, 1).weekday() == 0
