"""The chart of a key result (a pure function) and the display filters."""

from datetime import UTC, date, datetime

import pytest

from cadence.okrs import charts
from cadence.okrs.progress import Point
from cadence.okrs.templatetags import okrs_ui

START, END = date(2026, 10, 1), date(2026, 12, 31)  # 91 days


def at(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def chart(history=(), today=date(2026, 11, 15), **kw):
    args = {"kind": "metric", "start": 13.0, "target": 45.0, "direction": None}
    args.update(kw)
    return charts.kr_chart(
        history=list(history), cycle_start=START, cycle_end=END, today=today, **args
    )


def test_expected_line_runs_from_start_zero_to_end_one():
    c = chart()
    assert c.expected_start == (c.left, c.bottom)
    assert c.expected_end == (c.right, c.top)
    assert c.expected_target == 1.0


def test_aspirational_expected_line_ends_at_seventy_percent():
    c = chart(aspirational=True)
    plot = c.bottom - c.top
    assert c.expected_end[1] == pytest.approx(c.top + 0.3 * plot, abs=0.1)
    assert "to 70%" in c.summary


def test_points_fall_where_their_date_and_progress_say():
    c = chart([Point(at(date(2026, 10, 1), 0), 13.0), Point(at(date(2026, 11, 15), 0), 29.0)])
    first, second = c.points
    assert (first.x, first.progress) == (c.left, 0.0)
    plot_w = c.right - c.left
    assert second.x == pytest.approx(c.left + 45 / 91 * plot_w, abs=0.1)
    assert second.progress == 0.5
    assert second.y == pytest.approx((c.top + c.bottom) / 2, abs=0.1)
    assert second.value == 29.0


def test_line_starts_at_the_start_value_and_holds_until_today():
    c = chart([Point(at(date(2026, 10, 20)), 21.0)], today=date(2026, 11, 15))
    vertices = [tuple(map(float, v.split(","))) for v in c.line.split()]
    assert vertices[0] == (c.left, c.bottom)  # start value: 0%
    assert vertices[-1][0] == c.today_x  # last value held until today
    assert vertices[-1][1] == vertices[-2][1]
    assert c.latest == 0.25


def test_points_outside_the_cycle_are_clamped_into_it():
    c = chart(
        [Point(at(date(2026, 9, 20)), 17.0), Point(at(date(2027, 1, 5)), 45.0)],
        today=date(2027, 1, 10),
    )
    assert [p.x for p in c.points] == [c.left, c.right]
    assert c.today_x is None  # today is after the cycle: no marker
    assert all(c.left <= p.x <= c.right for p in c.points)


def test_progress_is_clamped_to_the_plot():
    c = chart([Point(at(date(2026, 11, 1)), 99.0), Point(at(date(2026, 11, 8)), -50.0)])
    assert [p.progress for p in c.points] == [1.0, 0.0]
    assert [p.y for p in c.points] == [c.top, c.bottom]


def test_decreasing_metric_threshold_and_milestone():
    down = chart([Point(at(date(2026, 11, 1)), 170.0)], start=220.0, target=120.0)
    assert down.points[0].progress == 0.5
    thr = chart(
        [Point(at(date(2026, 11, 1)), 49.0), Point(at(date(2026, 11, 8)), 51.0)],
        kind="threshold",
        start=None,
        target=50.0,
        direction="at_least",
    )
    assert [p.progress for p in thr.points] == [0.0, 1.0]
    ms = chart([Point(at(date(2026, 11, 1)), 1.0)], kind="milestone", start=0.0, target=1.0)
    assert ms.points[0].progress == 1.0


def test_nothing_measured_has_no_line_and_says_so():
    c = chart(kind="threshold", start=None, target=50.0, direction="at_least")
    assert c.points == () and c.line == "" and c.latest is None
    assert c.summary.startswith("No progress measured yet; 0 check-ins.")


def test_summary_states_progress_against_expected():
    c = chart([Point(at(date(2026, 11, 1)), 29.0)], today=date(2026, 11, 15))
    # 45 of 91 days: 49% expected.
    assert c.summary.startswith("Progress 50% against 49% expected by 15 Nov 2026; 1 check-in.")


def test_gridlines_are_labelled_and_placed():
    c = chart()
    assert [g.label for g in c.gridlines] == ["100%", "50%", "0%"]
    assert [g.top_pct for g in c.gridlines] == [
        pytest.approx(c.top / c.height * 100, abs=0.01),
        50.0,
        pytest.approx((c.bottom) / c.height * 100, abs=0.01),
    ]


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (29.0, "%", "29%"),
        (1234.5, "tickets", "1,234.5 tickets"),
        (40, "$", "$40"),
        (-40, "$", "-$40"),
        (0.125, "", "0.125"),
        (None, "%", "—"),
        (1e15, "", "1,000,000,000,000,000"),
    ],
)
def test_values_with_units(value, unit, text):
    assert okrs_ui.with_unit(value, unit) == text


@pytest.mark.parametrize(
    ("change", "text", "direction"),
    [
        (0.12, "+12 pts", "up"),
        (-0.034, "−3 pts", "down"),
        (0.001, "no change", "flat"),
        (None, "—", "none"),
    ],
)
def test_week_over_week_change(change, text, direction):
    assert okrs_ui.change(change) == text
    assert okrs_ui.change_direction(change) == direction


def test_percent_and_status_labels():
    assert okrs_ui.percent(None) == "—"
    assert okrs_ui.pct(0.655) == 66
    assert okrs_ui.pct(None) == 0
    assert okrs_ui.status_label("at_risk") == "At risk"
    assert okrs_ui.status_label(None) == "No data"


def test_todays_check_in_is_not_right_of_the_today_marker():
    today = date(2026, 11, 15)
    c = chart([Point(at(today, 23), 29.0)], today=today)
    assert c.points[0].x <= c.today_x
    assert c.line.split()[-1].startswith(f"{c.today_x},")


def test_a_start_taken_from_the_first_check_in_is_not_drawn_at_the_cycle_start():
    history = [Point(at(date(2026, 10, 20)), 30.0), Point(at(date(2026, 11, 1)), 40.0)]
    c = chart(history, start=30.0, target=50.0, start_at_cycle_start=False)
    first = c.line.split()[0]
    assert first == f"{c.points[0].x},{c.points[0].y}"
    assert c.points[0].x > c.left
