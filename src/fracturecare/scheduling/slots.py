"""Free-slot search: weekly shifts, minus closures, time off and booked time.

Start times are laid out in the clinic's wall-clock time (9:00, 9:30, ...) and each is
converted to UTC on its own day, so the grid keeps its local times across daylight-saving
changes. Durations and buffers are real elapsed minutes, computed in UTC.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from fracturecare.clinic.selectors import clinic_profile, clinic_scope
from fracturecare.scheduling.clock import cells, local_day_bounds, local_to_utc, to_local
from fracturecare.scheduling.models import (
    Appointment,
    AppointmentType,
    AvailabilityException,
    AvailabilityRule,
    ClinicClosure,
    Practitioner,
    PractitionerTimeCell,
)

#: The longest range one slot search may cover, so a request cannot ask for a year.
MAX_SEARCH_DAYS = 31


@dataclass(frozen=True)
class Slot:
    start: datetime.datetime  # UTC
    end: datetime.datetime  # UTC
    practitioner_id: int
    location_id: int


@dataclass(frozen=True)
class _Window:
    start: datetime.time
    end: datetime.time
    location_id: int


def _subtract(windows: list[_Window], start: datetime.time, end: datetime.time) -> list[_Window]:
    out = []
    for w in windows:
        if end <= w.start or start >= w.end:
            out.append(w)
            continue
        if w.start < start:
            out.append(_Window(w.start, start, w.location_id))
        if end < w.end:
            out.append(_Window(end, w.end, w.location_id))
    return out


def _windows_for_day(day, rules, exceptions, closed: bool) -> list[_Window]:
    if closed:
        return []
    windows = [
        _Window(r.start_time, r.end_time, r.location_id)
        for r in rules
        if r.weekday == day.weekday()
        and (r.valid_from is None or r.valid_from <= day)
        and (r.valid_until is None or day <= r.valid_until)
    ]
    for ex in exceptions:
        if ex.available:
            windows.append(_Window(ex.start_time, ex.end_time, ex.location_id))
        elif ex.start_time is None:
            return []
        else:
            windows = _subtract(windows, ex.start_time, ex.end_time)
    return windows


#: Public name for reports: the opening windows of one practitioner on one day.
windows_for_day = _windows_for_day


def _grid(day: datetime.date, window: _Window, step: datetime.timedelta):
    """Wall-clock start times in a window, each turned into UTC (skipped times dropped)."""
    wall = datetime.datetime.combine(day, window.start)
    last = datetime.datetime.combine(day, window.end)
    window_end_utc = local_to_utc(day, window.end)
    while wall < last:
        start = local_to_utc(day, wall.time())
        if start is not None:
            yield start, window_end_utc
        wall += step


def min_notice_minutes(appointment_type: AppointmentType) -> int:
    """How long before a slot online booking closes: the type's own value, else the clinic's policy."""
    if appointment_type.min_notice_minutes is not None:
        return appointment_type.min_notice_minutes
    return clinic_profile().min_notice_minutes


def max_advance_days(appointment_type: AppointmentType) -> int:
    """How many days ahead the type may be booked online: the type's own value, else the clinic's policy."""
    if appointment_type.max_advance_days is not None:
        return appointment_type.max_advance_days
    return clinic_profile().max_advance_days


def free_slots(
    *,
    appointment_type: AppointmentType,
    start_date: datetime.date,
    end_date: datetime.date,
    practitioner: Practitioner | None = None,
    now: datetime.datetime | None = None,
    enforce_notice: bool = True,
    ignore_appointment: Appointment | None = None,
    ignore_busy: bool = False,
) -> list[Slot]:
    """Free slots of `appointment_type` on clinic-local days start_date..end_date (inclusive).

    `enforce_notice` applies the type's minimum notice and booking horizon (online booking);
    the front desk may book closer in. Nothing in the past is ever offered.
    `ignore_appointment` treats that appointment's own time as free (moving it);
    `ignore_busy` lays out the grid without looking at bookings at all.
    """
    # One read of the clinic profile (zone, policy) for the whole search, not one per slot.
    with clinic_scope():
        return _free_slots(
            appointment_type=appointment_type, start_date=start_date, end_date=end_date, practitioner=practitioner,
            now=now, enforce_notice=enforce_notice, ignore_appointment=ignore_appointment, ignore_busy=ignore_busy,
        )


def _free_slots(
    *,
    appointment_type: AppointmentType,
    start_date: datetime.date,
    end_date: datetime.date,
    practitioner: Practitioner | None,
    now: datetime.datetime | None,
    enforce_notice: bool,
    ignore_appointment: Appointment | None,
    ignore_busy: bool,
) -> list[Slot]:
    now = now or timezone.now()
    if end_date < start_date:
        return []
    notice = datetime.timedelta(minutes=min_notice_minutes(appointment_type))
    earliest = now + notice if enforce_notice else now
    latest = now + datetime.timedelta(days=max_advance_days(appointment_type)) if enforce_notice else None

    practitioners = Practitioner.objects.filter(active=True, appointment_types=appointment_type)
    if practitioner is not None:
        practitioners = practitioners.filter(pk=practitioner.pk)
    ids = list(practitioners.values_list("pk", flat=True))
    if not ids:
        return []

    rules_by = defaultdict(list)
    for rule in AvailabilityRule.objects.filter(practitioner_id__in=ids):
        rules_by[rule.practitioner_id].append(rule)
    exceptions_by = defaultdict(list)
    for ex in AvailabilityException.objects.filter(practitioner_id__in=ids, date__range=(start_date, end_date)):
        exceptions_by[(ex.practitioner_id, ex.date)].append(ex)
    closed = set(ClinicClosure.objects.filter(date__range=(start_date, end_date)).values_list("date", flat=True))

    before = datetime.timedelta(minutes=appointment_type.buffer_before_minutes)
    after = datetime.timedelta(minutes=appointment_type.buffer_after_minutes)
    range_start, _ = local_day_bounds(start_date)
    _, range_end = local_day_bounds(end_date)
    busy_q = Q(
        practitioner_id__in=ids, at__gte=range_start - before, at__lt=range_end + after + appointment_type.duration
    )
    busy_rows = PractitionerTimeCell.objects.filter(busy_q)
    if ignore_appointment is not None:
        busy_rows = busy_rows.exclude(appointment=ignore_appointment)
    busy = set() if ignore_busy else set(busy_rows.values_list("practitioner_id", "at"))

    step = datetime.timedelta(minutes=appointment_type.slot_step_minutes)
    slots: list[Slot] = []
    day = start_date
    while day <= end_date:
        for pid in ids:
            windows = _windows_for_day(day, rules_by[pid], exceptions_by[(pid, day)], day in closed)
            for window in windows:
                for start, window_end in _grid(day, window, step):
                    end = start + appointment_type.duration
                    if window_end is None or end > window_end or start < earliest:
                        continue
                    if latest is not None and start > latest:
                        continue
                    if any((pid, c) in busy for c in cells(start - before, end + after)):
                        continue
                    slots.append(Slot(start, end, pid, window.location_id))
        day += datetime.timedelta(days=1)
    slots = sorted(set(slots), key=lambda s: (s.start, s.practitioner_id))
    return slots


def find_slot(
    *,
    appointment_type: AppointmentType,
    practitioner: Practitioner,
    start: datetime.datetime,
    now: datetime.datetime | None = None,
    enforce_notice: bool = True,
    ignore_appointment: Appointment | None = None,
    ignore_busy: bool = False,
) -> Slot | None:
    """The free slot starting exactly at `start` with this practitioner, or None."""
    day = to_local(start).date()
    for slot in free_slots(
        appointment_type=appointment_type,
        start_date=day,
        end_date=day,
        practitioner=practitioner,
        now=now,
        enforce_notice=enforce_notice,
        ignore_appointment=ignore_appointment,
        ignore_busy=ignore_busy,
    ):
        if slot.start == start:
            return slot
    return None
