"""Possible duplicates from online booking, and the front desk's merge tool.

A booking always makes its own patient record (`booking_patient_create`); when it looks like a patient already on
file, a pending `PatientMatch` waits for the front desk, who either merges the booking's record into the existing
chart (`match_merge`) or marks them as different people (`match_dismiss`). Every step is audited.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from fracturecare.accounts.models import User
from fracturecare.audit.actions import AuditAction
from fracturecare.audit.services import audit_record
from fracturecare.patients.models import MatchStatus, Patient, PatientMatch
from fracturecare.patients.signals import patient_merged

# Related records a merge must never move: the audit log stays as it was written, and matches describe the pair.
_KEEP = {"audit.auditevent", "patients.patientmatch", "patients.patient"}


class MergeRefused(ValidationError):
    """The two records cannot be merged (the message says why); nothing was changed."""


def _reasons(new: Patient, existing: Patient) -> list[str]:
    reasons = ["date_of_birth"]
    if new.last_name.casefold() == existing.last_name.casefold():
        reasons.append("last_name")
    if new.first_name.casefold() == existing.first_name.casefold():
        reasons.append("first_name")
    if new.email and new.email.casefold() == existing.email.casefold():
        reasons.append("email")
    if new.phone and new.phone == existing.phone:
        reasons.append("phone")
    return reasons


def flag_possible_matches(*, patient: Patient, actor: User | None = None, actor_label: str = "",
                          request: HttpRequest | None = None) -> list[PatientMatch]:
    """Record a pending match for each existing patient with the same birth date and surname, email or phone."""
    same = Q(last_name__iexact=patient.last_name)
    if patient.email:
        same |= Q(email__iexact=patient.email)
    if patient.phone:
        same |= Q(phone=patient.phone)
    candidates = (
        Patient.objects.filter(same, date_of_birth=patient.date_of_birth, merged_into__isnull=True)
        .exclude(pk=patient.pk).order_by("id")[:5]
    )
    matches = [PatientMatch.objects.create(new=patient, existing=other, reasons=_reasons(patient, other))
               for other in candidates]
    for match in matches:
        audit_record(actor=actor, actor_label=actor_label, action=AuditAction.PATIENT_MATCH_FLAGGED,
                     patient=match.existing, obj=match, data={"new_patient": patient.pk, "reasons": match.reasons},
                     request=request)
    return matches


def pending_matches() -> QuerySet[PatientMatch]:
    """Matches waiting for the front desk, oldest first, with both records."""
    return PatientMatch.objects.filter(status=MatchStatus.PENDING).select_related("new", "existing")


def _decide(match: PatientMatch, status: str, actor: User) -> PatientMatch:
    locked = PatientMatch.objects.select_for_update().get(pk=match.pk)
    if locked.status != MatchStatus.PENDING:
        raise MergeRefused("This match was already decided.")
    locked.status, locked.decided_by, locked.decided_at = status, actor, timezone.now()
    locked.save(update_fields=["status", "decided_by", "decided_at"])
    return locked


@transaction.atomic
def match_dismiss(*, match: PatientMatch, actor: User, request: HttpRequest | None = None) -> PatientMatch:
    """The front desk says these are different people: both records stay as they are."""
    match = _decide(match, MatchStatus.DISMISSED, actor)
    audit_record(actor=actor, action=AuditAction.PATIENT_MATCH_DISMISSED, patient=match.existing, obj=match,
                 data={"new_patient": match.new_id}, request=request)
    return match


def match_merge(*, match: PatientMatch, actor: User, request: HttpRequest | None = None) -> PatientMatch:
    """Move everything the booking's record holds (appointments, messages...) onto the existing chart.

    The booking's record is kept, marked as merged, so the audit log still points at a real row; it leaves the
    patient lists. A record with signed clinical notes is never merged (the database refuses to move them).
    """
    try:
        with transaction.atomic():
            match = _decide(match, MatchStatus.MERGED, actor)
            new, existing = match.new, match.existing
            if new.merged_into_id or existing.merged_into_id:
                raise MergeRefused("One of these records was already merged into another.")
            moved: dict[str, int] = {}
            for relation in Patient._meta.related_objects:
                model = relation.related_model
                if model._meta.label_lower in _KEEP or not (relation.one_to_many or relation.one_to_one):
                    continue
                count = model._default_manager.filter(**{relation.field.name: new}).update(
                    **{relation.field.name: existing})
                if count:
                    moved[model._meta.label_lower] = count
            Patient.objects.filter(pk=new.pk).update(merged_into=existing)
            patient_merged.send(sender=Patient, existing=existing, merged=new)
            data = {"merged_patient": new.pk, "moved": moved}
            audit_record(actor=actor, action=AuditAction.PATIENT_MERGED, patient=existing, obj=match, data=data,
                         request=request)
            audit_record(actor=actor, action=AuditAction.PATIENT_MATCH_CONFIRMED, patient=new, obj=match,
                         data={"into": existing.pk}, request=request)
    except DatabaseError:
        raise MergeRefused(
            "These records cannot be merged: the booking's record holds signed notes or overlapping appointments. "
            "Cancel the overlapping appointment first, or keep the records apart."
        ) from None
    match.refresh_from_db()
    return match
