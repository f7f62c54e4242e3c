"""Conventional care: the knowledge base's items that fit the case, ordered by phase."""

from __future__ import annotations

from fracturecare.engine.conditions import holds
from fracturecare.engine.shapes import JSON, Facts

URGENT = ("emergency", "urgent_referral")


def current_phase(level: str, phases: list[JSON]) -> JSON:
    """The phase a newly evaluated case is in: triage while a referral is urgent, else protection."""
    wanted = "triage" if level in URGENT else "protection"
    by_id = {p["id"]: p for p in phases}
    return by_id.get(wanted) or min(phases, key=lambda p: p["order"])


def conventional_items(facts: Facts, conventional: JSON) -> list[JSON]:
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


def hold_for_urgent(level: str, items: list[JSON], conventional: JSON) -> tuple[list[JSON], JSON] | None:
    """Under an emergency or urgent referral, keep only protection and referral care.

    The knowledge base's `urgent_hold` names the phases that stay and the items that go (e.g.
    weight bearing as tolerated); returns (kept items, warning), or None when nothing is held.
    """
    hold = conventional.get("urgent_hold")
    if level not in URGENT or not hold:
        return None
    kept = [item for item in items
            if item["phase"] in hold["phases"] and item["id"] not in hold.get("exclude_items", [])]
    warning = {
        "code": "conventional_held_for_referral",
        "text": hold["text"],
        "severity": "block",
        "citations": list(hold["citations"]),
        "evidence": hold["tag"],
    }
    return kept, warning
