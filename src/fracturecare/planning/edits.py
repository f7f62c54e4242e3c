"""Applying a clinician's changes to a plan: pure functions over plain dicts.

A plan item is identified by its section and key: a conventional item by `id`, a point by
`code`, a dry-needling target by `muscle`. Removing an item moves it to the section's
`removed_by_clinician` list with the reason; adding one appends an item marked
`added_by_clinician` that carries the clinician's reason instead of an engine citation.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass

from fracturecare.engine.shapes import JSON

KEY_FIELD = {"conventional": "id", "acupuncture": "code", "dry_needling": "muscle"}
SIDE_FIELD = {"acupuncture": "laterality", "dry_needling": "side"}


@dataclass(frozen=True)
class Change:
    """A clinician's change, as plain data (the PlanEdit model converts to this)."""

    action: str  # "remove" | "add"
    section: str  # "conventional" | "acupuncture" | "dry_needling"
    key: str
    reason: str
    laterality: str = ""
    description: str = ""
    override: bool = False
    by: str = ""
    at: str = ""
    version: int = 0

    def as_dict(self) -> dict:
        return {
            "action": self.action, "section": self.section, "key": self.key, "reason": self.reason,
            "laterality": self.laterality, "description": self.description, "override": self.override,
            "by": self.by, "at": self.at, "version": self.version,
        }


class EditError(ValueError):
    """A change that cannot apply to this plan; `field` names the form field at fault."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def items(plan: dict, section: str) -> list[dict]:
    """The live items of a section."""
    if section == "conventional":
        return plan.get("conventional", [])
    if section == "acupuncture":
        return plan.get("acupuncture", {}).get("points", [])
    return plan.get("dry_needling", {}).get("targets", [])


def _set_items(plan: dict, section: str, new_items: list[dict]) -> None:
    if section == "conventional":
        plan["conventional"] = new_items
    elif section == "acupuncture":
        plan.setdefault("acupuncture", {})["points"] = new_items
    else:
        plan.setdefault("dry_needling", {})["targets"] = new_items


def excluded_entries(plan: dict, section: str) -> list[dict]:
    """What the engine left out of a needling section, each with `why` (one entry per rule)."""
    if section not in KEY_FIELD or section == "conventional":
        return []
    key_field = KEY_FIELD[section]
    return [e for e in plan.get(section, {}).get("excluded", []) if e.get(key_field)]


def excluded_keys(plan: dict, section: str) -> dict[str, str]:
    """Key -> why (reasons joined), for what the engine left out of a needling section."""
    out: dict[str, str] = {}
    for e in excluded_entries(plan, section):
        key = e[KEY_FIELD[section]]
        out[key] = f"{out[key]} {e.get('why', '')}".strip() if key in out else e.get("why", "")
    return out


def override_refused(plan: dict, section: str, key: str) -> str:
    """The engine's reason when it marks an exclusion as not open to override, else ''."""
    for e in excluded_entries(plan, section):
        if e[KEY_FIELD[section]] == key and e.get("override_allowed") is False:
            return e.get("why", "excluded without override")
    return ""


def is_deferred(plan: dict, section: str) -> bool:
    return section != "conventional" and bool(plan.get(section, {}).get("deferred"))


def needs_override(plan: dict, section: str, key: str) -> bool:
    """Adding this item goes against the engine: it excluded the item or deferred the section."""
    return key in excluded_keys(plan, section) or is_deferred(plan, section)


def check_change(plan: dict, change: Change) -> None:
    """Raise EditError if `change` cannot apply to `plan` (the plan before this change)."""
    if not change.reason.strip():
        raise EditError("reason", "Give the reason for this change.")
    present = {item.get(KEY_FIELD[change.section]) for item in items(plan, change.section)}
    if change.action == "remove":
        if change.key not in present:
            raise EditError("key", f"{change.key} is not in the plan.")
        return
    if change.key in present:
        raise EditError("key", f"{change.key} is already in the plan.")
    refused = override_refused(plan, change.section, change.key)
    if refused:
        raise EditError("key", f"{change.key} cannot be added back: {refused}")
    if needs_override(plan, change.section, change.key) and not change.override:
        raise EditError(
            "override",
            "The engine excluded or deferred this; adding it needs an explicit override with its reason.",
        )
    if change.section != "conventional" and not change.laterality:
        raise EditError("laterality", "Choose the side.")
    if change.section == "conventional" and not change.description.strip():
        raise EditError("description", "Say what the added care is.")


def apply_change(plan: dict, change: Change) -> dict:
    """A new plan dict with `change` applied (checked first)."""
    check_change(plan, change)
    out = copy.deepcopy(plan)
    section, key_field = change.section, KEY_FIELD[change.section]
    holder = out if section == "conventional" else out.setdefault(section, {})
    record = change.as_dict()
    if change.action == "remove":
        kept: list[JSON] = []
        removed: list[JSON] = []
        for item in items(out, section):
            (removed if item.get(key_field) == change.key else kept).append(item)
        _set_items(out, section, kept)
        list_name = "conventional_removed_by_clinician" if section == "conventional" else "removed_by_clinician"
        target = out if section == "conventional" else holder
        for item in removed:
            target.setdefault(list_name, []).append({**item, "removal": record})
    else:
        item = {key_field: change.key, "reason": change.reason, "citations": [],
                "added_by_clinician": True, "override": change.override, "change": record}
        if section in SIDE_FIELD:
            item[SIDE_FIELD[section]] = change.laterality
        if change.description:
            item["description"] = change.description
        _set_items(out, section, [*items(out, section), item])
    out.setdefault("clinician_changes", []).append(record)
    return out


def apply_changes(plan: dict, changes: Iterable[Change]) -> dict:
    """Apply changes in order; the first that cannot apply raises EditError."""
    for change in changes:
        plan = apply_change(plan, change)
    return plan
