"""Confirmation and reminder texts: the clinic's own wording, with safe placeholders.

A template is plain text with `{placeholder}` fields from a fixed list (`PLACEHOLDERS`); no
attribute access, indexing, format specs or template tags, so a template can neither reach
into objects nor run code. `{{` and `}}` write literal braces. A template that names an
unknown field is refused when it is saved (`template_errors`), and rendering fails closed
(`MessageRenderError`) rather than sending a half-filled message.

One function, `render_message(kind, channel, context)`, is what every sender (email, text)
calls. Messages carry time, place and a link, nothing about health.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from dataclasses import dataclass

from fracturecare.clinic.models import Channel, MessageTemplate, TemplateKind

#: Every field a template may use, with what it holds (shown on the settings page).
PLACEHOLDERS: dict[str, str] = {
    "first_name": "the patient's first name",
    "when": "day, date and time of the visit in the clinic's time zone",
    "practitioner": "who the visit is with",
    "location": "the location's name",
    "address": "the location's address",
    "directions": "parking and entrance notes for the location (may be empty)",
    "manage_url": "the patient's link to change or cancel",
    "book_url": "the online booking page",
    "clinic_name": "the clinic's name",
    "clinic_phone": "the clinic's phone number",
    "clinic_sms": "the clinic's text number",
    "clinic_email": "the clinic's email address",
}

_SIGN_OFF = (
    "The calendar file attached adds this to your calendar.\n\n"
    "Questions? Call {clinic_phone} or reply to this email.\n\n"
    "{clinic_name}\n"
)


def _email_body(opening: str, link: str) -> str:
    return (
        "Hello {first_name},\n\n"
        f"{opening}\n\n"
        "When:  {when}\n"
        "Where: {location}, {address}\n"
        "With:  {practitioner}\n\n"
        "{directions}\n\n"
        f"{link}\n\n" + _SIGN_OFF
    )


_CHANGE_LINK = "To change or cancel: {manage_url}"

#: Today's texts: what a clinic gets until it writes its own. (subject, body) per kind and channel.
DEFAULTS: dict[tuple[str, str], tuple[str, str]] = {
    (TemplateKind.CONFIRMATION, Channel.EMAIL): (
        "Your appointment on {when} is booked",
        _email_body("Your appointment is booked.", _CHANGE_LINK),
    ),
    (TemplateKind.REMINDER, Channel.EMAIL): (
        "Reminder: your appointment on {when}",
        _email_body("This is a reminder of your appointment.", _CHANGE_LINK),
    ),
    (TemplateKind.CHANGE, Channel.EMAIL): (
        "Your appointment has moved to {when}",
        _email_body("Your appointment has moved to a new time.", _CHANGE_LINK),
    ),
    (TemplateKind.CANCELLATION, Channel.EMAIL): (
        "Your appointment on {when} is cancelled",
        # No directions to a visit that will not happen.
        "Hello {first_name},\n\nYour appointment has been cancelled.\n\n"
        "When:  {when}\nWhere: {location}, {address}\nWith:  {practitioner}\n\n"
        "To book another time: {book_url}\n\n" + _SIGN_OFF,
    ),
    (TemplateKind.CONFIRMATION, Channel.SMS): (
        "",
        "{clinic_name}: your appointment on {when} with {practitioner} is booked. Change or cancel: {manage_url}",
    ),
    (TemplateKind.REMINDER, Channel.SMS): (
        "",
        "{clinic_name}: reminder of your appointment on {when} at {location}. Change or cancel: {manage_url}",
    ),
    (TemplateKind.CHANGE, Channel.SMS): (
        "",
        "{clinic_name}: your appointment has moved to {when}. Change or cancel: {manage_url}",
    ),
    (TemplateKind.CANCELLATION, Channel.SMS): (
        "",
        "{clinic_name}: your appointment on {when} is cancelled. Book another time: {book_url}",
    ),
}

#: A text message longer than this is refused when saved (about four SMS segments).
SMS_MAX_CHARS = 600


class MessageRenderError(Exception):
    """A template could not be filled: an unknown field, or a value the sender did not give."""


@dataclass(frozen=True)
class RenderedMessage:
    kind: str
    channel: str
    subject: str  # empty for text messages
    body: str


def template_errors(text: str) -> list[str]:
    """What is wrong with a template's text (empty list: it is fine)."""
    errors: list[str] = []
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as exc:
        return [f"The braces do not match ({exc}). Write {{{{ and }}}} for a literal brace."]
    for _literal, field, spec, conversion in parsed:
        if field is None:
            continue
        if field not in PLACEHOLDERS:
            errors.append(f"{{{field}}} is not a placeholder; use one of: " + ", ".join(
                f"{{{name}}}" for name in PLACEHOLDERS))
        elif spec or conversion:
            errors.append(f"Write {{{field}}} without formatting after it.")
    return errors


_BLANK_RUN = re.compile(r"\n{3,}")


def _fill(text: str, context: Mapping[str, object]) -> str:
    out: list[str] = []
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as exc:
        raise MessageRenderError(f"unbalanced braces: {exc}") from None
    for literal, field, spec, conversion in parsed:
        out.append(literal)
        if field is None:
            continue
        if field not in PLACEHOLDERS or spec or conversion:
            raise MessageRenderError(f"{{{field}}} is not a placeholder")
        if field not in context:
            raise MessageRenderError(f"no value for {{{field}}}")
        out.append(str(context[field] if context[field] is not None else ""))
    # An empty optional field (directions) must not leave a hole of blank lines.
    return _BLANK_RUN.sub("\n\n", "".join(out))


def template_for(kind: str, channel: str) -> tuple[str, str, bool]:
    """(subject, body, customised) for one kind and channel: the clinic's own, or the default."""
    if (kind, channel) not in DEFAULTS:
        raise MessageRenderError(f"no message {kind!r} on channel {channel!r}")
    row = MessageTemplate.objects.filter(kind=kind, channel=channel).first()
    if row is not None:
        return row.subject, row.body, True
    subject, body = DEFAULTS[(kind, channel)]
    return subject, body, False


def render_message(kind: str, channel: str, context: Mapping[str, object]) -> RenderedMessage:
    """Fill the template for `kind` ('confirmation', 'reminder', 'change', 'cancellation') on
    `channel` ('email', 'sms') from `context` (keys from PLACEHOLDERS).

    Raises MessageRenderError for an unknown kind or channel or a missing value. The subject
    is one line; text messages have none.
    """
    subject, body, _ = template_for(kind, channel)
    rendered_subject = " ".join(_fill(subject, context).split()) if channel == Channel.EMAIL else ""
    return RenderedMessage(kind=kind, channel=channel, subject=rendered_subject, body=_fill(body, context))
