"""The emails and texts a patient gets about a booking, and the calendar (.ics) file.

They carry time, place and a link, nothing about health: no reason for the visit, no
visit type, no body part, in the subject, the body, the text or the calendar entry.
The words themselves live in message_texts.py.
"""

from __future__ import annotations

import datetime
import zoneinfo

import icalendar
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse

from fracturecare.scheduling.clock import clinic_zone, to_local
from fracturecare.scheduling.links import manage_url, offer_url
from fracturecare.scheduling.message_texts import render_message
from fracturecare.scheduling.models import (
    RELEASED_STATUSES,
    Appointment,
    MessageChannel,
    MessageKind,
    OutboxMessage,
)


def when_text(moment: datetime.datetime) -> str:
    """'Monday 9 March 2026 at 9:00 AM (EDT)' in the clinic's zone."""
    local = to_local(moment)
    hour = local.strftime("%I:%M %p").lstrip("0")
    return f"{local:%A} {local.day} {local:%B %Y} at {hour} ({local.tzname()})"


def clinic_host() -> str:
    """The host of FRACTURECARE_BASE_URL: the clinic's domain for Message-IDs and calendar UIDs."""
    return settings.CLINIC["base_url"].split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "fracturecare"


def calendar_uid(appointment: Appointment) -> str:
    """Stable for the appointment's whole life, so calendar apps update one event."""
    return f"appointment-{appointment.pk}@{clinic_host()}"


def message_id_header(message: OutboxMessage) -> str:
    """The same Message-ID on every attempt of one outbox message: a retry is one message, not two."""
    return f"<outbox-{message.pk}@{clinic_host()}>"


def _organizer() -> icalendar.vCalAddress:
    address = settings.CLINIC.get("email") or settings.DEFAULT_FROM_EMAIL
    organizer = icalendar.vCalAddress(f"mailto:{address}")
    organizer.params["cn"] = icalendar.vText(settings.CLINIC["name"])
    return organizer


def _offset_at(zone: zoneinfo.ZoneInfo, moment: datetime.datetime) -> datetime.timedelta:
    return moment.astimezone(zone).utcoffset() or datetime.timedelta(0)


def _vtimezone(zone: zoneinfo.ZoneInfo, around: datetime.datetime) -> icalendar.Timezone:
    """The zone's rules from the year before the visit to the year after, one sub-component per change.

    Each STANDARD/DAYLIGHT part has a single DTSTART and no RDATE list: calendar clients built
    on ical.js (Thunderbird) misread icalendar's RDATE-list form and put a summer visit an hour
    late. Found by scanning day by day, then minute by minute around each change.
    """
    start = datetime.datetime(around.year - 1, 1, 1, tzinfo=datetime.UTC)
    end = datetime.datetime(around.year + 2, 1, 1, tzinfo=datetime.UTC)
    vtz = icalendar.Timezone()
    vtz.add("tzid", zone.key)

    def part(at_utc: datetime.datetime, before: datetime.timedelta, after: datetime.timedelta) -> None:
        local = at_utc.astimezone(zone)
        sub = icalendar.TimezoneDaylight() if local.dst() else icalendar.TimezoneStandard()
        sub.add("dtstart", (at_utc + before).replace(tzinfo=None))
        sub.add("tzoffsetfrom", before)
        sub.add("tzoffsetto", after)
        sub.add("tzname", local.tzname() or zone.key)
        vtz.add_component(sub)

    previous = _offset_at(zone, start)
    part(start, previous, previous)
    day = datetime.timedelta(days=1)
    moment = start
    while moment < end:
        following = moment + day
        offset = _offset_at(zone, following)
        if offset != previous:
            low, high = moment, following  # the change lies in (low, high]
            while high - low > datetime.timedelta(minutes=1):
                middle = low + (high - low) / 2
                if _offset_at(zone, middle) == previous:
                    low = middle
                else:
                    high = middle
            part(high.replace(second=0, microsecond=0), previous, offset)
            previous = offset
        moment = following
    return vtz


def appointment_ics(appointment: Appointment, *, cancelled: bool | None = None) -> bytes:
    """An iCalendar file for the visit, with the clinic's time zone spelled out (VTIMEZONE).

    METHOD is CANCEL for a cancelled visit and PUBLISH otherwise; SEQUENCE is the appointment's
    change counter, so a calendar app replaces its copy.
    """
    if cancelled is None:
        cancelled = appointment.status in RELEASED_STATUSES
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
    event.add("location", f"{appointment.location.name}, {appointment.location.address}")
    event.add("organizer", _organizer())
    event.add("description", f"Change or cancel: {manage_url(appointment)}")
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    cal.add_component(_vtimezone(zone, appointment.start))
    cal.add_component(event)
    return cal.to_ical()


def message_context(message: OutboxMessage) -> dict:
    """What the texts need, from the appointment (or the offered time) as it is now."""
    base = settings.CLINIC["base_url"].rstrip("/")
    context: dict = {
        "patient_first_name": message.patient.first_name,
        "book_url": base + reverse("scheduling:book"),
        "clinic": settings.CLINIC,
    }
    offer = message.waitlist_offer
    if offer is not None:
        freed = offer.freed_by
        context.update(
            when=when_text(offer.start),
            practitioner=offer.practitioner.display_name,
            location=freed.location,
            claim_url=offer_url(offer),
        )
        return context
    appointment = message.appointment
    if appointment is None:  # the outbox_has_subject constraint rules this out
        raise ValueError(f"outbox message {message.pk} has neither an appointment nor an offer")
    context.update(
        appointment=appointment,
        when=when_text(appointment.start),
        practitioner=appointment.practitioner.display_name,
        location=appointment.location,
        manage_url=manage_url(appointment),
    )
    return context


def build_email(message: OutboxMessage) -> EmailMultiAlternatives:
    """Render the outbox email: plain text, an HTML part, the .ics for a visit."""
    rendered = render_message(message.kind, MessageChannel.EMAIL, message_context(message))
    email = EmailMultiAlternatives(
        subject=rendered.subject,
        body=rendered.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.to_email],
        reply_to=[settings.CLINIC["email"]] if settings.CLINIC.get("email") else None,
        headers={"Message-ID": message_id_header(message)},
    )
    email.attach_alternative(rendered.html, "text/html")
    if message.appointment is not None and message.kind != MessageKind.WAITLIST_OFFER:
        cancelled = message.kind == MessageKind.CANCELLATION
        email.attach("appointment.ics", appointment_ics(message.appointment, cancelled=cancelled), "text/calendar")
    return email


def build_sms(message: OutboxMessage) -> str:
    """The text of an SMS outbox message."""
    return render_message(message.kind, MessageChannel.SMS, message_context(message)).text
