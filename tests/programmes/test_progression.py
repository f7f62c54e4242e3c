"""The progression rule at every threshold, with the knowledge base's own criteria."""

from __future__ import annotations

import datetime

import pytest

from fracturecare.knowledge import load_knowledge
from fracturecare.programmes.progression import Action, Criteria, Session, decide

DAY = datetime.date(2026, 3, 2)


@pytest.fixture(scope="module")
def running() -> dict:
    return next(p for p in load_knowledge().return_to_run if p["id"] == "running")


@pytest.fixture(scope="module")
def criteria(running) -> Criteria:
    return Criteria.from_programme(running)


def _decide(criteria, *, step=2, done=True, during=0, next_day=0, on=DAY, due=DAY):
    return decide(step=step, due_on=due, criteria=criteria,
                  session=Session(on=on, done=done, pain_during=during if done else None, pain_next_day=next_day))


def test_criteria_come_from_the_knowledge_base(running, criteria):
    rules = running["progression"]
    assert criteria.advance_max_pain_during == rules["advance_max_pain_during"]["value"] == 0
    assert criteria.advance_max_pain_next_day == rules["advance_max_pain_next_day"]["value"] == 0
    assert criteria.step_back_min_pain == rules["step_back_min_pain"]["value"] == 3
    assert criteria.rest_days_after_step_back == rules["rest_days_after_step_back"]["value"] == 1
    assert criteria.step_count == len(running["steps"]) == 18
    # Walking steps follow daily; steps with running are on alternate days.
    assert criteria.days_between_steps[0] == 1 and criteria.days_between_steps[5] == 2


def test_a_pain_free_session_on_time_advances(criteria):
    d = _decide(criteria)
    assert (d.action, d.step) == (Action.ADVANCE, 3)
    assert d.next_session_on == DAY + datetime.timedelta(days=1)  # step 3 is a walking step
    assert "move on" in d.reason


def test_an_interval_step_waits_two_days_before_the_next(criteria):
    d = _decide(criteria, step=5)
    assert d.action == Action.ADVANCE and d.next_session_on == DAY + datetime.timedelta(days=2)


@pytest.mark.parametrize("pain", [1, 2])
def test_pain_during_above_the_advance_limit_and_below_step_back_holds(criteria, pain):
    d = _decide(criteria, during=pain)
    assert (d.action, d.step) == (Action.HOLD, 2)
    assert f"{pain}/10 during" in d.reason


@pytest.mark.parametrize("pain", [1, 2])
def test_pain_next_day_above_the_advance_limit_and_below_step_back_holds(criteria, pain):
    d = _decide(criteria, next_day=pain)
    assert (d.action, d.step) == (Action.HOLD, 2)


@pytest.mark.parametrize("pain", [3, 10])
def test_pain_during_at_or_above_the_step_back_threshold_steps_back(criteria, pain):
    d = _decide(criteria, during=pain)
    assert (d.action, d.step) == (Action.STEP_BACK, 1)
    # Rest one day, then restart at the previous step.
    assert d.next_session_on == DAY + datetime.timedelta(days=2)
    assert f"pain of {pain}/10 during the session" in d.reason and "previous step" in d.reason


@pytest.mark.parametrize("pain", [3, 7])
def test_pain_next_day_at_or_above_the_step_back_threshold_steps_back(criteria, pain):
    d = _decide(criteria, next_day=pain)
    assert (d.action, d.step) == (Action.STEP_BACK, 1)
    assert "the next day" in d.reason


def test_stepping_back_from_the_first_step_repeats_it(criteria):
    d = _decide(criteria, step=0, during=5)
    assert (d.action, d.step) == (Action.STEP_BACK, 0)
    assert "repeat the first step" in d.reason


def test_a_missed_session_holds_unless_the_next_day_hurt(criteria):
    missed = _decide(criteria, done=False, next_day=None)
    assert (missed.action, missed.step) == (Action.HOLD, 2)
    assert missed.next_session_on == DAY + datetime.timedelta(days=1)
    assert _decide(criteria, done=False, next_day=3).action == Action.STEP_BACK


def test_a_session_before_it_was_due_holds(criteria):
    due = DAY + datetime.timedelta(days=1)
    early = _decide(criteria, due=due)
    assert (early.action, early.step, early.next_session_on) == (Action.HOLD, 2, due)
    assert "before it was due" in early.reason
    on_the_day = _decide(criteria, on=due, due=due)
    assert on_the_day.action == Action.ADVANCE


def test_a_pain_free_last_step_completes_the_programme(criteria):
    last = criteria.step_count - 1
    d = _decide(criteria, step=last)
    assert (d.action, d.step) == (Action.COMPLETE, last)


@pytest.mark.parametrize("bad", [None, -1, 11, 2.5, True, "3"])
def test_pain_it_does_not_understand_is_refused(criteria, bad):
    with pytest.raises(ValueError, match="pain_during"):
        decide(step=0, due_on=DAY, criteria=criteria, session=Session(DAY, True, bad, 0))


@pytest.mark.parametrize("step", [-1, 18])
def test_a_step_outside_the_programme_is_refused(criteria, step):
    with pytest.raises(ValueError, match="step must be"):
        _decide(criteria, step=step)
