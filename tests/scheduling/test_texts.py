"""Text messages: consent, the sink, STOP (sink simulation and Twilio's signed webhook), and a
provider outage ridden out without losing or duplicating a text."""

import datetime

import pytest
import time_machine
from django.conf import settings
from twilio.request_validator import RequestValidator

from fracturecare.accounts.models import Role
from fracturecare.audit.models import AuditEvent
from fracturecare.scheduling import outbox as outbox_module
from fracturecare.scheduling.models import MessageChannel, MessageKind, MessageStatus, OutboxMessage, TextConsent
from fracturecare.scheduling.outbox import BACKOFF, outbox_send_due, release_stale_claims
from fracturecare.scheduling.services import appointment_book
from fracturecare.scheduling.sms import FileSink, SmsSendError, normalize_phone
from fracturecare.scheduling.sms.sink import FileSink as SinkClass
from tests.scheduling.conftest import details, ny

NOW = ny(2026, 5, 4, 8, 0)


def _sink() -> FileSink:
    return FileSink(settings.SMS_SINK_PATH)


@pytest.fixture
def texted(clinic):
    """A booking by a patient who agreed to texts, two days ahead (confirmation now, reminder later)."""
    with time_machine.travel(NOW, tick=False):
        return appointment_book(
            appointment_type=clinic.kind,
            practitioner=clinic.dana,
            start=ny(2026, 5, 6, 10),
            details=details(phone="(555) 010-0100"),
            reason="Shin pain",
            text_consent=True,
        )


@pytest.mark.parametrize(
    ("raw", "e164"),
    [
        ("(555) 010-0100", "+15550100100"),
        ("+44 20 7946 0958", "+442079460958"),
        ("0044 20 7946 0958", "+442079460958"),
        ("12", None),
        ("555-0100", None),
        ("", None),
    ],
)
def test_numbers_are_normalised_to_e164_or_refused(raw, e164):
    assert normalize_phone(raw) == e164


def test_consent_is_recorded_and_audited_and_both_channels_are_queued(texted):
    consent = TextConsent.objects.get()
    assert consent.phone == "+15550100100" and consent.may_text and consent.consent_source == "online"
    assert AuditEvent.objects.filter(action="sms.consent_given", patient=texted.patient).count() == 1
    channels = sorted(OutboxMessage.objects.filter(kind=MessageKind.CONFIRMATION).values_list("channel", flat=True))
    assert channels == [MessageChannel.EMAIL, MessageChannel.SMS]


def test_no_consent_no_text(clinic):
    with time_machine.travel(NOW, tick=False):
        appointment_book(
            appointment_type=clinic.kind,
            practitioner=clinic.dana,
            start=ny(2026, 5, 6, 10),
            details=details(phone="(555) 010-0100"),
            reason="Shin pain",
        )
    assert not OutboxMessage.objects.filter(channel=MessageChannel.SMS).exists()


def test_a_text_lands_in_the_sink_with_no_health_detail(texted):
    with time_machine.travel(NOW, tick=False):
        report = outbox_send_due()
    assert len(report.sent) == 2
    texts = _sink().read()
    assert len(texts) == 1 and texts[0]["to"] == "+15550100100"
    body = texts[0]["body"]
    assert "Springfield Clinic" in body and "Reply STOP" in body and "/book/manage/" in body
    for word in ("Shin", "shin", "pain", "consultation", "fracture"):
        assert word not in body
    sms = OutboxMessage.objects.get(channel=MessageChannel.SMS, kind=MessageKind.CONFIRMATION)
    assert sms.status == MessageStatus.SENT and sms.provider_id == f"sink-{sms.pk}"


def test_stop_in_the_sink_stops_the_next_text(texted, client, login):
    with time_machine.travel(NOW, tick=False):
        outbox_send_due()
    login(Role.FRONT_DESK)
    page = client.post("/clinic/schedule/messages/texts/", {"phone": "+1 555 010 0100", "body": "stop"})
    assert page.status_code == 302
    assert not TextConsent.objects.get().may_text
    reminder = OutboxMessage.objects.get(channel=MessageChannel.SMS, kind=MessageKind.REMINDER)
    assert reminder.status == MessageStatus.CANCELLED and "STOP" in reminder.last_error
    with time_machine.travel(ny(2026, 5, 5, 10, 30), tick=False):
        outbox_send_due()
    assert len(_sink().read()) == 1  # the reminder never went
    # A new booking with consent at the desk cannot undo a STOP.
    with time_machine.travel(NOW, tick=False):
        appointment_book(
            appointment_type=texted.appointment_type,
            practitioner=texted.practitioner,
            start=ny(2026, 5, 8, 10),
            patient=texted.patient,
            reason="Follow-up",
            source="front_desk",
            text_consent=True,
        )
    assert not OutboxMessage.objects.filter(channel=MessageChannel.SMS, status=MessageStatus.QUEUED).exists()
    assert AuditEvent.objects.filter(action="sms.opted_out").count() == 1


def test_a_stop_arriving_after_queueing_is_honoured_at_send_time(texted):
    TextConsent.objects.update(opted_out_at=NOW)  # e.g. STOP sent to the provider directly
    with time_machine.travel(NOW, tick=False):
        report = outbox_send_due()
    sms = OutboxMessage.objects.get(channel=MessageChannel.SMS, kind=MessageKind.CONFIRMATION)
    assert sms.pk in report.skipped and sms.status == MessageStatus.CANCELLED
    assert _sink().read() == []


class _Outage:
    """A provider that is down for the first `failures` calls, then accepts (counting real sends)."""

    name = "flaky"

    def __init__(self, failures: int):
        self.failures = failures
        self.calls = 0
        self.delivered: dict[int, int] = {}

    def send(self, *, message_id: int, to: str, body: str) -> str:
        self.calls += 1
        if self.calls <= self.failures:
            raise SmsSendError("provider unavailable (503)")
        self.delivered[message_id] = self.delivered.get(message_id, 0) + 1
        return f"flaky-{message_id}"


def test_a_provider_outage_is_retried_with_backoff_and_sends_exactly_once(texted, monkeypatch):
    provider = _Outage(failures=2)
    monkeypatch.setattr(outbox_module, "get_provider", lambda: provider)
    sms = OutboxMessage.objects.get(channel=MessageChannel.SMS, kind=MessageKind.CONFIRMATION)
    moment = NOW
    with time_machine.travel(moment, tick=False):
        outbox_send_due()
    sms.refresh_from_db()
    assert (sms.status, sms.attempts, sms.retry_at) == (MessageStatus.FAILED, 1, NOW + BACKOFF[0])
    assert "503" in sms.last_error
    with time_machine.travel(NOW + datetime.timedelta(minutes=1), tick=False):
        outbox_send_due()  # not due yet: no call
    assert provider.calls == 1
    moment = NOW + BACKOFF[0]
    with time_machine.travel(moment, tick=False):
        outbox_send_due()
    moment += BACKOFF[1]
    with time_machine.travel(moment, tick=False):
        outbox_send_due()
        outbox_send_due()  # a second pass (or a second worker) finds nothing to do
    sms.refresh_from_db()
    assert sms.status == MessageStatus.SENT and sms.attempts == 3
    assert provider.delivered == {sms.pk: 1}


def test_the_sink_is_idempotent_per_message_id(tmp_path):
    sink = SinkClass(tmp_path / "s.jsonl")
    assert sink.send(message_id=7, to="+15550100100", body="a") == "sink-7"
    assert sink.send(message_id=7, to="+15550100100", body="a") == "sink-7"
    assert len(sink.read()) == 1


def test_a_worker_that_died_mid_send_never_resends_automatically(texted):
    sms = OutboxMessage.objects.get(channel=MessageChannel.SMS, kind=MessageKind.CONFIRMATION)
    OutboxMessage.objects.filter(pk=sms.pk).update(status=MessageStatus.SENDING, claimed_at=NOW)
    with time_machine.travel(NOW + datetime.timedelta(hours=1), tick=False):
        assert release_stale_claims() >= 1
        outbox_send_due()
    sms.refresh_from_db()
    assert sms.status == MessageStatus.FAILED and sms.retry_at is None
    assert _sink().read() == []  # waits for a person; no duplicate risk


def _twilio_post(client, settings, body: str, *, good: bool = True):
    settings.SMS_BACKEND = "twilio"
    settings.TWILIO_AUTH_TOKEN = "test-token-not-real"
    url = settings.CLINIC["base_url"] + "/sms/inbound/twilio/"
    params = {"From": "+15550100100", "Body": body, "MessageSid": "SM1"}
    signature = RequestValidator(settings.TWILIO_AUTH_TOKEN).compute_signature(url, params)
    return client.post("/sms/inbound/twilio/", params, HTTP_X_TWILIO_SIGNATURE=signature if good else "forged")


def test_twilio_stop_webhook_needs_a_valid_signature(texted, client, settings):
    assert _twilio_post(client, settings, "STOP", good=False).status_code == 403
    assert TextConsent.objects.get().may_text
    response = _twilio_post(client, settings, "STOP")
    assert response.status_code == 200 and b"<Response>" in response.content
    assert not TextConsent.objects.get().may_text
    _twilio_post(client, settings, "START")
    assert TextConsent.objects.get().may_text


def test_the_twilio_webhook_is_absent_without_twilio(client, db):
    assert client.post("/sms/inbound/twilio/", {"From": "+15550100100", "Body": "STOP"}).status_code == 404
