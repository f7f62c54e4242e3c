"""Every word the clinic sends a patient about a booking: email subjects and bodies, texts.

One function, `render_message(kind, channel, context)`, with the signature of the editable
templates planned in `fracturecare.clinic.messages`; when those exist this module is the place
to delegate to them.

No health detail anywhere: no reason for the visit, no visit type, no body part, in a subject,
a body or a text. A subject names only the time (tests check every kind).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string

from fracturecare.scheduling.models import MessageChannel, MessageKind

SUBJECTS: dict[str, str] = {
    MessageKind.CONFIRMATION: "Your appointment on {when} is booked",
    MessageKind.REMINDER: "Reminder: your appointment on {when}",
    MessageKind.CHANGE: "Your appointment has moved to {when}",
    MessageKind.CANCELLATION: "Your appointment on {when} is cancelled",
    MessageKind.WAITLIST_OFFER: "A time has opened up: {when}",
}

_TEXTS: dict[str, str] = {
    MessageKind.CONFIRMATION: "{clinic}: your appointment on {when} is booked. Change or cancel: {manage_url}",
    MessageKind.REMINDER: "{clinic}: reminder of your appointment on {when} at {place}. Change or cancel: {manage_url}",
    MessageKind.CHANGE: "{clinic}: your appointment has moved to {when}. Details: {manage_url}",
    MessageKind.CANCELLATION: "{clinic}: your appointment on {when} is cancelled. Book again: {book_url}",
    MessageKind.WAITLIST_OFFER: (
        "{clinic}: a time has opened up on {when} with {practitioner}. First to claim it gets it: {claim_url}"
    ),
}
_STOP_LINE = " Reply STOP to stop texts."


@dataclass(frozen=True)
class RenderedMessage:
    subject: str
    text: str
    html: str = ""


def render_message(kind: str, channel: str, context: dict[str, Any]) -> RenderedMessage:
    """The subject, plain text and (for email) HTML of one message.

    `context` carries: patient_first_name, when, practitioner, location, manage_url, book_url,
    claim_url (offers only) and clinic (settings.CLINIC).
    """
    if kind not in SUBJECTS or channel not in MessageChannel.values:
        raise ValueError(f"no message for kind={kind!r} channel={channel!r}")
    subject = SUBJECTS[kind].format(when=context["when"])
    if channel == MessageChannel.SMS:
        location = context.get("location")
        body = _TEXTS[kind].format(
            clinic=context["clinic"]["name"],
            when=context["when"],
            place=getattr(location, "name", ""),
            practitioner=context.get("practitioner", ""),
            manage_url=context.get("manage_url", ""),
            book_url=context.get("book_url", ""),
            claim_url=context.get("claim_url", ""),
        )
        return RenderedMessage(subject=subject, text=body + _STOP_LINE)
    context = {**context, "kind": kind, "subject": subject}
    return RenderedMessage(
        subject=subject,
        text=render_to_string("scheduling/email/appointment.txt", context),
        html=render_to_string("scheduling/email/appointment.html", context),
    )
