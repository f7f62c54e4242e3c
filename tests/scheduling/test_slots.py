"""Slot search: wall-clock grid in clinic time, right across daylight-saving changes."""

import datetime

import pytest
import time_machine

from fracturecare.scheduling.models import AvailabilityException, ClinicClosure
from fracturecare.scheduling.services import appointment_book
from fracturecare.scheduling.slots import free_slots
from tests.scheduling.conftest import NY, details, ny

UTC = datetime.UTC


def _starts(slots, practitioner):
    return [s.start for s in slots if s.practitioner_id == practitioner.pk]


@pytest.mark.parametrize(
    ("pinned", "before", "after"),
    [
        # Spring forward on Sunday 2026-03-08 at 02:00: EST (-5) before, EDT (-4) after.
        (ny(2026, 3, 1, 8, 0), datetime.date(2026, 3, 7), datetime.date(2026, 3, 9)),
        # Fall back on Sunday 2026-11-01 at 02:00: EDT (-4) before, EST (-5) after.
        (ny(2026, 10, 25, 8, 0), datetime.date(2026, 10, 31), datetime.date(2026, 11, 2)),
    ],
    ids=["march", "november"],
)
def test_it_keeps_wall_clock_times_across_dst(clinic, pinned, before, after):
    with time_machine.travel(pinned, tick=False):
        slots = free_slots(appointment_type=clinic.kind, start_date=before, end_date=after, practitioner=clinic.dana)
    starts = _starts(slots, clinic.dana)
    by_day = {}
    for s in starts:
        by_day.setdefault(s.astimezone(NY).date(), []).append(s.astimezone(NY))
    assert sorted(by_day) == [before, before + datetime.timedelta(days=1), after]
    for local in by_day.values():
        # 9:00 to 16:00 every half hour (a 60-minute visit must end by 17:00), same wall clock every day.
        assert [t.strftime("%H:%M") for t in local] == [f"{h:02d}:{m:02d}" for h in range(9, 16) for m in (0, 30)] + [
            "16:00"
        ]
    first = {day: local[0] for day, local in by_day.items()}
    off_before, off_after = first[before].utcoffset(), first[after].utcoffset()
    assert off_before != off_after
    if before.month == 3:
        assert (off_before, off_after) == (datetime.timedelta(hours=-5), datetime.timedelta(hours=-4))
        assert first[before].astimezone(UTC).hour == 14 and first[after].astimezone(UTC).hour == 13
    else:
        assert (off_before, off_after) == (datetime.timedelta(hours=-4), datetime.timedelta(hours=-5))
        assert first[before].astimezone(UTC).hour == 13 and first[after].astimezone(UTC).hour == 14


def test_the_api_reports_the_right_offsets_across_dst(clinic, client):
    with time_machine.travel(ny(2026, 3, 1, 8, 0), tick=False):
        response = client.get(
            "/api/v1/slots",
            {"type": clinic.kind.slug, "start": "2026-03-07", "end": "2026-03-09", "practitioner": clinic.dana.pk},
        )
    assert response.status_code == 200
    body = response.json()
    assert body["timezone"] == "America/New_York"
    starts = [s["start"] for s in body["slots"]]
    assert "2026-03-07T09:00:00-05:00" in starts
    assert "2026-03-08T09:00:00-04:00" in starts
    assert "2026-03-09T09:00:00-04:00" in starts
    first = body["slots"][0]
    assert first == {
        "start": "2026-03-07T09:00:00-05:00",
        "end": "2026-03-07T10:00:00-05:00",
        "practitioner": clinic.dana.pk,
        "location": clinic.location.pk,
    }


def test_a_booking_on_the_dst_day_is_stored_in_utc_and_shown_in_local_time(clinic):
    with time_machine.travel(ny(2026, 10, 25, 8, 0), tick=False):
        appointment = appointment_book(
            appointment_type=clinic.kind,
            practitioner=clinic.dana,
            start=ny(2026, 11, 1, 9, 0),
            details=details(),
            reason="Shin pain",
        )
    appointment.refresh_from_db()
    assert appointment.start == datetime.datetime(2026, 11, 1, 14, 0, tzinfo=UTC)
    assert appointment.end - appointment.start == datetime.timedelta(minutes=60)


def test_a_shift_through_the_skipped_hour_offers_no_phantom_times(clinic):
    # A night shift 01:00-04:00 on the spring-forward day: 02:00-02:59 does not exist.
    AvailabilityException.objects.create(
        practitioner=clinic.dana,
        date=datetime.date(2026, 3, 8),
        available=True,
        start_time=datetime.time(1),
        end_time=datetime.time(4),
        location=clinic.location,
    )
    clinic.kind.minutes = 30
    clinic.kind.save()
    with time_machine.travel(ny(2026, 3, 1, 8, 0), tick=False):
        slots = free_slots(
            appointment_type=clinic.kind,
            start_date=datetime.date(2026, 3, 8),
            end_date=datetime.date(2026, 3, 8),
            practitioner=clinic.dana,
        )
    night = [s.start.astimezone(NY).strftime("%H:%M") for s in slots if s.start.astimezone(NY).hour < 9]
    assert night == ["01:00", "01:30", "03:00", "03:30"]
    assert len({s.start for s in slots}) == len(slots)


def test_it_leaves_out_closures_time_off_and_short_notice(clinic):
    ClinicClosure.objects.create(date=datetime.date(2026, 5, 25), name="Memorial Day")
    AvailabilityException.objects.create(
        practitioner=clinic.dana,
        date=datetime.date(2026, 5, 26),
        start_time=datetime.time(12),
        end_time=datetime.time(17),
    )
    AvailabilityException.objects.create(practitioner=clinic.sam, date=datetime.date(2026, 5, 26))
    with time_machine.travel(ny(2026, 5, 24, 8, 0), tick=False):
        slots = free_slots(
            appointment_type=clinic.kind, start_date=datetime.date(2026, 5, 24), end_date=datetime.date(2026, 5, 26)
        )
    by_day = {}
    for s in slots:
        by_day.setdefault((s.start.astimezone(NY).date(), s.practitioner_id), []).append(s.start.astimezone(NY))
    # Sunday 24th, "now" is 8:00 with 2 h notice: nothing before 10:00.
    assert min(by_day[(datetime.date(2026, 5, 24), clinic.dana.pk)]).strftime("%H:%M") == "10:00"
    assert not any(day == datetime.date(2026, 5, 25) for day, _ in by_day)
    dana_26 = by_day[(datetime.date(2026, 5, 26), clinic.dana.pk)]
    assert max(dana_26).strftime("%H:%M") == "11:00"  # ends by the 12:00 time off
    assert (datetime.date(2026, 5, 26), clinic.sam.pk) not in by_day


def test_buffers_keep_the_practitioner_free_after_a_visit(clinic):
    clinic.kind.buffer_after_minutes = 15
    clinic.kind.save()
    with time_machine.travel(ny(2026, 6, 1, 7, 0), tick=False):
        appointment_book(
            appointment_type=clinic.kind,
            practitioner=clinic.dana,
            start=ny(2026, 6, 2, 10, 0),
            details=details(),
            reason="Foot pain",
        )
        slots = free_slots(
            appointment_type=clinic.kind,
            start_date=datetime.date(2026, 6, 2),
            end_date=datetime.date(2026, 6, 2),
            practitioner=clinic.dana,
        )
    local = [s.start.astimezone(NY).strftime("%H:%M") for s in slots]
    # 09:00 would run into the 10:00 visit; 10:00-11:00 is taken; 11:00 falls in the buffer to 11:15.
    assert "09:00" not in local and "10:00" not in local and "10:30" not in local and "11:00" not in local
    assert "11:30" in local and "08:30" not in local


def test_it_does_not_offer_past_the_booking_horizon(clinic):
    clinic.kind.max_advance_days = 3
    clinic.kind.save()
    with time_machine.travel(ny(2026, 6, 1, 7, 0), tick=False):
        slots = free_slots(
            appointment_type=clinic.kind, start_date=datetime.date(2026, 6, 1), end_date=datetime.date(2026, 6, 10)
        )
    assert max(s.start for s in slots) <= ny(2026, 6, 4, 7, 0)
