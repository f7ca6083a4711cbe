"""The results page's pure charts: score distribution per unit and success-rate history."""

import ast
import inspect

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cadence.scoring import charts
from cadence.scoring.charts import distribution, rate_history

TENTHS = [t / 10 for t in range(11)]


def test_distribution_counts_each_band_lowest_first():
    (row,) = distribution([("Sales", [0.9, 0.2, 0.7, 0.5, 1.0, None])])
    assert [(s.band.key, s.count) for s in row.segments] == [
        ("none", 1),
        ("partial", 1),
        ("successful", 1),
        ("outstanding", 2),
    ]
    assert [s.width_pct for s in row.segments] == [20.0, 20.0, 20.0, 40.0]
    assert [s.left_pct for s in row.segments] == [0.0, 20.0, 40.0, 60.0]
    assert (row.scored, row.unscored) == (5, 1)
    assert row.scores == (0.2, 0.5, 0.7, 0.9, 1.0)
    assert row.summary == (
        "Sales: 5 scored — 1 no significant progress, 1 partial progress, 1 successful, "
        "2 outstanding; 1 without a score."
    )


def test_distribution_under_the_traffic_light():
    (row,) = distribution([("Ops", [0.3, 0.4, 0.7, 1.0])], "traffic_light")
    assert [(s.band.key, s.count) for s in row.segments] == [("red", 1), ("amber", 1), ("green", 2)]


def test_distribution_counts_a_committed_score_in_the_band_it_shows():
    rows = [("Sales", [("committed", 0.7), ("committed", 1.0), ("aspirational", 0.7), None])]
    (row,) = distribution(rows)
    # The committed 0.7 missed: partial progress, as on its badge; the committed 1.0 succeeded.
    assert [(s.band.key, s.count) for s in row.segments] == [("partial", 1), ("successful", 2)]
    assert (row.scored, row.unscored) == (3, 1)
    (light,) = distribution(rows, "traffic_light")
    assert [(s.band.key, s.count) for s in light.segments] == [("amber", 1), ("green", 2)]


def test_distribution_of_a_unit_with_nothing_scored():
    (row,) = distribution([("Legal", [None, None])])
    assert row.segments == ()
    assert (row.scored, row.unscored) == (0, 2)
    assert row.summary == "Legal: nothing scored; 2 without a score."
    assert distribution([]) == ()


@given(st.lists(st.lists(st.sampled_from([*TENTHS, None]), max_size=30), max_size=5))
def test_distribution_segments_fill_the_bar(rows):
    out = distribution([(f"Unit {i}", scores) for i, scores in enumerate(rows)])
    for row, scores in zip(out, rows, strict=True):
        assert (
            sum(s.count for s in row.segments) == row.scored == sum(x is not None for x in scores)
        )
        if row.scored:
            assert sum(s.width_pct for s in row.segments) == pytest.approx(100, abs=0.05)
        for a, b in zip(row.segments, row.segments[1:], strict=False):
            assert b.left_pct == pytest.approx(a.left_pct + a.width_pct, abs=0.05)


def test_rate_history_coordinates():
    c = rate_history([("Q1", 0.5), ("Q2", None), ("Q3", 1.0)], width=480, height=160)
    assert [(p.label, p.x, p.y) for p in c.points] == [("Q1", 12.0, 80.0), ("Q3", 468.0, 10.0)]
    assert c.line == "12.0,80.0 468.0,10.0"
    assert [label for label, _ in c.labels] == ["Q1", "Q2", "Q3"]
    assert [x for _, x in c.labels] == [2.5, 50.0, 97.5]
    assert [g.label for g in c.gridlines] == ["100%", "50%", "0%"]
    # Q2 scored nothing: it keeps its place, marked, and the summary says so.
    assert c.gaps == (("Q2", 240.0),)
    assert c.summary == (
        "Success rate per closed cycle, oldest first: Q1 50%; Q2 nothing scored; Q3 100%."
    )


@pytest.mark.parametrize("n", [1, 2, 6, 7, 13, 40])
def test_rate_history_names_every_closed_cycle(n):
    c = rate_history([(f"C{i}", 0.5 if i % 3 else None) for i in range(n)])
    assert [label for label, _ in c.labels] == [f"C{i}" for i in range(n)]
    assert c.cycles == n
    # Each cycle is on the chart: a point or a "nothing scored" mark, never left out.
    assert sorted([p.label for p in c.points] + [g for g, _ in c.gaps]) == sorted(
        f"C{i}" for i in range(n)
    )
    xs = [x for _, x in c.labels]
    assert xs == sorted(xs) and len(set(xs)) == n


def test_rate_history_with_one_or_no_cycle():
    one = rate_history([("Q1", 0.25)])
    assert len(one.points) == 1 and one.line == ""
    assert one.points[0].x == 240.0
    empty = rate_history([])
    assert (empty.points, empty.line) == ((), "")
    assert empty.summary == "No closed cycle has a success rate yet."


@given(st.lists(st.one_of(st.none(), st.floats(min_value=0, max_value=1)), max_size=20))
def test_rate_history_stays_inside_the_plot(rates):
    c = rate_history([(f"C{i}", r) for i, r in enumerate(rates)])
    xs = [p.x for p in c.points]
    assert xs == sorted(xs)
    for p in c.points:
        assert charts.LEFT <= p.x <= c.width - charts.RIGHT
        assert charts.TOP <= p.y <= c.height - charts.BOTTOM


def test_module_is_pure():
    tree = ast.parse(inspect.getsource(charts))
    modules = {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    assert not any(m.startswith("django") for m in modules)
