"""Candidate acupuncture points and dry-needling targets for a case, before screening.

Points: local Ashi points around (never into) the injured bone on the injured side, then
the knowledge base's selection of systemic and regional points. Targets: the site's muscles,
on the injured side. Nothing is left out here: `screening.py` decides what is unsafe.
"""

from __future__ import annotations

from typing import Any

from fracturecare.engine.conditions import holds
from fracturecare.engine.shapes import JSON, Facts, Knowledge


def _item_area(point: JSON, site: JSON) -> str:
    area: str = site["body_area"] if point["code"] == "ASHI" else point["region"]
    return area


def candidate_points(facts: Facts, site: JSON, kb: Knowledge) -> list[JSON]:
    """Every point the knowledge base's selection offers for this case, in selection order."""
    side = facts["injury.side"]
    points: list[JSON] = []
    seen: set[str] = set()

    def add(code: str, laterality: str, reason: str, citations: list[str], tag: str, **extra: Any) -> None:
        if code in seen:
            return
        seen.add(code)
        point = kb.points[code]
        points.append({
            "code": code,
            "name": point["name"],
            "laterality": laterality,
            "area": _item_area(point, site),
            "reason": reason,
            "citations": list(citations),
            "evidence": tag,
            "electroacupuncture": False,
            "cautions": [c["text"] for c in point["cautions"]],
            **extra,
        })

    for choice in kb.point_selection:
        if "when" in choice and not holds(choice["when"], facts):
            continue
        if choice["role"] == "local":
            add(choice["code"], side, choice["reason"], choice["citations"], choice["tag"], role="local")
        elif "combination" in choice:
            combo = kb.combinations[choice["combination"]]
            for code in combo["points"]:
                add(code, _default_laterality(kb.points[code]), choice["reason"], choice["citations"],
                    choice["tag"], role=choice["role"], combination=combo["id"])
        else:
            code = choice["code"]
            add(code, _default_laterality(kb.points[code]), choice["reason"], choice["citations"],
                choice["tag"], role=choice["role"])
    for code in site.get("regional_points", []):
        add(code, _default_laterality(kb.points[code]),
            f"Regional point for the {site['label'].lower()}.", site["dry_needling"]["citations"],
            site["dry_needling"]["tag"], role="regional")
    return points


def _default_laterality(point: JSON) -> str:
    code = point["code"]
    return "midline" if code.startswith(("GV", "CV")) else "bilateral"


def candidate_targets(facts: Facts, site: JSON, kb: Knowledge) -> list[JSON]:
    """Dry-needling targets: the muscles next to the injured bone, on the injured side."""
    side = facts["injury.side"]
    target_side = "bilateral" if side == "midline" else side
    dn = site["dry_needling"]
    rationale = kb.files["muscles"]["rationale"]
    targets = []
    for muscle_id in dn["muscles"]:
        muscle = kb.muscles[muscle_id]
        targets.append({
            "muscle": muscle_id,
            "name": muscle["name"],
            "side": target_side,
            "area": muscle["region"],
            "reason": f"{muscle['name']}, next to the injured {site['label'].lower()}. "
                      f"{rationale['text']} Referral pattern: {muscle['referral']['text']}",
            "citations": list(dict.fromkeys([*rationale["citations"], *dn["citations"],
                                             *muscle["referral"]["citations"]])),
            "evidence": dn["tag"],
            "cautions": [h["text"] for h in muscle["hazards"]],
        })
    return targets
