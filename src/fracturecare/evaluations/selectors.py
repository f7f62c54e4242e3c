"""Reading evaluations."""

from __future__ import annotations

from django.http import HttpRequest

from fracturecare.accounts.models import User
from fracturecare.audit.actions import AuditAction
from fracturecare.audit.services import audit_record
from fracturecare.evaluations.models import Evaluation
from fracturecare.patients.models import Patient


def evaluation_get(*, evaluation_id: int) -> Evaluation:
    """One evaluation with its patient, clinician and plan (raises Evaluation.DoesNotExist)."""
    return Evaluation.objects.select_related("patient", "clinician", "plan").get(pk=evaluation_id)


def evaluation_read(*, evaluation: Evaluation, user: User, request: HttpRequest | None = None) -> Evaluation:
    """Record that `user` read this evaluation."""
    audit_record(actor=user, action=AuditAction.EVALUATION_VIEWED, patient=evaluation.patient, obj=evaluation,
                 request=request)
    return evaluation


def latest_evaluation(*, patient: Patient) -> Evaluation | None:
    """The patient's most recent evaluation, or None."""
    return Evaluation.objects.filter(patient=patient).order_by("-created_at", "-id").first()
