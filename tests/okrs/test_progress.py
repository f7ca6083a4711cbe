"""The arithmetic of docs/method.md §3: its worked examples, then properties checked with
hypothesis.

Pure functions only: no database, no Django.
"""

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from cadence.okrs import progress as p
from cadence.okrs.progress import Node, Point

# Examples: progress of one key result ---------------------------------------------------------


def test_metric_upwards_onboarding_example():
    # docs/method.md §3: onboarding completion 13% → 45%, current 29% ⇒ 0.5
    assert p.kr_progress("metric", start=13, target=45, current=29) == 0.5


def test_metric_downwards_tickets_example():
    # docs/method.md §3: support tickets 220 → 120, current 170 ⇒ 0.5
    assert p.kr_progress("metric", start=220, target=120, current=170) == 0.5


@pytest.mark.parametrize(
    ("start", "target", "current", "expected"),
    [
        (13, 45, 13, 0.0),
        (13, 45, 45, 1.0),
        (13, 45, 60, 1.0),  # beyond the target: clamped
        (13, 45, 5, 0.0),  # below the start: clamped
        (13, 45, 21, 0.25),
        (220, 120, 220, 0.0),
        (220, 120, 120, 1.0),
        (220, 120, 90, 1.0),
        (220, 120, 260, 0.0),
        (220, 120, 195, 0.25),
        (-10, 10, 0, 0.5),
    ],
)
def test_metric_progress_is_clamped_share_of_the_way(start, target, current, expected):
    assert p.kr_progress("metric", start=start, target=target, current=current) == expected


def test_metric_without_a_measurement_or_baseline_has_no_progress():
    assert p.kr_progress("metric", start=0, target=10, current=None) is None
    assert p.kr_progress("metric", start=None, target=10, current=4) is None
    assert p.kr_progress("metric", start=0, target=None, current=4) is None
    # start == target cannot be measured (services refuse to store it)
    assert p.kr_progress("metric", start=5, target=5, current=5) is None


@pytest.mark.parametrize(
    ("direction", "bound", "current", "expected"),
    [
        ("at_least", 50, 50, 1.0),
        ("at_least", 50, 72, 1.0),
        ("at_least", 50, 49.9, 0.0),
        ("at_most", 2, 2, 1.0),
        ("at_most", 2, 0.5, 1.0),
        ("at_most", 2, 2.1, 0.0),
        (None, 50, 50, 1.0),  # at_least is the default
        (None, 50, 49, 0.0),
    ],
)
def test_threshold_is_one_while_the_bound_holds(direction, bound, current, expected):
    assert (
        p.kr_progress("threshold", start=None, target=bound, current=current, direction=direction)
        == expected
    )


def test_threshold_without_a_measurement_has_no_progress():
    assert p.kr_progress("threshold", start=None, target=50, current=None) is None


@pytest.mark.parametrize(("current", "expected"), [(1, 1.0), (1.0, 1.0), (0, 0.0), (None, 0.0)])
def test_milestone_is_done_or_not(current, expected):
    assert p.kr_progress("milestone", start=0, target=1, current=current) == expected


def test_unknown_kind_is_an_error():
    with pytest.raises(ValueError, match="unknown key result kind"):
        p.kr_progress("vibes", start=0, target=1, current=1)


def test_metric_with_huge_finite_values_stays_a_number():
    # (current - start) and (target - start) overflow to inf here; progress must still be 0..1.
    big = 1.7e308
    assert p.kr_progress("metric", start=-big, target=big, current=big) == 1.0
    assert p.kr_progress("metric", start=-big, target=big, current=0.0) == 0.5
    assert p.kr_progress("metric", start=-big, target=big, current=-big) == 0.0
    assert p.kr_progress("metric", start=big, target=-big, current=0.0) == 0.5


# Examples: weighted mean and roll-up -------------------------------------------------------


def test_weighted_mean():
    assert p.weighted_mean([(0.5, 1), (1.0, 3)]) == 0.875
    assert p.weighted_mean([(0.2, 2), (None, 5), (0.8, 1)]) == pytest.approx(0.4)
    assert p.weighted_mean([(0.9, 0), (0.3, 1)]) == 0.3  # weight 0 does not count
    assert p.weighted_mean([(None, 1)]) is None
    assert p.weighted_mean([]) is None
    assert p.weighted_mean([(0.0, 1)]) == 0.0


def _company_tree(**overrides):
    """company ← department ← (team A, team B); company ← team C (aligned directly)."""
    nodes = {
        "company": Node(krs=[(0.9, 1.0)], children=["dept", "team_c"]),
        "dept": Node(krs=[], children=["team_a", "team_b"]),
        "team_a": Node(krs=[(0.5, 1.0), (1.0, 1.0)]),  # 0.75
        "team_b": Node(krs=[(0.2, 2.0), (0.8, 1.0)]),  # (0.4 + 0.8) / 3 = 0.4
        "team_c": Node(krs=[(0.3, 1.0)]),
    }
    nodes.update(overrides)
    return nodes


def test_roll_up_through_several_levels():
    result = p.roll_up(_company_tree())
    assert result["team_a"] == 0.75
    assert result["team_b"] == pytest.approx(0.4)
    assert result["dept"] == pytest.approx((0.75 + 0.4) / 2)
    # the company's own KR, the department and team C each count once
    assert result["company"] == pytest.approx((0.9 + 0.575 + 0.3) / 3)


def test_roll_up_four_levels_deep_moves_the_top():
    nodes = {
        "company": Node(children=["dept"]),
        "dept": Node(children=["team"]),
        "team": Node(children=["squad"]),
        "squad": Node(krs=[(0.25, 1.0)]),
    }
    assert p.roll_up(nodes)["company"] == 0.25
    nodes["squad"] = Node(krs=[(0.75, 1.0)])
    assert p.roll_up(nodes)["company"] == 0.75


def test_each_child_counts_with_weight_one_whatever_its_kr_weights():
    nodes = {
        "parent": Node(krs=[(1.0, 3.0)], children=["child"]),
        "child": Node(krs=[(0.0, 50.0)]),
    }
    # parent KR weight 3 at 1.0, child with weight 1 at 0.0
    assert p.roll_up(nodes)["parent"] == 0.75


def test_abandoned_children_are_left_out():
    nodes = _company_tree(team_b=Node(krs=[(0.2, 2.0), (0.8, 1.0)], abandoned=True))
    result = p.roll_up(nodes)
    assert result["dept"] == 0.75  # only team A
    # the abandoned objective still has its own progress for its own page
    assert result["team_b"] == pytest.approx(0.4)


def test_children_with_nothing_to_measure_are_left_out_not_counted_as_zero():
    nodes = _company_tree(team_b=Node(krs=[(None, 1.0)]))
    result = p.roll_up(nodes)
    assert result["team_b"] is None
    assert result["dept"] == 0.75


def test_no_progress_is_none_and_distinct_from_zero():
    nodes = {
        "empty": Node(),
        "unmeasured": Node(krs=[(None, 1.0), (None, 2.0)]),
        "zero": Node(krs=[(0.0, 1.0)]),
        "parent_of_nothing": Node(children=["empty", "unmeasured"]),
        "parent_of_zero": Node(children=["zero", "empty"]),
    }
    result = p.roll_up(nodes)
    assert result["empty"] is None
    assert result["unmeasured"] is None
    assert result["parent_of_nothing"] is None
    assert result["zero"] == 0.0 and result["zero"] is not None
    assert result["parent_of_zero"] == 0.0
    assert p.percent(result["empty"]) == "—"
    assert p.percent(result["zero"]) == "0%"


def test_roll_up_ignores_children_it_was_not_given():
    nodes = {"parent": Node(krs=[(0.4, 1.0)], children=["elsewhere"])}
    assert p.roll_up(nodes) == {"parent": 0.4}


def test_roll_up_breaks_cycles_instead_of_looping():
    nodes = {
        "a": Node(krs=[(0.2, 1.0)], children=["b"]),
        "b": Node(krs=[(0.6, 1.0)], children=["a"]),
        "self": Node(krs=[(0.5, 1.0)], children=["self"]),
    }
    result = p.roll_up(nodes)
    assert result["b"] == 0.6  # a is not counted inside b while b is counted inside a
    assert result["a"] == pytest.approx(0.4)
    assert result["self"] == 0.5


def test_roll_up_of_a_very_deep_alignment_chain_does_not_hit_the_recursion_limit():
    depth = 5000
    nodes = {i: Node(children=[i + 1]) for i in range(depth)}
    nodes[depth] = Node(krs=[(0.3, 1.0)])
    result = p.roll_up(nodes)
    assert result[0] == 0.3
    assert len(result) == depth + 1


# Examples: expected progress, pace, confidence -------------------------------------------------

START = date(2026, 1, 1)
END = START + timedelta(days=100)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (START - timedelta(days=5), 0.0),
        (START, 0.0),
        (START + timedelta(days=25), 0.25),
        (START + timedelta(days=50), 0.5),
        (END, 1.0),
        (END + timedelta(days=30), 1.0),
    ],
)
def test_expected_progress(day, expected):
    assert p.expected_progress(day, START, END) == expected


def test_expected_progress_of_an_empty_cycle():
    assert p.expected_progress(START, START, START) == 1.0
    assert p.expected_progress(START - timedelta(days=1), START, START) == 0.0


# (expected, progress) pairs whose gap is exactly 0.10 or 0.25 in decimal, several of which are
# not exact in binary floating point (0.45 - 0.35 == 0.10000000000000003).
GAP_010 = [(0.5, 0.4), (0.45, 0.35), (0.3, 0.2), (0.7, 0.6), (1.0, 0.9), (0.1, 0.0), (0.8, 0.7)]
GAP_025 = [(0.5, 0.25), (0.35, 0.1), (0.75, 0.5), (1.0, 0.75), (0.45, 0.2), (0.25, 0.0)]


@pytest.mark.parametrize(("e", "progress"), GAP_010)
def test_pace_gap_of_exactly_010_is_on_track(e, progress):
    assert p.pace(progress, e) == "on_track"


@pytest.mark.parametrize(("e", "progress"), GAP_025)
def test_pace_gap_of_exactly_025_is_at_risk(e, progress):
    assert p.pace(progress, e) == "at_risk"


@pytest.mark.parametrize(
    ("e", "progress", "expected"),
    [
        (0.5, 0.39, "at_risk"),
        (0.5, 0.3999, "at_risk"),
        (0.5, 0.24, "off_track"),
        (0.5, 0.2499, "off_track"),
        (0.5, 0.9, "on_track"),  # ahead of plan
        (0.0, 0.0, "on_track"),
        (1.0, 0.0, "off_track"),
        (1.0, 1.0, "on_track"),
    ],
)
def test_pace_just_past_the_boundaries(e, progress, expected):
    assert p.pace(progress, e) == expected


@pytest.mark.parametrize(
    ("e", "progress", "aspirational", "committed"),
    [
        # bar = 0.7·e
        (1.0, 0.6, "on_track", "off_track"),  # 0.7 - 0.6 = 0.10
        (1.0, 0.45, "at_risk", "off_track"),  # 0.7 - 0.45 = 0.25
        (1.0, 0.44, "off_track", "off_track"),
        (0.5, 0.25, "on_track", "at_risk"),  # 0.35 - 0.25 = 0.10
        (0.5, 0.1, "at_risk", "off_track"),  # 0.35 - 0.10 = 0.25
        (0.5, 0.09, "off_track", "off_track"),
        (1.0, 0.7, "on_track", "off_track"),
        (1.0, 0.8, "on_track", "at_risk"),
    ],
)
def test_pace_for_aspirational_objectives_uses_seventy_percent(
    e, progress, aspirational, committed
):
    assert p.pace(progress, e, aspirational=True) == aspirational
    assert p.pace(progress, e, aspirational=False) == committed


def test_pace_of_nothing_to_measure_is_none():
    assert p.pace(None, 0.5) is None
    assert p.pace(None, 0.5, aspirational=True) is None


@pytest.mark.parametrize(
    ("reported", "computed", "mismatch"),
    [
        ("on_track", "off_track", True),
        ("on_track", "at_risk", False),
        ("on_track", "on_track", False),
        ("at_risk", "off_track", False),
        ("off_track", "off_track", False),
        ("off_track", "on_track", False),
        (None, "off_track", False),
        ("on_track", None, False),
    ],
)
def test_confidence_mismatch(reported, computed, mismatch):
    assert p.confidence_mismatch(reported, computed) is mismatch


# Examples: history --------------------------------------------------------------------------

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)  # a Friday


def days_ago(n: float) -> datetime:
    return NOW - timedelta(days=n)


def test_value_at():
    history = [Point(days_ago(10), 20.0), Point(days_ago(3), 50.0)]
    assert p.value_at(history, days_ago(11), 0.0) == 0.0
    assert p.value_at(history, days_ago(10), 0.0) == 20.0
    assert p.value_at(history, days_ago(7), 0.0) == 20.0
    assert p.value_at(history, NOW, 0.0) == 50.0
    assert p.value_at([], NOW, None) is None


def _wow(history, *, kind="metric", start=0.0, target=100.0, direction=None):
    return p.week_over_week(
        kind, start=start, target=target, direction=direction, history=history, now=NOW
    )


def test_week_over_week_rise():
    history = [Point(days_ago(10), 20.0), Point(days_ago(3), 50.0)]
    assert _wow(history) == pytest.approx(0.3)


def test_week_over_week_drop_is_negative():
    history = [Point(days_ago(8), 60.0), Point(days_ago(1), 40.0)]
    assert _wow(history) == pytest.approx(-0.2)


def test_week_over_week_of_a_decreasing_metric_counts_improvement_as_positive():
    history = [Point(days_ago(8), 200.0), Point(days_ago(1), 170.0)]
    assert _wow(history, start=220.0, target=120.0) == pytest.approx(0.3)


def test_week_over_week_compares_with_the_start_before_the_first_check_in():
    assert _wow([Point(days_ago(2), 25.0)]) == 0.25
    assert _wow([]) == 0.0


def test_week_over_week_counts_a_check_in_exactly_seven_days_ago_as_last_week():
    history = [Point(days_ago(7), 30.0), Point(days_ago(0), 30.0)]
    assert _wow(history) == 0.0


def test_week_over_week_unchanged_within_the_week():
    history = [Point(days_ago(20), 40.0)]
    assert _wow(history) == 0.0


def test_week_over_week_of_a_milestone():
    assert _wow([Point(days_ago(1), 1.0)], kind="milestone", start=0.0, target=1.0) == 1.0


def test_week_over_week_is_none_when_unmeasurable():
    assert _wow([Point(days_ago(1), 10.0)], start=None) is None
    # a threshold with its first check-in this week had no value a week ago
    assert _wow([Point(days_ago(1), 60.0)], kind="threshold", start=None, target=50.0) is None


def weekly(*values):
    """One check-in per week, oldest first, ending this week (Mondays 09:00)."""
    monday = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)
    n = len(values)
    return [Point(monday - timedelta(weeks=n - 1 - i), float(v)) for i, v in enumerate(values)]


@pytest.mark.parametrize(
    ("start", "values", "stalled"),
    [
        (0, [10, 10, 10], True),  # two weekly check-ins in a row without change
        (0, [0, 0], True),  # never moved from the start in two weekly check-ins
        (0, [10, 20, 20], False),  # only one unchanged check-in
        (0, [10, 10], False),  # the start, then 10, then 10: changed, then one unchanged
        (0, [10, 20, 10], False),  # it moved (back and forth)
        (0, [10], False),
        (0, [], False),
        (0, [5, 20, 20, 20], True),
        (None, [20, 20, 20], True),
        (None, [20, 20], False),
    ],
)
def test_stalled(start, values, stalled):
    assert p.is_stalled(weekly(*values), start=start, progress=0.2) is stalled


def test_stalled_counts_the_last_check_in_of_each_week():
    monday = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)
    history = [
        Point(monday - timedelta(weeks=2), 10.0),
        Point(monday - timedelta(weeks=1), 10.0),
        Point(monday, 10.0),
        Point(monday + timedelta(days=2), 15.0),  # same ISO week, later: this week's value is 15
    ]
    assert p.is_stalled(history, start=0, progress=0.15) is False
    # several unchanged check-ins within one week are one weekly check-in
    same_week = [Point(monday + timedelta(hours=h), 10.0) for h in range(3)]
    assert p.is_stalled(same_week, start=10, progress=0.1) is False


def test_a_finished_key_result_is_not_stalled():
    history = weekly(100, 100, 100)
    assert p.is_stalled(history, start=0, progress=1.0) is False
    assert p.is_stalled(history, start=0, progress=0.99) is True


def test_stale_after_fourteen_days_without_a_check_in():
    since = days_ago(60)
    assert p.is_stale(days_ago(14), since=since, now=NOW) is True
    assert p.is_stale(days_ago(30), since=since, now=NOW) is True
    assert p.is_stale(days_ago(13.9), since=since, now=NOW) is False
    assert p.is_stale(days_ago(0), since=since, now=NOW) is False


def test_stale_counts_from_creation_when_there_is_no_check_in():
    assert p.is_stale(None, since=days_ago(14), now=NOW) is True
    assert p.is_stale(None, since=days_ago(3), now=NOW) is False
    # an old check-in (e.g. imported) does not make a key result created 5 days ago stale
    assert p.is_stale(days_ago(40), since=days_ago(5), now=NOW) is False


# Examples: score, bands, percent ------------------------------------------------------------


@pytest.mark.parametrize(
    ("progress", "expected"),
    [
        (0.65, 0.7),
        (0.95, 1.0),
        (0.25, 0.3),
        (0.05, 0.1),
        (0.15, 0.2),
        (0.35, 0.4),
        (0.45, 0.5),
        (0.55, 0.6),
        (0.85, 0.9),
        (0.64, 0.6),
        (0.649, 0.6),
        (0.04, 0.0),
        (0.0, 0.0),
        (1.0, 1.0),
        (0.5, 0.5),
    ],
)
def test_score_rounds_half_up_to_one_decimal(progress, expected):
    assert p.score(progress) == expected


def test_score_of_nothing_to_measure_is_none():
    assert p.score(None) is None


def test_score_of_a_progress_that_is_exactly_half_a_tenth_on_paper():
    # (0.3 − 0) / (0.4 − 0) is 0.7499999999999999 in binary floating point.
    assert p.score((0.3 - 0) / (0.4 - 0)) == 0.8
    assert p.score((29 - 13) / (45 - 13)) == 0.5


@pytest.mark.parametrize(
    ("progress", "shown"),
    [
        (None, "—"),
        (0.0, "0%"),
        (-0.0, "0%"),
        (0.5, "50%"),
        (1.0, "100%"),
        (1 / 3, "33%"),
        (2 / 3, "67%"),
        (0.125, "13%"),
        (0.285, "29%"),  # 57 of 200: 28.5% rounds half up, as a person would
        (57 / 200, "29%"),
        (0.994, "99%"),
        (0.004, "0%"),
        (0.005, "1%"),
    ],
)
def test_percent_display(progress, shown):
    assert p.percent(progress) == shown


def test_progress_series():
    history = [Point(days_ago(14), 21.0), Point(days_ago(7), 29.0), Point(days_ago(0), 50.0)]
    series = p.progress_series("metric", start=13, target=45, direction=None, history=history)
    assert series == [(days_ago(14), 0.25), (days_ago(7), 0.5), (days_ago(0), 1.0)]


# Properties ---------------------------------------------------------------------------------

finite = st.floats(allow_nan=False, allow_infinity=False)
maybe_finite = st.none() | finite
kinds = st.sampled_from(["metric", "threshold", "milestone"])
directions = st.sampled_from([None, "at_least", "at_most"])
unit_progress = st.floats(min_value=0.0, max_value=1.0)
maybe_progress = st.none() | unit_progress
weights = st.floats(min_value=0.01, max_value=100.0)


def in_unit_interval(value) -> bool:
    return value is None or (isinstance(value, float) and 0.0 <= value <= 1.0)


@settings(max_examples=400)
@given(kind=kinds, start=maybe_finite, target=maybe_finite, current=maybe_finite, d=directions)
def test_progress_is_in_unit_interval_or_none_for_finite_inputs(kind, start, target, current, d):
    value = p.kr_progress(kind, start=start, target=target, current=current, direction=d)
    assert in_unit_interval(value), value


@settings(max_examples=300)
@given(start=finite, target=finite, a=finite, b=finite)
def test_metric_progress_is_monotone_in_current(start, target, a, b):
    assume(start != target)
    low, high = sorted((a, b))
    p_low = p.kr_progress("metric", start=start, target=target, current=low)
    p_high = p.kr_progress("metric", start=start, target=target, current=high)
    if target > start:
        assert p_low <= p_high
    else:
        assert p_low >= p_high


@settings(max_examples=300)
@given(start=finite, target=finite)
def test_metric_at_target_is_one_and_at_start_is_zero(start, target):
    assume(start != target)
    assert p.kr_progress("metric", start=start, target=target, current=target) == 1.0
    assert p.kr_progress("metric", start=start, target=target, current=start) == 0.0


@settings(max_examples=200)
@given(bound=finite, current=finite, direction=st.sampled_from(["at_least", "at_most"]))
def test_threshold_holds_exactly_at_the_bound_and_is_binary(bound, current, direction):
    at_bound = p.kr_progress(
        "threshold", start=None, target=bound, current=bound, direction=direction
    )
    assert at_bound == 1.0
    value = p.kr_progress(
        "threshold", start=None, target=bound, current=current, direction=direction
    )
    holds = current >= bound if direction == "at_least" else current <= bound
    assert value == (1.0 if holds else 0.0)


@st.composite
def forests(draw, max_nodes=12):
    """A random alignment forest: node i may align to any earlier node (so no cycles)."""
    n = draw(st.integers(min_value=1, max_value=max_nodes))
    parents = [None] + [draw(st.none() | st.integers(0, i - 1)) for i in range(1, n)]
    nodes = {}
    for i in range(n):
        krs = draw(st.lists(st.tuples(maybe_progress, weights), max_size=4))
        nodes[i] = Node(krs=krs, children=[], abandoned=draw(st.booleans()))
    for i, parent in enumerate(parents):
        if parent is not None:
            nodes[parent].children.append(i)
    return nodes


def subtree(nodes, root):
    out, stack = {}, [root]
    while stack:
        key = stack.pop()
        out[key] = nodes[key]
        stack.extend(nodes[key].children)
    return out


@settings(max_examples=200)
@given(nodes=forests())
def test_roll_up_of_roll_ups(nodes):
    """Rolling up a tree = rolling up each child's subtree first, then feeding the results to
    the parent as weight-1 children."""
    whole = p.roll_up(nodes)
    for key, node in nodes.items():
        fed = {key: Node(krs=list(node.krs), children=[])}
        for child in node.children:
            child_value = p.roll_up(subtree(nodes, child))[child]
            leaf = ("leaf", child)
            fed[leaf] = Node(krs=[(child_value, 1.0)], abandoned=nodes[child].abandoned)
            fed[key].children.append(leaf)
        assert p.roll_up(fed)[key] == whole[key]


def _inputs(nodes, result, key):
    node = nodes[key]
    values = [v for v, w in node.krs if v is not None and w > 0]
    values += [result[c] for c in node.children if not nodes[c].abandoned and result[c] is not None]
    return values


@settings(max_examples=200)
@given(nodes=forests())
def test_roll_up_is_bounded_by_its_inputs(nodes):
    result = p.roll_up(nodes)
    for key in nodes:
        values = _inputs(nodes, result, key)
        if not values:
            assert result[key] is None
        else:
            assert min(values) - 1e-12 <= result[key] <= max(values) + 1e-12
            assert 0.0 <= result[key] <= 1.0


@settings(max_examples=200)
@given(nodes=forests(), seed=st.randoms(use_true_random=False))
def test_roll_up_does_not_depend_on_order(nodes, seed):
    result = p.roll_up(nodes)
    keys = list(nodes)
    seed.shuffle(keys)
    shuffled = {}
    for key in keys:
        node = nodes[key]
        krs, children = list(node.krs), list(node.children)
        seed.shuffle(krs)
        seed.shuffle(children)
        shuffled[key] = Node(krs=krs, children=children, abandoned=node.abandoned)
    again = p.roll_up(shuffled)
    for key in nodes:
        if result[key] is None:
            assert again[key] is None
        else:
            assert again[key] == pytest.approx(result[key], rel=1e-12, abs=1e-12)


@settings(max_examples=200)
@given(nodes=forests(), pick=st.integers(min_value=0), k=st.floats(min_value=1e-3, max_value=1e3))
def test_scaling_the_kr_weights_of_one_objective_changes_nothing(nodes, pick, k):
    """KR weights only matter relative to each other: scaling those of an objective measured by
    its key results alone changes no progress anywhere in the tree. (An objective with aligned
    children as well weighs its KRs against the children's weight 1, docs/method.md §3: see
    test_each_child_counts_with_weight_one_whatever_its_kr_weights.)"""
    leaves = [key for key, node in nodes.items() if not node.children]
    target_key = leaves[pick % len(leaves)]
    before = p.roll_up(nodes)
    scaled = dict(nodes)
    node = nodes[target_key]
    scaled[target_key] = Node(
        krs=[(v, w * k) for v, w in node.krs], children=[], abandoned=node.abandoned
    )
    after = p.roll_up(scaled)
    for key in nodes:
        if before[key] is None:
            assert after[key] is None
        else:
            assert after[key] == pytest.approx(before[key], rel=1e-9, abs=1e-12)


def test_kr_weights_of_an_objective_with_children_count_against_the_childrens_weight_one():
    def parent_progress(kr_weight):
        nodes = {"parent": Node(krs=[(1.0, kr_weight)], children=["c"]), "c": Node([(0.0, 1.0)])}
        return p.roll_up(nodes)["parent"]

    assert parent_progress(1.0) == 0.5
    assert parent_progress(3.0) == 0.75


@st.composite
def graphs(draw, max_nodes=10):
    """Any directed graph, cycles and self-loops included, plus children that are not nodes."""
    n = draw(st.integers(min_value=1, max_value=max_nodes))
    nodes = {}
    for i in range(n):
        nodes[i] = Node(
            krs=draw(st.lists(st.tuples(maybe_progress, weights), max_size=3)),
            children=draw(st.lists(st.integers(0, n + 2), max_size=4)),
            abandoned=draw(st.booleans()),
        )
    return nodes


@settings(max_examples=200)
@given(nodes=graphs())
def test_roll_up_terminates_on_cyclic_graphs(nodes):
    result = p.roll_up(nodes)
    assert set(result) == set(nodes)
    assert all(in_unit_interval(v) for v in result.values())


dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1))


@settings(max_examples=300)
@given(start=dates, length=st.integers(min_value=0, max_value=800), d1=dates, d2=dates)
def test_expected_progress_is_monotone_in_day_and_bounded(start, length, d1, d2):
    end = start + timedelta(days=length)
    early, late = sorted((d1, d2))
    e_early = p.expected_progress(early, start, end)
    e_late = p.expected_progress(late, start, end)
    assert 0.0 <= e_early <= e_late <= 1.0
    assert p.expected_progress(start, start, end) == (1.0 if length == 0 else 0.0)
    assert p.expected_progress(end, start, end) == 1.0


PACE_RANK = {"on_track": 0, "at_risk": 1, "off_track": 2}


@settings(max_examples=400)
@given(e=unit_progress, a=unit_progress, b=unit_progress, aspirational=st.booleans())
def test_more_progress_never_gives_a_worse_pace(e, a, b, aspirational):
    low, high = sorted((a, b))
    worse = p.pace(low, e, aspirational=aspirational)
    better = p.pace(high, e, aspirational=aspirational)
    assert PACE_RANK[better] <= PACE_RANK[worse]


@settings(max_examples=300)
@given(e1=unit_progress, e2=unit_progress, progress=unit_progress, aspirational=st.booleans())
def test_higher_expectations_never_give_a_better_pace(e1, e2, progress, aspirational):
    low, high = sorted((e1, e2))
    assert (
        PACE_RANK[p.pace(progress, low, aspirational=aspirational)]
        <= PACE_RANK[p.pace(progress, high, aspirational=aspirational)]
    )


@settings(max_examples=300)
@given(progress=unit_progress)
def test_score_is_a_tenth_within_half_a_tenth(progress):
    value = p.score(progress)
    assert value in {i / 10 for i in range(11)}
    assert abs(value - progress) <= 0.05 + 1e-9


@settings(max_examples=300)
@given(progress=unit_progress)
def test_percent_is_a_whole_percent_within_half_a_point(progress):
    shown = p.percent(progress)
    assert shown.endswith("%")
    number = int(shown[:-1])
    assert 0 <= number <= 100
    assert abs(number - progress * 100) <= 0.5 + 1e-9
