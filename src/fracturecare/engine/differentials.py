"""Differential-diagnosis prompts: conditions the case's features make worth ruling out."""

from __future__ import annotations

from fracturecare.engine.conditions import holds
from fracturecare.engine.shapes import JSON, Facts


def differentials(facts: Facts, conditions: list[JSON]) -> list[JSON]:
    """Every knowledge-base condition whose `prompt_when` holds, in file order."""
    return [
        {
            "condition": c["id"],
            "name": c["name"],
            "why": c["prompt"],
            "features": c["features"],
            "icd10": c.get("icd10"),
            "citations": list(c["citations"]),
            "evidence": c["tag"],
        }
        for c in conditions
        if holds(c["prompt_when"], facts)
    ]
