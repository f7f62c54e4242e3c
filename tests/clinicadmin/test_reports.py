"""Reports: the numbers, the CSV, bad date ranges refused, and query counts that do not grow."""

from __future__ import annotations

import csv
import datetime
import io
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fracturecare.accounts.models import Role
from fracturecare.audit.models import AuditEvent
from fracturecare.clinicadmin import reports
from fracturecare.planning.services import plan_sign
from fracturecare.scheduling.models import Appointment, AvailabilityRule, BookingSource
from tests.factories import PatientFactory, UserFactory
from tests.outcomes.factories import OutcomeAssessmentFactory
from tests.planning.factories import make_plan
from tests.scheduling.factories import AppointmentTypeFactory, LocationFactory, PractitionerFactory

pytestmark = pytest.mark.django_db

NY = zoneinfo.ZoneInfo("America/New_York")
MONDAY = datetime.date(2026, 3, 2)
RANGE = {"start": "2026-03-02", "end": "2026-03-15"}  # two weeks


@pytest.fixture(autouse=True)
def _zone(settings):
    settings.CLINIC_TIME_ZONE = "America/New_York"


@pytest.fixture
def admin(client):
    user = UserFactory(role=Role.CLINIC_ADMIN)
    client.force_login(user)
    return user


def _visit(practitioner, kind, location, day: datetime.date, hour: int, status: str, patient=None):
    start = datetime.datetime.combine(day, datetime.time(hour), tzinfo=NY)
    return Appointment.objects.create(
        practitioner=practitioner, patient=patient or PatientFactory(), appointment_type=kind, location=location,
        start=start, end=start + datetime.timedelta(minutes=60), status=status, reason="r",
        source=BookingSource.FRONT_DESK,
        cancelled_at=start if status == "cancelled" else None,
    )


@pytest.fixture
def schedule():
    """Dana works Mondays 9-13. Week 1: three visits (one no-show, one cancelled); week 2: a returning patient."""
    kind, location = AppointmentTypeFactory(), LocationFactory()
    dana = PractitionerFactory(appointment_types=[kind])
    AvailabilityRule.objects.create(practitioner=dana, location=location, weekday=0,
                                    start_time=datetime.time(9), end_time=datetime.time(13))
    returning = PatientFactory()
    _visit(dana, kind, location, MONDAY - datetime.timedelta(days=7), 9, "completed", returning)  # before the range
    _visit(dana, kind, location, MONDAY, 9, "completed")
    _visit(dana, kind, location, MONDAY, 10, "no_show")
    _visit(dana, kind, location, MONDAY, 11, "cancelled")
    _visit(dana, kind, location, MONDAY + datetime.timedelta(days=7), 9, "booked", returning)
    return dana


def test_visits_and_new_patients_per_week(schedule):
    rows = reports.visits_per_week(MONDAY, MONDAY + datetime.timedelta(days=13))
    assert [(r.week, r.visits, r.new_patients) for r in rows] == [
        (MONDAY, 1, 1),
        (MONDAY + datetime.timedelta(days=7), 1, 0),  # the returning patient is not new
    ]


def test_no_show_rate_leaves_out_timely_cancellations(schedule):
    first = reports.attendance_per_week(MONDAY, MONDAY + datetime.timedelta(days=6))[0]
    assert (first.scheduled, first.no_shows, first.no_show_rate) == (2, 1, 0.5)
    assert first.late_cancel_rate == 0


def test_utilisation_is_booked_over_available_minutes(schedule):
    [row] = reports.utilisation(MONDAY, MONDAY + datetime.timedelta(days=13))
    # Two Mondays of 4 hours; booked: the attended, the no-show and the week-2 visit (3 hours).
    assert (row.available_minutes, row.booked_minutes) == (480, 180)
    assert row.rate == 0.375


def test_outcomes_by_site_mean_change():
    clinician = UserFactory(role=Role.CLINICIAN)
    patient = PatientFactory()
    plan = make_plan("C01", patient=patient, clinician=clinician)
    plan_sign(plan=plan, actor=clinician)
    OutcomeAssessmentFactory(patient=patient, assessed_on=MONDAY, pain_nrs=7, lefs_items=[1] * 20, lefs_total=20)
    OutcomeAssessmentFactory(patient=patient, assessed_on=MONDAY + datetime.timedelta(days=7), pain_nrs=3,
                             lefs_items=[3] * 20, lefs_total=60)
    other = PatientFactory()  # no signed plan, one assessment only: counted, no change
    OutcomeAssessmentFactory(patient=other, assessed_on=MONDAY, pain_nrs=4)
    rows = {r.site: r for r in reports.outcomes_by_site(MONDAY, MONDAY + datetime.timedelta(days=13))}
    signed = next(r for site, r in rows.items() if site != "No signed plan")
    assert (signed.patients, signed.pain_change, signed.lefs_change) == (1, -4.0, 40.0)
    assert rows["No signed plan"].pain_change is None


def test_the_page_shows_charts_and_csv_links(client, admin, schedule):
    response = client.get("/clinic/reports/", RANGE)
    assert response.status_code == 200
    html = response.content.decode()
    # Three charts; no outcomes were recorded, so that report says so instead of drawing nothing.
    assert html.count("<svg") == 3 and "No data in this range" in html and "Download CSV" in html
    assert AuditEvent.objects.filter(action="clinic.report_viewed", actor=admin).exists()


def test_csv_download(client, admin, schedule):
    response = client.get("/clinic/reports/attendance.csv", RANGE)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:4] == ["week_starting", "scheduled", "no_shows", "no_show_rate"]
    assert rows[1][:4] == ["2026-03-02", "2", "1", "0.5"]
    assert AuditEvent.objects.filter(action="clinic.report_downloaded", actor=admin).exists()
    assert client.get("/clinic/reports/salaries.csv", RANGE).status_code == 404


@pytest.mark.parametrize("query", [
    {"start": "2026-03-10", "end": "2026-03-01"},
    {"start": "2024-01-01", "end": "2026-01-01"},
    {"start": "yesterday", "end": "2026-01-01"},
    {"start": "2026-13-01", "end": "2026-12-01"},
])
def test_bad_ranges_are_refused_by_field(client, admin, query):
    page = client.get("/clinic/reports/", query)
    assert page.status_code == 400 and page.context["form"].errors
    download = client.get("/clinic/reports/visits.csv", query)
    assert download.status_code == 400 and "Bad date range" in download.content.decode()


@pytest.mark.parametrize("role", [Role.CLINICIAN, Role.FRONT_DESK])
def test_reports_are_for_the_clinic_admin(client, role):
    client.force_login(UserFactory(role=role))
    assert client.get("/clinic/reports/").status_code == 403
    assert client.get("/clinic/reports/visits.csv").status_code == 403


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, RANGE).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", ["/clinic/reports/", "/clinic/reports/utilisation.csv",
                                 "/clinic/reports/outcomes.csv"])
def test_query_counts_do_not_grow(client, admin, schedule, url):
    OutcomeAssessmentFactory(assessed_on=MONDAY)  # (an empty list of patients skips a query altogether)
    few = _count(client, url)
    kind, location = AppointmentTypeFactory(), LocationFactory()
    for i in range(4):
        sam = PractitionerFactory(appointment_types=[kind], user__first_name=f"Sam{i}")
        _visit(sam, kind, location, MONDAY + datetime.timedelta(days=i), 9, "completed")
        OutcomeAssessmentFactory(assessed_on=MONDAY + datetime.timedelta(days=i))
        OutcomeAssessmentFactory(assessed_on=MONDAY + datetime.timedelta(days=i + 1))
    many = _count(client, url)
    assert few == many, f"{url}: {few} queries with few rows, {many} with many"
