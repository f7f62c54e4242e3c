import datetime

from hypothesis import given
from hypothesis import strategies as st

from fracturecare.outcomes.measures import lefs_improved, lefs_total, nrs_improved
from fracturecare.outcomes.progress import NO_IMPROVEMENT_AFTER_DAYS, Measurement, assess_progress

D0 = datetime.date(2025, 3, 1)


def m(day, nrs=None, lefs=None):
    return Measurement(on=D0 + datetime.timedelta(days=day), pain_nrs=nrs, lefs=lefs)


def test_lefs_total_and_its_limits():
    assert lefs_total([4] * 20) == 80 and lefs_total([0] * 20) == 0
    for bad in ([4] * 19, [5] + [4] * 19, [-1] + [0] * 19, ["3"] + [0] * 19):
        try:
            lefs_total(bad)
        except ValueError:
            continue
        raise AssertionError(f"accepted {bad}")


def test_mcid_thresholds():
    # NRS: 2 points, or 30% of the baseline [FAR01, SAL04].
    assert nrs_improved(6, 4) and not nrs_improved(6, 5)
    assert nrs_improved(3, 2)  # 1 point of 3 is 33%
    assert not nrs_improved(4, 5)
    # LEFS: 9 points [BIN99].
    assert lefs_improved(40, 49) and not lefs_improved(40, 48)


def test_one_assessment_is_not_enough():
    assert assess_progress([m(0, 6, 40)]).status == "not_enough_data"
    assert assess_progress([]).status == "not_enough_data"


def test_no_change_after_two_weeks_prompts_review():
    result = assess_progress([m(0, 6, 40), m(7, 6, 42), m(NO_IMPROVEMENT_AFTER_DAYS, 5, 45)])
    assert result.status == "not_improving" and result.needs_review
    assert "re-imaging" in result.message and "[K]" in result.basis


def test_no_change_before_two_weeks_is_too_early():
    result = assess_progress([m(0, 6, 40), m(NO_IMPROVEMENT_AFTER_DAYS - 1, 6, 40)])
    assert result.status == "too_early" and not result.needs_review


def test_important_improvement_in_either_measure_counts():
    assert assess_progress([m(0, 6, 40), m(21, 4, 41)]).status == "improving"
    assert assess_progress([m(0, 6, 40), m(21, 6, 49)]).status == "improving"
    assert assess_progress([m(0, 6), m(21, 6)]).status == "not_improving"


def test_worsening_prompts_review_at_any_time():
    result = assess_progress([m(0, 4, 50), m(3, 6, 50)])
    assert result.status == "worsening" and "pain is 6/10" in result.message
    # Worse than the best so far, though still better than at intake.
    relapse = assess_progress([m(0, 8, 30), m(14, 2, 60), m(21, 5, 60)])
    assert relapse.status == "worsening"
    assert assess_progress([m(0, 4, 60), m(5, 4, 50)]).status == "worsening"


def test_scores_already_at_their_best_do_not_raise_a_flag():
    assert assess_progress([m(0, 0, 78), m(30, 0, 79)]).status == "improving"


@given(
    baseline_nrs=st.integers(0, 10),
    baseline_lefs=st.integers(0, 80),
    nrs_delta=st.integers(-10, 10),
    lefs_delta=st.integers(-80, 80),
    days=st.integers(0, 120),
)
def test_flag_matches_the_rule(baseline_nrs, baseline_lefs, nrs_delta, lefs_delta, days):
    latest_nrs = min(max(baseline_nrs + nrs_delta, 0), 10)
    latest_lefs = min(max(baseline_lefs + lefs_delta, 0), 80)
    result = assess_progress([m(0, baseline_nrs, baseline_lefs), m(days, latest_nrs, latest_lefs)])
    worse = latest_nrs - baseline_nrs >= 2 or baseline_lefs - latest_lefs >= 9
    better = nrs_improved(baseline_nrs, latest_nrs) or lefs_improved(baseline_lefs, latest_lefs)
    if worse:
        assert result.status == "worsening"
    elif better:
        assert result.status == "improving"
    elif days >= NO_IMPROVEMENT_AFTER_DAYS and (baseline_nrs > 0 or baseline_lefs <= 71):
        assert result.status == "not_improving"
    else:
        assert not result.needs_review
