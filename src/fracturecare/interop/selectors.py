"""Reading one patient's record for export and billing, through the owning apps' selectors.

Each function runs a fixed number of queries however long the record is.
"""

from __future__ import annotations

import dataclasses

from django.db.models import Prefetch

from fracturecare.charting.models import Visit
from fracturecare.charting.selectors import visit_detail, visits_for_patient
from fracturecare.handouts.selectors import latest_signed_plan_for_patient
from fracturecare.outcomes.selectors import outcomes_for_patient
from fracturecare.planning.models import PlanVersion


@dataclasses.dataclass
class PatientRecord:
    patient: object
    plan_version: PlanVersion | None
    visits: list[Visit]
    outcomes: list


def patient_record_for_export(patient) -> PatientRecord:
    """The patient's latest signed plan version, signed visits (with needling rows) and live outcomes."""
    visits = list(
        visits_for_patient(patient)
        .filter(signed_at__isnull=False)
        .prefetch_related(Prefetch("points"), Prefetch("dry_needling"))
        .order_by("visit_date", "id")
    )
    return PatientRecord(
        patient=patient,
        plan_version=latest_signed_plan_for_patient(patient),
        visits=visits,
        outcomes=list(outcomes_for_patient(patient)),
    )


def plan_version_on(patient, date) -> PlanVersion | None:
    """The newest plan version signed on or before `date` (else the newest at all)."""
    versions = PlanVersion.objects.filter(plan__patient=patient).select_related("plan").order_by("-signed_at", "-id")
    return versions.filter(signed_at__date__lte=date).first() or versions.first()


def latest_phase_on(patient, date) -> str | None:
    """The return-to-activity phase of the latest live assessment on or before `date`, if recorded."""
    for assessment in outcomes_for_patient(patient).filter(assessed_on__lte=date).exclude(phase="").order_by(
        "-assessed_on", "-id"
    )[:1]:
        return assessment.phase
    return None


def visit_for_superbill(pk: int) -> Visit:
    """One visit with its rows (raises Visit.DoesNotExist)."""
    return visit_detail(pk)
