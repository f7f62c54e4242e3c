"""Checks that span several rows of a visit record (the forms check single fields).

The same checks run in the form layer, to put messages next to the fields, and in the
services, so nothing inconsistent reaches the database whatever the caller.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from fracturecare.charting.knowledge import known_muscles, known_point_codes, normalise_point_code
from fracturecare.charting.vocab import Laterality, Waveform


@dataclass(frozen=True)
class Problem:
    """One message for one field: `section` is "visit" or a row list, `index` the row."""

    section: str
    index: int | None
    field: str
    message: str


@dataclass
class VisitRecord:
    """A whole visit as entered: the visit's own fields and its rows (each a dict of model fields)."""

    fields: dict
    points: list[dict] = field(default_factory=list)
    dry_needling: list[dict] = field(default_factory=list)
    electrode_pairs: list[dict] = field(default_factory=list)
    adverse_events: list[dict] = field(default_factory=list)


class VisitRecordError(ValidationError):
    """The record is inconsistent; `problems` says where."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__([f"{p.section}[{p.index}].{p.field}: {p.message}" for p in problems])


def point_code_problem(raw: str) -> tuple[str, str | None]:
    """Normalise a point code; return it with an error message, or None when it is known."""
    code = normalise_point_code(raw)
    if not code:
        return code, "Enter a point code."
    if code not in known_point_codes():
        return code, f"“{raw}” is not a WHO point code in the knowledge base (e.g. ST36, KI3, LR3, or ASHI)."
    return code, None


def muscle_problem(muscle: str) -> str | None:
    if muscle not in known_muscles():
        return f"“{muscle}” is not a muscle in the knowledge base."
    return None


def _ea_problems(fields: dict, pairs: list[dict]) -> list[Problem]:
    problems = []
    waveform = fields.get("ea_waveform") or ""
    if pairs and not waveform:
        problems.append(Problem("visit", None, "ea_waveform", "Electrode pairs are recorded: give the waveform."))
    if waveform:
        if not pairs:
            problems.append(
                Problem("visit", None, "ea_waveform", "Electroacupuncture needs at least one electrode pair.")
            )
        for name, label in (
            ("ea_frequency_hz", "frequency"),
            ("ea_intensity", "intensity"),
            ("ea_duration_min", "duration"),
        ):
            if fields.get(name) in (None, ""):
                problems.append(Problem("visit", None, name, f"Give the electroacupuncture {label}."))
        low, high = fields.get("ea_frequency_hz"), fields.get("ea_frequency_high_hz")
        if waveform == Waveform.DENSE_DISPERSE:
            if high is None:
                problems.append(
                    Problem("visit", None, "ea_frequency_high_hz", "Dense-disperse needs the high frequency too.")
                )
            elif low is not None and high <= low:
                problems.append(
                    Problem("visit", None, "ea_frequency_high_hz", "The high frequency must exceed the low one.")
                )
        elif high is not None:
            problems.append(
                Problem(
                    "visit",
                    None,
                    "ea_frequency_high_hz",
                    "A second frequency applies to dense-disperse only.",
                )
            )
    else:
        for name in (
            "ea_frequency_hz",
            "ea_frequency_high_hz",
            "ea_intensity",
            "ea_intensity_ma",
            "ea_duration_min",
        ):
            if fields.get(name) not in (None, ""):
                problems.append(Problem("visit", None, name, "Choose the EA waveform, or clear this field."))
    return problems


def _point_problems(points: list[dict]) -> list[Problem]:
    problems = []
    seen: dict[str, set[str]] = {}
    for i, p in enumerate(points):
        sides = seen.setdefault(p["code"], set())
        lat = p["laterality"]
        clash = (
            lat in sides
            or (lat == Laterality.BILATERAL and sides & {"left", "right"})
            or (lat in ("left", "right") and Laterality.BILATERAL in sides)
        )
        if clash:
            problems.append(Problem("points", i, "laterality", f"{p['code']} is already charted on this side."))
        sides.add(lat)
    return problems


def _pair_problems(points: list[dict], pairs: list[dict]) -> list[Problem]:
    problems = []
    for i, pair in enumerate(pairs):
        side = pair["side"]
        if pair["point_a"] == pair["point_b"]:
            problems.append(Problem("electrode_pairs", i, "point_b", "An electrode pair joins two different points."))
        for name in ("point_a", "point_b"):
            code = pair[name]
            on_side = any(p["code"] == code and p["laterality"] in (side, Laterality.BILATERAL) for p in points)
            if not on_side:
                problems.append(
                    Problem(
                        "electrode_pairs",
                        i,
                        name,
                        f"{code} is not charted as needled on the {side} side in this visit; "
                        "both electrodes of a pair must be on the same side.",
                    )
                )
    return problems


def needle_count(points: list[dict], dry_needling: list[dict]) -> int:
    """Needles the rows account for: one per point and side (two for a bilateral point), one per muscle.

    Derived, never typed: the count in and out is checked against it before signing.
    """
    per_point = sum(2 if p.get("laterality") == Laterality.BILATERAL else 1 for p in points)
    return per_point + len(dry_needling)


def record_problems(record: VisitRecord) -> list[Problem]:
    """Every cross-row problem in the record (empty when it is consistent)."""
    problems = _ea_problems(record.fields, record.electrode_pairs)
    problems += _point_problems(record.points)
    problems += _pair_problems(record.points, record.electrode_pairs)
    n_in, n_out = record.fields.get("needles_in"), record.fields.get("needles_out")
    if n_in is not None and n_out is not None and n_out > n_in:
        problems.append(Problem("visit", None, "needles_out", "More needles removed than inserted: recount."))
    return problems


def sign_problems(record: VisitRecord) -> list[Problem]:
    """What must be true before a visit can be signed, beyond `record_problems`."""
    problems = []
    needled = bool(record.points or record.dry_needling)
    n_in, n_out = record.fields.get("needles_in"), record.fields.get("needles_out")
    if needled and (n_in is None or n_out is None):
        problems.append(
            Problem("visit", None, "needles_all_out", "Confirm every needle was removed and counted before signing.")
        )
    elif needled and n_in != n_out:
        problems.append(
            Problem(
                "visit",
                None,
                "needles_all_out",
                f"{n_in} needles in but {n_out} out: find every needle before signing.",
            )
        )
    rescreen = record.fields.get("rescreen")
    if not (isinstance(rescreen, dict) and rescreen.get("answered")):
        problems.append(
            Problem("visit", None, "rescreen_clear", "Answer the red-flag re-screen before signing.")
        )
    return problems
