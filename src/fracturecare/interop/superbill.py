"""A superbill for one signed visit: who, when, which diagnoses, which procedure lines."""

from __future__ import annotations

import dataclasses

from fracturecare.charting.models import Visit
from fracturecare.clinic.selectors import clinic_details
from fracturecare.interop import coding
from fracturecare.interop.selectors import latest_phase_on, plan_version_on
from fracturecare.planning.models import PlanVersion


@dataclasses.dataclass
class Superbill:
    visit: Visit
    clinic: dict
    seventh: str
    proposed_seventh: str
    diagnoses: list[coding.Diagnosis]
    lines: list[coding.CptLine]
    warnings: list[str]
    minutes: int | None
    plan_version: PlanVersion | None

    def as_dict(self) -> dict:
        """The superbill as JSON-ready data."""
        visit, patient = self.visit, self.visit.patient
        return {
            "clinic": {k: self.clinic.get(k, "") for k in ("name", "phone", "email")},
            "patient": {
                "id": patient.pk, "name": patient.full_name,
                "date_of_birth": patient.date_of_birth.isoformat() if patient.date_of_birth else None,
            },
            "visit": {"id": visit.pk, "date_of_service": visit.visit_date.isoformat(),
                      "clinician": visit.clinician.get_full_name() or visit.clinician.get_username(),
                      "signed_at": visit.signed_at.isoformat() if visit.signed_at else None},
            "plan_version": ({"plan_id": self.plan_version.plan_id, "number": self.plan_version.number}
                             if self.plan_version else None),
            "face_to_face_minutes": self.minutes,
            "seventh_character": {"used": self.seventh, "proposed": self.proposed_seventh,
                                  "rule": coding.SEVENTH_RULE},
            "diagnoses": [{"system": "ICD-10-CM", **dataclasses.asdict(d)} for d in self.diagnoses],
            "procedures": [{"system": "CPT", **dataclasses.asdict(line)} for line in self.lines],
            "unit_rule": coding.UNIT_RULE,
            "warnings": self.warnings,
        }


def build_superbill(*, visit: Visit, minutes: int | None, reinserted: bool, seventh: str | None) -> Superbill:
    """Codes for a signed visit. `seventh` None takes the proposed 7th character."""
    version = plan_version_on(visit.patient, visit.visit_date)
    proposed = coding.propose_seventh(latest_phase_on(visit.patient, visit.visit_date))
    used = seventh or proposed
    warnings = [coding.MEDICARE_WARNING]
    if version is None:
        dx = []
        warnings.append("No signed plan: no diagnosis code can be proposed. Sign the plan first.")
    else:
        injury = version.snapshot["plan"].get("injury", {})
        dx = coding.diagnoses(injury.get("site", ""), injury.get("side", ""), used)
    if any(not d.valid for d in dx):
        warnings.append("A diagnosis code did not validate against ICD-10-CM: it is flagged and must not "
                        "be billed as is.")
    points = list(visit.points.all())
    targets = list(visit.dry_needling.all())
    lines = []
    if points:
        lines += coding.acupuncture_lines(minutes=minutes, electrical=visit.has_ea, reinserted=reinserted)
    lines += coding.dry_needling_lines(coding.muscle_count(targets))
    if points and targets:
        warnings.append("Acupuncture and dry needling on the same day: check your payer's edits before "
                        "billing both (coder judgment).")
    if not lines:
        warnings.append("No acupuncture points or dry-needling targets were charted: no procedure line.")
    return Superbill(visit=visit, clinic=clinic_details(), seventh=used, proposed_seventh=proposed,
                     diagnoses=dx, lines=lines, warnings=warnings, minutes=minutes, plan_version=version)
