"""Sending what the booking services queued (emails and texts), and recording exactly what happened.

Delivery guarantees, so an outage neither loses nor duplicates a message:
- a worker claims a message with one conditional UPDATE (queued/failed-and-due -> sending,
  with `claimed_at` as its lease), so two workers never both send it;
- a message is marked sent only after the mail server or the SMS provider accepted it;
- a provider error is recorded with its reason, the attempt counted, and the message tried again
  after BACKOFF (5 min, 30 min, 2 h, 6 h), up to MAX_ATTEMPTS; after that it waits for the front
  desk's retry button, visible on the messages page;
- a claim older than STALE_CLAIM belongs to a worker that died mid-send: the outcome is unknown,
  so the message is NOT re-sent automatically (that could duplicate it) but marked failed for a
  person to check and retry;
- each send is keyed by the message id (the email's Message-ID, the sink's record key), so a retry
  is recognisable as the same message.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field

from django.core.mail import get_connection
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from fracturecare.audit.actions import AuditAction
from fracturecare.audit.services import audit_record
from fracturecare.clinic.selectors import clinic_scope
from fracturecare.scheduling.models import (
    RELEASED_STATUSES,
    MessageChannel,
    MessageKind,
    MessageStatus,
    OutboxMessage,
    WaitlistOffer,
)
from fracturecare.scheduling.notifications import build_email, build_sms
from fracturecare.scheduling.queueing import may_text
from fracturecare.scheduling.sms import get_provider

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
#: Wait before automatic attempt 2, 3, ...: together about 8.5 hours of outage ridden out.
BACKOFF = (
    datetime.timedelta(minutes=5),
    datetime.timedelta(minutes=30),
    datetime.timedelta(hours=2),
    datetime.timedelta(hours=6),
)
#: A message claimed longer ago than this belongs to a worker that stopped mid-send.
STALE_CLAIM = datetime.timedelta(minutes=15)
INTERRUPTED = "The sender stopped while sending; the message may or may not have been delivered."


@dataclass
class SendReport:
    sent: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)


def _due(now: datetime.datetime):
    return OutboxMessage.objects.filter(
        Q(status=MessageStatus.QUEUED, send_after__lte=now)
        | Q(status=MessageStatus.FAILED, retry_at__lte=now, attempts__lt=MAX_ATTEMPTS)
    )


def _claim(message_id: int, now: datetime.datetime) -> bool:
    """Take one message for this worker; a single UPDATE, so two workers cannot both win."""
    return bool(_due(now).filter(pk=message_id).update(status=MessageStatus.SENDING, claimed_at=now, updated_at=now))


def _not_needed_reason(message: OutboxMessage, now: datetime.datetime) -> str:
    if message.channel == MessageChannel.SMS and not may_text(message.to_phone):
        return "opted out of texts"
    offer = message.waitlist_offer
    if offer is not None:
        if offer.state != WaitlistOffer.State.OPEN or offer.expires_at <= now:
            return "offer no longer open"
        return ""
    appointment = message.appointment
    if appointment is None:  # the outbox_has_subject constraint rules this out
        raise ValueError(f"outbox message {message.pk} has neither an appointment nor an offer")
    if message.kind != MessageKind.CANCELLATION and appointment.status in RELEASED_STATUSES:
        return "appointment cancelled"
    if message.kind == MessageKind.REMINDER and appointment.start <= now:
        return "appointment already started"
    return ""


def _deliver(message: OutboxMessage) -> tuple[str, str]:
    """Hand the message to its channel; (subject, provider id) once accepted, else an exception."""
    if message.channel == MessageChannel.SMS:
        body = build_sms(message)
        provider_id = get_provider().send(message_id=message.pk, to=message.to_phone, body=body)
        return "", provider_id
    email = build_email(message)
    # A fresh connection per message: one broken session must not fail the rest.
    email.connection = get_connection(fail_silently=False)
    accepted = email.send(fail_silently=False)
    if accepted != 1:
        raise RuntimeError("the mail backend accepted no message")
    return str(email.subject), email.extra_headers["Message-ID"]


def _finish(message: OutboxMessage, **fields) -> None:
    fields["updated_at"] = timezone.now()
    OutboxMessage.objects.filter(pk=message.pk, status=MessageStatus.SENDING).update(**fields)


def _send_one(message: OutboxMessage, now: datetime.datetime, report: SendReport) -> None:
    reason = _not_needed_reason(message, now)
    if reason:
        _finish(message, status=MessageStatus.CANCELLED, last_error=reason)
        report.skipped.append(message.pk)
        return
    attempts = message.attempts + 1
    try:
        subject, provider_id = _deliver(message)
    except Exception as exc:  # noqa: BLE001 - any failure must be recorded, never lost
        error = f"{type(exc).__name__}: {exc}"[:500]
        retry = now + BACKOFF[min(attempts, len(BACKOFF)) - 1] if attempts < MAX_ATTEMPTS else None
        _finish(message, status=MessageStatus.FAILED, attempts=attempts, last_error=error, retry_at=retry)
        log.warning("outbox message %s failed (attempt %s): %s", message.pk, attempts, error)
        report.failed.append(message.pk)
        return
    _finish(
        message,
        status=MessageStatus.SENT,
        attempts=attempts,
        sent_at=timezone.now(),
        subject=subject[:200],
        provider_id=provider_id[:100],
        last_error="",
        retry_at=None,
    )
    report.sent.append(message.pk)


def release_stale_claims(*, now: datetime.datetime | None = None) -> int:
    """Mark messages left 'sending' by a dead worker as failed, for a person to retry."""
    now = now or timezone.now()
    return OutboxMessage.objects.filter(status=MessageStatus.SENDING, claimed_at__lt=now - STALE_CLAIM).update(
        status=MessageStatus.FAILED, last_error=INTERRUPTED, retry_at=None, attempts=MAX_ATTEMPTS, updated_at=now
    )


def outbox_send_due(*, now: datetime.datetime | None = None, limit: int = 100) -> SendReport:
    """Send every message that is due (and failed ones whose retry time has come).

    Safe to run in several workers at once: each message is claimed before it is sent.
    """
    now = now or timezone.now()
    release_stale_claims(now=now)
    report = SendReport()
    ids = list(_due(now).order_by("send_after", "id").values_list("pk", flat=True)[:limit])
    if not ids:
        return report
    # One read of the clinic's profile (name, numbers) for the batch; the next batch sees any change.
    with clinic_scope():
        for message_id in ids:
            if not _claim(message_id, now):
                continue  # another worker took it
            message = OutboxMessage.objects.select_related(
                "patient",
                "appointment__patient",
                "appointment__practitioner__user",
                "appointment__location",
                "waitlist_offer__practitioner__user",
                "waitlist_offer__freed_by__location",
            ).get(pk=message_id)
            _send_one(message, now, report)
    return report


@transaction.atomic
def outbox_retry(*, message: OutboxMessage, actor, request=None) -> OutboxMessage:
    """Queue a failed message again, now (the front desk's retry button)."""
    message = OutboxMessage.objects.select_for_update().select_related("patient").get(pk=message.pk)
    if message.status != MessageStatus.FAILED:
        return message
    message.status = MessageStatus.QUEUED
    message.send_after = timezone.now()
    message.retry_at = None
    message.save(update_fields=["status", "send_after", "retry_at", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.OUTBOX_RETRIED,
        patient=message.patient,
        obj=message,
        data={"kind": message.kind, "channel": message.channel, "attempts": message.attempts},
        request=request,
    )
    return message
