"""ISO weeks and weekly deadlines, as pure functions (no database).

A week is identified by its Monday (a ``date``); people and the API write it as ``2026-W47``.
"""

from __future__ import annotations

import re
import zoneinfo
from datetime import date, datetime, time, timedelta

WEEK_PATTERN = re.compile(r"^(\d{4})-W(\d{2})$")


class WeekError(ValueError):
    """Text that is not an ISO week such as 2026-W47."""


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def parse_week(text: str) -> date:
    """'2026-W47' → the Monday of that ISO week."""
    match = WEEK_PATTERN.match((text or "").strip())
    if not match:
        raise WeekError(f"{text!r} is not a week; write it like 2026-W47.")
    year, week = int(match.group(1)), int(match.group(2))
    try:
        return date.fromisocalendar(year, week, 1)
    except ValueError as exc:
        raise WeekError(f"{year} has no week {week}.") from exc


def format_week(monday: date) -> str:
    iso = monday.isocalendar()
    return f"{iso.year}-W{iso.week:02d}"


def week_of(moment: datetime, time_zone: str) -> date:
    """The Monday of the ISO week that ``moment`` falls in, in the given time zone."""
    local = moment.astimezone(zoneinfo.ZoneInfo(time_zone))
    return monday_of(local.date())


def deadline(monday: date, *, weekday: int, at: time, time_zone: str) -> datetime:
    """The aware moment a week's update is due: ``weekday`` (0 = Monday) at ``at``, local time."""
    day = monday + timedelta(days=weekday)
    return datetime.combine(day, at, tzinfo=zoneinfo.ZoneInfo(time_zone))


def next_week(monday: date) -> date:
    return monday + timedelta(days=7)


def previous_week(monday: date) -> date:
    return monday - timedelta(days=7)
