"""Electroacupuncture: which recommended points, if any, carry a current, and on which side."""

from __future__ import annotations

from fracturecare.engine.screening import ANY_AREA, Screened
from fracturecare.engine.shapes import JSON, Facts, Knowledge

SIDES = {"left": {"left"}, "right": {"right"}, "bilateral": {"left", "right"}, "midline": set()}


def assign_electroacupuncture(facts: Facts, site: JSON, screened: Screened, kb: Knowledge) -> JSON | None:
    """Mark the first workable electrode pair; return a warning dict when EA was wanted but not given.

    A pair runs on one limb and one side, never on the injured limb (no current across the
    lesion) and never across the chest (the knowledge base defines only same-limb pairs).
    """
    if not facts.get("preferences.electroacupuncture") or not screened.points:
        return None
    if screened.ea_blocked:
        return None  # the blocking rules already carry their own warnings
    by_code = {p["code"]: p for p in screened.points}
    injured = facts["injury.side"]
    ea = kb.electroacupuncture
    for first, second in ea["pairs"]:
        a, b = by_code.get(first), by_code.get(second)
        if a is None or b is None or a["area"] != b["area"]:
            continue
        if {first, second} & screened.ea_blocked_points:
            continue
        sides = SIDES[a["laterality"]] & SIDES[b["laterality"]]
        if a["area"] == site["body_area"]:
            sides -= SIDES.get(injured, set()) if injured != "midline" else set()
            if injured == "bilateral":
                sides = set()
        sides -= screened.ea_blocked_sides.get(a["area"], set()) | screened.ea_blocked_sides.get(ANY_AREA, set())
        if not sides:
            continue
        side = "bilateral" if sides == {"left", "right"} else next(iter(sides))
        for point in (a, b):
            point["electroacupuncture"] = True
            point["electroacupuncture_side"] = side
            point["electroacupuncture_parameters"] = ea["parameters"]
            point["citations"] = list(dict.fromkeys([*point["citations"], *ea["citations"]]))
        return None
    return {
        "code": "electroacupuncture_not_used",
        "text": "Electroacupuncture was requested, but no electrode pair is available on an uninjured, "
                "unrestricted limb; manual needling only.",
        "severity": "caution",
        "citations": list(ea["citations"]),
    }
