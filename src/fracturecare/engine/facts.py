"""Flatten a case into the facts that knowledge-base conditions read.

Case fields keep their dotted contract paths (``injury.bone``, ``findings.fever``); derived
facts (``site.risk``, ``imaging.confirmed`` …) are computed once here so every rule reads the
same values.
"""

from __future__ import annotations

from fracturecare.engine.shapes import JSON, Case, Facts

# Facts derived from the case and the knowledge base, beyond the case's own fields.
DERIVED_PATHS = frozenset(
    {
        "site.id",
        "site.risk",
        "site.bone_type",
        "site.body_area",
        "site.region_matched",
        "site.region_assumed",
        "site.subcutaneous",
        "site.growth_plate",
        "imaging.done",
        "imaging.confirmed",
        "grade.fracture_line",
        "grade.no_fracture_line",
        "grade.surgical",
        "bsi.count",
        "triad.score",
        "triad.clearance",
        "triad.scored",
    }
)

PREFERENCE_DEFAULTS = {"acupuncture": True, "dry_needling": True, "electroacupuncture": False}
CONFIRMED_RESULTS = ("stress_reaction", "stress_fracture", "complete_fracture", "displaced_fracture")


def case_paths(case_schema: JSON) -> frozenset[str]:
    """All dotted paths a case can carry, read from the case schema."""
    paths: set[str] = set()
    for section, spec in case_schema["properties"].items():
        if spec.get("type") == "object":
            paths.update(f"{section}.{name}" for name in spec.get("properties", {}))
        else:
            paths.add(section)
    return frozenset(paths)


def flatten_case(case: Case, *, defaults: bool = True) -> Facts:
    """Case fields as a flat dict of dotted paths, with contract defaults applied unless told not to."""
    facts: Facts = {}
    for section, value in case.items():
        if isinstance(value, dict):
            for name, inner in value.items():
                facts[f"{section}.{name}"] = inner
        else:
            facts[section] = value
    if not defaults:
        return facts
    facts.setdefault("patient.pregnant", False)
    facts.setdefault("medications", [])
    facts.setdefault("conditions", [])
    for name, default in PREFERENCE_DEFAULTS.items():
        facts.setdefault(f"preferences.{name}", default)
    modality = facts.get("imaging.modality")
    result = facts.get("imaging.result")
    facts["imaging.done"] = modality not in (None, "none") and result not in (None, "not_done")
    facts["imaging.confirmed"] = result in CONFIRMED_RESULTS
    facts["bsi.count"] = (facts.get("history.prior_stress_fractures") or 0) + 1
    return facts
