"""The emails a patient gets about a booking, and their calendar (.ics) attachment.

They carry time, place and a link, nothing about health: no reason for the visit, no
visit type, no body part, in the subject, the body or the calendar entry.
"""

from __future__ import annotations

import datetime

import icalendar
from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse

from fracturecare.clinic.messages import render_message
from fracturecare.clinic.models import Channel
from fracturecare.clinic.selectors import absolute_url, clinic_details, clinic_scope
from fracturecare.scheduling.clock import clinic_zone, to_local
from fracturecare.scheduling.links import manage_url
from fracturecare.scheduling.models import Appointment, MessageKind, OutboxMessage


def when_text(moment: datetime.datetime) -> str:
    """'Monday 9 March 2026 at 9:00 AM (EDT)' in the clinic's zone."""
    local = to_local(moment)
    hour = local.strftime("%I:%M %p").lstrip("0")
    return f"{local:%A} {local.day} {local:%B %Y} at {hour} ({local.tzname()})"


def calendar_uid(appointment: Appointment) -> str:
    host = absolute_url("").split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "fracturecare"
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


def message_context(appointment: Appointment) -> dict[str, object]:
    """The placeholders a confirmation or reminder may use (clinic.messages.PLACEHOLDERS), for one visit."""
    clinic = clinic_details()
    location = appointment.location
    return {
        "first_name": appointment.patient.first_name,
        "when": when_text(appointment.start),
        "practitioner": appointment.practitioner.display_name,
        "location": location.name,
        "address": location.address,
        "directions": location.directions,
        "manage_url": manage_url(appointment),
        "book_url": absolute_url(reverse("scheduling:book")),
        "clinic_name": clinic["name"],
        "clinic_phone": clinic["phone"],
        "clinic_sms": clinic["sms"],
        "clinic_email": clinic["email"],
    }


def build_email(message: OutboxMessage) -> EmailMessage:
    """Render the outbox message from the appointment as it is now, in the clinic's wording."""
    appointment = message.appointment
    with clinic_scope():
        rendered = render_message(message.kind, Channel.EMAIL, message_context(appointment))
        reply_to = clinic_details()["email"]
    email = EmailMessage(
        subject=rendered.subject,
        body=rendered.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.to_email],
        reply_to=[reply_to] if reply_to else None,
    )
    cancelled = message.kind == MessageKind.CANCELLATION
    email.attach("appointment.ics", appointment_ics(appointment, cancelled=cancelled), "text/calendar")
    return email
