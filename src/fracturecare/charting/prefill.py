"""What a new visit form starts with: the signed plan's points, or what was done last time.

The newer of the two wins: a plan signed after the last visit replaces what was done
before; a visit charted after the plan was signed carries the clinician's adjustments on.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from fracturecare.charting.selectors import latest_visit
from fracturecare.planning.models import PlanVersion


@dataclass
class Prefill:
    source: str = ""  # "plan:<id>", "visit:<id>" or "" (nothing to start from)
    label: str = ""  # for the page: where the rows came from
    fields: dict = field(default_factory=dict)
    rows: dict[str, list[dict]] = field(default_factory=dict)


def _latest_signed_plan(patient):
    """(plan_id, plan dict, signed_at) of the patient's most recently signed plan version, or None."""
    version = (
        PlanVersion.objects.filter(plan__patient=patient)
        .only("plan_id", "snapshot", "signed_at")
        .order_by("-signed_at", "-id")
        .first()
    )
    if version is None:
        return None
    return version.plan_id, version.snapshot["plan"], version.signed_at


def _from_plan(plan_id: int, plan: dict, signed_at: datetime.datetime) -> Prefill:
    acupuncture = plan.get("acupuncture") or {}
    dry_needling = plan.get("dry_needling") or {}
    points = [{"code": p["code"], "laterality": p["laterality"]} for p in acupuncture.get("points", [])]
    targets = [{"muscle": t["muscle"], "side": t["side"]} for t in dry_needling.get("targets", [])]
    return Prefill(
        source=f"plan:{plan_id}",
        label=f"the plan signed on {signed_at:%Y-%m-%d}",
        rows={"points": points, "dry_needling": targets},
    )


def _from_visit(visit) -> Prefill:
    points = [
        {
            "code": p.code,
            "laterality": p.laterality,
            "needle_diameter_mm": p.needle_diameter_mm,
            "needle_length_mm": p.needle_length_mm,
            "depth": p.depth,
            "depth_unit": p.depth_unit,
            "retention_min": p.retention_min,
        }
        for p in visit.points.all()
    ]
    targets = [
        {"muscle": t.muscle, "side": t.side, "technique": t.technique, "needle_length_mm": t.needle_length_mm}
        for t in visit.dry_needling.all()
    ]
    return Prefill(
        source=f"visit:{visit.pk}",
        label=f"the visit of {visit.visit_date:%Y-%m-%d}",
        rows={"points": points, "dry_needling": targets},
    )


def visit_prefill(patient) -> Prefill:
    """Initial rows for a new visit of `patient`."""
    plan = _latest_signed_plan(patient)
    visit = latest_visit(patient)
    if plan and (visit is None or visit.created_at < plan[2]):
        return _from_plan(*plan)
    if visit is not None:
        return _from_visit(visit)
    return Prefill()
