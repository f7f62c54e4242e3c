"""Putting messages in the outbox, and the consent that decides whether a text may go.

Called inside the transaction of the change a message reports, so the message exists if and
only if the change does.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from fracturecare.audit.actions import AuditAction
from fracturecare.audit.services import audit_record
from fracturecare.patients.models import Patient
from fracturecare.scheduling.models import (
    Appointment,
    MessageChannel,
    MessageStatus,
    OutboxMessage,
    TextConsent,
    WaitlistOffer,
)
from fracturecare.scheduling.sms.base import START_WORDS, STOP_WORDS, normalize_phone


def text_permission(phone: str) -> TextConsent | None:
    """The consent row for a number, if any (None also for a number that cannot take texts)."""
    number = normalize_phone(phone)
    if number is None:
        return None
    return TextConsent.objects.filter(phone=number).first()


def may_text(phone: str) -> bool:
    """A text may go to this number: consent recorded and no STOP since."""
    consent = text_permission(phone)
    return consent is not None and consent.may_text


def text_consent_record(
    *, patient: Patient, source: str, actor=None, actor_label: str = "", request=None
) -> TextConsent | None:
    """Record that the patient agreed to texts at their mobile number (a STOP stays a STOP).

    Returns None when the patient has no number that can take texts.
    """
    number = normalize_phone(patient.phone)
    if number is None:
        return None
    consent, _ = TextConsent.objects.get_or_create(phone=number)
    if consent.opted_out_at is not None:
        # Consent at the desk cannot undo a STOP; only the patient texting START can.
        return consent
    if consent.consented_at is None:
        consent.consented_at = timezone.now()
        consent.consent_source = source[:40]
        consent.save()
        audit_record(
            actor=actor,
            actor_label=actor_label,
            action=AuditAction.SMS_CONSENT_GIVEN,
            patient=patient,
            obj=consent,
            data={"source": source},
            request=request,
        )
    return consent


def text_opt_out(*, phone: str, source: str, request=None) -> TextConsent | None:
    """A STOP from this number: no further texts, and queued ones are dropped."""
    number = normalize_phone(phone)
    if number is None:
        return None
    now = timezone.now()
    consent, _ = TextConsent.objects.get_or_create(phone=number)
    if consent.opted_out_at is None:
        consent.opted_out_at = now
        consent.save()
        OutboxMessage.objects.filter(
            channel=MessageChannel.SMS, to_phone=number, status__in=[MessageStatus.QUEUED, MessageStatus.FAILED]
        ).update(status=MessageStatus.CANCELLED, last_error="opted out (STOP)", retry_at=None, updated_at=now)
        audit_record(
            actor=None,
            actor_label=f"sms inbound ({source})",
            action=AuditAction.SMS_OPTED_OUT,
            obj=consent,
            data={"source": source},
            request=request,
        )
    return consent


def text_opt_in(*, phone: str, source: str, request=None) -> TextConsent | None:
    """START from a number that had sent STOP: texts may go again."""
    number = normalize_phone(phone)
    if number is None:
        return None
    consent, _ = TextConsent.objects.get_or_create(phone=number)
    if consent.opted_out_at is not None:
        consent.opted_out_at = None
        consent.consented_at = consent.consented_at or timezone.now()
        consent.consent_source = consent.consent_source or source[:40]
        consent.save()
        audit_record(
            actor=None,
            actor_label=f"sms inbound ({source})",
            action=AuditAction.SMS_OPTED_IN,
            obj=consent,
            request=request,
        )
    return consent


def queue_for_patient(
    kind: str,
    patient: Patient,
    send_after: datetime.datetime,
    *,
    appointment: Appointment | None = None,
    offer: WaitlistOffer | None = None,
) -> list[OutboxMessage]:
    """Queue the message by email (when the patient has an address) and by text (when allowed)."""
    queued = []
    if patient.email:
        queued.append(
            OutboxMessage(
                kind=kind,
                channel=MessageChannel.EMAIL,
                patient=patient,
                appointment=appointment,
                waitlist_offer=offer,
                to_email=patient.email,
                send_after=send_after,
            )
        )
    number = normalize_phone(patient.phone)
    if number and may_text(number):
        queued.append(
            OutboxMessage(
                kind=kind,
                channel=MessageChannel.SMS,
                patient=patient,
                appointment=appointment,
                waitlist_offer=offer,
                to_phone=number,
                send_after=send_after,
            )
        )
    for message in queued:
        message.full_clean()
        message.save()
    return queued


def text_inbound(*, phone: str, body: str, source: str, request=None) -> str:
    """Handle a text sent to the clinic: STOP (and its synonyms) opts out, START opts back in.

    Returns what was done: "opted_out", "opted_in" or "ignored".
    """
    word = (body or "").strip().split(maxsplit=1)[0].upper().strip(".!") if (body or "").strip() else ""
    if word in STOP_WORDS:
        return "opted_out" if text_opt_out(phone=phone, source=source, request=request) else "ignored"
    if word in START_WORDS:
        return "opted_in" if text_opt_in(phone=phone, source=source, request=request) else "ignored"
    return "ignored"
