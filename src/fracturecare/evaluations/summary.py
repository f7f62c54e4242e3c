"""One-line descriptions of a case, for lists and headings."""

from __future__ import annotations

from typing import Any


def _words(value: object) -> str:
    return str(value).replace("_", " ")


def case_summary(case: dict[str, Any]) -> str:
    """e.g. 'Left tibia, posteromedial shaft; pain 5/10; MRI: stress fracture'."""
    injury = case.get("injury", {})
    parts = []
    site = f"{_words(injury.get('side', '')).capitalize()} {_words(injury.get('bone', ''))}".strip()
    if injury.get("ray"):
        site += f" (ray {injury['ray']})"
    if injury.get("region"):
        site += f", {_words(injury['region'])}"
    parts.append(site)
    if injury.get("pain_nrs") is not None:
        parts.append(f"pain {injury['pain_nrs']}/10")
    imaging = case.get("imaging", {})
    if imaging.get("modality") and imaging.get("modality") != "none":
        parts.append(f"{_words(imaging['modality']).upper()}: {_words(imaging.get('result', 'no result'))}")
    return "; ".join(parts)
