"""Reading plans."""

from __future__ import annotations

from fracturecare.audit.actions import AuditAction
from fracturecare.audit.services import audit_record
from fracturecare.planning.models import Plan, PlanVersion
from fracturecare.planning.services import WorkingPlan, working_plan


def plan_get(*, plan_id: int) -> Plan:
    """One plan with its patient and evaluation (raises Plan.DoesNotExist)."""
    return Plan.objects.select_related("patient", "evaluation", "evaluation__clinician", "created_by").get(
        pk=plan_id
    )


def plan_read(*, plan: Plan, user, request=None) -> WorkingPlan:
    """The working plan as the page shows it; the read is audited."""
    work = working_plan(plan)
    audit_record(
        actor=user, action=AuditAction.PLAN_VIEWED, patient=plan.patient, obj=plan,
        data={"status": work.status, "version": work.latest.number if work.latest else None},
        request=request,
    )
    return work


def plan_version_read(*, plan: Plan, number: int, user, request=None) -> PlanVersion:
    """One signed version (raises PlanVersion.DoesNotExist); the read is audited."""
    version = PlanVersion.objects.select_related("signed_by").get(plan=plan, number=number)
    audit_record(actor=user, action=AuditAction.PLAN_VERSION_VIEWED, patient=plan.patient, obj=plan,
                 data={"version": number}, request=request)
    return version


def latest_plan_for(*, patient) -> Plan | None:
    return Plan.objects.filter(patient=patient).order_by("-created_at", "-id").first()


def latest_signed_plan_for_patient(patient) -> PlanVersion | None:
    """The patient's most recently signed plan version across all their plans.

    Charting, outcomes, handouts and exports all start from it, so it lives here, below them.
    """
    return (
        PlanVersion.objects.filter(plan__patient=patient)
        .select_related("plan", "signed_by")
        .order_by("-signed_at", "-id")
        .first()
    )
