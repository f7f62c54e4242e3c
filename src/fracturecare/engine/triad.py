"""Female Athlete Triad Cumulative Risk Assessment, scored from knowledge-base data."""

from __future__ import annotations

from fracturecare.engine.conditions import holds
from fracturecare.engine.shapes import JSON, Facts


def score_triad(facts: Facts, triad: JSON) -> JSON | None:
    """Score the CRA when the case carries data for it, else None.

    Items the case cannot answer count 0 and are listed in `missing`, so the score is a floor.
    """
    if not holds(triad["applies_when"], facts):
        return None
    items, missing, total = [], [], 0
    for item in triad["items"]:
        for row in item["scoring"]:
            if holds(row["when"], facts):
                items.append(
                    {"id": item["id"], "label": item["label"], "points": row["points"], "meaning": row["meaning"]}
                )
                total += row["points"]
                break
        else:
            missing.append(item["id"])
    clearance = next(
        band["clearance"]
        for band in triad["bands"]
        if total >= band["min"] and ("max" not in band or total <= band["max"])
    )
    override = next((o for o in triad["overrides"] if holds(o["when"], facts)), None)
    if override is not None:
        clearance = override["clearance"]
    return {
        "score": total,
        "clearance": clearance,
        "items": items,
        "missing": missing,
        "override": override["reason"] if override else None,
        "citations": list(triad["citations"]),
        "note": triad.get("note", ""),
    }
