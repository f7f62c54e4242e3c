"""The emails and texts a patient gets about a booking, and the calendar (.ics) file.

They carry time, place and a link, nothing about health: no reason for the visit, no
visit type, no body part, in the subject, the body, the text or the calendar entry.
The words are the clinic's templates (`fracturecare.clinic.messages`, edited in settings);
this module gathers their values and builds the email (text, HTML part, .ics) or the text.
"""

from __future__ import annotations

import datetime
import zoneinfo

import icalendar
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse

from fracturecare.clinic.messages import render_message
from fracturecare.clinic.selectors import absolute_url, clinic_details
from fracturecare.scheduling.clock import clinic_zone, to_local
from fracturecare.scheduling.links import manage_url, offer_url
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
    return str(settings.CLINIC["base_url"]).split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "fracturecare"


def calendar_uid(appointment: Appointment) -> str:
    """Stable for the appointment's whole life, so calendar apps update one event."""
    return f"appointment-{appointment.pk}@{clinic_host()}"


def message_id_header(message: OutboxMessage) -> str:
    """The same Message-ID on every attempt of one outbox message: a retry is one message, not two."""
    return f"<outbox-{message.pk}@{clinic_host()}>"


def _organizer() -> icalendar.vCalAddress:
    clinic = clinic_details()
    organizer = icalendar.vCalAddress(f"mailto:{clinic['email'] or settings.DEFAULT_FROM_EMAIL}")
    organizer.params["cn"] = icalendar.vText(clinic["name"])
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


def message_context(message: OutboxMessage) -> dict[str, str]:
    """The template's values (`clinic.messages.PLACEHOLDERS`) from the appointment, or the offered
    time, as it is now. Nothing about health: there is no field for one."""
    clinic = clinic_details()
    context = {
        "first_name": message.patient.first_name,
        "book_url": absolute_url(reverse("scheduling:book")),
        "clinic_name": clinic["name"],
        "clinic_phone": clinic["phone"],
        "clinic_sms": clinic["sms"],
        "clinic_email": clinic["email"],
    }
    offer, appointment = message.waitlist_offer, message.appointment
    if offer is not None:
        start, practitioner, location = offer.start, offer.practitioner, offer.freed_by.location
        context["claim_url"] = offer_url(offer)
    elif appointment is not None:
        start, practitioner, location = appointment.start, appointment.practitioner, appointment.location
        context["manage_url"] = manage_url(appointment)
    else:  # the table's constraint forbids this; refuse rather than send a message about nothing
        raise ValueError(f"outbox message {message.pk} has neither an appointment nor an offer")
    context.update(
        when=when_text(start),
        practitioner=practitioner.display_name,
        location=location.name,
        address=location.address,
        directions=location.directions,
    )
    return context


def build_email(message: OutboxMessage) -> EmailMultiAlternatives:
    """Render the outbox email: plain text, an HTML part, the .ics for a visit."""
    rendered = render_message(message.kind, MessageChannel.EMAIL, message_context(message))
    reply_to = clinic_details()["email"]
    email = EmailMultiAlternatives(
        subject=rendered.subject,
        body=rendered.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.to_email],
        reply_to=[reply_to] if reply_to else None,
        headers={"Message-ID": message_id_header(message)},
    )
    email.attach_alternative(rendered.html, "text/html")
    appointment = message.appointment
    if appointment is not None and message.kind != MessageKind.WAITLIST_OFFER:
        cancelled = message.kind == MessageKind.CANCELLATION
        email.attach("appointment.ics", appointment_ics(appointment, cancelled=cancelled), "text/calendar")
    return email


def build_sms(message: OutboxMessage) -> str:
    """The text of an SMS outbox message."""
    return render_message(message.kind, MessageChannel.SMS, message_context(message)).body
