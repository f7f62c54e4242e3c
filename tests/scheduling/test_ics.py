"""The calendar file as calendar clients read it: parsed by ical.js (Thunderbird's parser) for a
summer and a winter visit, before and after a change and a cancellation; served by "Add to
calendar" on the manage page."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import time_machine

from fracturecare.scheduling.links import manage_token
from fracturecare.scheduling.notifications import appointment_ics
from fracturecare.scheduling.services import appointment_book, appointment_cancel, appointment_move
from tests.scheduling.conftest import details, ny

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).with_name("js") / "parse_ics.cjs"
HAVE_ICALJS = shutil.which("node") is not None and (ROOT / "node_modules" / "ical.js" / "package.json").exists()
needs_icaljs = pytest.mark.skipif(
    not HAVE_ICALJS, reason="needs node and ical.js from package.json: run scripts/setup-browser (npm ci)"
)


def parse_with_icaljs(ics: bytes) -> dict:
    done = subprocess.run(["node", str(SCRIPT)], input=ics, capture_output=True, cwd=ROOT, timeout=60, check=False)
    assert done.returncode == 0, done.stderr.decode()
    return json.loads(done.stdout)


def _book(clinic, start, now):
    with time_machine.travel(now, tick=False):
        return appointment_book(
            appointment_type=clinic.kind, practitioner=clinic.dana, start=start, details=details(), reason="x"
        )


@needs_icaljs
@pytest.mark.parametrize(
    ("start", "utc_iso", "offset"),
    [
        (ny(2026, 7, 15, 9), "2026-07-15T13:00:00.000Z", -4 * 3600),  # summer: EDT
        (ny(2026, 1, 14, 9), "2026-01-14T14:00:00.000Z", -5 * 3600),  # winter: EST
    ],
)
def test_icaljs_reads_the_visit_in_the_clinic_zone(clinic, start, utc_iso, offset):
    appointment = _book(clinic, start, start.replace(day=1, hour=8))
    parsed = parse_with_icaljs(appointment_ics(appointment))
    assert parsed["method"] == "PUBLISH" and parsed["status"] == "CONFIRMED"
    assert parsed["uid"] == f"appointment-{appointment.pk}@clinic.example.test"
    assert parsed["sequence"] == 0
    assert parsed["organizer"] == "mailto:frontdesk@fracturecare.invalid" or parsed["organizer"].startswith("mailto:")
    assert parsed["organizerName"] == "Springfield Clinic"
    assert parsed["location"] == "Downtown clinic, 100 Main Street, Springfield"
    assert parsed["tzid"] == "America/New_York"
    assert parsed["startUtc"] == utc_iso and parsed["utcOffsetSeconds"] == offset


@needs_icaljs
def test_a_change_bumps_the_sequence_and_a_cancellation_says_cancel(clinic):
    now = ny(2026, 7, 1, 8)
    appointment = _book(clinic, ny(2026, 7, 15, 9), now)
    with time_machine.travel(now, tick=False):
        moved = appointment_move(appointment=appointment, start=ny(2026, 7, 15, 11))
        first = parse_with_icaljs(appointment_ics(moved))
        cancelled = appointment_cancel(appointment=moved)
    second = parse_with_icaljs(appointment_ics(cancelled))
    assert first["uid"] == second["uid"] == f"appointment-{appointment.pk}@clinic.example.test"
    assert (first["sequence"], first["method"], first["startUtc"]) == (1, "PUBLISH", "2026-07-15T15:00:00.000Z")
    assert (second["sequence"], second["method"], second["status"]) == (2, "CANCEL", "CANCELLED")


def test_add_to_calendar_on_the_manage_page_serves_the_ics(clinic, client):
    appointment = _book(clinic, ny(2026, 7, 15, 9), ny(2026, 7, 1, 8))
    token = manage_token(appointment)
    with time_machine.travel(ny(2026, 7, 1, 9), tick=False):
        page = client.get(f"/book/manage/{token}/")
        assert f"/book/manage/{token}/appointment.ics".encode() in page.content and b"Add to calendar" in page.content
        response = client.get(f"/book/manage/{token}/appointment.ics")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    assert b"ORGANIZER" in response.content and b"METHOD:PUBLISH" in response.content
    assert client.get("/book/manage/not-a-token/appointment.ics").status_code == 404
