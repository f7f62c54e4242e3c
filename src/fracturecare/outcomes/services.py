"""Recording outcome assessments."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from fracturecare.audit.actions import AuditAction
from fracturecare.audit.services import audit_record
from fracturecare.outcomes.measures import lefs_total
from fracturecare.outcomes.models import OutcomeAssessment
from fracturecare.outcomes.stages import Phase


@transaction.atomic
def assessment_create(
    *,
    patient,
    recorded_by,
    assessed_on: datetime.date,
    timepoint: str,
    pain_nrs: int | None = None,
    lefs_items: list[int] | None = None,
    phase: str = "",
    walk_run_day: int | None = None,
    note: str = "",
    request=None,
) -> OutcomeAssessment:
    """Record one assessment; raises ValidationError naming the offending fields."""
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
    )
    assessment.full_clean()
    assessment.save()
    audit_record(
        actor=recorded_by,
        action=AuditAction.OUTCOME_RECORDED,
        patient=patient,
        obj=assessment,
        data={"nrs": pain_nrs is not None, "lefs": total is not None, "phase": bool(phase)},
        request=request,
    )
    return assessment


@transaction.atomic
def assessment_void(*, assessment: OutcomeAssessment, actor, reason: str, request=None) -> OutcomeAssessment:
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
    audit_record(
        actor=actor, action=AuditAction.OUTCOME_VOIDED, patient=assessment.patient, obj=assessment, request=request
    )
    return assessment
