"""Conventional care: the knowledge base's items that fit the case, ordered by phase."""

from __future__ import annotations

from typing import Any

from fracturecare.engine.conditions import holds

URGENT = ("emergency", "urgent_referral")


def current_phase(level: str, phases: list[dict]) -> dict:
    """The phase a newly evaluated case is in: triage while a referral is urgent, else protection."""
    wanted = "triage" if level in URGENT else "protection"
    by_id = {p["id"]: p for p in phases}
    return by_id.get(wanted) or min(phases, key=lambda p: p["order"])


def conventional_items(facts: dict[str, Any], conventional: dict) -> list[dict]:
    """Items whose condition holds, ordered by phase then file order."""
    order = {p["id"]: p["order"] for p in conventional["phases"]}
    chosen = [item for item in conventional["items"] if holds(item.get("when", {"always": True}), facts)]
    chosen.sort(key=lambda item: order[item["phase"]])
    return [
        {
            "id": item["id"],
            "phase": item["phase"],
            "category": item["category"],
            "title": item["title"],
            "reason": item["text"],
            "plain": item.get("plain", ""),
            "citations": list(item["citations"]),
            "evidence": item["tag"],
        }
        for item in chosen
    ]
