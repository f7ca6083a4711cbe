"""A key result's progress over its cycle, as the coordinates of a small SVG line chart.

Pure: plain values in, plain values out, no database and no Django. The objective page renders
the result as an inline SVG (no JavaScript, no chart library) next to a table of the same values
for screen readers.

Time runs left to right from the first day of the cycle (x = 0) to its last day (x = 1), the
same day arithmetic as ``progress.expected_progress``; progress runs bottom (0) to top (1).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from cadence.okrs import progress as arithmetic
from cadence.okrs.forecasts import Forecast

WIDTH = 480
HEIGHT = 160
# Margins inside the drawing, so that markers on the edges are not cut. The axis labels are
# HTML beside the SVG (crisp at any width); ``Gridline.top_pct`` tells them where to sit.
LEFT = 8
RIGHT = 8
TOP = 8
BOTTOM = 8


@dataclass(frozen=True)
class ChartPoint:
    at: datetime
    value: float
    progress: float
    x: float
    y: float


@dataclass(frozen=True)
class Gridline:
    y: float
    label: str
    top_pct: float  # y as a percentage of the chart's height


@dataclass(frozen=True)
class Chart:
    width: int  # the SVG viewBox
    height: int
    left: float  # the plot's edges in viewBox coordinates
    right: float
    top: float
    bottom: float
    points: tuple[ChartPoint, ...]  # one per measured check-in, oldest first
    line: str  # SVG polyline points of the actual progress ("" when nothing is measured)
    expected_start: tuple[float, float]
    expected_end: tuple[float, float]
    expected_target: float  # 1.0, or 0.7 for aspirational key results
    expected_now: float  # where progress should be today on that line
    today_x: float | None  # None when today is outside the cycle
    gridlines: tuple[Gridline, ...]
    latest: float | None  # the progress in force today
    summary: str  # one sentence for <desc> and aria-label
    # The forecast's dashed continuation from the last check-in to the cycle's end ("" when
    # there is none), and where it ends: the forecast progress.
    forecast_line: str = ""
    forecast_progress: float | None = None


def _fraction(when: datetime | date, start: date, end: date) -> float:
    """Where ``when`` falls in the cycle, 0 (start) to 1 (end), clamped."""
    span = (end - start).days
    if span <= 0:
        return 1.0
    if isinstance(when, datetime):
        origin = datetime.combine(start, time.min, tzinfo=when.tzinfo)
        seconds = (when - origin).total_seconds()
        return arithmetic.clamp(seconds / (span * 86400))
    return arithmetic.clamp((when - start).days / span)


def _fmt_day(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def kr_chart(
    *,
    kind: str,
    start: float | None,
    target: float | None,
    direction: str | None,
    history: Sequence[arithmetic.Point],
    cycle_start: date,
    cycle_end: date,
    today: date,
    aspirational: bool = False,
    start_at_cycle_start: bool = True,
    forecast: Forecast | None = None,
    width: int = WIDTH,
    height: int = HEIGHT,
) -> Chart:
    """The chart of one key result: its progress after each check-in (``history``, oldest
    first, as ``selectors.key_result_histories`` gives it), the expected-pace line from
    (cycle start, 0) to (cycle end, 1) — or to 0.7 for an aspirational key result — and a
    marker for today.

    The actual line starts at the cycle start with the start value's progress (when there is
    a start value known from the outset; not when it was taken from the first check-in,
    ``start_at_cycle_start=False``) and, while the cycle runs, is held flat from the last
    check-in to today: the last value stays in force until the next check-in. With a
    ``forecast`` (``forecasts.kr_forecast``) whose line runs on, a dashed continuation from the
    last check-in to the forecast progress at the cycle's end.
    """
    left, right, top, bottom = LEFT, width - RIGHT, TOP, height - BOTTOM

    def x_of(fraction: float) -> float:
        return round(left + fraction * (right - left), 1)

    def y_of(p: float) -> float:
        return round(top + (1 - arithmetic.clamp(p)) * (bottom - top), 1)

    baseline = (
        arithmetic.kr_progress(kind, start=start, target=target, current=start, direction=direction)
        if start is not None
        else None
    )
    series = arithmetic.progress_series(
        kind, start=start, target=target, direction=direction, history=history
    )
    points = tuple(
        ChartPoint(
            at=point.at,
            value=point.value,
            progress=p,
            x=x_of(_fraction(point.at, cycle_start, cycle_end)),
            y=y_of(p),
        )
        for point, (_, p) in zip(history, series, strict=True)
        if p is not None
    )

    vertices: list[tuple[float, float]] = []
    if baseline is not None and start_at_cycle_start:
        vertices.append((x_of(0.0), y_of(baseline)))
    vertices.extend((pt.x, pt.y) for pt in points)
    latest = points[-1].progress if points else baseline
    running = cycle_start <= today <= cycle_end
    # "Today" is drawn at the end of the day, so that today's check-ins sit on its left.
    end_of_today = _fraction(today + timedelta(days=1), cycle_start, cycle_end)
    today_x = x_of(end_of_today) if running else None
    if vertices and latest is not None and today >= cycle_start:
        hold_x = x_of(end_of_today)
        if hold_x > vertices[-1][0]:
            vertices.append((hold_x, y_of(latest)))
    line = " ".join(f"{x},{y}" for x, y in vertices) if len(vertices) > 1 else ""

    expected_target = arithmetic.ASPIRATIONAL_FACTOR if aspirational else 1.0
    expected_now = expected_target * arithmetic.expected_progress(today, cycle_start, cycle_end)

    measured = len(points)
    check_ins = f"{measured} check-in{'s' if measured != 1 else ''}"
    if latest is None:
        summary = f"No progress measured yet; {check_ins}."
    else:
        summary = (
            f"Progress {arithmetic.percent(latest)} against "
            f"{arithmetic.percent(expected_now)} expected by {_fmt_day(min(today, cycle_end))}"
            f"; {check_ins}."
        )
    summary = (
        f"{summary} The expected line runs from 0% on {_fmt_day(cycle_start)} to "
        f"{arithmetic.percent(expected_target)} on {_fmt_day(cycle_end)}."
    )
    forecast_line = ""
    if forecast is not None and forecast.line and points:
        end_y = y_of(forecast.progress)
        forecast_line = f"{points[-1].x},{points[-1].y} {x_of(1.0)},{end_y}"
        outcome = "reaching the target" if forecast.reaches_target else "short of the target"
        summary = (
            f"{summary} The dashed line continues the trend of the check-ins to a forecast of "
            f"{arithmetic.percent(forecast.progress)} on {_fmt_day(forecast.end)}, {outcome}."
        )

    return Chart(
        width=width,
        height=height,
        left=left,
        right=right,
        top=top,
        bottom=bottom,
        points=points,
        line=line,
        expected_start=(x_of(0.0), y_of(0.0)),
        expected_end=(x_of(1.0), y_of(expected_target)),
        expected_target=expected_target,
        expected_now=expected_now,
        today_x=today_x,
        gridlines=tuple(
            Gridline(y=y_of(p), label=f"{int(p * 100)}%", top_pct=round(y_of(p) / height * 100, 2))
            for p in (1.0, 0.5, 0.0)
        ),
        latest=latest,
        summary=summary,
        forecast_line=forecast_line,
        forecast_progress=forecast.progress if forecast is not None else None,
    )
