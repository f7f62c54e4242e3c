"""Recording outcome assessments."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from fracturecare.accounts.models import User
from fracturecare.audit.actions import AuditAction
from fracturecare.audit.services import audit_record
from fracturecare.intake.content import FormKind
from fracturecare.intake.models import FormRequest
from fracturecare.intake.services import PATIENT_LABEL, mark_submitted
from fracturecare.outcomes.flags import progress_flag_rows
from fracturecare.outcomes.measures import lefs_total
from fracturecare.outcomes.models import OutcomeAssessment, ProgressFlag
from fracturecare.outcomes.stages import Phase
from fracturecare.patients.models import Patient


@transaction.atomic
def progress_flags_refresh(patient_ids: Iterable[int]) -> None:
    """Recompute the given patients' rows of the "not improving" list (outcomes.models.ProgressFlag).

    Recording an assessment and marking one as entered in error call it; so do bulk writers (the
    synthetic clinic) and a patient merge. A fixed number of queries for any number of patients.
    """
    ids = sorted(set(patient_ids))
    if not ids:
        return
    # Patients' rows locked: two assessments for one patient at once queue up instead of racing.
    list(Patient.objects.select_for_update().filter(pk__in=ids).values_list("pk", flat=True))
    rows = progress_flag_rows(ids, assessment_model=OutcomeAssessment, flag_model=ProgressFlag)
    ProgressFlag.objects.filter(patient_id__in=ids).delete()
    ProgressFlag.objects.bulk_create(rows)


def progress_flags_after_merge(sender: object, *, existing: Patient, merged: Patient, **kwargs: object) -> None:
    """The merged record's assessments now belong to the existing chart: recompute both patients' flags."""
    progress_flags_refresh([existing.pk, merged.pk])


@transaction.atomic
def assessment_create(
    *,
    patient: Patient,
    recorded_by: User | None,
    assessed_on: datetime.date,
    timepoint: str,
    pain_nrs: int | None = None,
    lefs_items: list[int] | None = None,
    phase: str = "",
    walk_run_day: int | None = None,
    note: str = "",
    patient_reported: bool = False,
    actor_label: str = "",
    request: HttpRequest | None = None,
) -> OutcomeAssessment:
    """Record one assessment; raises ValidationError naming the offending fields.

    `patient_reported` marks answers the patient gave by link (no staff `recorded_by`); the chart shows them apart.
    """
    errors: dict[str, str] = {}
    total = None
    if lefs_items is not None:
        try:
            total = lefs_total(lefs_items)
        except ValueError as exc:
            errors["lefs_items"] = str(exc)
    if assessed_on and assessed_on > timezone.localdate():
        errors["assessed_on"] = "An assessment cannot be dated in the future."
    if walk_run_day is not None and phase != Phase.RETURN_TO_RUN:
        errors["walk_run_day"] = "A walk–run day belongs to the return-to-running phase."
    if pain_nrs is None and lefs_items is None and not phase:
        errors["pain_nrs"] = "Record a pain score, a LEFS, or the return-to-activity phase."
    if errors:
        raise ValidationError(errors)
    assessment = OutcomeAssessment(
        patient=patient,
        recorded_by=recorded_by,
        assessed_on=assessed_on,
        timepoint=timepoint,
        pain_nrs=pain_nrs,
        lefs_items=lefs_items,
        lefs_total=total,
        phase=phase or "",
        walk_run_day=walk_run_day,
        note=note,
        patient_reported=patient_reported,
    )
    if recorded_by is None and not patient_reported:
        raise ValidationError({"recorded_by": "Say who recorded the assessment."})
    assessment.full_clean(exclude=["recorded_by"] if patient_reported else None)
    assessment.save()
    progress_flags_refresh([assessment.patient_id])
    audit_record(
        actor=recorded_by,
        actor_label=actor_label,
        action=AuditAction.OUTCOME_RECORDED,
        patient=patient,
        obj=assessment,
        data={"nrs": pain_nrs is not None, "lefs": total is not None, "phase": bool(phase),
              "patient_reported": patient_reported},
        request=request,
    )
    return assessment


@transaction.atomic
def assessment_void(*, assessment: OutcomeAssessment, actor: User, reason: str,
                    request: HttpRequest | None = None) -> OutcomeAssessment:
    """Mark an assessment as entered in error: it leaves the chart and the progress rule, but stays on record."""
    assessment = OutcomeAssessment.objects.select_for_update().get(pk=assessment.pk)
    reason = (reason or "").strip()
    if assessment.is_voided:
        raise ValidationError({"reason": "This assessment is already marked as entered in error."})
    if not reason:
        raise ValidationError({"reason": "Say what was wrong with the entry."})
    assessment.voided_at, assessment.voided_by, assessment.void_reason = timezone.now(), actor, reason
    assessment.full_clean()
    assessment.save(update_fields=["voided_at", "voided_by", "void_reason"])
    progress_flags_refresh([assessment.patient_id])
    audit_record(
        actor=actor, action=AuditAction.OUTCOME_VOIDED, patient=assessment.patient, obj=assessment, request=request
    )
    return assessment


@transaction.atomic
def questionnaire_submit(*, form_request: FormRequest, pain_nrs: int, lefs_items: list[int],
                         request: HttpRequest | None = None) -> OutcomeAssessment:
    """A patient's pain and LEFS answers by link, stored as a patient-reported assessment (once per link)."""
    mark_submitted(form_request, FormKind.OUTCOMES)
    return assessment_create(
        patient=form_request.patient, recorded_by=None, assessed_on=timezone.localdate(), timepoint="review",
        pain_nrs=pain_nrs, lefs_items=lefs_items, patient_reported=True, actor_label=PATIENT_LABEL, request=request,
    )
