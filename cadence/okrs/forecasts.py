"""Where a key result is heading: its value at the end of the cycle, from the trend of its
check-ins. Pure: plain values in, plain values out, no database and no Django.

The fit is a weighted Theil–Sen line, robust by construction:

- The check-ins are first reduced to one point per ISO week (the week's last check-in), the
  rhythm the method asks for; a key result fed every day by a data source does not outweigh
  one checked in on Fridays, and the work stays small (at most ``MAX_POINTS`` weeks).
- The slope is the weighted median of the slopes between every two points. A point weighs
  ``max(FLOOR, 0.5 ** (age / HALF_LIFE))`` (its age in days before the latest point), so recent
  weeks weigh more; a pair weighs as its older point. With at least five points and the floor
  above one third, no single point's pairs hold half the weight, so one outlier cannot move the
  median off the slope the other points agree on.
- The forecast is the weighted median, over the points, of each point carried to the cycle's
  end along that slope (``value + slope × days left``): again one point cannot move it.

Only the weeks up to today and up to the cycle's end count. A forecast needs ``MIN_POINTS``
weeks with check-ins spanning ``MIN_SPAN_DAYS`` days; before that, ``None``. Once the cycle has
ended, the forecast is the value in force at its end: a fact, no longer a trend.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from cadence.okrs import progress as arithmetic

MIN_POINTS = 3  # weeks with a check-in
MIN_SPAN_DAYS = 14  # between the first and the last of them
MAX_POINTS = 104  # the latest two years of weeks, whatever the cycle's length
HALF_LIFE_DAYS = 28.0  # a point four weeks older weighs half as much…
FLOOR = 0.4  # …but never less than this (above 1/3: see the module's docstring)
_SNAP = 1e-9  # relative: a forecast this close to the target is the target


@dataclass(frozen=True)
class Forecast:
    """A key result's forecast value at the cycle's end, its progress then (docs/method.md §3
    arithmetic), whether it reaches the target (a threshold: whether the bound holds), whether it
    falls short of success (below the target; an aspirational key result: below 70%), and the
    dashed line's two ends, (day, value): from the last check-in to the cycle's end (empty once
    the cycle has ended)."""

    value: float
    progress: float
    reaches_target: bool
    short: bool
    end: date
    line: tuple[tuple[date, float], ...]
    ended: bool = False  # the cycle is over: the value is the one in force at its end

    @property
    def outcome(self) -> str:
        """ "reaches" the target, "short" of success, or "close": short of the target but a
        success (a score of 1.0 committed, 0.7 or more aspirational)."""
        return "reaches" if self.reaches_target else "short" if self.short else "close"


def _day(at: date | datetime) -> date:
    return at.date() if isinstance(at, datetime) else at


def _mean(values: Iterable[float]) -> float:
    ordered = sorted(values)
    return math.fsum(ordered) / len(ordered)


def weekly_points(
    history: Iterable[tuple[date | datetime, float]], *, until: date
) -> list[tuple[date, float]]:
    """One (day, value) per ISO week up to ``until``: the week's last check-in, oldest first.
    Check-ins at the very same moment count as their mean, so the order they come in does not
    matter."""
    latest: dict[tuple[int, int], tuple[date | datetime, list[float]]] = {}
    for at, value in history:
        if _day(at) > until or not math.isfinite(value):
            continue
        iso = _day(at).isocalendar()
        week = (iso[0], iso[1])
        kept = latest.get(week)
        if kept is None or _later(at, kept[0]):
            latest[week] = (at, [value])
        elif at == kept[0]:
            kept[1].append(value)
    return [(_day(at), _mean(values)) for _week, (at, values) in sorted(latest.items())]


def _later(a: date | datetime, b: date | datetime) -> bool:
    if isinstance(a, datetime) and isinstance(b, datetime):
        return a > b
    return _day(a) > _day(b)


def weighted_median(pairs: Sequence[tuple[float, float]]) -> float:
    """The weighted median of (value, weight) pairs: the mean of the lower and the upper
    median, so that the answer does not depend on the order of ties."""
    ordered = sorted(pairs)
    total = math.fsum(w for _v, w in ordered)
    half = total / 2
    running = 0.0
    lower = upper = ordered[-1][0]
    found_lower = False
    for value, weight in ordered:
        running += weight
        if not found_lower and running >= half * (1 - 1e-12):
            lower, found_lower = value, True
        if running > half * (1 + 1e-12):
            upper = value
            break
    if lower == upper:
        return lower  # halving each would underflow the smallest values to zero
    return lower / 2 + upper / 2


def fit_at(points: Sequence[tuple[date, float]], day: date) -> float:
    """The robust trend of ``points`` (at least two days apart) evaluated on ``day``."""
    newest = points[-1][0]
    weights = [max(FLOOR, 0.5 ** ((newest - d).days / HALF_LIFE_DAYS)) for d, _v in points]
    slopes = []
    for i, (di, vi) in enumerate(points):
        for j in range(i + 1, len(points)):
            dj, vj = points[j]
            dx = (dj - di).days
            if dx > 0:
                slopes.append((vj / dx - vi / dx, min(weights[i], weights[j])))
    slope = weighted_median(slopes) if slopes else 0.0
    carried = [(v + slope * (day - d).days, w) for (d, v), w in zip(points, weights, strict=True)]
    return weighted_median(carried)


def kr_forecast(
    *,
    kind: str,
    start: float | None,
    target: float | None,
    direction: str | None,
    history: Iterable[tuple[date | datetime, float]],
    cycle_start: date,
    cycle_end: date,
    today: date,
    aspirational: bool = False,
    percent: bool = False,
) -> Forecast | None:
    """A metric or threshold key result's forecast at ``cycle_end`` from its check-ins
    (``history``: (when, value) in any order), or None: another kind, no target (a metric: no
    start either), or too few check-ins. The value stays within what the key result's values
    allow: a quantity never measured below zero (values, start and target) is not forecast
    below zero, nor a percentage (``percent``: its unit is %) always measured within 0–100
    above 100. ``short``: the forecast progress would score below success (docs/method.md §3:
    progress rounded to one decimal, 1.0 committed, 0.7 aspirational), so a forecast a hair
    under the target is not flagged."""
    if kind not in (arithmetic.METRIC, arithmetic.THRESHOLD) or target is None:
        return None
    if kind == arithmetic.METRIC and (start is None or start == target):
        return None
    history = list(history)
    ended = today > cycle_end
    points = weekly_points(history, until=min(today, cycle_end))[-MAX_POINTS:]
    if len(points) < MIN_POINTS or (points[-1][0] - points[0][0]).days < MIN_SPAN_DAYS:
        return None
    last_day, last_value = points[-1]
    if ended:
        value = last_value
    else:
        value = fit_at(points, cycle_end)
        known = [v for _d, v in points] + [target] + ([start] if start is not None else [])
        if min(known) >= 0:
            value = max(0.0, value)
        if percent and min(known) >= 0 and max(known) <= 100:
            value = min(100.0, value)
        if not math.isfinite(value):
            value = last_value
    scale = max(1.0, abs(target), abs(start) if start is not None else 0.0)
    if abs(value - target) <= _SNAP * scale:
        value = float(target)
    line = (
        ((last_day, last_value), (cycle_end, value)) if not ended and last_day < cycle_end else ()
    )
    progress = arithmetic.kr_progress(
        kind, start=start, target=target, current=value, direction=direction
    )
    assert progress is not None  # a target (and a metric's start) are known
    return Forecast(
        value=value,
        progress=progress,
        reaches_target=progress >= 1.0,
        short=falls_short(progress, aspirational=aspirational),
        end=cycle_end,
        line=line,
        ended=ended,
    )


def objective_forecast(items: Iterable[tuple[Forecast | None, float]]) -> float | None:
    """An objective's forecast progress: the weighted mean of its key results' forecast
    progress (their weights, as the progress roll-up), leaving out those without a forecast;
    None when none has one."""
    return arithmetic.weighted_mean(
        (forecast.progress if forecast is not None else None, weight) for forecast, weight in items
    )


def falls_short(progress: float | None, *, aspirational: bool) -> bool:
    """Whether a forecast progress would score below success: 1.0 for a committed key result or
    objective, 0.7 for an aspirational one (scores are progress rounded to one decimal)."""
    if progress is None:
        return False
    bar = arithmetic.ASPIRATIONAL_FACTOR if aspirational else 1.0
    score = arithmetic.score(progress)
    return score is not None and score < bar - _SNAP
