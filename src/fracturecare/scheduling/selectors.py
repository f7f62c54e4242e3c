"""Reads for the booking pages, the front desk and the patient timeline."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db.models import QuerySet

from fracturecare.scheduling.clock import local_day_bounds, to_local
from fracturecare.scheduling.models import (
    RELEASED_STATUSES,
    Appointment,
    AppointmentType,
    Location,
    MessageStatus,
    OutboxMessage,
    Practitioner,
    WaitlistEntry,
)


def appointment_types_online() -> QuerySet[AppointmentType]:
    """Types a member of the public may book, new-patient visits first."""
    return AppointmentType.objects.filter(active=True, bookable_online=True).order_by("-new_patients", "name")


def practitioners_by_id() -> dict[int, Practitioner]:
    return {p.pk: p for p in Practitioner.objects.select_related("user")}


def locations_by_id() -> dict[int, Location]:
    return {loc.pk: loc for loc in Location.objects.all()}


def slots_by_practitioner(slots) -> list[dict]:
    """Free slots grouped per practitioner, in the order they come, for a slot picker.

    Each group: the practitioner, their location and the slots as local time plus the ISO start
    that the booking form posts back.
    """
    people, places = practitioners_by_id(), locations_by_id()
    groups: dict[int, dict] = {}
    for slot in slots:
        group = groups.setdefault(
            slot.practitioner_id,
            {"practitioner": people[slot.practitioner_id], "location": places[slot.location_id], "slots": []},
        )
        group["slots"].append({"local": to_local(slot.start), "start": slot.start.isoformat()})
    return list(groups.values())


def appointments_for_patient(patient) -> QuerySet[Appointment]:
    """A patient's appointments, newest first, for the patient timeline.

    Includes cancelled ones (the timeline shows them struck through). The caller audits
    the read, as it does for the rest of the record it shows.
    """
    return (
        Appointment.objects.filter(patient=patient)
        .select_related("appointment_type", "practitioner__user", "location")
        .order_by("-start", "-id")
    )


def day_schedule(day: datetime.date) -> dict[Practitioner, list[Appointment]]:
    """Live appointments on a clinic-local day, grouped by practitioner, in time order."""
    start, end = local_day_bounds(day)
    rows = (
        Appointment.objects.filter(start__gte=start, start__lt=end)
        .exclude(status__in=RELEASED_STATUSES)
        .select_related("appointment_type", "practitioner__user", "location", "patient")
        .order_by("start", "practitioner_id")
    )
    grouped: dict[Practitioner, list[Appointment]] = defaultdict(list)
    for practitioner in Practitioner.objects.filter(active=True).select_related("user"):
        grouped[practitioner] = []
    for appointment in rows:
        grouped[appointment.practitioner].append(appointment)
    return dict(grouped)



def outbox_problems() -> QuerySet[OutboxMessage]:
    """Messages that failed, or sit in the queue past their time: what the front desk must see."""
    return (
        OutboxMessage.objects.filter(status__in=[MessageStatus.FAILED, MessageStatus.SENDING])
        .select_related("patient")
        # Newest change first, on the (status, updated_at) index; id breaks ties so pages do not overlap.
        .order_by("-updated_at", "-id")
    )


def outbox_recent(limit: int = 50) -> QuerySet[OutboxMessage]:
    return OutboxMessage.objects.select_related("patient").order_by("-updated_at", "-id")[:limit]


def calendar_practitioners(practitioner_id: int | None = None) -> list[Practitioner]:
    """Active practitioners (one or all), in a stable order: the grid's columns or lanes."""
    rows = Practitioner.objects.filter(active=True).select_related("user").order_by("id")
    if practitioner_id is not None:
        rows = rows.filter(pk=practitioner_id)
    return list(rows)


def calendar_appointments(start: datetime.datetime, end: datetime.datetime) -> list[Appointment]:
    """Live appointments starting in [start, end), with everything the grid shows, in one query."""
    return list(
        Appointment.objects.filter(start__gte=start, start__lt=end)
        .exclude(status__in=RELEASED_STATUSES)
        .select_related("appointment_type", "practitioner__user", "patient")
        .order_by("start", "practitioner_id")
    )


def released_between(start: datetime.datetime, end: datetime.datetime) -> list[Appointment]:
    """Cancelled and late-cancelled visits in [start, end), for the list under the grid."""
    return list(
        Appointment.objects.filter(start__gte=start, start__lt=end, status__in=RELEASED_STATUSES)
        .select_related("practitioner__user", "patient")
        .order_by("start", "id")
    )


def waitlist_waiting() -> QuerySet[WaitlistEntry]:
    """Everyone waiting, in the order they will be offered a time."""
    return (
        WaitlistEntry.objects.filter(state=WaitlistEntry.State.WAITING)
        .select_related("patient", "appointment_type", "practitioner__user")
        .prefetch_related("offers")
        .order_by("created_at", "id")
    )
