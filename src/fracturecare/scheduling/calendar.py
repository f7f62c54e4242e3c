"""The front desk's time grid: appointments and free times laid out as rows and lanes.

Pure layout over rows the selectors already read: no queries here. The template turns each
item's row and lane into CSS classes (static/scheduling/calendar.css), so the grid needs no
inline style and no script. One row is one 5-minute cell.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from fracturecare.scheduling.clock import to_local
from fracturecare.scheduling.models import CELL_MINUTES, Appointment, AppointmentType, Practitioner

#: The grid shows at least these clinic hours, and stretches to fit anything outside them.
DEFAULT_FIRST_HOUR = 8
DEFAULT_LAST_HOUR = 18
PALETTE_SIZE = 8


@dataclass
class GridItem:
    row: int  # 1-based grid row where it starts
    span: int  # rows it covers
    lane: int  # 1-based lane (practitioner) inside its column
    local_start: datetime.datetime
    local_end: datetime.datetime
    appointment: Appointment | None = None
    practitioner: Practitioner | None = None
    slot_start: str = ""  # ISO start posted back when a free time is clicked
    colour: int = 0


@dataclass
class GridColumn:
    key: str
    label: str
    day: datetime.date
    items: list[GridItem] = field(default_factory=list)


@dataclass
class Grid:
    first_hour: int
    last_hour: int
    lanes: list[Practitioner]
    columns: list[GridColumn]

    @property
    def rows(self) -> int:
        return (self.last_hour - self.first_hour) * 60 // CELL_MINUTES

    @property
    def hours(self) -> list[tuple[int, int]]:
        """(hour, grid row) for each hour label."""
        return [(h, (h - self.first_hour) * 60 // CELL_MINUTES + 1) for h in range(self.first_hour, self.last_hour)]


def _span_hours(moments: list[tuple[datetime.datetime, datetime.datetime]]) -> tuple[int, int]:
    first, last = DEFAULT_FIRST_HOUR, DEFAULT_LAST_HOUR
    for start, end in moments:
        first = min(first, start.hour)
        end_hour = end.hour + (1 if end.minute or end.date() > start.date() else 0)
        last = max(last, min(24, end_hour if end.date() == start.date() else 24))
    return first, last


def build_grid(
    *,
    days: list[datetime.date],
    practitioners: list[Practitioner],
    appointments: list[Appointment],
    free: list,
    colour_by: str,
    types: list[AppointmentType],
    per_practitioner_columns: bool,
    step_minutes: int,
) -> Grid:
    """Lay out the appointments and free slots (`free`: slots.Slot) of `days`.

    Day view (`per_practitioner_columns`): one column per practitioner, one lane each.
    Week view: one column per day, one lane per practitioner inside it.
    """
    lane_of = {p.pk: i + 1 for i, p in enumerate(practitioners)}
    type_colour = {t.pk: i % PALETTE_SIZE for i, t in enumerate(types)}
    by_pk = {p.pk: p for p in practitioners}
    local_appts = [(a, to_local(a.start), to_local(a.end)) for a in appointments if a.practitioner_id in lane_of]
    step = datetime.timedelta(minutes=step_minutes)
    local_free = [(s, to_local(s.start)) for s in free if s.practitioner_id in lane_of]
    first, last = _span_hours([(s, e) for _, s, e in local_appts] + [(s, s + step) for _, s in local_free])
    if per_practitioner_columns:
        columns = [GridColumn(key=str(p.pk), label=p.display_name, day=days[0]) for p in practitioners]
        column_of = {p.pk: columns[i] for i, p in enumerate(practitioners)}
    else:
        columns = [GridColumn(key=d.isoformat(), label=f"{d:%a} {d.day} {d:%b}", day=d) for d in days]
        column_by_day = {c.day: c for c in columns}

    def place(practitioner_id: int, local_start: datetime.datetime) -> tuple[GridColumn | None, int]:
        if per_practitioner_columns:
            return column_of.get(practitioner_id), 1
        return column_by_day.get(local_start.date()), lane_of[practitioner_id]

    def row_of(moment: datetime.datetime) -> int:
        return ((moment.hour - first) * 60 + moment.minute) // CELL_MINUTES + 1

    for appointment, local_start, local_end in local_appts:
        column, lane = place(appointment.practitioner_id, local_start)
        if column is None:
            continue
        end_row = row_of(local_end) if local_end.date() == local_start.date() else (last - first) * 12 + 1
        colour = (
            lane_of[appointment.practitioner_id] - 1
            if colour_by == "practitioner"
            else type_colour.get(appointment.appointment_type_id, 0)
        ) % PALETTE_SIZE
        column.items.append(
            GridItem(
                row=row_of(local_start),
                span=max(1, end_row - row_of(local_start)),
                lane=lane,
                local_start=local_start,
                local_end=local_end,
                appointment=appointment,
                practitioner=appointment.practitioner,
                colour=colour,
            )
        )
    for slot, local_start in local_free:
        column, lane = place(slot.practitioner_id, local_start)
        if column is None:
            continue
        column.items.append(
            GridItem(
                row=row_of(local_start),
                span=max(1, step_minutes // CELL_MINUTES),
                lane=lane,
                local_start=local_start,
                local_end=local_start + step,
                practitioner=by_pk[slot.practitioner_id],
                slot_start=slot.start.isoformat(),
            )
        )
    for column in columns:
        # Time order within a column is also the keyboard's tab order.
        column.items.sort(key=lambda item: (item.row, item.lane, item.appointment is None))
    return Grid(first_hour=first, last_hour=last, lanes=practitioners, columns=columns)
