"""Reads for the patient portal. Every read is scoped to the one patient linked to the login."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from fracturecare.patients.models import Patient
from fracturecare.planning.models import Plan, PlanVersion
from fracturecare.scheduling.models import RELEASED_STATUSES, Appointment
from fracturecare.scheduling.selectors import appointments_for_patient


def patient_of(user) -> Patient | None:
    """The patient record linked to this login (Patient.user), or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Patient.objects.filter(user=user).first()


def upcoming_appointments(patient: Patient) -> list[Appointment]:
    """The patient's live appointments from now on, soonest first."""
    return list(
        appointments_for_patient(patient)
        .filter(end__gt=timezone.now())
        .exclude(status__in=RELEASED_STATUSES)
        .order_by("start", "id")
    )


@dataclass(frozen=True)
class SignedPlan:
    plan: Plan
    version: PlanVersion  # the newest signed version: the one the handout is printed from


def signed_plans(patient: Patient) -> list[SignedPlan]:
    """The patient's plans that a clinician has signed, newest signature first (one query)."""
    latest: dict[int, PlanVersion] = {}
    versions = (
        PlanVersion.objects.filter(plan__patient=patient)
        .select_related("plan", "signed_by")
        .defer("snapshot")
        .order_by("plan_id", "-number")
    )
    for version in versions:
        latest.setdefault(version.plan_id, version)
    found = [SignedPlan(v.plan, v) for v in latest.values()]
    return sorted(found, key=lambda s: s.version.signed_at, reverse=True)


def own_signed_version(*, patient: Patient, plan_id: int) -> PlanVersion | None:
    """The newest signed version of `plan_id` if that plan is this patient's; None otherwise."""
    return (
        PlanVersion.objects.filter(plan_id=plan_id, plan__patient=patient)
        .select_related("plan__patient")
        .order_by("-number")
        .first()
    )
