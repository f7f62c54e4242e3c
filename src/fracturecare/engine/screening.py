"""Screening: the one place that removes or limits unsafe needling, and says why.

In order:
1. site rules — no local Ashi needling at a site the knowledge base closes to it; a point
   that lies over the injured bone (`overlies`) moves to the uninjured side, or is left out
   when both sides are injured ("around, never into, the injured bone"); a muscle that lies
   over the injured bone (intercostals at a rib, scalenes at the first rib) is not a target;
2. every rule in the knowledge base's contraindications file whose condition holds, applied
   to every candidate: `block` and `override` remove the item (or one side of a bilateral
   item) and record why in `excluded`; `override` marks it as something a clinician may add
   back with a documented reason; `caution` keeps the item and attaches the caution;
3. combinations are used as pairs: when one member is gone, so is its partner.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fracturecare.engine.conditions import holds
from fracturecare.engine.shapes import JSON, Facts, Knowledge

OPPOSITE = {"left": "right", "right": "left"}
ANY_AREA = "*"  # key in Screened.ea_blocked_sides for a rule that closes one whole side


@dataclass
class Screened:
    points: list[JSON]
    targets: list[JSON]
    excluded_points: list[JSON] = field(default_factory=list)
    excluded_targets: list[JSON] = field(default_factory=list)
    warnings: list[JSON] = field(default_factory=list)
    ea_blocked: list[JSON] = field(default_factory=list)  # rules that forbid or limit EA
    ea_blocked_sides: dict[str, set[str]] = field(default_factory=JSON)  # limb area -> sides
    ea_blocked_points: set[str] = field(default_factory=set)  # codes that may not carry a current


def _exclusion(rule: JSON, **key: Any) -> JSON:
    return {
        **key,
        "why": rule["why"],
        "rule": rule["id"],
        "severity": rule["severity"],
        "override_allowed": rule["severity"] == "override",
        "citations": list(rule["citations"]),
    }


def _point_in_scope(scope: JSON, point: JSON, kb: Knowledge) -> bool:
    data = kb.points[point["code"]]
    if "all" in scope:
        return True
    if "points" in scope:
        return point["code"] in scope["points"]
    if "pregnancy_rule" in scope:
        same_rule: bool = data["pregnancy"]["rule"] == scope["pregnancy_rule"]
        return same_rule
    if "point_flags" in scope:
        return bool(set(scope["point_flags"]) & set(data["flags"]))
    if "injured_site" in scope:
        is_ashi: bool = point["code"] == "ASHI"
        return is_ashi
    return False


def _target_in_scope(scope: JSON, target: JSON, kb: Knowledge) -> bool:
    if "all" in scope or "injured_site" in scope:
        return True
    if "muscle_flags" in scope:
        return bool(set(scope["muscle_flags"]) & set(kb.muscles[target["muscle"]].get("flags", [])))
    return False


def _apply(items: list[JSON], rule: JSON, side_key: str, name_key: str, in_scope: Callable[[JSON, JSON], bool],
           excluded: list[JSON]) -> bool:
    """Apply one rule to a list of items in place; return whether it touched any."""
    scope, touched, kept = rule["scope"], False, []
    for item in items:
        if "limb" in scope or "body_side" in scope:
            # One limb on one side, or one whole side of the body (every area).
            limb = scope.get("limb") or {"area": None, "side": scope["body_side"]}
            in_area = limb["area"] is None or item["area"] == limb["area"]
            if not in_area or item[side_key] not in (limb["side"], "bilateral"):
                kept.append(item)
                continue
            touched = True
            if rule["severity"] == "caution":
                item["cautions"].append(rule["why"])
                kept.append(item)
            elif item[side_key] == "bilateral":
                item[side_key] = OPPOSITE[limb["side"]]
                excluded.append(_exclusion(rule, **{name_key: item[name_key]}, side=limb["side"]))
                kept.append(item)
            else:
                excluded.append(_exclusion(rule, **{name_key: item[name_key]}, side=limb["side"]))
            continue
        if not in_scope(scope, item):
            kept.append(item)
            continue
        touched = True
        if rule["severity"] == "caution":
            if rule["why"] not in item["cautions"]:
                item["cautions"].append(rule["why"])
            kept.append(item)
        else:
            excluded.append(_exclusion(rule, **{name_key: item[name_key]}))
    items[:] = kept
    return touched


def _site_rules(facts: Facts, site: JSON, result: Screened, kb: Knowledge) -> None:
    side = facts["injury.side"]
    kept = []
    for point in result.points:
        code = point["code"]
        if code == "ASHI" and not site["ashi"]:
            result.excluded_points.append({
                "code": code, "why": f"No local Ashi needling at this site ({site['label']}).",
                "rule": "site_closed_to_ashi", "severity": "block", "override_allowed": False,
                "citations": list(site["risk"]["citations"]),
            })
            continue
        if code != "ASHI" and site["id"] in kb.points[code]["overlies"]:
            if side in OPPOSITE and point["laterality"] in ("bilateral", side):
                point["laterality"] = OPPOSITE[side]
                point["reason"] += (f" Needled on the {point['laterality']} side only: on the injured side "
                                    "it lies over the injured bone.")
            elif side not in OPPOSITE:
                result.excluded_points.append({
                    "code": code, "why": "Lies over the injured bone, which is injured on both sides.",
                    "rule": "overlies_injured_bone", "severity": "block", "override_allowed": False,
                    "citations": list(kb.points[code]["location"]["citations"]),
                })
                continue
        kept.append(point)
    result.points[:] = kept
    targets = []
    for target in result.targets:
        if site["id"] in kb.muscles[target["muscle"]].get("overlies", []):
            result.excluded_targets.append({
                "muscle": target["muscle"],
                "why": f"{target['name']} lies over the injured bone here ({site['label']}): a needle could reach "
                       "the fracture, the pleura or the lung apex. Not needled at this site.",
                "rule": "muscle_overlies_injured_bone", "severity": "block", "override_allowed": False,
                "citations": list(dict.fromkeys([*site["dry_needling"]["citations"], "HALLE16"])),
            })
            continue
        targets.append(target)
    result.targets[:] = targets


def screen(facts: Facts, site: JSON, points: list[JSON], targets: list[JSON], kb: Knowledge) -> Screened:
    """Apply the site rules, then every contraindication rule whose condition holds for the case."""
    result = Screened(points=points, targets=targets)
    _site_rules(facts, site, result, kb)
    for rule in kb.contraindications:
        if not holds(rule["when"], facts):
            continue
        touched = False
        modalities = rule["modalities"]
        if "acupuncture" in modalities:
            touched |= _apply(result.points, rule, "laterality", "code",
                              lambda s, p: _point_in_scope(s, p, kb), result.excluded_points)
        if "dry_needling" in modalities:
            touched |= _apply(result.targets, rule, "side", "muscle",
                              lambda s, t: _target_in_scope(s, t, kb), result.excluded_targets)
        if "electroacupuncture" in modalities and rule["severity"] != "caution":
            scope = rule["scope"]
            if "limb" in scope:
                result.ea_blocked_sides.setdefault(scope["limb"]["area"], set()).add(scope["limb"]["side"])
                touched = True
            elif "body_side" in scope:
                result.ea_blocked_sides.setdefault(ANY_AREA, set()).add(scope["body_side"])
                touched = True
            elif "all" in scope:
                result.ea_blocked.append(rule)
                touched = True
            else:
                codes = {p["code"] for p in result.points if _point_in_scope(scope, p, kb)}
                result.ea_blocked_points |= codes
                touched |= bool(codes)
        if touched:
            result.warnings.append({
                "code": rule["id"],
                "text": rule["why"],
                "severity": rule["severity"],
                "citations": list(rule["citations"]),
            })
    _drop_broken_pairs(result, kb)
    return result


def _drop_broken_pairs(result: Screened, kb: Knowledge) -> None:
    """A combination is used as a pair: when one member is gone, its partner goes too."""
    remaining = {p["code"] for p in result.points}
    for point in list(result.points):
        combo_id = point.get("combination")
        if not combo_id:
            continue
        missing = [c for c in kb.combinations[combo_id]["points"] if c not in remaining]
        if missing:
            result.points.remove(point)
            remaining.discard(point["code"])
            result.excluded_points.append({
                "code": point["code"],
                "why": f"Used only as a pair ({kb.combinations[combo_id]['name']}); its partner "
                       f"{', '.join(missing)} is excluded.",
                "rule": "combination_partner_excluded",
                "severity": "block",
                "override_allowed": False,
                "citations": list(kb.combinations[combo_id]["citations"]),
            })
