"""ISO weeks and weekly deadlines, as pure functions (no database).

A week is identified by its Monday (a ``date``); people and the API write it as ``2026-W47``.

A week *closes* at its deadline (the rhythm's weekday and time, in its time zone). From then on
the week people write in — "this week" on their weekly page, the meeting's and the report's
default — is the next one: planning starts there, while the closed week stays open for late
progress (``Rhythm.current_week``, the one rule every page, the API and the services use).
"""

from __future__ import annotations

import re
import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from cadence.core.limits import FIRST_YEAR, LAST_YEAR

WEEK_PATTERN = re.compile(r"^([0-9]{4})-W([0-9]{2})$")


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
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise WeekError(f"Choose a week from {FIRST_YEAR} to {LAST_YEAR}.")
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


def is_closed(monday: date, now: datetime, *, weekday: int, at: time, time_zone: str) -> bool:
    """True once the week's deadline has come: what is written into it now comes late."""
    return deadline(monday, weekday=weekday, at=at, time_zone=time_zone) <= now


def current_week(now: datetime, *, weekday: int, at: time, time_zone: str) -> date:
    """The week people of this rhythm write in at ``now``: the ISO week of ``now`` in the time
    zone until its deadline, the next week from the deadline on."""
    week = week_of(now, time_zone)
    if is_closed(week, now, weekday=weekday, at=at, time_zone=time_zone):
        return next_week(week)
    return week


@dataclass(frozen=True)
class Rhythm:
    """A weekly deadline: ``weekday`` (0 = Monday) at ``at``, local time in ``time_zone``."""

    weekday: int
    at: time
    time_zone: str

    def deadline(self, monday: date) -> datetime:
        return deadline(
            monday_of(monday), weekday=self.weekday, at=self.at, time_zone=self.time_zone
        )

    def is_closed(self, monday: date, now: datetime) -> bool:
        return is_closed(
            monday_of(monday), now, weekday=self.weekday, at=self.at, time_zone=self.time_zone
        )

    def current_week(self, now: datetime) -> date:
        return current_week(now, weekday=self.weekday, at=self.at, time_zone=self.time_zone)
