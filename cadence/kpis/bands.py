"""A KPI's healthy band and its status. Pure: plain values in, plain values out.

A band has a lower bound, an upper bound or both (docs/method.md §6: "≥, ≤ or between"). A
value is healthy when it lies inside the band, bounds included. A KPI's status is the status of
its latest value: the one with the latest date, and of two on the same date the one entered
last. A KPI with no value has no status.

A data source's reading is recorded only when it is news (``is_news``): a new number, or the
first reading of a period of the KPI's frequency.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date

HEALTHY = "healthy"
UNHEALTHY = "unhealthy"
UNKNOWN = ""  # no value yet

STATUS_LABELS = {HEALTHY: "Healthy", UNHEALTHY: "Unhealthy", UNKNOWN: "No value yet"}


def band_errors(low: float | None, high: float | None) -> dict[str, str]:
    """Why (field → message) a band is refused; empty when it is a band."""
    errors: dict[str, str] = {}
    for name, bound in (("band_min", low), ("band_max", high)):
        if bound is not None and not math.isfinite(bound):
            errors[name] = "Enter a finite number."
    if errors:
        return errors
    if low is None and high is None:
        errors["band"] = "Give the healthy band a lower bound, an upper bound or both."
    elif low is not None and high is not None and low > high:
        errors["band_max"] = "The upper bound must not be below the lower bound."
    return errors


def is_healthy(value: float, low: float | None, high: float | None) -> bool:
    """Whether ``value`` lies inside the band (bounds included)."""
    return (low is None or value >= low) and (high is None or value <= high)


def status_of(value: float | None, low: float | None, high: float | None) -> str:
    if value is None:
        return UNKNOWN
    return HEALTHY if is_healthy(value, low, high) else UNHEALTHY


def latest(values: Iterable[tuple[date, int, float]]) -> float | None:
    """The current value of (date, order entered, value) triples: the latest date wins, and on
    the same date the one entered last. None when there is none."""
    best = max(values, key=lambda v: (v[0], v[1]), default=None)
    return None if best is None else best[2]


def left_band(before: str, after: str) -> bool:
    """Whether moving from status ``before`` to ``after`` is leaving the band: into unhealthy
    from healthy or from no status at all (a first value already outside is news too)."""
    return after == UNHEALTHY and before != UNHEALTHY


def period_of(day: date, frequency: str) -> tuple[int, ...]:
    """The period of a KPI's frequency that ``day`` falls in: the day itself, its ISO week, its
    month or its quarter (any other frequency: the week)."""
    if frequency == "daily":
        return (day.year, day.month, day.day)
    if frequency == "monthly":
        return (day.year, day.month)
    if frequency == "quarterly":
        return (day.year, (day.month - 1) // 3)
    iso = day.isocalendar()
    return (iso.year, iso.week)


def is_news(
    value: float,
    *,
    on: date,
    current_value: float | None,
    current_at: date | None,
    frequency: str,
) -> bool:
    """Whether a value measured on ``on`` (a data source's) is worth recording: the KPI has no
    value yet, the value differs from its current one, or the current one was measured in an
    earlier period of the KPI's frequency (a steady KPI still gets one value per period, so
    its history shows it was measured). The same value again within the period is not news."""
    if current_value is None or current_at is None or value != current_value:
        return True
    return period_of(current_at, frequency) < period_of(on, frequency)


def _number(value: float) -> str:
    return f"{value:g}" if abs(value) < 1e6 else f"{value:,.0f}"


def band_text(low: float | None, high: float | None, unit: str = "") -> str:
    """The band as people read it: "≥ 95%", "≤ 2 days", "between 10 and 20 tickets"."""
    suffix = unit if unit in ("%", "") else f" {unit}"
    if low is not None and high is not None:
        if low == high:
            return f"= {_number(low)}{suffix}"
        return f"between {_number(low)} and {_number(high)}{suffix}"
    if low is not None:
        return f"≥ {_number(low)}{suffix}"
    if high is not None:
        return f"≤ {_number(high)}{suffix}"
    return ""


def recovery_title(name: str, low: float | None, high: float | None, unit: str = "") -> str:
    """The title a recovery objective is offered with: "Bring uptime back to at least 99.9%"."""
    suffix = unit if unit in ("%", "") else f" {unit}"
    if low is None and high is None:
        return f"Bring {name} back into its healthy band"[:200]
    if low is not None and high is not None and low != high:
        band = f"between {_number(low)} and {_number(high)}{suffix}"
    elif low is not None and high is not None:
        band = f"{_number(low)}{suffix}"
    elif low is not None:
        band = f"at least {_number(low)}{suffix}"
    else:
        band = f"at most {_number(high)}{suffix}"
    return f"Bring {name} back to {band}"[:200]
