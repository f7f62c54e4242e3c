"""The clinic profile is read once per request, applied at once, and its zone drives slots."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fracturecare.clinic.selectors import clinic_details, clinic_profile, clinic_scope, clinic_zone
from fracturecare.scheduling.slots import free_slots
from tests.clinic.factories import ClinicProfileFactory
from tests.scheduling.factories import AppointmentTypeFactory, LocationFactory, PractitionerFactory, open_every_day

pytestmark = pytest.mark.django_db


def test_without_a_profile_the_environment_defaults_stand_in(settings):
    settings.CLINIC = {**settings.CLINIC, "name": "From Env"}
    settings.CLINIC_TIME_ZONE = "America/Denver"
    assert clinic_profile().pk is None
    assert clinic_details()["name"] == "From Env"
    assert clinic_zone() == zoneinfo.ZoneInfo("America/Denver")


def test_the_saved_profile_wins_over_the_environment(settings):
    settings.CLINIC = {**settings.CLINIC, "name": "From Env"}
    ClinicProfileFactory(name="From The Database", time_zone="Europe/Dublin")
    assert clinic_details()["name"] == "From The Database"
    assert clinic_zone() == zoneinfo.ZoneInfo("Europe/Dublin")


def test_a_scope_reads_the_profile_once(django_assert_num_queries):
    ClinicProfileFactory()
    with django_assert_num_queries(1), clinic_scope():
        for _ in range(5):
            clinic_zone()
            clinic_details()


def test_slots_are_laid_out_in_the_clinic_zone():
    location = LocationFactory()
    kind = AppointmentTypeFactory(min_notice_minutes=0)
    practitioner = PractitionerFactory(appointment_types=[kind])
    open_every_day(practitioner, location, start=datetime.time(9), end=datetime.time(10))
    day = datetime.date(2026, 7, 1)
    with time_machine.travel(datetime.datetime(2026, 6, 1, tzinfo=datetime.UTC), tick=False):
        profile = ClinicProfileFactory(time_zone="America/New_York")
        [ny] = [s.start for s in free_slots(appointment_type=kind, start_date=day, end_date=day)]
        profile.time_zone = "America/Los_Angeles"
        profile.save()
        [la] = [s.start for s in free_slots(appointment_type=kind, start_date=day, end_date=day)]
    assert ny == datetime.datetime(2026, 7, 1, 13, tzinfo=datetime.UTC)  # 9:00 EDT
    assert la == datetime.datetime(2026, 7, 1, 16, tzinfo=datetime.UTC)  # 9:00 PDT


def test_each_request_sees_the_latest_profile_and_reads_it_once(client):
    profile = ClinicProfileFactory(name="First Name Clinic")
    with CaptureQueriesContext(connection) as ctx:
        assert "First Name Clinic" in client.get("/contact/").content.decode()
    assert sum("clinic_clinicprofile" in q["sql"] for q in ctx.captured_queries) == 1
    profile.name = "Second Name Clinic"
    profile.save()
    html = client.get("/contact/").content.decode()
    assert "Second Name Clinic" in html and "First Name Clinic" not in html
