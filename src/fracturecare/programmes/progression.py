"""The progression rule of a staged programme: advance, hold or step back after a logged session.

Pure: plain data in, a Decision out (no Django, no I/O, no clock). The thresholds come from the
knowledge base (knowledge/data/return_to_run.yaml) through `Criteria.from_programme`, so every
number here is the data's, with its sources; the reason returned is what the patient is told.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from enum import StrEnum


class Action(StrEnum):
    ADVANCE = "advance"
    HOLD = "hold"
    STEP_BACK = "step_back"
    COMPLETE = "complete"


@dataclass(frozen=True)
class Criteria:
    """The programme's thresholds. Pain is NRS 0–10; days are calendar days."""

    advance_max_pain_during: int
    advance_max_pain_next_day: int
    step_back_min_pain: int
    rest_days_after_step_back: int
    days_between_steps: tuple[int, ...]  # per step: days from this step's session to the next one
    step_count: int

    @classmethod
    def from_programme(cls, programme: dict) -> Criteria:
        """Build the criteria from a knowledge-base programme entry."""
        rules = programme["progression"]
        gap = {s["id"]: s["days_between_steps"]["value"] for s in programme["stages"]}
        return cls(
            advance_max_pain_during=rules["advance_max_pain_during"]["value"],
            advance_max_pain_next_day=rules["advance_max_pain_next_day"]["value"],
            step_back_min_pain=rules["step_back_min_pain"]["value"],
            rest_days_after_step_back=rules["rest_days_after_step_back"]["value"],
            days_between_steps=tuple(gap[s["stage"]] for s in programme["steps"]),
            step_count=len(programme["steps"]),
        )


@dataclass(frozen=True)
class Session:
    """One logged session of the current step."""

    on: datetime.date
    done: bool
    pain_during: int | None  # None when the session was not done
    pain_next_day: int | None


@dataclass(frozen=True)
class Decision:
    action: Action
    step: int  # the step (0-based) to do next
    next_session_on: datetime.date
    reason: str  # told to the patient


def _check_pain(name: str, value: int | None) -> int:
    if value is None or isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10:
        raise ValueError(f"{name} must be a whole number 0–10, got {value!r}")
    return value


def decide(*, step: int, due_on: datetime.date, session: Session, criteria: Criteria) -> Decision:
    """What happens after `session` of `step` (0-based), which was due on `due_on`.

    Order matters and is the safe one: pain that calls for a step back wins over everything, then
    any pain at all holds, then a missed or early session holds; only a pain-free session on time advances.
    Raises ValueError for input it does not understand (fail closed: nothing is guessed).
    """
    if not 0 <= step < criteria.step_count:
        raise ValueError(f"step must be 0–{criteria.step_count - 1}, got {step!r}")
    if session.done:
        during = _check_pain("pain_during", session.pain_during)
        next_day = _check_pain("pain_next_day", session.pain_next_day)
    else:
        if session.pain_next_day is not None:
            _check_pain("pain_next_day", session.pain_next_day)
        during, next_day = 0, session.pain_next_day or 0
    worst = max(during, next_day)
    after = session.on + datetime.timedelta(days=1)
    if worst >= criteria.step_back_min_pain:
        back = max(step - 1, 0)
        when = "during the session" if during >= criteria.step_back_min_pain else "the next day"
        restart = session.on + datetime.timedelta(days=1 + criteria.rest_days_after_step_back)
        return Decision(
            Action.STEP_BACK, back, restart,
            f"You had pain of {worst}/10 {when}. That is a sign the bone needs more time: rest "
            f"{criteria.rest_days_after_step_back} day{'s' if criteria.rest_days_after_step_back != 1 else ''}, "
            f"then {'restart at the previous step' if back < step else 'repeat the first step'}. "
            "If the pain persists, contact your clinician.",
        )
    gap = criteria.days_between_steps[step]
    if not session.done:
        return Decision(Action.HOLD, step, after,
                        "The session was not done, so the same step comes next. That is fine: do it when you can.")
    if during > criteria.advance_max_pain_during or next_day > criteria.advance_max_pain_next_day:
        return Decision(
            Action.HOLD, step, session.on + datetime.timedelta(days=gap),
            f"You had some pain ({during}/10 during, {next_day}/10 the next day). Repeat this step until it is "
            "pain-free before moving on. Pain at the injured bone itself is a reason to call your clinician.",
        )
    if session.on < due_on:
        return Decision(
            Action.HOLD, step, due_on,
            f"This session was done before it was due ({due_on:%-d %B}). Steps need at least {gap} "
            f"day{'s' if gap != 1 else ''} between them so the bone can recover, so the same step comes next.",
        )
    if step == criteria.step_count - 1:
        return Decision(Action.COMPLETE, step, session.on + datetime.timedelta(days=gap),
                        "Pain-free at the last step: the programme is complete. Keep recovery days in your training.")
    return Decision(
        Action.ADVANCE, step + 1, session.on + datetime.timedelta(days=criteria.days_between_steps[step]),
        f"Pain-free during the session and the next day: move on to the next step in {gap} "
        f"day{'s' if gap != 1 else ''}.",
    )
