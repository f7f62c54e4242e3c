"""render_message: the clinic's wording with safe placeholders; today's texts by default."""

from __future__ import annotations

import pytest

from fracturecare.clinic.forms import MessageTemplateForm
from fracturecare.clinic.messages import (
    PLACEHOLDERS,
    STOP_LINE,
    MessageRenderError,
    render_message,
    template_errors,
)
from fracturecare.clinic.models import MessageTemplate

CONTEXT = {
    "first_name": "Jo",
    "when": "Monday 9 March 2026 at 9:00 AM (EDT)",
    "practitioner": "Dana Reyes",
    "location": "Downtown clinic",
    "address": "100 Main Street, Springfield",
    "directions": "Lift to the 2nd floor.",
    "manage_url": "https://clinic.example.test/book/manage/abc/",
    "book_url": "https://clinic.example.test/book/",
    "clinic_name": "Springfield Clinic",
    "clinic_phone": "+1-555-010-0199",
    "clinic_sms": "+1-555-010-0198",
    "clinic_email": "desk@example.test",
}

# The default confirmation email: the wording the clinic sent before it could edit its own.
BEFORE = """Hello Jo,

Your appointment is booked.

When:  Monday 9 March 2026 at 9:00 AM (EDT)
Where: Downtown clinic, 100 Main Street, Springfield
With:  Dana Reyes

Lift to the 2nd floor.

To change or cancel: https://clinic.example.test/book/manage/abc/

The calendar file attached adds this to your calendar.

Questions? Call +1-555-010-0199 or reply to this email.

Springfield Clinic
"""


@pytest.mark.django_db
def test_the_default_email_is_todays_text():
    message = render_message("confirmation", "email", CONTEXT)
    assert message.subject == "Your appointment on Monday 9 March 2026 at 9:00 AM (EDT) is booked"
    assert message.body == BEFORE


@pytest.mark.django_db
def test_no_directions_leaves_no_hole():
    body = render_message("reminder", "email", {**CONTEXT, "directions": ""}).body
    assert "With:  Dana Reyes\n\nTo change or cancel:" in body
    assert "\n\n\n" not in body


@pytest.mark.django_db
def test_a_cancellation_offers_booking_again_and_no_directions():
    body = render_message("cancellation", "email", CONTEXT).body
    assert "To book another time: https://clinic.example.test/book/" in body
    assert "Lift to the 2nd floor." not in body and "manage" not in body


@pytest.mark.django_db
def test_text_messages_have_no_subject():
    message = render_message("reminder", "sms", CONTEXT)
    assert message.subject == ""
    assert message.body.startswith("Springfield Clinic: reminder of your appointment on Monday 9 March")


@pytest.mark.django_db
def test_the_clinics_own_wording_is_used():
    MessageTemplate.objects.create(kind="confirmation", channel="sms", body="Hi {first_name}, see you {when}. {{ok}}")
    assert render_message("confirmation", "sms", CONTEXT).body == (
        f"Hi Jo, see you Monday 9 March 2026 at 9:00 AM (EDT). {{ok}} {STOP_LINE}"
    )


@pytest.mark.django_db
def test_rendering_fails_closed():
    with pytest.raises(MessageRenderError):
        render_message("confirmation", "email", {k: v for k, v in CONTEXT.items() if k != "when"})
    with pytest.raises(MessageRenderError):
        render_message("invoice", "email", CONTEXT)
    with pytest.raises(MessageRenderError):
        render_message("confirmation", "fax", CONTEXT)
    MessageTemplate.objects.create(kind="reminder", channel="sms", body="{patient.reason}")
    with pytest.raises(MessageRenderError):
        render_message("reminder", "sms", CONTEXT)


@pytest.mark.parametrize(
    "text",
    ["{reason}", "{first_name.__class__}", "{first_name[0]}", "{first_name!r}", "{when:>40}", "{", "}", "{{%s}"],
)
def test_unsafe_or_unknown_placeholders_are_refused(text):
    assert template_errors(text)


def test_every_placeholder_is_accepted():
    assert template_errors(" ".join("{" + name + "}" for name in PLACEHOLDERS)) == []


@pytest.mark.django_db
def test_the_email_html_part_is_the_same_words_escaped():
    message = render_message("confirmation", "email", {**CONTEXT, "first_name": "Jo & <i>Al</i>"})
    assert "<p>Hello Jo &amp; &lt;i&gt;Al&lt;/i&gt;,</p>" in message.html
    assert "<i>" not in message.html
    assert 'To change or cancel: <a href="https://clinic.example.test/book/manage/abc/">' in message.html
    assert "Where: Downtown clinic, 100 Main Street, Springfield<br>" in message.html


def test_a_link_field_belongs_to_its_kind():
    assert template_errors("Claim: {claim_url}", "waitlist_offer") == []
    assert "{manage_url} is not a placeholder here" in template_errors("{manage_url}", "waitlist_offer")[0]
    assert "{claim_url} is not a placeholder here" in template_errors("{claim_url}", "confirmation")[0]


def test_the_form_names_the_bad_field():
    form = MessageTemplateForm({"subject": "Hi {diagnosis}", "body": "ok"}, channel="email")
    assert not form.is_valid()
    assert "{diagnosis} is not a placeholder" in form.errors["subject"][0]
    offer = MessageTemplateForm({"body": "Manage: {manage_url}"}, channel="sms", kind="waitlist_offer")
    assert not offer.is_valid() and "{manage_url}" in offer.errors["body"][0]
    sms = MessageTemplateForm({"body": "x" * 601}, channel="sms")
    assert not sms.is_valid() and "body" in sms.errors
