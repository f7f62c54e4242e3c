"""Which knowledge-base site a case's injury is, and what its grade says."""

from __future__ import annotations

from typing import Any

from fracturecare.engine.conditions import holds
from fracturecare.engine.shapes import JSON, Facts


def _codes(site: JSON) -> set[str]:
    return {r if isinstance(r, str) else r["code"] for r in site.get("regions", [])}


def _risk_rank(site: JSON) -> int:
    return 1 if site["risk"]["class"] == "high" else 0


def resolve_site(injury: JSON, sites: list[JSON]) -> tuple[JSON, bool]:
    """Return (site, region_matched) for the injury's bone, region and ray.

    The most specific site whose `regions` and `rays` both fit wins (the higher risk on a tie).
    With no region, or a region no site fits for this ray, the highest-risk site that could be
    the injury is used and `region_matched` is False: an unknown never plans as the safe case.
    A missing ray fits every site, for the same reason.
    """
    bone, region, ray = injury["bone"], injury.get("region"), injury.get("ray")
    bone_sites = [s for s in sites if s["bone"] == bone]
    if not bone_sites:
        raise ValueError(f"no site for bone {bone!r}")  # the contract check refuses unknown bones first

    def ray_fits(site: JSON) -> bool:
        return ray is None or "rays" not in site or ray in site["rays"]

    def pick(candidates: list[JSON]) -> JSON:
        # max() keeps the first of equals, so file order breaks the last tie.
        return max(candidates, key=lambda s: (_risk_rank(s), "regions" in s, "rays" in s))

    has_regions = any("regions" in s for s in bone_sites)
    if region is None:
        if not has_regions:
            return pick(bone_sites), True
        fitting = [s for s in bone_sites if ray_fits(s)] or bone_sites
        # Highest risk first; among equals the bone's general entry rather than one specific region.
        return max(fitting, key=lambda s: (_risk_rank(s), bool(s.get("default_for_bone")))), False
    exact = [s for s in bone_sites if region in _codes(s) and ray_fits(s)]
    if exact:
        return max(exact, key=lambda s: ("rays" in s and ray is not None, _risk_rank(s))), True
    same_region = [s for s in bone_sites if region in _codes(s)]
    if same_region:
        # The region is listed for another ray: the nearest ray's site, the riskier on a tie.
        return max(same_region, key=lambda s: (_risk_rank(s), -min(abs(ray - r) for r in s.get("rays", [ray])))), False
    generic = [s for s in bone_sites if "regions" not in s and ray_fits(s)]
    return max(generic or bone_sites, key=_risk_rank), False


def grade_facts(facts: Facts, grading: JSON) -> dict[str, Any]:
    """Derived grade facts: fracture line yes/no/unknown and the surgical pathway."""
    line: bool | None = None
    for system in grading["systems"]:
        value = facts.get(system["case_field"])
        for grade in system["grades"]:
            if grade["grade"] == value:
                line = grade["fracture_line"] if line is None else (line or grade["fracture_line"])
    if line is None and facts.get("imaging.result") == "stress_reaction":
        line = False
    km = facts.get("imaging.kaeding_miller_grade")
    fred = facts.get("imaging.fredericson_grade")
    no_line = line is False and fred != 3
    return {
        "grade.fracture_line": line,
        "grade.no_fracture_line": no_line,
        "grade.surgical": (km is not None and km >= 4) or facts.get("imaging.result") == "displaced_fracture",
    }


def expected_return(facts: Facts, site: JSON, grading: JSON) -> tuple[JSON | None, JSON]:
    """The expected return window (weeks) and the rule that set it (or None with its rule)."""
    for rule in grading["recovery"]:
        if not holds(rule["when"], facts):
            continue
        if rule["use"] == "none":
            return None, rule
        if rule["use"] == "site":
            window = site.get("return_weeks")
            if window is None:
                continue
            return {
                "min": window["min"],
                "max": window["max"],
                "estimate": True,
                "basis": window["basis"],
                "rule": rule["id"],
                "citations": list(window["citations"]),
                "evidence": window["tag"],
            }, rule
        return {
            "min": rule["weeks"]["min"],
            "max": rule["weeks"]["max"],
            "estimate": True,
            "basis": rule["reason"],
            "rule": rule["id"],
            "citations": list(rule["citations"]),
            "evidence": rule["tag"],
        }, rule
    return None, {}
