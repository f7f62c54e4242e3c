"""What the charting forms need from the knowledge base: the known point codes and muscles."""

from __future__ import annotations

import re

from fracturecare.knowledge import load_knowledge

# Local Ashi points over the painful area are charted with this code (plan contract, "Identifiers").
ASHI = "ASHI"

_SEPARATORS = re.compile(r"[\s.\-_]+")
_CODE = re.compile(r"^([A-Z]+)0*([0-9]+)$")


def normalise_point_code(raw: str) -> str:
    """Write a typed point code in WHO form: "st-36" -> "ST36", "bl 01" -> "BL1".

    Only case, separators and leading zeros are normalised. Legacy letters (LV, SJ, Du ...)
    are not mapped, because the same letter means different channels in different traditions
    (WHO standard point codes); an unknown code is rejected instead.
    """
    code = _SEPARATORS.sub("", (raw or "").strip().upper())
    match = _CODE.match(code)
    if match:
        code = f"{match.group(1)}{int(match.group(2))}"
    return code


def _items(section) -> list:
    if isinstance(section, dict):
        return list(section.values())
    return list(section or [])


def _field(item, name: str):
    return item.get(name) if isinstance(item, dict) else getattr(item, name, None)


def known_point_codes() -> frozenset[str]:
    """Every point code the knowledge base describes, plus ASHI."""
    kb = load_knowledge()
    codes = {_field(p, "code") for p in _items(getattr(kb, "points", None))}
    codes.discard(None)
    return frozenset(codes | {ASHI})


def known_muscles() -> dict[str, str]:
    """Muscle id -> display name, for the dry-needling rows."""
    kb = load_knowledge()
    muscles = {}
    for m in _items(getattr(kb, "muscles", None)):
        mid = _field(m, "id")
        if mid:
            muscles[mid] = _field(m, "name") or mid.replace("_", " ")
    return muscles
