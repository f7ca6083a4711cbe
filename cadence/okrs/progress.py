"""The OKR arithmetic of docs/method.md §3, as pure functions: no database, no Django.

Every progress value is a float in [0, 1], or ``None`` for "nothing to measure yet", which is
not the same as 0 and is shown as "—". Services and selectors feed these functions with plain
values; tests exercise them exhaustively (examples and hypothesis properties).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

METRIC = "metric"
THRESHOLD = "threshold"
MILESTONE = "milestone"

AT_LEAST = "at_least"
AT_MOST = "at_most"

ON_TRACK = "on_track"
AT_RISK = "at_risk"
OFF_TRACK = "off_track"

ON_TRACK_GAP = 0.10
AT_RISK_GAP = 0.25
ASPIRATIONAL_FACTOR = 0.7
STALE_AFTER = timedelta(days=14)
STALLED_WEEKS = 2
_EPS = 1e-9


def clamp(x: float, lo: float = 0.0, hi: float = 1.0) -> float:
    return lo if x < lo else hi if x > hi else x


def kr_progress(
    kind: str,
    *,
    start: float | None,
    target: float | None,
    current: float | None,
    direction: str | None = None,
) -> float | None:
    """Progress of one key result given its current value (None: nothing measured yet).

    - metric: the share of the way from start to target, clamped to [0, 1]; it works both
      upwards (13% → 45%) and downwards (220 tickets → 120).
    - threshold: 1 while the bound holds (``at_least``: current ≥ target; ``at_most``:
      current ≤ target), else 0.
    - milestone: 1 when done (current ≥ 1, i.e. a check-in of 1), else 0.
    """
    if kind == MILESTONE:
        return 1.0 if current is not None and current >= 1 else 0.0
    if current is None or target is None:
        return None
    if kind == THRESHOLD:
        if direction == AT_MOST:
            return 1.0 if current <= target else 0.0
        return 1.0 if current >= target else 0.0
    if kind == METRIC:
        if start is None or start == target:
            return None
        span, done = target - start, current - start
        if math.isinf(span) or math.isinf(done):
            # Finite inputs whose differences overflow: the halves cannot, and keep the ratio.
            span, done = target / 2 - start / 2, current / 2 - start / 2
        return clamp(done / span)
    raise ValueError(f"unknown key result kind: {kind!r}")


def weighted_mean(items: Iterable[tuple[float | None, float]]) -> float | None:
    """Weighted mean of (progress, weight) pairs, leaving out unmeasured items and weight ≤ 0."""
    total = 0.0
    weights = 0.0
    for p, w in items:
        if p is None or w <= 0:
            continue
        total += p * w
        weights += w
    if weights <= 0:
        return None
    return clamp(total / weights)


@dataclass
class Node:
    """One objective for the roll-up: its key results' (progress, weight) and its children."""

    krs: list[tuple[float | None, float]] = field(default_factory=list)
    children: list[object] = field(default_factory=list)
    abandoned: bool = False
    # False for a personal objective whose owner keeps it out of its parent's mean.
    counted: bool = True


def roll_up(nodes: Mapping[object, Node]) -> dict[object, float | None]:
    """Progress of every objective: the weighted mean of its key results and of its aligned
    children (each with weight 1), through any number of levels.

    Abandoned children, children not counted (personal objectives kept out by their owner) and
    children with nothing to measure are left out of a parent's mean.
    Children missing from ``nodes`` are ignored. A cycle in the alignment graph (which services
    never store) is broken rather than looped on: a node is not counted inside itself.
    """
    result: dict[object, float | None] = {}
    for root in nodes:
        if root in result:
            continue
        # Depth-first with an explicit stack (post-order), so that no chain of alignments is
        # too deep to compute. ``visiting`` holds the objectives on the current path.
        visiting = {root}
        stack = [(root, iter(nodes[root].children))]
        while stack:
            key, pending = stack[-1]
            for child in pending:
                if child in nodes and child not in visiting and child not in result:
                    visiting.add(child)
                    stack.append((child, iter(nodes[child].children)))
                    break
            else:
                node = nodes[key]
                items = list(node.krs)
                for child in node.children:
                    if child not in nodes or child in visiting:
                        continue
                    if nodes[child].abandoned or not nodes[child].counted:
                        continue
                    items.append((result[child], 1.0))
                result[key] = weighted_mean(items)
                stack.pop()
                visiting.discard(key)
    return result


def expected_progress(day: date, start: date, end: date) -> float:
    """Where progress should be on ``day`` if it moved evenly from start (0) to end (1)."""
    span = (end - start).days
    if span <= 0:
        return 1.0 if day >= end else 0.0
    return clamp((day - start).days / span)


def pace(progress: float | None, expected: float, *, aspirational: bool = False) -> str | None:
    """Computed status from the gap between expected and actual progress.

    For aspirational objectives 70% is success, so the bar is 0.7 of the expected progress.
    """
    if progress is None:
        return None
    bar = expected * ASPIRATIONAL_FACTOR if aspirational else expected
    gap = round(bar - progress, 9)
    if gap <= ON_TRACK_GAP + _EPS:
        return ON_TRACK
    if gap <= AT_RISK_GAP + _EPS:
        return AT_RISK
    return OFF_TRACK


def confidence_mismatch(reported: str | None, computed: str | None) -> bool:
    """True when someone says on track while the numbers say off track."""
    return reported == ON_TRACK and computed == OFF_TRACK


@dataclass(frozen=True)
class Point:
    at: datetime
    value: float


def value_at(history: Sequence[Point], when: datetime, default: float | None) -> float | None:
    """The value in force at ``when``: the latest check-in at or before it, else ``default``."""
    value = default
    for point in history:
        if point.at <= when:
            value = point.value
        else:
            break
    return value


def week_over_week(
    kind: str,
    *,
    start: float | None,
    target: float | None,
    direction: str | None,
    history: Sequence[Point],
    now: datetime,
) -> float | None:
    """Progress now minus progress seven days ago (negative is a drop); None if unmeasurable.

    ``history`` is the key result's check-ins, oldest first.
    """
    baseline = start
    before = kr_progress(
        kind,
        start=start,
        target=target,
        direction=direction,
        current=value_at(history, now - timedelta(days=7), baseline),
    )
    after = kr_progress(
        kind,
        start=start,
        target=target,
        direction=direction,
        current=value_at(history, now, baseline),
    )
    if before is None or after is None:
        return None
    return after - before


def weekly_values(history: Sequence[Point]) -> list[float]:
    """The last check-in value of each ISO week that has one, oldest first."""
    by_week: dict[tuple[int, int], float] = {}
    for point in history:
        iso = point.at.isocalendar()
        by_week[(iso[0], iso[1])] = point.value
    return [by_week[k] for k in sorted(by_week)]


def is_stalled(history: Sequence[Point], *, start: float | None, progress: float | None) -> bool:
    """A key result is stalled when its value has not changed over its last two weekly
    check-ins (compared with the week before them, or with the start value).

    A finished key result (progress 1) is not stalled: holding a target is the point.
    """
    if progress is not None and progress >= 1:
        return False
    values = weekly_values(history)
    if start is not None:
        values = [start, *values]
    if len(values) < STALLED_WEEKS + 1:
        return False
    last = values[-(STALLED_WEEKS + 1) :]
    return all(math.isclose(v, last[0], rel_tol=1e-12, abs_tol=1e-12) for v in last)


def is_stale(last_check_in: datetime | None, *, since: datetime, now: datetime) -> bool:
    """No check-in for 14 days. ``since`` is when the clock started (the key result was created
    or the cycle began, whichever is later) so a brand-new key result is not stale."""
    reference = max(last_check_in, since) if last_check_in else since
    return now - reference >= STALE_AFTER


def score(progress: float | None) -> float | None:
    """End-of-cycle score: progress rounded to one decimal, half up (0.65 → 0.7, 0.95 → 1.0).

    Progress is computed in binary floating point, so a value that is exactly 0.75 on paper
    ((0.3 − 0) / (0.4 − 0)) arrives as 0.7499999999999999. The progress is first rounded to nine
    decimals (far below anything a person measures), then half up to one decimal. Bands, grading
    schemes and success live in ``cadence.scoring.rules``.
    """
    if progress is None:
        return None
    exact = Decimal(repr(clamp(float(progress)))).quantize(Decimal("1e-9"))
    return float(exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def percent(progress: float | None) -> str:
    """Whole percent for display; "—" when there is nothing to measure."""
    if progress is None:
        return "—"
    in_percent = Decimal(repr(progress)) * 100  # 0.285 → 28.5, not 28.499999999999996
    return f"{int(in_percent.quantize(Decimal('1'), rounding=ROUND_HALF_UP))}%"


def progress_series(
    kind: str,
    *,
    start: float | None,
    target: float | None,
    direction: str | None,
    history: Sequence[Point],
) -> list[tuple[datetime, float | None]]:
    """(time, progress) after each check-in, oldest first: the data of a key result's chart."""
    return [
        (
            point.at,
            kr_progress(kind, start=start, target=target, direction=direction, current=point.value),
        )
        for point in history
    ]
