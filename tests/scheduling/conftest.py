import datetime
import zoneinfo
from dataclasses import dataclass

import pytest

from fracturecare.scheduling.models import AppointmentType, Location, Practitioner
from fracturecare.scheduling.services import PatientDetails
from tests.scheduling.factories import AppointmentTypeFactory, LocationFactory, PractitionerFactory, open_every_day

NY = zoneinfo.ZoneInfo("America/New_York")


@dataclass
class Clinic:
    location: Location
    kind: AppointmentType
    dana: Practitioner
    sam: Practitioner


@pytest.fixture(autouse=True)
def _clinic_zone(settings):
    settings.CLINIC_TIME_ZONE = "America/New_York"
    settings.TIME_ZONE = "America/New_York"
    # A neutral clinic name, so tests can check that emails carry no health words of our own.
    settings.CLINIC = {**settings.CLINIC, "name": "Springfield Clinic", "base_url": "https://clinic.example.test"}


@pytest.fixture(autouse=True)
def _sms_sink(settings, tmp_path):
    """Every test texts into its own sink file; nothing ever reaches a real provider."""
    settings.SMS_BACKEND = "sink"
    settings.SMS_SINK_PATH = str(tmp_path / "sms-sink.jsonl")


@pytest.fixture
def clinic(db) -> Clinic:
    """Two practitioners open 9:00-17:00 every day at one location; 60-minute new-patient visits."""
    location = LocationFactory(name="Downtown clinic", address="100 Main Street, Springfield")
    kind = AppointmentTypeFactory()
    dana = PractitionerFactory(appointment_types=[kind])
    sam = PractitionerFactory(appointment_types=[kind], user__first_name="Sam", user__last_name="Okafor")
    open_every_day(dana, location)
    open_every_day(sam, location)
    return Clinic(location, kind, dana, sam)


def ny(*args) -> datetime.datetime:
    """An aware datetime in New York wall time."""
    return datetime.datetime(*args, tzinfo=NY)


def details(**overrides) -> PatientDetails:
    data = dict(
        first_name="Ana",
        last_name="Lopez",
        date_of_birth=datetime.date(1990, 4, 2),
        email="ana@example.test",
        phone="+1 555 010 0100",
    )
    data.update(overrides)
    return PatientDetails(**data)
