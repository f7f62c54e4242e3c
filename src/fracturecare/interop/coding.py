"""Billing codes for a visit: ICD-10-CM diagnoses and CPT lines for acupuncture and dry needling.

Sources (knowledge-base evidence ids): ICD-10-CM stress fracture family M84.3- and its 7th
characters [CDC-ICD, V]; CPT acupuncture/dry-needling codes and billing notes [V; © AMA, so only
our own short labels are shown, never the CPT descriptors]. Every choice that is coder judgment
is labelled as such on the superbill.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import TYPE_CHECKING

from fracturecare.interop import icd
from fracturecare.knowledge import load_knowledge

if TYPE_CHECKING:
    from fracturecare.charting.models import DryNeedlingTarget

ICD10CM_SYSTEM = "http://hl7.org/fhir/sid/icd-10-cm"
CPT_SYSTEM = "http://www.ama-assn.org/go/cpt"

# 7th characters of M84.3-. Only the two the clinic's own visits can carry are offered.
ACTIVE_TREATMENT = "A"
ROUTINE_HEALING = "D"
SEVENTH_CHARACTERS = {
    ACTIVE_TREATMENT: "A: active treatment",
    ROUTINE_HEALING: "D: later visit, routine healing",
}
SEVENTH_RULE = (
    "7th character: A while the patient is receiving active treatment, D for later healing and "
    "recovery visits; \u201cinitial\u201d does not simply mean first visit (check the current "
    "ICD-10-CM Official Guidelines for Coding and Reporting). This system proposes D once the "
    "latest outcome assessment on or before the date of service puts the patient in return to "
    "running or return to sport, and A otherwise. The choice is coder judgment: the clinician or "
    "coder may change it."
)
# Phases (outcomes.stages.Phase values) from which a visit is proposed as a healing visit.
HEALING_PHASES = ("return_to_run", "return_to_sport")

MEDICARE_WARNING = (
    "Medicare NCD 30.3.3 (effective 21 Jan 2020) covers acupuncture, including dry needling, only "
    "for chronic low back pain; a stress fracture is not a covered indication ."
)

# CPT time rule used for 15-minute units. Billing guidance says time is face-to-face
# contact, not needle retention, but does not state a rounding rule; the midpoint rule below
# (a unit counts once more than half of it, 8 of 15 minutes, has passed) is the usual CPT
# convention and is shown on the superbill as "check your payer".
UNIT_MINUTES = 15
MIDPOINT_MINUTES = 8
UNIT_RULE = (
    "Time is one-on-one face-to-face contact, not needle-retention time. Units: the "
    "initial code needs at least 8 minutes; each additional 15-minute unit counts once 8 or more "
    "minutes of it have passed (23, 38, 53 \u2026 minutes), and only with re-insertion of needles. "
    "The 8-minute midpoint is the usual CPT time convention: check "
    "your payer."
)


@dataclasses.dataclass(frozen=True)
class Diagnosis:
    code: str
    label: str
    valid: bool
    note: str = ""


@dataclasses.dataclass(frozen=True)
class CptLine:
    code: str
    label: str
    units: int
    note: str = ""


def site_for(site_id: str) -> dict | None:
    """The knowledge-base site with this id, or None."""
    return next((s for s in load_knowledge().sites if s["id"] == site_id), None)


def code_is_valid(code: str) -> bool:
    """Whether `code` is a valid, complete (leaf) ICD-10-CM code (see `interop.icd`)."""
    return icd.is_billable(code)


def stress_fracture_bases(site_id: str, side: str) -> list[tuple[str, str]]:
    """(code without 7th character, laterality label) for a site and side.

    Bilateral injuries take the right and the left code: M84.3- has no bilateral code.
    A side the site has no code for (midline, or a site without laterality) takes the
    unspecified code.
    """
    site = site_for(site_id)
    if site is None or "icd10" not in site:
        return []
    codes = site["icd10"]
    if side == "bilateral" and "right" in codes and "left" in codes:
        return [(codes["right"], "right"), (codes["left"], "left")]
    if side in ("left", "right") and side in codes:
        return [(codes[side], side)]
    return [(codes["unspecified"], "laterality not coded")]


def propose_seventh(latest_phase: str | None) -> str:
    """The 7th character this system proposes (see SEVENTH_RULE)."""
    return ROUTINE_HEALING if latest_phase in HEALING_PHASES else ACTIVE_TREATMENT


def diagnoses(site_id: str, side: str, seventh: str) -> list[Diagnosis]:
    """The stress-fracture diagnosis codes for a site, side and 7th character, each validated."""
    site = site_for(site_id)
    if site is None:
        return [Diagnosis(code="", label=f"Unknown site {site_id!r}", valid=False,
                          note="No code: the site is not in the knowledge base.")]
    out = []
    for base, laterality in stress_fracture_bases(site_id, side):
        code = f"{base}{seventh}"
        valid = code_is_valid(code)
        note = site["icd10"].get("note", "")
        if not valid:
            note = f"Not a valid billable ICD-10-CM code: check before billing. {note}".strip()
        out.append(Diagnosis(code=code, label=f"Stress fracture, {site['label'].lower()}, {laterality}",
                             valid=valid, note=note))
    return out


def acupuncture_units(minutes: int) -> tuple[int, int]:
    """(initial units, additional units) for `minutes` of face-to-face time (see UNIT_RULE)."""
    if minutes < MIDPOINT_MINUTES:
        return 0, 0
    extra = minutes - UNIT_MINUTES
    additional = max(0, (extra + UNIT_MINUTES - MIDPOINT_MINUTES) // UNIT_MINUTES) if extra > 0 else 0
    return 1, additional


def acupuncture_lines(*, minutes: int | None, electrical: bool, reinserted: bool) -> list[CptLine]:
    """CPT lines for acupuncture: 97810/97811 without, 97813/97814 with electrical stimulation."""
    initial_code, addon_code = ("97813", "97814") if electrical else ("97810", "97811")
    kind = "with e-stim" if electrical else "without e-stim"
    if minutes is None:
        return [CptLine(initial_code, f"Acupuncture {kind}, first 15 min", 0,
                        "Enter the face-to-face minutes to compute units.")]
    initial, additional = acupuncture_units(minutes)
    if not initial:
        return [CptLine(initial_code, f"Acupuncture {kind}, first 15 min", 0,
                        f"{minutes} min is under the 8-minute threshold: not billed.")]
    lines = [CptLine(initial_code, f"Acupuncture {kind}, first 15 min", 1)]
    if additional and reinserted:
        lines.append(CptLine(addon_code, f"Acupuncture {kind}, each extra 15 min (add-on)", additional))
    elif additional:
        lines.append(CptLine(addon_code, f"Acupuncture {kind}, each extra 15 min (add-on)", 0,
                             "Add-on units need re-insertion of needles: not billed."))
    if electrical and additional:
        lines[-1] = dataclasses.replace(
            lines[-1], note=(lines[-1].note + " The e-stim codes apply to an increment only if a needle "
                             "was stimulated in it: coder judgment.").strip())
    return lines


def muscle_count(targets: Iterable[DryNeedlingTarget]) -> int:
    """Muscles dry-needled: a bilateral target is two muscles (one on each side)."""
    seen: set[tuple[str, str]] = set()
    for t in targets:
        sides = ("left", "right") if t.side == "bilateral" else (t.side,)
        seen.update((t.muscle, s) for s in sides)
    return len(seen)


def dry_needling_lines(n_muscles: int) -> list[CptLine]:
    """20560 for 1–2 muscles, 20561 for 3 or more (APTA20, V)."""
    if n_muscles <= 0:
        return []
    if n_muscles <= 2:
        return [CptLine("20560", "Dry needling, 1\u20132 muscles", 1)]
    return [CptLine("20561", "Dry needling, 3+ muscles", 1)]
