"""Recording an evaluation: store the case and the engine's plan together, or nothing."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from fracturecare.audit.actions import AuditAction
from fracturecare.audit.services import audit_record
from fracturecare.evaluations.models import Evaluation
from fracturecare.planning import services as planning_services


@transaction.atomic
def evaluation_submit(*, patient, clinician, case: dict, request=None, at: datetime | None = None) -> Evaluation:
    """Run the engine on `case`, then store the evaluation and its plan.

    The engine runs first: a case it rejects (engine.CaseError) leaves nothing behind.
    `at` records an evaluation that took place earlier (the demo's history); it defaults to
    now and may not be in the future. The audit log keeps the real time of writing.
    """
    at = planning_services.past_or_now(at)
    generated = planning_services.plan_generate(case)
    evaluation = Evaluation(patient=patient, clinician=clinician, case=case, created_at=at)
    evaluation.full_clean()
    evaluation.save()
    audit_record(
        actor=clinician, action=AuditAction.EVALUATION_CREATED, patient=patient, obj=evaluation,
        data={"fields": sorted(case)}, request=request,
    )
    planning_services.plan_create(evaluation=evaluation, generated=generated, actor=clinician, request=request, at=at)
    return evaluation
