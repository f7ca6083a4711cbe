"""Forecasts (issue 16): a key result's value at the end of its cycle from the trend of its
check-ins. Examples first, then properties checked with hypothesis.

Pure functions only: no database, no Django.
"""

import math
from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from cadence.okrs import forecasts as fc
from cadence.okrs.progress import score

CYCLE_START = date(2026, 10, 1)  # a Thursday
CYCLE_END = date(2026, 12, 31)
END_DAYS = (CYCLE_END - CYCLE_START).days  # 91


def weekly(values, *, first=CYCLE_START, every=7):
    """Check-ins one a week (``every`` days), at noon UTC, from ``first``."""
    return [
        (datetime.combine(first + timedelta(days=every * i), time(12), tzinfo=UTC), v)
        for i, v in enumerate(values)
    ]


def forecast(history, *, start=0.0, target=100.0, kind="metric", direction=None, today=None, **kw):
    return fc.kr_forecast(
        kind=kind,
        start=start,
        target=target,
        direction=direction,
        history=history,
        cycle_start=CYCLE_START,
        cycle_end=CYCLE_END,
        today=today or date(2026, 11, 20),
        **kw,
    )


# Examples ------------------------------------------------------------------------------------


def test_onboarding_on_course_to_fall_short():
    """13% → 45%: about 2.2 points a week from 13 reaches about 41 by 31 Dec, not 45."""
    history = weekly([13, 15.2, 17.4, 19.6, 21.8, 24.0, 26.2])
    f = forecast(history, start=13, target=45)
    assert f is not None
    assert f.value == pytest.approx(13 + 2.2 * END_DAYS / 7, abs=1e-6)
    assert round(f.value) == 42
    assert f.progress == pytest.approx((f.value - 13) / 32)
    assert not f.reaches_target and f.short
    assert f.end == CYCLE_END
    assert f.line == ((date(2026, 11, 12), 26.2), (CYCLE_END, f.value))


def test_downwards_metric_reaching_its_target():
    """Support tickets 220 → 120, falling 10 a week: past the target by the end."""
    f = forecast(weekly([220, 210, 200, 190, 180]), start=220, target=120)
    assert f is not None
    assert f.value == pytest.approx(220 - 10 * END_DAYS / 7)
    assert f.progress == 1.0 and f.reaches_target and not f.short


def test_a_forecast_landing_on_the_target_reaches_it():
    # 0 → 91 at one a day: exactly the target on the last day (no float shortfall).
    f = forecast(weekly([0, 7, 14, 21]), start=0, target=91)
    assert f is not None and f.value == 91 and f.reaches_target and not f.short


def test_threshold_forecast_to_break_its_bound():
    """NPS must stay ≥ 40; it drifts down two points a week from 50."""
    f = forecast(weekly([50, 48, 46, 44]), kind="threshold", start=None, target=40)
    assert f is not None
    assert f.value == pytest.approx(50 - 2 * END_DAYS / 7)
    assert f.progress == 0.0 and not f.reaches_target and f.short
    at_most = forecast(
        weekly([30, 31, 32, 33]), kind="threshold", start=None, target=40, direction="at_most"
    )
    assert at_most is not None and at_most.progress == 0.0  # 30 + 13 = 43 > 40


def test_aspirational_key_results_fall_short_below_seventy_percent():
    history = weekly([0, 6, 12, 18])  # 6 a week: 78 by the end
    committed = forecast(history)
    aspirational = forecast(history, aspirational=True)
    assert committed is not None and aspirational is not None
    assert committed.progress == aspirational.progress == pytest.approx(0.78)
    assert committed.short and not aspirational.short
    assert not aspirational.reaches_target


@pytest.mark.parametrize(
    ("history", "why"),
    [
        ([], "no check-ins"),
        (weekly([1, 2]), "two weeks only"),
        (weekly([1, 2, 3], every=5), "three weeks spanning ten days"),
        (
            [(datetime(2026, 10, 5, h, tzinfo=UTC), h) for h in range(9, 18)],
            "many check-ins in one week",
        ),
    ],
)
def test_no_forecast_without_enough_data(history, why):
    assert forecast(history) is None, why


def test_no_forecast_for_milestones_or_without_target_or_start():
    history = weekly([0, 1, 2, 3])
    assert forecast(history, kind="milestone", target=1) is None
    assert forecast(history, target=None) is None
    assert forecast(history, start=None) is None
    assert forecast(history, start=5, target=5) is None
    assert forecast(history, kind="threshold", start=None, target=2) is not None


def test_check_ins_after_today_or_after_the_cycle_do_not_count():
    history = weekly([0, 1, 2, 3, 400])  # the last one on 29 Oct
    assert forecast(history, today=date(2026, 10, 28)).value == pytest.approx(END_DAYS / 7)
    late = [*weekly([0, 1, 2, 3]), (datetime(2027, 1, 5, tzinfo=UTC), 500.0)]
    assert forecast(late, today=date(2026, 12, 20)).value == pytest.approx(END_DAYS / 7)


def test_after_the_cycle_the_forecast_is_the_value_at_its_end():
    history = weekly([0, 10, 20, 30, 35])
    f = forecast(history, today=date(2027, 1, 10))
    assert f is not None and f.value == 35 and f.progress == 0.35 and f.line == () and f.ended
    assert not forecast(history, today=CYCLE_END).ended


def test_one_point_per_week_the_last():
    history = [
        *weekly([0, 7, 14]),
        # Two more in the third week: the later one counts.
        (datetime(2026, 10, 16, 9, tzinfo=UTC), 99.0),
        (datetime(2026, 10, 16, 10, tzinfo=UTC), 15.0),
    ]
    points = fc.weekly_points(history, until=CYCLE_END)
    assert points == [(date(2026, 10, 1), 0), (date(2026, 10, 8), 7), (date(2026, 10, 16), 15.0)]


def test_a_count_is_not_forecast_below_zero():
    f = forecast(weekly([40, 30, 20, 10]), start=40, target=0)
    assert f is not None and f.value == 0 and f.reaches_target
    # A quantity that has been negative may go on below zero.
    g = forecast(weekly([-5, -10, -15, -20]), start=0, target=-100)
    assert g is not None and g.value < -20


def test_objective_roll_up():
    f = forecast(weekly([0, 10, 20, 30]))  # 130 → progress 1
    g = forecast(weekly([0, 3, 6, 9]))  # 39 → 0.39
    assert fc.objective_forecast([(f, 1.0), (g, 3.0), (None, 5.0)]) == pytest.approx(
        (1 + 3 * g.progress) / 4
    )
    assert fc.objective_forecast([(None, 1.0)]) is None
    assert fc.objective_forecast([]) is None


@pytest.mark.parametrize(
    ("progress", "aspirational", "short"),
    [
        (1.0, False, False),
        (0.95, False, False),  # scores 1.0: a success
        (0.949, False, True),
        (0.8, False, True),
        (0.8, True, False),
        (0.65, True, False),  # scores 0.7
        (0.649, True, True),
        (None, False, False),
    ],
)
def test_falling_short_is_scoring_below_success(progress, aspirational, short):
    assert fc.falls_short(progress, aspirational=aspirational) is short


def test_close_to_the_target_is_not_flagged():
    f = forecast(weekly([0, 7.2, 14.4, 21.6]))  # 7.2 a week (from 1 Oct): 93.6 → scores 0.9
    g = forecast(weekly([0, 7.5, 15, 22.5]))  # 97.5 → scores 1.0
    assert f is not None and f.outcome == "short"
    assert g is not None and g.outcome == "close" and not g.reaches_target and not g.short


def test_a_percentage_is_not_forecast_beyond_100():
    history = weekly([99.90, 99.93, 99.96, 99.99])
    f = forecast(history, kind="threshold", start=None, target=99.9, percent=True)
    assert f is not None and f.value == 100.0
    assert forecast(history, kind="threshold", start=None, target=99.9).value > 100
    # A growth rate that has been above 100% may go on above it.
    g = forecast(weekly([100, 110, 120, 130]), start=100, target=200, percent=True)
    assert g is not None and g.value > 130


def test_weighted_median_of_ties_is_their_middle():
    assert fc.weighted_median([(1.0, 1.0), (3.0, 1.0)]) == 2.0
    assert fc.weighted_median([(5.0, 1.0), (1.0, 1.0), (3.0, 1.0)]) == 3.0
    assert fc.weighted_median([(1.0, 3.0), (100.0, 1.0)]) == 1.0


# Properties ---------------------------------------------------------------------------------

values = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)
steps = st.lists(st.integers(min_value=1, max_value=21), min_size=2, max_size=14)


@st.composite
def series(draw, min_size=3):
    """Check-in days in distinct ISO weeks (at least ``min_size``, spanning 14 days or more)
    within the cycle, and a value for each."""
    gaps = draw(st.lists(st.integers(min_value=7, max_value=21), min_size=min_size - 1))
    first = draw(st.integers(min_value=0, max_value=6))
    days = [CYCLE_START + timedelta(days=first)]
    for gap in gaps:
        days.append(days[-1] + timedelta(days=gap))
    days = [d for d in days if d <= CYCLE_END]
    assume(len(days) >= min_size)
    vals = draw(st.lists(values, min_size=len(days), max_size=len(days)))
    return list(zip(days, vals, strict=True))


scale_of = lambda history: max(1.0, *(abs(v) for _d, v in history))  # noqa: E731


@settings(max_examples=300)
@given(
    intercept=values,
    slope=st.floats(min_value=-1e4, max_value=1e4, allow_nan=False),
    data=st.data(),
)
def test_a_linear_series_forecasts_its_extrapolation(intercept, slope, data):
    shape = data.draw(series())
    history = [(d, intercept + slope * (d - CYCLE_START).days) for d, _v in shape]
    f = forecast(history, start=-2e6, target=2e6, today=CYCLE_END)
    assert f is not None
    expected = intercept + slope * END_DAYS
    tolerance = 1e-7 * max(1.0, abs(intercept), abs(slope) * END_DAYS)
    assert f.value == pytest.approx(expected, abs=tolerance)


@settings(max_examples=300)
@given(
    intercept=st.floats(min_value=-1e4, max_value=1e4, allow_nan=False),
    slope=st.floats(min_value=-100, max_value=100, allow_nan=False),
    outlier=st.floats(min_value=-1e7, max_value=1e7, allow_nan=False),
    data=st.data(),
)
def test_one_outlier_among_five_or_more_does_not_move_the_forecast(intercept, slope, outlier, data):
    """A linear series of at least five weeks with any one value replaced by anything: the
    forecast stays the line's (up to rounding), wherever the outlier sits, the latest included."""
    shape = data.draw(series(min_size=5))
    history = [(d, intercept + slope * (d - CYCLE_START).days) for d, _v in shape]
    clean = forecast(history, start=-2e7, target=2e7, today=CYCLE_END)
    which = data.draw(st.integers(min_value=0, max_value=len(history) - 1))
    history[which] = (history[which][0], outlier)
    spoiled = forecast(history, start=-2e7, target=2e7, today=CYCLE_END)
    assert clean is not None and spoiled is not None
    tolerance = 1e-6 * max(1.0, abs(intercept), abs(slope) * END_DAYS)
    assert spoiled.value == pytest.approx(clean.value, abs=tolerance)


@settings(max_examples=300)
@given(data=st.data(), raise_by=st.floats(min_value=0, max_value=1e6, allow_nan=False))
def test_monotone_in_the_latest_value(data, raise_by):
    history = data.draw(series())
    lower = forecast(history, start=-1e7, target=1e7, today=CYCLE_END)
    d, v = history[-1]
    higher = forecast([*history[:-1], (d, v + raise_by)], start=-1e7, target=1e7, today=CYCLE_END)
    assert lower is not None and higher is not None
    assert higher.value >= lower.value
    assert higher.progress >= lower.progress


@settings(max_examples=200)
@given(data=st.data())
def test_the_order_of_the_check_ins_does_not_matter(data):
    history = data.draw(series())
    shuffled = data.draw(st.permutations(history))
    assert forecast(shuffled, today=CYCLE_END) == forecast(history, today=CYCLE_END)


@settings(max_examples=300)
@given(
    data=st.data(),
    start=st.one_of(st.none(), values),
    target=values,
    kind=st.sampled_from(["metric", "threshold"]),
    direction=st.sampled_from([None, "at_least", "at_most"]),
    today=st.dates(min_value=date(2026, 9, 1), max_value=date(2027, 3, 1)),
    aspirational=st.booleans(),
)
def test_never_nan_or_infinite_and_progress_in_range(
    data, start, target, kind, direction, today, aspirational
):
    huge = st.floats(min_value=-1e15, max_value=1e15, allow_nan=False)
    history = [(d, data.draw(huge)) for d, _v in data.draw(series())]
    f = forecast(
        history,
        kind=kind,
        start=start,
        target=target,
        direction=direction,
        today=today,
        aspirational=aspirational,
    )
    if f is None:
        return
    assert math.isfinite(f.value)
    assert 0.0 <= f.progress <= 1.0
    assert f.reaches_target == (f.progress >= 1.0)
    bar = 0.7 if aspirational else 1.0
    assert f.short == (score(f.progress) < bar)
    assert f.outcome == ("reaches" if f.reaches_target else "short" if f.short else "close")
    for _day, value in f.line:
        assert math.isfinite(value)


@settings(max_examples=200)
@given(data=st.data(), constant=values, today=st.dates(date(2026, 10, 20), date(2027, 2, 1)))
def test_a_constant_series_forecasts_that_constant(data, constant, today):
    history = [(d, constant) for d, _v in data.draw(series())]
    f = forecast(history, start=-2e6, target=2e6, today=today)
    if f is not None:
        assert f.value == constant


@settings(max_examples=200)
@given(data=st.data(), today=st.dates(date(2027, 1, 1), date(2030, 1, 1)))
def test_after_the_cycle_ends_the_forecast_is_the_last_value(data, today):
    history = data.draw(series())
    f = forecast(history, start=-2e6, target=2e6, today=today)
    assert f is not None
    assert f.value == history[-1][1]
    assert f.line == ()


@settings(max_examples=200)
@given(data=st.data())
def test_the_dashed_line_runs_from_the_last_check_in_to_the_forecast(data):
    history = data.draw(series())
    today = history[-1][0]
    assume(today < CYCLE_END)
    f = forecast(history, start=-2e6, target=2e6, today=today)
    assert f is not None
    assert f.line == ((history[-1][0], history[-1][1]), (CYCLE_END, f.value))


def test_the_smallest_constant_is_not_lost_to_halving():
    # Found by the constant-series property under another day's run: 5e-324 / 2 is zero.
    history = [
        (date(2026, 10, 1), 5e-324),
        (date(2026, 10, 8), 5e-324),
        (date(2026, 10, 15), 5e-324),
    ]
    f = forecast(history, start=-2e6, target=2e6, today=date(2026, 10, 20))
    assert f is not None and f.value == 5e-324
