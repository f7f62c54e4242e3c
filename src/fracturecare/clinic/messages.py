"""Every word the clinic sends a patient about a booking: the clinic's own wording, with safe placeholders.

A template is plain text with `{placeholder}` fields from a fixed list (`PLACEHOLDERS`, narrowed per
kind by `placeholders_for`); no attribute access, indexing, format specs or template tags, so a
template can neither reach into objects nor run code. `{{` and `}}` write literal braces. A template
that names an unknown field is refused when it is saved (`template_errors`), and rendering fails
closed (`MessageRenderError`) rather than sending a half-filled message.

One function, `render_message(kind, channel, context)`, is what every sender calls (the outbox's
emails and texts, the settings page's defaults). An email's HTML part is built from the same
template as its plain text, with every value HTML-escaped; a text ends with the STOP line.
Messages carry time, place and a link, nothing about health: the context has no field for a
reason, a visit type or a body part.
"""

from __future__ import annotations

import html
import re
import string
from collections.abc import Mapping
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

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
    "claim_url": "the link that claims an offered time (waiting-list offers only)",
}

#: Fields that exist for one kind only: an offer has no booking to manage yet, only one to claim.
_ONLY_FOR = {"claim_url": {"waitlist_offer"}, "manage_url": {"confirmation", "reminder", "change", "cancellation"}}


def placeholders_for(kind: str) -> dict[str, str]:
    """The placeholders a template of this kind may use (all of them when `kind` is empty)."""
    return {name: meaning for name, meaning in PLACEHOLDERS.items() if not kind or kind in _ONLY_FOR.get(name, {kind})}


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
    (TemplateKind.WAITLIST_OFFER, Channel.EMAIL): (
        "A time has opened up: {when}",
        "Hello {first_name},\n\nA time has opened up that fits what you asked for. It goes to the first "
        "person on the waiting list who claims it.\n\n"
        "When:  {when}\nWhere: {location}, {address}\nWith:  {practitioner}\n\n"
        "To claim this time: {claim_url}\n\n"
        "Questions? Call {clinic_phone} or reply to this email.\n\n{clinic_name}\n",
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
    (TemplateKind.WAITLIST_OFFER, Channel.SMS): (
        "",
        "{clinic_name}: a time has opened up on {when} with {practitioner}. First to claim it gets it: {claim_url}",
    ),
}

#: Every text ends with this (not editable): patients can always stop texts.
STOP_LINE = "Reply STOP to stop texts."

#: A text message longer than this is refused when saved (about four SMS segments).
SMS_MAX_CHARS = 600


class MessageRenderError(Exception):
    """A template could not be filled: an unknown field, or a value the sender did not give."""


@dataclass(frozen=True)
class RenderedMessage:
    kind: str
    channel: str
    subject: str  # empty for text messages
    body: str  # the plain text (a text message's whole text)
    html: str = ""  # emails only: the same words as an HTML document


def template_errors(text: str, kind: str = "") -> list[str]:
    """What is wrong with a template's text for messages of `kind` (empty list: it is fine)."""
    allowed = placeholders_for(kind)
    errors: list[str] = []
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as exc:
        return [f"The braces do not match ({exc}). Write {{{{ and }}}} for a literal brace."]
    for _literal, field, spec, conversion in parsed:
        if field is None:
            continue
        if field not in allowed:
            errors.append(f"{{{field}}} is not a placeholder here; use one of: " + ", ".join(
                f"{{{name}}}" for name in allowed))
        elif spec or conversion:
            errors.append(f"Write {{{field}}} without formatting after it.")
    return errors


_BLANK_RUN = re.compile(r"\n{3,}")


def _html_value(field: str, value: str) -> str:
    escaped = html.escape(value)
    # A link is a link in the HTML part; anything else is plain escaped text.
    if field.endswith("_url") and value.startswith(("https://", "http://")):
        return f'<a href="{escaped}">{escaped}</a>'
    return escaped


def _fill(text: str, context: Mapping[str, object], *, as_html: bool = False) -> str:
    """The template with its fields filled; with `as_html`, literal text and values are escaped."""
    out: list[str] = []
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as exc:
        raise MessageRenderError(f"unbalanced braces: {exc}") from None
    for literal, field, spec, conversion in parsed:
        out.append(html.escape(literal) if as_html else literal)
        if field is None:
            continue
        if field not in PLACEHOLDERS or spec or conversion:
            raise MessageRenderError(f"{{{field}}} is not a placeholder")
        if field not in context:
            raise MessageRenderError(f"no value for {{{field}}}")
        value = str(context[field] if context[field] is not None else "")
        out.append(_html_value(field, value) if as_html else value)
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


def _html_paragraphs(filled: str) -> str:
    """Escaped, filled text as paragraphs: a blank line starts a new one, a line break stays one."""
    paragraphs = [part.strip("\n") for part in filled.split("\n\n")]
    return "\n".join(f"<p>{part.replace(chr(10), '<br>' + chr(10))}</p>" for part in paragraphs if part.strip())


def render_message(kind: str, channel: str, context: Mapping[str, object]) -> RenderedMessage:
    """Fill the template for `kind` ('confirmation', 'reminder', 'change', 'cancellation',
    'waitlist_offer') on `channel` ('email', 'sms') from `context` (keys from PLACEHOLDERS).

    The clinic's own wording when it has written one, else the default. Raises MessageRenderError
    for an unknown kind or channel or a missing value. The subject is one line; text messages have
    none and end with STOP_LINE. An email's HTML part is the same template, escaped, in the layout.
    """
    subject, body, _ = template_for(kind, channel)
    if channel != Channel.EMAIL:
        text = _fill(body, context).strip()
        return RenderedMessage(kind=kind, channel=channel, subject="", body=f"{text} {STOP_LINE}")
    rendered_subject = " ".join(_fill(subject, context).split())
    html_body = render_to_string(
        "clinic/email/message.html",
        {
            "subject": rendered_subject,
            "clinic_name": context.get("clinic_name", ""),
            # Safe: _fill escaped every literal and value; only our <p>, <br> and <a> are markup.
            "paragraphs": mark_safe(_html_paragraphs(_fill(body, context, as_html=True))),
        },
    )
    return RenderedMessage(
        kind=kind, channel=channel, subject=rendered_subject, body=_fill(body, context), html=html_body
    )
