"""Is the patient improving as expected? A pure rule over dated pain and LEFS scores.

Basis (tag K: textbook knowledge, not
re-checked): "No improvement after 2–3 weeks of appropriate offloading, or worsening →
re-image; physician review". Possible causes: misdiagnosis, progression or nonunion.

How the rule is made concrete here (each choice is ours and is shown to the clinician):
- "Improvement" means a clinically important change in either measure since the first
  assessment: pain NRS down by ≥2 points or ≥30% [FAR01, SAL04], or LEFS up by ≥9 [BIN99].
- "After 2–3 weeks" is read as 14 days, the early end of the range, so the prompt comes
  sooner rather than later. Offloading is assumed to have started at the first assessment.
- "Worsening" means the latest score is clinically importantly worse than the best score so
  far (pain up ≥2 points, or LEFS down ≥9), at any time.
The result prompts the clinician to re-evaluate or refer; it does not decide.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from fracturecare.outcomes.measures import (
    LEFS_MAX,
    LEFS_MCID,
    NRS_MCID_POINTS,
    lefs_improved,
    nrs_improved,
)

NO_IMPROVEMENT_AFTER_DAYS = 14
BASIS = (
    "No improvement after 2–3 weeks of appropriate offloading, or worsening: re-image and "
    "arrange physician review (possible misdiagnosis, progression or nonunion). "
    "This rule is textbook knowledge [K], not re-checked against a primary source: the clinic sets its own "
    "window before relying on it. "
    "Clinically important change: pain NRS ≥2 points or ≥30% [FAR01, SAL04]; LEFS ≥9 points [BIN99]."
)
ACTION = "Re-evaluate; consider re-imaging and physician review or referral."


@dataclass(frozen=True)
class Measurement:
    on: datetime.date
    pain_nrs: int | None = None
    lefs: int | None = None
    patient_reported: bool = False  # drawn as an open marker on the chart


@dataclass(frozen=True)
class Progress:
    status: str  # not_enough_data | too_early | improving | not_improving | worsening
    message: str
    days_since_baseline: int | None = None
    basis: str = BASIS

    @property
    def needs_review(self) -> bool:
        return self.status in ("not_improving", "worsening")


def _series(measurements: Sequence[Measurement], attr: str) -> list[tuple[datetime.date, int]]:
    return [(m.on, getattr(m, attr)) for m in sorted(measurements, key=lambda m: m.on) if getattr(m, attr) is not None]


def _worsening(nrs, lefs) -> list[str]:
    found = []
    if len(nrs) >= 2:
        best = min(v for _, v in nrs[:-1])
        if nrs[-1][1] - best >= NRS_MCID_POINTS:
            found.append(f"pain is {nrs[-1][1]}/10, up from a best of {best}")
    if len(lefs) >= 2:
        best = max(v for _, v in lefs[:-1])
        if best - lefs[-1][1] >= LEFS_MCID:
            found.append(f"LEFS is {lefs[-1][1]}/80, down from a best of {best}")
    return found


def assess_progress(measurements: Sequence[Measurement]) -> Progress:
    """Classify a patient's course from their dated NRS and LEFS scores."""
    nrs, lefs = _series(measurements, "pain_nrs"), _series(measurements, "lefs")
    if len(nrs) < 2 and len(lefs) < 2:
        return Progress("not_enough_data", "Record at least two assessments to see progress.")
    baseline_day = min(d for d, _ in (nrs[:1] + lefs[:1]))
    latest_day = max(d for d, _ in (nrs[-1:] + lefs[-1:]))
    days = (latest_day - baseline_day).days

    worse = _worsening(nrs, lefs)
    if worse:
        return Progress("worsening", "Worsening: " + "; ".join(worse) + ". " + ACTION, days)

    improved = []
    if len(nrs) >= 2 and nrs_improved(nrs[0][1], nrs[-1][1]):
        improved.append(f"pain {nrs[0][1]} → {nrs[-1][1]}")
    if len(lefs) >= 2 and lefs_improved(lefs[0][1], lefs[-1][1]):
        improved.append(f"LEFS {lefs[0][1]} → {lefs[-1][1]}")
    if improved:
        return Progress("improving", "Clinically important improvement: " + ", ".join(improved) + ".", days)

    # A patient already at the ceiling of both measures cannot show an important change.
    room = (nrs and nrs[0][1] > 0) or (lefs and lefs[0][1] <= LEFS_MAX - LEFS_MCID)
    if not room:
        return Progress("improving", "Scores were already near their best at the first assessment.", days)
    if days < NO_IMPROVEMENT_AFTER_DAYS:
        return Progress(
            "too_early",
            f"No clinically important change yet after {days} day(s); "
            f"the rule looks again from day {NO_IMPROVEMENT_AFTER_DAYS}.",
            days,
        )
    return Progress(
        "not_improving",
        f"Not improving as expected: no clinically important change in pain or LEFS after {days} days. {ACTION}",
        days,
    )
