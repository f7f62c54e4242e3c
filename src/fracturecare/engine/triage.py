"""Triage: red flags and referral rules from the knowledge base; the highest level wins."""

from __future__ import annotations

from fracturecare.engine.conditions import holds
from fracturecare.engine.shapes import JSON, Facts


def triage(facts: Facts, red_flags: JSON) -> JSON:
    """Return {level, needling, reasons, fired} for the case.

    With no rule fired the level is `proceed`; a red flag always wins over treatment.
    """
    levels = {level["id"]: level for level in red_flags["levels"]}
    fired = [rule for rule in red_flags["rules"] if holds(rule["when"], facts)]
    level = max((rule["level"] for rule in fired), key=lambda lv: levels[lv]["rank"], default="proceed")
    reasons = [
        {
            "rule": rule["id"],
            "kind": rule["kind"],
            "level": rule["level"],
            "reason": rule["reason"],
            "action": rule["action"],
            "citations": list(rule["citations"]),
            "evidence": rule["tag"],
        }
        for rule in sorted(fired, key=lambda r: -levels[r["level"]]["rank"])
    ]
    if not reasons:
        reasons.append({
            "rule": "no_red_flags",
            "kind": "screen",
            "level": "proceed",
            "reason": "No red flag or referral trigger found among those screened, at a low-risk site.",
            "action": "Conventional care with acupuncture and dry needling as adjuncts; re-screen at each visit.",
            "citations": ["PAT11"],
            "evidence": "K",
        })
    return {
        "level": level,
        "label": levels[level]["label"],
        "meaning": levels[level]["meaning"],
        "needling": levels[level]["needling"],
        "reasons": reasons,
    }
