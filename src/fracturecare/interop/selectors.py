"""Reading one patient's record for export and billing, through the owning apps' selectors.

Each function runs a fixed number of queries however long the record is.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence

from django.db.models import Prefetch

from fracturecare.charting.models import Visit
from fracturecare.charting.selectors import visit_detail, visits_for_patient
from fracturecare.interop import coding
from fracturecare.outcomes.selectors import outcomes_for_patient
from fracturecare.patients.models import Patient
from fracturecare.planning.models import PlanVersion
from fracturecare.planning.selectors import latest_signed_plan_for_patient
from fracturecare.scheduling.models import Appointment
from fracturecare.scheduling.selectors import appointments_for_patient


@dataclasses.dataclass
class PatientRecord:
    patient: Patient
    plan_version: PlanVersion | None
    visits: Sequence[Visit]
    outcomes: list
    appointments: list[Appointment] = dataclasses.field(default_factory=list)
    # The ICD-10-CM 7th character the latest outcome proposes (A active treatment, D routine healing).
    seventh: str = coding.ACTIVE_TREATMENT


def patient_record_for_export(patient: Patient) -> PatientRecord:
    """The patient's latest signed plan version, signed visits (with needling rows), live outcomes
    and appointments."""
    visits = list(
        visits_for_patient(patient)
        .filter(signed_at__isnull=False)
        .select_related("clinician")
        .prefetch_related(Prefetch("points"), Prefetch("dry_needling"))
        .order_by("visit_date", "id")
    )
    outcomes = list(outcomes_for_patient(patient).select_related("recorded_by"))
    phases = [o.phase for o in outcomes if o.phase]
    return PatientRecord(
        patient=patient,
        plan_version=latest_signed_plan_for_patient(patient),
        visits=visits,
        outcomes=outcomes,
        appointments=list(appointments_for_patient(patient).order_by("start", "id")),
        seventh=coding.propose_seventh(phases[-1] if phases else None),
    )


def all_patient_records(batch: int = 500) -> Iterator[PatientRecord]:
    """Every patient's export record, one patient at a time (for the bulk export)."""
    for patient in Patient.objects.order_by("pk").iterator(chunk_size=batch):
        yield patient_record_for_export(patient)


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
