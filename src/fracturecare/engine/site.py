"""Which knowledge-base site a case's injury is, and what its grade says."""

from __future__ import annotations

from typing import Any


def resolve_site(injury: dict, sites: list[dict]) -> tuple[dict, bool]:
    """Return (site, region_matched) for the injury's bone, region and ray.

    The most specific site whose `regions` and `rays` both fit wins; with no fit, the
    bone's default site is used and `region_matched` is False.
    """
    bone, region, ray = injury["bone"], injury.get("region"), injury.get("ray")
    best, best_score, default = None, -1, None
    for site in sites:
        if site["bone"] != bone:
            continue
        if site.get("default_for_bone"):
            default = default or site
        score = 0
        if "regions" in site:
            if region not in site["regions"]:
                continue
            score += 1
        if "rays" in site:
            if ray not in site["rays"]:
                continue
            score += 1
        if score > best_score:
            best, best_score = site, score
    if best is not None:
        return best, True
    return default, False


def grade_facts(facts: dict[str, Any], grading: dict) -> dict[str, Any]:
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


def expected_return(facts: dict[str, Any], site: dict, grading: dict) -> tuple[dict | None, dict]:
    """The expected return window (weeks) and the rule that set it (or None with its rule)."""
    from fracturecare.engine.conditions import holds

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
