"""Candidate acupuncture points and dry-needling targets for a case, before screening.

Points: local Ashi points around (never into) the injured bone on the injured side, then
the knowledge base's selection of systemic and regional points. A point that lies over the
injured bone (`overlies`) is moved to the uninjured side, or left out when both sides are
injured. Targets: the site's muscles, on the injured side.
"""

from __future__ import annotations

from typing import Any

from fracturecare.engine.conditions import holds

OPPOSITE = {"left": "right", "right": "left"}
LIMBS = ("lower_limb", "upper_limb")


def _item_area(point: dict, site: dict) -> str:
    return site["body_area"] if point["code"] == "ASHI" else point["region"]


def candidate_points(facts: dict[str, Any], site: dict, kb) -> tuple[list[dict], list[dict]]:
    """Return (points, excluded) before contraindication screening."""
    side = facts["injury.side"]
    points: list[dict] = []
    excluded: list[dict] = []
    seen: set[str] = set()

    def add(code: str, laterality: str, reason: str, citations: list[str], tag: str, **extra) -> None:
        if code in seen:
            return
        seen.add(code)
        point = kb.points[code]
        if site["id"] in point["overlies"] and code != "ASHI":
            if side in OPPOSITE and laterality in ("bilateral", side):
                laterality = OPPOSITE[side]
                reason += f" Needled on the {laterality} side only: on the injured side it lies over the injured bone."
            elif side not in OPPOSITE:
                excluded.append({"code": code, "why": "Lies over the injured bone, which is injured on both sides.",
                                 "rule": "overlies_injured_bone", "severity": "block"})
                return
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
            if not site["ashi"]:
                why = f"No local Ashi needling at this site ({site['label']})."
                excluded.append({"code": choice["code"], "why": why, "rule": "site_no_ashi", "severity": "block"})
                continue
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
    return points, excluded


def _default_laterality(point: dict) -> str:
    code = point["code"]
    return "midline" if code.startswith(("GV", "CV")) else "bilateral"


def candidate_targets(facts: dict[str, Any], site: dict, kb) -> list[dict]:
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
