"""Reports for the clinic admin: visits and new patients per week, no-shows and late cancellations,
utilisation per practitioner, outcomes by fracture site. Each is a fixed number of queries for any
date range (rows are bucketed in Python, in the clinic's time zone).

Appointment statuses are the front desk's: booked, arrived, in_treatment, completed, no_show,
cancelled, late_cancelled. The earlier values (confirmed, attended) count as booked and completed.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Min
from django.db.models.fields.json import KT

from fracturecare.outcomes.models import OutcomeAssessment
from fracturecare.planning.models import PlanVersion
from fracturecare.scheduling.clock import local_day_bounds, local_to_utc, to_local
from fracturecare.scheduling.models import (
    Appointment,
    AvailabilityException,
    AvailabilityRule,
    ClinicClosure,
    Practitioner,
)
from fracturecare.scheduling.slots import windows_for_day

#: The longest range one report covers.
MAX_DAYS = 366

CANCELLED = "cancelled"
LATE_CANCELLED = "late_cancelled"
NO_SHOW = "no_show"
#: A visit that took place or is still expected to (not cancelled, not missed).
VISIT_STATUSES = ("booked", "arrived", "in_treatment", "completed", "confirmed", "attended")


def week_start(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def _weeks(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    weeks, week = [], week_start(start)
    while week <= end:
        weeks.append(week)
        week += datetime.timedelta(days=7)
    return weeks


def _in_range(start: datetime.date, end: datetime.date):
    since, _ = local_day_bounds(start)
    _, until = local_day_bounds(end)
    return Appointment.objects.filter(start__gte=since, start__lt=until)


@dataclass(frozen=True)
class WeekRow:
    week: datetime.date  # Monday, clinic time
    visits: int
    new_patients: int


def visits_per_week(start: datetime.date, end: datetime.date) -> list[WeekRow]:
    """Visits (not cancelled, not missed) and new patients (their first such visit) per week. Two queries."""
    visits: dict[datetime.date, int] = defaultdict(int)
    for moment in _in_range(start, end).filter(status__in=VISIT_STATUSES).values_list("start", flat=True):
        visits[week_start(to_local(moment).date())] += 1
    since, _ = local_day_bounds(start)
    _, until = local_day_bounds(end)
    firsts = (
        Appointment.objects.filter(status__in=VISIT_STATUSES).values("patient_id").annotate(first=Min("start"))
        .filter(first__gte=since, first__lt=until).values_list("first", flat=True)
    )
    new: dict[datetime.date, int] = defaultdict(int)
    for moment in firsts:
        new[week_start(to_local(moment).date())] += 1
    return [WeekRow(w, visits[w], new[w]) for w in _weeks(start, end)]


@dataclass(frozen=True)
class AttendanceRow:
    week: datetime.date
    scheduled: int  # everything except cancellations made in good time
    no_shows: int
    late_cancellations: int

    @property
    def no_show_rate(self) -> float | None:
        return self.no_shows / self.scheduled if self.scheduled else None

    @property
    def late_cancel_rate(self) -> float | None:
        return self.late_cancellations / self.scheduled if self.scheduled else None


def attendance_per_week(start: datetime.date, end: datetime.date) -> list[AttendanceRow]:
    """No-show and late-cancellation rates per week, out of the visits still scheduled. One query."""
    counts: dict[datetime.date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for moment, status in _in_range(start, end).exclude(status=CANCELLED).values_list("start", "status"):
        counts[week_start(to_local(moment).date())][status] += 1
    rows = []
    for w in _weeks(start, end):
        c = counts.get(w, {})
        rows.append(AttendanceRow(w, sum(c.values()), c.get(NO_SHOW, 0), c.get(LATE_CANCELLED, 0)))
    return rows


@dataclass(frozen=True)
class UtilisationRow:
    practitioner: str
    colour: str
    available_minutes: int
    booked_minutes: int

    @property
    def rate(self) -> float | None:
        return self.booked_minutes / self.available_minutes if self.available_minutes else None


def utilisation(start: datetime.date, end: datetime.date) -> list[UtilisationRow]:
    """Booked minutes over available minutes (weekly hours, less time off and holidays) per practitioner.

    Five queries, whatever the number of practitioners or days.
    """
    practitioners = list(Practitioner.objects.select_related("user").order_by("user__last_name", "id"))
    rules = defaultdict(list)
    for rule in AvailabilityRule.objects.all():
        rules[rule.practitioner_id].append(rule)
    exceptions = defaultdict(list)
    for ex in AvailabilityException.objects.filter(date__range=(start, end)):
        exceptions[(ex.practitioner_id, ex.date)].append(ex)
    closed = set(ClinicClosure.objects.filter(date__range=(start, end)).values_list("date", flat=True))
    booked: dict[int, float] = defaultdict(float)
    for pid, s, e in _in_range(start, end).filter(status__in=(*VISIT_STATUSES, NO_SHOW)).values_list(
        "practitioner_id", "start", "end"
    ):
        booked[pid] += (e - s).total_seconds() / 60
    rows = []
    for p in practitioners:
        available = 0.0
        day = start
        while day <= end:
            for w in windows_for_day(day, rules[p.pk], exceptions[(p.pk, day)], day in closed):
                a, b = local_to_utc(day, w.start), local_to_utc(day, w.end)
                if a and b:
                    available += (b - a).total_seconds() / 60
            day += datetime.timedelta(days=1)
        if available or booked[p.pk]:
            rows.append(UtilisationRow(p.display_name, p.colour, int(available), int(booked[p.pk])))
    return rows


@dataclass(frozen=True)
class OutcomeRow:
    site: str
    patients: int
    pain_change: float | None  # mean of (last - first) pain NRS; negative is better
    pain_patients: int
    lefs_change: float | None  # mean of (last - first) LEFS; positive is better
    lefs_patients: int


def outcomes_by_site(start: datetime.date, end: datetime.date) -> list[OutcomeRow]:
    """Mean change in pain NRS and LEFS from each patient's first to last assessment, for patients
    assessed in the range, grouped by the site of their latest signed plan. Two queries."""
    assessments = (
        OutcomeAssessment.objects.filter(voided_at__isnull=True)
        .filter(patient__outcome_assessments__assessed_on__range=(start, end))
        .distinct().order_by("patient_id", "assessed_on", "id")
        .values_list("patient_id", "assessed_on", "pain_nrs", "lefs_total")
    )
    series: dict[int, list[tuple]] = defaultdict(list)
    for pid, on, pain, lefs in assessments:
        if on <= end:
            series[pid].append((pain, lefs))
    sites: dict[int, str] = {}
    versions = (
        PlanVersion.objects.filter(plan__patient_id__in=list(series)).order_by("plan__patient_id", "signed_at")
        .values_list("plan__patient_id", KT("snapshot__plan__injury__label"), KT("snapshot__plan__injury__site"))
    )
    for pid, label, site in versions:
        sites[pid] = label or site or "Unknown site"  # the latest signed version wins
    groups: dict[str, dict[str, list[int]]] = defaultdict(lambda: {"pain": [], "lefs": [], "patients": []})
    for pid, points in series.items():
        group = groups[sites.get(pid, "No signed plan")]
        group["patients"].append(pid)
        pains = [p for p, _ in points if p is not None]
        lefs_totals = [v for _, v in points if v is not None]
        if len(pains) >= 2:
            group["pain"].append(pains[-1] - pains[0])
        if len(lefs_totals) >= 2:
            group["lefs"].append(lefs_totals[-1] - lefs_totals[0])

    def mean(values: list[int]) -> float | None:
        return round(sum(values) / len(values), 1) if values else None

    return [
        OutcomeRow(site, len(g["patients"]), mean(g["pain"]), len(g["pain"]), mean(g["lefs"]), len(g["lefs"]))
        for site, g in sorted(groups.items())
    ]
