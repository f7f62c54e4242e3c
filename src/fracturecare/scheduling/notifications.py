"""The emails a patient gets about a booking, and their calendar (.ics) attachment.

They carry time, place and a link, nothing about health: no reason for the visit, no
visit type, no body part, in the subject, the body or the calendar entry.
"""

from __future__ import annotations

import datetime

import icalendar
from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse

from fracturecare.scheduling.clock import clinic_zone, to_local
from fracturecare.scheduling.links import manage_url
from fracturecare.scheduling.models import Appointment, MessageKind, OutboxMessage


def when_text(moment: datetime.datetime) -> str:
    """'Monday 9 March 2026 at 9:00 AM (EDT)' in the clinic's zone."""
    local = to_local(moment)
    hour = local.strftime("%I:%M %p").lstrip("0")
    return f"{local:%A} {local.day} {local:%B %Y} at {hour} ({local.tzname()})"


_SUBJECTS = {
    MessageKind.CONFIRMATION: "Your appointment on {when} is booked",
    MessageKind.REMINDER: "Reminder: your appointment on {when}",
    MessageKind.CHANGE: "Your appointment has moved to {when}",
    MessageKind.CANCELLATION: "Your appointment on {when} is cancelled",
}


def calendar_uid(appointment: Appointment) -> str:
    host = settings.CLINIC["base_url"].split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "fracturecare"
    return f"appointment-{appointment.pk}@{host}"


def appointment_ics(appointment: Appointment, *, cancelled: bool = False) -> bytes:
    """An iCalendar file for the visit, with the clinic's time zone spelled out (VTIMEZONE)."""
    cal = icalendar.Calendar()
    cal.add("prodid", "-//fracturecare//booking//EN")
    cal.add("version", "2.0")
    cal.add("method", "CANCEL" if cancelled else "PUBLISH")
    event = icalendar.Event()
    event.add("uid", calendar_uid(appointment))
    event.add("sequence", appointment.sequence)
    event.add("dtstamp", datetime.datetime.now(datetime.UTC))
    zone = clinic_zone()
    event.add("dtstart", appointment.start.astimezone(zone))
    event.add("dtend", appointment.end.astimezone(zone))
    event.add("summary", f"Appointment at {appointment.location.name}")
    event.add("location", appointment.location.address)
    event.add("description", f"Change or cancel: {manage_url(appointment)}")
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()


def build_email(message: OutboxMessage) -> EmailMessage:
    """Render the outbox message from the appointment as it is now."""
    appointment = message.appointment
    subject = _SUBJECTS[message.kind].format(when=when_text(appointment.start))
    context = {
        "kind": message.kind,
        "appointment": appointment,
        "patient_first_name": appointment.patient.first_name,
        "when": when_text(appointment.start),
        "practitioner": appointment.practitioner.display_name,
        "location": appointment.location,
        "manage_url": manage_url(appointment),
        "book_url": settings.CLINIC["base_url"].rstrip("/") + reverse("scheduling:book"),
        "clinic": settings.CLINIC,
    }
    body = render_to_string("scheduling/email/appointment.txt", context)
    email = EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.to_email],
        reply_to=[settings.CLINIC["email"]] if settings.CLINIC.get("email") else None,
    )
    cancelled = message.kind == MessageKind.CANCELLATION
    email.attach("appointment.ics", appointment_ics(appointment, cancelled=cancelled), "text/calendar")
    return email
