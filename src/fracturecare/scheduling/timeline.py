"""Appointments on the patient timeline (see patients.timeline).

Not clinical: the front desk sees when and with whom, never the reason for the visit.
"""

from __future__ import annotations

from collections.abc import Iterable

from fracturecare.patients.timeline import TimelineEntry
from fracturecare.scheduling.clock import to_local
from fracturecare.scheduling.models import AppointmentStatus
from fracturecare.scheduling.selectors import appointments_for_patient

CLINICAL = False


def timeline_entries(*, patient) -> Iterable[TimelineEntry]:
    for a in appointments_for_patient(patient):
        local = to_local(a.start)
        status = "" if a.status == AppointmentStatus.BOOKED else f" ({a.get_status_display().lower()})"
        yield TimelineEntry(
            when=a.start,
            kind="appointment",
            title=f"{a.appointment_type.name} with {a.practitioner.display_name}{status}",
            detail=f"{local:%a %d %b %Y, %H:%M} at {a.location.name}",
        )
