"""When a pair's 1:1s fall, as pure functions (no database, no Django).

A schedule is a frequency (every week, every two weeks, every month), a weekday, a local time
and a time zone (the lead's), counted from a first day. Every two weeks counts the weeks from
the first matching day on or after ``starts_on``; every month is the first such weekday of each
month. Times are local: a 1:1 at 09:00 stays at 09:00 across daylight-saving changes.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

WEEKLY, BIWEEKLY, MONTHLY = "weekly", "biweekly", "monthly"
FREQUENCIES = (WEEKLY, BIWEEKLY, MONTHLY)

# The reminder goes this long before each 1:1 (docs/decisions.md).
REMINDER_BEFORE = timedelta(hours=24)


def _first_on_or_after(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def _first_weekday_of_month(year: int, month: int, weekday: int) -> date:
    return _first_on_or_after(date(year, month, 1), weekday)


@dataclass(frozen=True)
class Schedule:
    frequency: str
    weekday: int  # 0 = Monday
    at: time
    time_zone: str
    starts_on: date
    minutes: int = 30

    def __post_init__(self) -> None:
        if self.frequency not in FREQUENCIES:
            raise ValueError(f"unknown frequency {self.frequency!r}")
        if not 0 <= self.weekday <= 6:
            raise ValueError("weekday is 0 (Monday) to 6 (Sunday)")

    def _days_from(self, day: date) -> Iterator[date]:
        """The meeting days on or after ``day`` (and on or after ``starts_on``), in order."""
        day = max(day, self.starts_on)
        if self.frequency == MONTHLY:
            year, month = day.year, day.month
            while True:
                candidate = _first_weekday_of_month(year, month, self.weekday)
                if candidate >= day and candidate >= self.starts_on:
                    yield candidate
                month += 1
                if month == 13:
                    year, month = year + 1, 1
        step = 7 if self.frequency == WEEKLY else 14
        first = _first_on_or_after(self.starts_on, self.weekday)
        if day <= first:
            current = first
        else:
            periods = -(-(day - first).days // step)  # ceiling: the first on or after ``day``
            current = first + timedelta(days=periods * step)
        while True:
            yield current
            current += timedelta(days=step)

    def moment(self, day: date) -> datetime:
        """The 1:1 of ``day`` at the local time, as a UTC moment (arithmetic on it is exact)."""
        local = datetime.combine(day, self.at, tzinfo=zoneinfo.ZoneInfo(self.time_zone))
        return local.astimezone(UTC)

    def occurrences(self, after: datetime, count: int) -> list[datetime]:
        """The first ``count`` occurrences starting at or after ``after``."""
        local = after.astimezone(zoneinfo.ZoneInfo(self.time_zone))
        out: list[datetime] = []
        # From the day before: a moment late in the evening elsewhere may be tomorrow here.
        for day in self._days_from(local.date() - timedelta(days=1)):
            moment = self.moment(day)
            if moment >= after:
                out.append(moment)
                if len(out) == count:
                    return out

    def next_meeting(self, now: datetime) -> datetime:
        """The 1:1 to prepare for at ``now``: the first occurrence that has not ended yet (the
        one under way stays the next one until its time is over)."""
        ended_by = now - timedelta(minutes=self.minutes)
        return self.occurrences(ended_by + timedelta(microseconds=1), 1)[0]

    def reminder_due(self, now: datetime) -> datetime | None:
        """The occurrence whose reminder is due at ``now`` (it starts within
        ``REMINDER_BEFORE``), or None."""
        upcoming = self.occurrences(now, 1)[0]
        return upcoming if upcoming - REMINDER_BEFORE <= now else None
