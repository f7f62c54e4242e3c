"""Clinic-time helpers: wall-clock times in the clinic's zone, turned into UTC safely."""

from __future__ import annotations

import datetime
import zoneinfo

from fracturecare.clinic import selectors as clinic_selectors
from fracturecare.scheduling.models import CELL


def clinic_zone() -> zoneinfo.ZoneInfo:
    """The clinic's zone, from the clinic profile (set on /clinic/settings/)."""
    return clinic_selectors.clinic_zone()


def local_to_utc(day: datetime.date, wall: datetime.time) -> datetime.datetime | None:
    """The UTC instant of a wall-clock time on a day in the clinic zone.

    Returns None for a wall time that does not exist (skipped by a spring-forward change).
    An ambiguous wall time (repeated in the autumn) means its first occurrence.
    """
    zone = clinic_zone()
    naive = datetime.datetime.combine(day, wall)
    aware = naive.replace(tzinfo=zone, fold=0)
    utc = aware.astimezone(datetime.UTC)
    if utc.astimezone(zone).replace(tzinfo=None) != naive:
        return None
    return utc


def to_local(moment: datetime.datetime) -> datetime.datetime:
    return moment.astimezone(clinic_zone())


def local_day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """UTC start (inclusive) and end (exclusive) of a clinic-local calendar day."""
    zone = clinic_zone()
    start = datetime.datetime.combine(day, datetime.time()).replace(tzinfo=zone)
    end = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time()).replace(tzinfo=zone)
    return start.astimezone(datetime.UTC), end.astimezone(datetime.UTC)


def cells(start: datetime.datetime, end: datetime.datetime) -> list[datetime.datetime]:
    """Every occupancy cell start in [start, end); both ends lie on cell boundaries."""
    out = []
    at = start.astimezone(datetime.UTC)
    end = end.astimezone(datetime.UTC)
    while at < end:
        out.append(at)
        at += CELL
    return out

