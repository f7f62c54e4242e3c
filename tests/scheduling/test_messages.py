"""Every message kind: an HTML part beside the text, a Message-ID on the clinic's domain, no
health detail in any subject; the clinic's edited wording is what is sent; and the waiting list's
offer, claimed first come first served."""

import string

import pytest
import time_machine
from django.conf import settings
from django.core import mail

from fracturecare.accounts.models import Role
from fracturecare.audit.models import AuditEvent
from fracturecare.clinic.messages import DEFAULTS, STOP_LINE, render_message
from fracturecare.clinic.models import MessageTemplate
from fracturecare.scheduling.links import offer_token
from fracturecare.scheduling.models import (
    Appointment,
    AppointmentStatus,
    MessageChannel,
    MessageKind,
    MessageStatus,
    OutboxMessage,
    WaitlistEntry,
    WaitlistOffer,
)
from fracturecare.scheduling.outbox import outbox_send_due
from fracturecare.scheduling.services import (
    appointment_book,
    appointment_cancel,
    appointment_move,
    waitlist_add,
)
from fracturecare.scheduling.sms import FileSink
from tests.factories import PatientFactory, UserFactory
from tests.scheduling.conftest import details, ny

NOW = ny(2026, 6, 1, 8)
HEALTH_WORDS = ("pain", "shin", "fracture", "consultation", "injury", "needl", "acupunct", "x-ray")


@pytest.fixture(autouse=True)
def _locmem(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def _every_kind(clinic):
    """One appointment through its life (confirmation, change, reminder, cancellation) and a waitlist offer."""
    waiting = PatientFactory(first_name="Wes", email="wes@example.test")
    waitlist_add(
        patient=waiting, appointment_type=clinic.kind, practitioner=None, weekdays=[], earliest=None, latest=None
    )
    with time_machine.travel(NOW, tick=False):
        appointment = appointment_book(
            appointment_type=clinic.kind,
            practitioner=clinic.dana,
            start=ny(2026, 6, 3, 10),
            details=details(),
            reason="Sharp shin pain, suspected stress fracture",
        )
        outbox_send_due()  # the confirmation
        appointment = appointment_move(appointment=appointment, start=ny(2026, 6, 3, 11))
    with time_machine.travel(ny(2026, 6, 2, 11, 30), tick=False):
        outbox_send_due()  # change, reminder
        appointment_cancel(appointment=appointment)
        outbox_send_due()  # cancellation, waitlist offer
    return appointment


def test_every_kind_has_html_a_clinic_message_id_and_a_subject_without_health_detail(clinic):
    _every_kind(clinic)
    sent = OutboxMessage.objects.filter(channel=MessageChannel.EMAIL, status=MessageStatus.SENT)
    kinds = set(sent.values_list("kind", flat=True))
    assert kinds == set(MessageKind.values)  # the loop below covers every kind
    assert len(mail.outbox) == sent.count()
    for message in mail.outbox:
        subject = message.subject.lower()
        assert not any(word in subject for word in HEALTH_WORDS), message.subject
        html = dict((mime, body) for body, mime in message.alternatives)["text/html"]
        assert "<html" in html and "Springfield Clinic" in html
        assert not any(word in html.lower() for word in ("shin", "fracture", "suspected"))
        message_id = message.extra_headers["Message-ID"]
        assert message_id.startswith("<outbox-") and message_id.endswith("@clinic.example.test>")
    ids = [m.extra_headers["Message-ID"] for m in mail.outbox]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("kind", MessageKind.values)
def test_every_kind_has_default_wording_and_its_subject_names_only_the_time(kind):
    subject, _body = DEFAULTS[(kind, "email")]
    assert [field for _, field, _, _ in string.Formatter().parse(subject) if field] == ["when"]
    assert (kind, "sms") in DEFAULTS


def test_the_clinics_edited_confirmation_is_what_is_sent(clinic, client):
    """The admin edits the confirmation on the settings page; the next booking's email (text and
    HTML) and text carry the new words, with every value escaped in the HTML part."""
    client.force_login(UserFactory(role=Role.CLINIC_ADMIN))
    saved = client.post("/clinic/settings/messages/confirmation/email/", {
        "subject": "Booked: {when}",
        "body": "Dear {first_name},\n\nSee you {when} with {practitioner} <3.\nBring trainers.\n\n"
                "Manage it here: {manage_url}",
    })
    assert saved.status_code == 302
    assert client.post("/clinic/settings/messages/confirmation/sms/",
                       {"body": "{clinic_name} has you on {when}. Bring trainers!"}).status_code == 302
    with time_machine.travel(NOW, tick=False):
        appointment_book(appointment_type=clinic.kind, practitioner=clinic.dana, start=ny(2026, 6, 3, 10),
                         details=details(first_name="Ana <b>"), reason="Shin pain", text_consent=True)
        report = outbox_send_due()
    assert len(report.sent) == 2
    [email] = mail.outbox
    assert email.subject == "Booked: Wednesday 3 June 2026 at 10:00 AM (EDT)"
    assert email.body.startswith("Dear Ana <b>,\n\nSee you Wednesday 3 June 2026 at 10:00 AM (EDT) with ")
    assert "Bring trainers." in email.body and "/book/manage/" in email.body
    html = dict((mime, body) for body, mime in email.alternatives)["text/html"]
    assert "<p>Dear Ana &lt;b&gt;,</p>" in html and "&lt;3.<br>" in html and "<b>" not in html
    assert '<a href="https://clinic.example.test/book/manage/' in html
    assert "Springfield Clinic" in html and "The calendar file attached" not in html  # the old wording is gone
    [text] = FileSink(settings.SMS_SINK_PATH).read()
    assert text["body"] == f"Springfield Clinic has you on Wednesday 3 June 2026 at 10:00 AM (EDT). " \
                           f"Bring trainers! {STOP_LINE}"


def test_a_template_that_cannot_be_filled_fails_the_message_and_is_retried_not_sent_half(clinic):
    """Fail closed: a stored template with a field the message has no value for is recorded as a
    failure (and retried), never sent half-filled."""
    MessageTemplate.objects.create(kind="confirmation", channel="email", subject="{when}", body="{claim_url}")
    with time_machine.travel(NOW, tick=False):
        appointment_book(appointment_type=clinic.kind, practitioner=clinic.dana, start=ny(2026, 6, 3, 10),
                         details=details(), reason="x")
        report = outbox_send_due()
    assert len(report.failed) == 1 and not mail.outbox
    failed = OutboxMessage.objects.get(pk=report.failed[0])
    assert failed.status == MessageStatus.FAILED and "claim_url" in failed.last_error and failed.retry_at


@pytest.mark.django_db
def test_the_waitlist_offer_template_renders_its_claim_link():
    message = render_message("waitlist_offer", "sms", {
        "first_name": "Jo", "when": "Monday", "practitioner": "Dana", "location": "Downtown", "address": "1 Main",
        "directions": "", "claim_url": "https://c.test/claim", "book_url": "https://c.test/book/",
        "clinic_name": "C", "clinic_phone": "1", "clinic_sms": "", "clinic_email": "",
    })
    assert "https://c.test/claim" in message.body and message.body.endswith(STOP_LINE)


def test_a_freed_time_is_offered_and_the_first_claim_gets_it(clinic, client):
    first = PatientFactory(first_name="Ola", email="ola@example.test")
    second = PatientFactory(first_name="Pia", email="pia@example.test")
    wrong_day = PatientFactory(first_name="Quin", email="quin@example.test")
    for patient, weekdays in ((first, []), (second, [2]), (wrong_day, [4])):  # 3 June 2026 is a Wednesday
        waitlist_add(
            patient=patient,
            appointment_type=clinic.kind,
            practitioner=None,
            weekdays=weekdays,
            earliest=None,
            latest=None,
        )
    with time_machine.travel(NOW, tick=False):
        appointment = appointment_book(
            appointment_type=clinic.kind,
            practitioner=clinic.dana,
            start=ny(2026, 6, 3, 10),
            details=details(),
            reason="x",
        )
        appointment_cancel(appointment=appointment)
    offers = WaitlistOffer.objects.order_by("id")
    assert [o.entry.patient for o in offers] == [first, second]  # Quin wants Fridays
    offer_mail = OutboxMessage.objects.filter(kind=MessageKind.WAITLIST_OFFER)
    assert {m.patient for m in offer_mail} == {first, second}
    with time_machine.travel(ny(2026, 6, 1, 9), tick=False):
        outbox_send_due()
        link = f"/book/waitlist/{offer_token(offers[1])}/"
        assert any(link in m.body for m in mail.outbox)
        assert b"Claim this time" in client.get(link).content
        # Opening the offer reads the patient's waiting-list entry.
        assert AuditEvent.objects.filter(action="waitlist.viewed", patient=second, actor_label="waitlist link").exists()
        response = client.post(link)
        assert response.status_code == 302 and "/book/manage/" in response["Location"]
        # The other patient is too late.
        late = client.post(f"/book/waitlist/{offer_token(offers[0])}/", follow=True)
    assert b"already been taken" in late.content
    booked = Appointment.objects.get(status=AppointmentStatus.BOOKED)
    assert booked.patient == second and booked.start == ny(2026, 6, 3, 10) and booked.source == "waitlist"
    assert WaitlistEntry.objects.get(patient=second).state == WaitlistEntry.State.BOOKED
    assert WaitlistEntry.objects.get(patient=first).state == WaitlistEntry.State.WAITING
    assert set(WaitlistOffer.objects.values_list("state", flat=True)) == {"claimed", "gone"}
    assert AuditEvent.objects.filter(action="waitlist.claimed", patient=second).count() == 1
    assert client.get("/book/waitlist/forged/").status_code == 404
