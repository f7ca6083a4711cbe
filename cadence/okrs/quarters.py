"""Calendar quarters and half-years: the cycle a new one is suggested as. Pure (no database)."""

from datetime import date, timedelta

from cadence.core.limits import FIRST_DATE, LAST_DATE
from cadence.okrs.models import Cycle


def quarter_of(day: date) -> tuple[date, date]:
    """The first and last day of the calendar quarter holding ``day``."""
    start = date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    month = start.month + 3
    end = date(start.year + (month > 12), (month - 1) % 12 + 1, 1) - timedelta(days=1)
    return start, end


def half_of(day: date) -> tuple[date, date]:
    """The first and last day of the calendar half-year holding ``day``."""
    if day.month <= 6:
        return date(day.year, 1, 1), date(day.year, 6, 30)
    return date(day.year, 7, 1), date(day.year, 12, 31)


def next_cycle_initial(cycles: list[Cycle], today: date, kind: str = Cycle.Kind.QUARTER) -> dict:
    """Suggest the calendar quarter (or half-year, when ``kind`` says so) after the latest
    cycle, or the current one: the new cycle form's initial name, kind and dates."""
    # A cycle whose dates lie outside the bounds (stored before they were kept) is skipped: the
    # quarter after it would be no date at all.
    latest_end = max(
        (c.end for c in cycles if FIRST_DATE <= c.end <= LAST_DATE - timedelta(days=200)),
        default=None,
    )
    first = latest_end + timedelta(days=1) if latest_end else today.replace(day=1)
    half = kind == Cycle.Kind.HALF_YEAR
    period = half_of if half else quarter_of
    start, end = period(first)
    if start < first:
        start, end = period(end + timedelta(days=1))
    name = f"H{1 if start.month == 1 else 2}" if half else f"Q{(start.month - 1) // 3 + 1}"
    return {
        "name": f"{name} {start.year}",
        "kind": Cycle.Kind.HALF_YEAR if half else Cycle.Kind.QUARTER,
        "start": start,
        "end": end,
    }
