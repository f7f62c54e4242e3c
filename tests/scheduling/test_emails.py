"""Patient emails through a real SMTP server on loopback; the outbox records every outcome."""

import datetime
import email
import email.policy
import socket

import icalendar
import pytest
import time_machine
from aiosmtpd.controller import Controller
from django.core.management import call_command

from fracturecare.scheduling.models import MessageKind, MessageStatus, OutboxMessage
from fracturecare.scheduling.outbox import BACKOFF, INTERRUPTED, MAX_ATTEMPTS, outbox_retry, outbox_send_due
from fracturecare.scheduling.services import appointment_book, appointment_cancel
from tests.scheduling.conftest import NY, details, ny

NOW = ny(2026, 3, 1, 8, 0)  # a week before the spring DST change


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    """An aiosmtpd handler that keeps what it receives, or refuses recipients when told to."""

    def __init__(self):
        self.messages = []
        self.refuse = False

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 Message accepted"


@pytest.fixture
def smtp(settings):
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS, settings.EMAIL_TIMEOUT = False, 5
    yield inbox
    controller.stop()


@pytest.fixture
def smtp_down(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", _free_port()  # nothing listens there
    settings.EMAIL_USE_TLS, settings.EMAIL_TIMEOUT = False, 2


@pytest.fixture
def booked(clinic):
    with time_machine.travel(NOW, tick=False):
        return appointment_book(
            appointment_type=clinic.kind,
            practitioner=clinic.dana,
            start=ny(2026, 3, 9, 9, 0),
            details=details(),
            reason="Sharp pain in the left shin after running",
            intake={"pain_area": "shin"},
        )


def _ics(message) -> icalendar.Calendar:
    parts = [p for p in message.iter_attachments() if p.get_filename() == "appointment.ics"]
    assert len(parts) == 1
    assert parts[0].get_content_type() == "text/calendar"
    return icalendar.Calendar.from_ical(parts[0].get_payload(decode=True))


HEALTH_WORDS = ("pain", "shin", "fracture", "running", "consultation", "injury")


def test_the_confirmation_goes_out_with_a_calendar_file_and_no_health_detail(smtp, booked):
    with time_machine.travel(NOW, tick=False):
        report = outbox_send_due()
    assert len(report.sent) == 1 and not report.failed
    assert len(smtp.messages) == 1
    message = smtp.messages[0]
    assert message["To"] == "ana@example.test"
    subject = message["Subject"]
    assert subject == "Your appointment on Monday 9 March 2026 at 9:00 AM (EDT) is booked"
    body = message.get_body(preferencelist=("plain",)).get_content()
    for word in HEALTH_WORDS:
        assert word not in subject.lower()
        assert word not in body.lower()
    assert "Downtown clinic, 100 Main Street, Springfield" in body
    assert "https://clinic.example.test/book/manage/" in body

    cal = _ics(message)
    event = cal.walk("VEVENT")[0]
    start = event.decoded("dtstart")
    assert start == datetime.datetime(2026, 3, 9, 9, 0, tzinfo=NY)
    assert start.utcoffset() == datetime.timedelta(hours=-4)
    assert start.astimezone(datetime.UTC) == datetime.datetime(2026, 3, 9, 13, 0, tzinfo=datetime.UTC)
    assert event["dtstart"].params["TZID"] == "America/New_York"
    assert event.decoded("dtend") - start == datetime.timedelta(minutes=60)
    assert cal.walk("VTIMEZONE")[0]["TZID"] == "America/New_York"
    summary = str(event["summary"])
    assert summary == "Appointment at Downtown clinic"
    assert not any(word in summary.lower() for word in HEALTH_WORDS)
    assert str(event["uid"]) == f"appointment-{booked.pk}@clinic.example.test"

    row = OutboxMessage.objects.get(kind=MessageKind.CONFIRMATION)
    assert (row.status, row.attempts, row.last_error, row.subject) == (MessageStatus.SENT, 1, "", subject)
    assert row.sent_at is not None


def test_the_reminder_waits_until_a_day_before(smtp, booked):
    with time_machine.travel(NOW, tick=False):
        outbox_send_due()
    with time_machine.travel(ny(2026, 3, 8, 8, 59), tick=False):
        assert outbox_send_due().sent == []
    with time_machine.travel(ny(2026, 3, 8, 9, 0), tick=False):
        report = outbox_send_due()
    assert len(report.sent) == 1
    assert smtp.messages[-1]["Subject"].startswith("Reminder: your appointment on Monday 9 March 2026 at 9:00 AM")
    assert OutboxMessage.objects.get(kind=MessageKind.REMINDER).status == MessageStatus.SENT


def test_a_cancellation_sends_a_cancelled_calendar_entry_and_drops_the_reminder(smtp, booked):
    with time_machine.travel(NOW, tick=False):
        outbox_send_due()
        appointment_cancel(appointment=booked)
        outbox_send_due()
    with time_machine.travel(ny(2026, 3, 8, 9, 0), tick=False):
        assert outbox_send_due().sent == []
    assert [m["Subject"].split(" on ")[0] for m in smtp.messages] == ["Your appointment", "Your appointment"]
    cal = _ics(smtp.messages[1])
    assert str(cal["method"]) == "CANCEL"
    assert str(cal.walk("VEVENT")[0]["status"]) == "CANCELLED"
    assert cal.walk("VEVENT")[0]["sequence"] == 1
    assert OutboxMessage.objects.get(kind=MessageKind.REMINDER).status == MessageStatus.CANCELLED


def test_a_server_that_is_down_is_recorded_as_a_failure_never_as_sent(smtp_down, booked):
    with time_machine.travel(NOW, tick=False):
        report = outbox_send_due()
    assert report.sent == [] and len(report.failed) == 1
    row = OutboxMessage.objects.get(kind=MessageKind.CONFIRMATION)
    assert row.status == MessageStatus.FAILED and row.sent_at is None
    assert row.attempts == 1
    assert "ConnectionRefusedError" in row.last_error or "refused" in row.last_error.lower()
    assert row.retry_at == NOW + datetime.timedelta(minutes=5)


def test_a_refused_recipient_is_recorded_with_the_reason(smtp, booked):
    smtp.refuse = True
    with time_machine.travel(NOW, tick=False):
        outbox_send_due()
    row = OutboxMessage.objects.get(kind=MessageKind.CONFIRMATION)
    assert row.status == MessageStatus.FAILED
    assert "SMTPRecipientsRefused" in row.last_error and "Mailbox unavailable" in row.last_error
    assert smtp.messages == []


def test_failures_are_retried_automatically_then_wait_for_a_person(smtp_down, booked, settings):
    # Each attempt waits out the back-off of the one before (5 min, 30 min, 2 h, 6 h).
    moments = [NOW]
    for wait in BACKOFF:
        moments.append(moments[-1] + wait + datetime.timedelta(seconds=1))
    assert len(moments) == MAX_ATTEMPTS
    for moment in moments:
        with time_machine.travel(moment, tick=False):
            outbox_send_due()
    row = OutboxMessage.objects.get(kind=MessageKind.CONFIRMATION)
    assert (row.status, row.attempts, row.retry_at) == (MessageStatus.FAILED, MAX_ATTEMPTS, None)
    with time_machine.travel(NOW + datetime.timedelta(days=1), tick=False):
        assert outbox_send_due().failed == []  # no more automatic tries


def test_retry_after_the_server_is_back_sends_it(smtp_down, booked, settings, login):
    with time_machine.travel(NOW, tick=False):
        outbox_send_due()
    row = OutboxMessage.objects.get(kind=MessageKind.CONFIRMATION)
    assert row.status == MessageStatus.FAILED
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=settings.EMAIL_PORT)
    controller.start()
    try:
        with time_machine.travel(NOW + datetime.timedelta(minutes=1), tick=False):
            outbox_retry(message=row, actor=None)
            report = outbox_send_due()
    finally:
        controller.stop()
    assert report.sent == [row.pk]
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == (MessageStatus.SENT, 2, "")
    assert len(inbox.messages) == 1


def test_a_message_left_sending_by_a_dead_worker_is_shown_as_failed(smtp, booked):
    OutboxMessage.objects.filter(kind=MessageKind.CONFIRMATION).update(status=MessageStatus.SENDING, claimed_at=NOW)
    with time_machine.travel(NOW + datetime.timedelta(minutes=20), tick=False):
        outbox_send_due()
    row = OutboxMessage.objects.get(kind=MessageKind.CONFIRMATION)
    assert (row.status, row.last_error) == (MessageStatus.FAILED, INTERRUPTED)
    assert smtp.messages == []  # never resent on its own: it may have gone out


def test_the_worker_command_sends_once(smtp, booked, capsys):
    with time_machine.travel(NOW, tick=False):
        call_command("send_outbox", "--once")
    assert "sent 1, failed 0" in capsys.readouterr().out
    assert len(smtp.messages) == 1
