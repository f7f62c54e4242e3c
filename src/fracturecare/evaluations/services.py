"""Recording an evaluation: the case as the clinician found it, audited.

Submitting the evaluation form also generates its plan; that step belongs to planning
(`planning.services.evaluation_submit`), which sits above this app and calls `evaluation_record`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.http import HttpRequest

from fracturecare.accounts.models import User
from fracturecare.audit.actions import AuditAction
from fracturecare.audit.services import audit_record
from fracturecare.evaluations.models import Evaluation
from fracturecare.patients.models import Patient


@transaction.atomic
def evaluation_record(*, patient: Patient, clinician: User, case: dict[str, Any], at: datetime,
                      request: HttpRequest | None = None) -> Evaluation:
    """Store the evaluation of `patient` dated `at` and audit the write.

    The caller checks the case against the engine first, so a case the engine rejects is
    never stored.
    """
    evaluation = Evaluation(patient=patient, clinician=clinician, case=case, created_at=at)
    evaluation.full_clean()
    evaluation.save()
    audit_record(
        actor=clinician, action=AuditAction.EVALUATION_CREATED, patient=patient, obj=evaluation,
        data={"fields": sorted(case)}, request=request,
    )
    return evaluation
