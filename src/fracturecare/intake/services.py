"""Writing forms: issuing links, storing intake answers, signing and withdrawing consents.

Each function validates first and writes in one transaction with its audit event, so a refused
submission leaves nothing behind. A form of a request can be submitted once (a unique row in
FormSubmission), so a link replayed or double-submitted is refused, not stored twice.
"""

from __future__ import annotations

import datetime
import logging
import secrets
import smtplib
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone

from fracturecare.accounts.models import User
from fracturecare.audit.actions import AuditAction
from fracturecare.audit.services import audit_record
from fracturecare.clinic.selectors import clinic_details
from fracturecare.intake.content import (
    BEFORE_FIRST_VISIT,
    BEFORE_FOLLOW_UP,
    CONSENT_FORMS,
    CONSENT_KINDS,
    FormKind,
)
from fracturecare.intake.models import (
    ConsentDecision,
    ConsentRecord,
    FormRequest,
    FormSubmission,
    IntakeResponse,
)
from fracturecare.intake.rendering import consent_text
from fracturecare.intake.selectors import consent_status
from fracturecare.intake.tokens import FORMS_LINK_MAX_AGE, forms_url
from fracturecare.patients.models import Patient

logger = logging.getLogger(__name__)

PATIENT_LABEL = "patient (forms link)"
ALREADY_SUBMITTED = "This form has already been sent. Thank you; there is nothing more to do here."


@transaction.atomic
def form_request_create(
    *, patient: Patient, forms: Sequence[str], appointment: Any = None, actor: User | None = None,
    request: HttpRequest | None = None, now: datetime.datetime | None = None,
) -> FormRequest:
    """Issue a link for `forms` (FormKind values). Raises ValidationError naming an unknown form."""
    now = now or timezone.now()
    forms = list(dict.fromkeys(forms))
    unknown = [f for f in forms if f not in FormKind.values]
    if unknown or not forms:
        raise ValidationError({"forms": f"Unknown or no forms: {unknown or forms!r}."})
    form_request = FormRequest.objects.create(
        patient=patient, appointment=appointment, forms=forms, nonce=secrets.token_hex(16),
        expires_at=now + FORMS_LINK_MAX_AGE,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    if actor is not None:
        # A booking's own link is covered by the booking's audit event; staff sending one is logged here.
        audit_record(actor=actor, action=AuditAction.FORMS_REQUESTED, patient=patient, obj=form_request,
                     data={"forms": forms}, request=request)
    return form_request


def forms_for_booking(patient: Patient) -> list[FormKind]:
    """What to ask before a booked visit: the intake and consents for a new patient, else the outcomes.

    A patient who already answered the intake gets the pain and function questionnaire, plus any
    consent that is not current (a new version of the form needs a new signature).
    """
    has_intake = IntakeResponse.objects.filter(patient=patient).exists()
    if not has_intake:
        return list(BEFORE_FIRST_VISIT)
    status = consent_status(patient)
    return list(BEFORE_FOLLOW_UP) + [k for k in CONSENT_KINDS if not status[k].current]


def form_request_for_booking(appointment: Any) -> FormRequest:
    """The forms link for a new booking (called from the booking's transaction)."""
    return form_request_create(patient=appointment.patient, forms=forms_for_booking(appointment.patient),
                               appointment=appointment)


def form_request_email(form_request: FormRequest, *, now: datetime.datetime | None = None) -> bool:
    """Email the link (no health information in it). True when the mail server accepted it.

    A failure is logged and left for the next `send_form_links` run; the link itself stays valid.
    """
    patient = form_request.patient
    if not patient.email:
        return False
    clinic = clinic_details()
    context = {"clinic": clinic, "first_name": patient.first_name, "link": forms_url(form_request),
               "days": FORMS_LINK_MAX_AGE.days, "follow_up": FormKind.INTAKE not in form_request.forms}
    try:
        send_mail(
            subject=f"Forms to fill in before your visit to {clinic['name']}",
            message=render_to_string("intake/email/forms.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[patient.email],
        )
    except (OSError, smtplib.SMTPException) as exc:
        logger.warning("forms link email failed for request %s: %s", form_request.pk, exc)
        return False
    FormRequest.objects.filter(pk=form_request.pk).update(emailed_at=now or timezone.now())
    return True


def send_due_form_links(*, now: datetime.datetime | None = None, limit: int = 100) -> int:
    """Email every unexpired link not yet emailed; returns how many went out."""
    now = now or timezone.now()
    due = (FormRequest.objects.filter(emailed_at__isnull=True, expires_at__gt=now)
           .select_related("patient").order_by("created_at")[:limit])
    return sum(1 for form_request in due if form_request_email(form_request, now=now))


def mark_submitted(form_request: FormRequest, form: str) -> None:
    """Claim `form` of the request (once only); raises ValidationError if not in the link or already sent."""
    if form not in form_request.forms:
        raise ValidationError({"form": f"This link does not include the form {str(form)!r}."})
    try:
        with transaction.atomic():
            FormSubmission.objects.create(request=form_request, form=form)
    except IntegrityError:
        raise ValidationError({"form": ALREADY_SUBMITTED}) from None


@transaction.atomic
def intake_submit(*, form_request: FormRequest, answers: dict[str, Any],
                  request: HttpRequest | None = None) -> IntakeResponse:
    """Store the health questionnaire's answers (already cleaned by IntakeForm) in the patient's record."""
    mark_submitted(form_request, FormKind.INTAKE)
    response = IntakeResponse.objects.create(patient=form_request.patient, request=form_request, answers=answers)
    audit_record(actor_label=PATIENT_LABEL, action=AuditAction.INTAKE_SUBMITTED, patient=form_request.patient,
                 obj=response, data={"request": form_request.pk}, request=request)
    return response


@transaction.atomic
def consent_sign(*, form_request: FormRequest, form: str, signed_name: str, agreed: bool,
                 request: HttpRequest | None = None) -> ConsentRecord:
    """Sign a consent form by link: name, time, version and a copy of the text are stored."""
    errors = {}
    if form not in CONSENT_FORMS:
        errors["form"] = f"{form!r} is not a consent form."
    name = (signed_name or "").strip()
    if not name:
        errors["signed_name"] = "Type your full name to sign."
    if not agreed:
        errors["agreed"] = "Tick the box to agree, or close this page: nothing is stored until you sign."
    if errors:
        raise ValidationError(errors)
    mark_submitted(form_request, form)
    consent = CONSENT_FORMS[form]
    record = ConsentRecord(
        patient=form_request.patient, request=form_request, form=form, version=consent.version,
        title=consent.title, text=consent_text(consent), decision=ConsentDecision.GIVEN, signed_name=name,
    )
    record.full_clean()
    record.save()
    audit_record(actor_label=PATIENT_LABEL, action=AuditAction.CONSENT_SIGNED, patient=form_request.patient, obj=record,
                 data={"form": form, "version": consent.version}, request=request)
    return record


@transaction.atomic
def consent_record_in_clinic(*, patient: Patient, form: str, signed_name: str, actor: User,
                             request: HttpRequest | None = None) -> ConsentRecord:
    """Record a consent the patient signed on the clinic's tablet or on paper (the current version's text)."""
    errors = {}
    if form not in CONSENT_FORMS:
        errors["form"] = f"{form!r} is not a consent form."
    name = (signed_name or "").strip()
    if not name:
        errors["signed_name"] = "Give the name the patient signed with."
    if errors:
        raise ValidationError(errors)
    consent = CONSENT_FORMS[form]
    record = ConsentRecord(patient=patient, form=form, version=consent.version, title=consent.title,
                           text=consent_text(consent), decision=ConsentDecision.GIVEN, signed_name=name,
                           recorded_by=actor)
    record.full_clean()
    record.save()
    audit_record(actor=actor, action=AuditAction.CONSENT_SIGNED, patient=patient, obj=record,
                 data={"form": form, "version": consent.version, "in_clinic": True}, request=request)
    return record


@transaction.atomic
def consent_withdraw(*, patient: Patient, form: str, actor: User, note: str = "",
                     request: HttpRequest | None = None) -> ConsentRecord:
    """Record that the patient withdrew a consent (told the clinic). Needling is blocked from now on."""
    if form not in CONSENT_FORMS:
        raise ValidationError({"form": f"{form!r} is not a consent form."})
    consent = CONSENT_FORMS[form]
    record = ConsentRecord(
        patient=patient, form=form, version=consent.version, title=consent.title,
        text=f"Withdrawn, as told to {actor.get_full_name() or actor.get_username()}. {note}".strip(),
        decision=ConsentDecision.WITHDRAWN, signed_name=patient.full_name, recorded_by=actor,
    )
    record.full_clean()
    record.save()
    audit_record(actor=actor, action=AuditAction.CONSENT_WITHDRAWN, patient=patient, obj=record, data={"form": form},
                 request=request)
    return record
