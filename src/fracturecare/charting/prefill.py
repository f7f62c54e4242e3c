"""What a new visit form starts with: a copy of the last signed visit, or of the signed plan.

Only signed records are copied: an unsigned draft may be wrong or unfinished, so it is never
the source (the page names it instead, so the clinician can open it). The last signed visit
carries the clinician's adjustments on; a plan version signed after it (an amendment) wins,
because it changed what should be done. Every copied row is complete: a row from a visit was
complete when it was signed; a dry-needling row from the plan gets its technique and response
set to stated defaults, which the page names so the clinician changes them if they did otherwise.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from fracturecare.charting.models import Visit
from fracturecare.charting.selectors import latest_draft, latest_signed_visit
from fracturecare.charting.vocab import DryNeedlingResponse, DryNeedlingTechnique
from fracturecare.planning.models import PlanVersion

# What a dry-needling row copied from the plan says until the clinician changes it.
PLAN_DN_DEFAULTS = {"technique": DryNeedlingTechnique.PISTONING, "response": DryNeedlingResponse.NOT_SOUGHT}
_POINT_FIELDS = ("code", "laterality", "needle_diameter_mm", "needle_length_mm", "depth", "depth_unit",
                 "retention_min", "response")
_DN_FIELDS = ("muscle", "side", "technique", "response", "needle_length_mm", "depth_mm")
_EA_FIELDS = ("ea_waveform", "ea_frequency_hz", "ea_frequency_high_hz", "ea_intensity", "ea_intensity_ma",
              "ea_duration_min")


@dataclass
class Prefill:
    source: str = ""  # "plan:<id>", "visit:<id>" or "" (nothing to start from)
    label: str = ""  # for the page: where the rows came from
    fields: dict = field(default_factory=dict)
    rows: dict[str, list[dict]] = field(default_factory=dict)
    defaults: list[str] = field(default_factory=list)  # values set by default, named on the page
    draft: Visit | None = None  # a newer unsigned draft that was not copied


@dataclass(frozen=True)
class _SignedPlan:
    plan_id: int
    number: int
    plan: dict
    signed_at: datetime.datetime


def _latest_signed_plan(patient) -> _SignedPlan | None:
    """The patient's most recently signed plan version, or None."""
    version = (
        PlanVersion.objects.filter(plan__patient=patient)
        .only("plan_id", "number", "snapshot", "signed_at")
        .order_by("-signed_at", "-id")
        .first()
    )
    if version is None:
        return None
    return _SignedPlan(version.plan_id, version.number, version.snapshot["plan"], version.signed_at)


def from_plan(signed: _SignedPlan, *, newer_than: Visit | None = None) -> Prefill:
    """Rows from a signed plan: its points and targets with their sides; dry needling with stated defaults."""
    acupuncture = signed.plan.get("acupuncture") or {}
    dry_needling = signed.plan.get("dry_needling") or {}
    points = [{"code": p["code"], "laterality": p["laterality"]} for p in acupuncture.get("points", [])]
    targets = [{"muscle": t["muscle"], "side": t["side"], **PLAN_DN_DEFAULTS} for t in dry_needling.get("targets", [])]
    label = f"the signed plan (version {signed.number}, signed {signed.signed_at:%Y-%m-%d})"
    if newer_than is not None:
        label += f", which is newer than the last signed visit ({newer_than.visit_date:%Y-%m-%d})"
    defaults = []
    if targets:
        defaults.append(
            f"dry-needling technique “{DryNeedlingTechnique.PISTONING.label}” and response "
            f"“{DryNeedlingResponse.NOT_SOUGHT.label}” on each muscle"
        )
    return Prefill(source=f"plan:{signed.plan_id}", label=label, rows={"points": points, "dry_needling": targets},
                   defaults=defaults)


def from_visit(visit: Visit) -> Prefill:
    """Every row of a signed visit, complete, with its electroacupuncture settings."""
    if not visit.is_signed:
        raise ValueError("only a signed visit is copied")
    return Prefill(
        source=f"visit:{visit.pk}",
        label=f"the last signed visit ({visit.visit_date:%Y-%m-%d})",
        fields={name: getattr(visit, name) for name in _EA_FIELDS if getattr(visit, name) not in (None, "")},
        rows={
            "points": [{f: getattr(p, f) for f in _POINT_FIELDS} for p in visit.points.all()],
            "dry_needling": [{f: getattr(t, f) for f in _DN_FIELDS} for t in visit.dry_needling.all()],
            "electrode_pairs": [
                {"side": e.side, "point_a": e.point_a, "point_b": e.point_b} for e in visit.electrode_pairs.all()
            ],
        },
    )


def visit_prefill(patient) -> Prefill:
    """What a new visit of `patient` starts with, and where it came from."""
    visit = latest_signed_visit(patient)
    plan = _latest_signed_plan(patient)
    if visit is not None and visit.signed_at is not None and (plan is None or plan.signed_at <= visit.signed_at):
        prefill = from_visit(visit)
    elif plan is not None:
        prefill = from_plan(plan, newer_than=visit)
    else:
        prefill = Prefill()
    draft = latest_draft(patient)
    if draft is not None and (visit is None or (draft.visit_date, draft.pk) > (visit.visit_date, visit.pk)):
        prefill.draft = draft
    return prefill
