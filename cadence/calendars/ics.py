"""The iCalendar text of a feed, as pure functions (no database, no Django).

A feed is built from plain values the selectors gather (``TeamRhythm``, ``CycleDates``):

- the weekly rituals (a team's update deadline, its OKR meeting) are *one* event each, repeating
  weekly (``RRULE:FREQ=WEEKLY;UNTIL=…``) at local time in the team's time zone, with the zone's
  VTIMEZONE, so a calendar keeps 17:00 at 17:00 across a change to or from summer time;
- the cycle's dates (start, monthly reviews, mid-cycle review, the review phase when
  retrospectives are due, end) are all-day events, which belong to no time zone.

Every event's UID is built from the ids of what it describes and of the feed's owner (never from
the secret), so a calendar that fetches the feed again updates its events instead of adding
copies, and a regenerated feed keeps them.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from icalendar import Calendar, Event

PRODUCT_ID = "-//Cadence//Calendar feeds//EN"
UID_DOMAIN = "calendars.cadence"
# How often a calendar should fetch the feed again (clients that honour it: Apple, Outlook).
REFRESH = timedelta(hours=1)
# Window: cycles that ended this recently and are not closed still have retrospectives due.
RECENT_END = timedelta(days=14)
# Without any cycle in the window the weekly rituals run this far ahead.
DEFAULT_SPAN = timedelta(weeks=13)
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class MeetingSlot:
    weekday: int  # 0 = Monday
    at: time
    minutes: int


@dataclass(frozen=True)
class TeamRhythm:
    """A team's weekly rituals: its update deadline and, when set, its meeting slot."""

    id: str
    name: str
    time_zone: str
    deadline_weekday: int  # 0 = Monday
    deadline_at: time
    meeting: MeetingSlot | None = None
    # The team's weekly updates are due here (False: it is in the feed only for its meeting and
    # retrospectives — a person's update follows their primary team's deadline alone).
    deadline: bool = True
    retrospectives: bool = True


@dataclass(frozen=True)
class CycleDates:
    id: str
    name: str
    start: date
    end: date
    closed: bool
    review_start: date  # first day of the review phase (retrospectives due)
    months: tuple[date, ...]  # first day of each month with a monthly review


@dataclass(frozen=True)
class DayEvent:
    """An all-day event from ``first`` to ``last`` (both included)."""

    key: str
    summary: str
    description: str
    first: date
    last: date


@dataclass(frozen=True)
class WeeklyEvent:
    """A weekly event at ``at`` local time in ``time_zone``, ``minutes`` long (0: a moment)."""

    key: str
    summary: str
    description: str
    weekday: int
    at: time
    time_zone: str
    minutes: int


def cycles_in_window(cycles: Iterable[CycleDates], today: date) -> list[CycleDates]:
    """The feed's cycles: those running today (or ended in the last two weeks and not closed:
    their retrospectives are still due) and the next ones (every cycle starting on the first
    start date after today), by start date."""
    cycles = sorted(cycles, key=lambda c: (c.start, c.end, c.name))
    current = [
        c
        for c in cycles
        if c.start <= today and (c.end >= today or (not c.closed and today - c.end <= RECENT_END))
    ]
    future = [c for c in cycles if c.start > today]
    following = [c for c in future if c.start == future[0].start] if future else []
    return current + following


def window(cycles: Sequence[CycleDates], today: date) -> tuple[date, date]:
    """The days the weekly rituals repeat over: from the earliest start of ``cycles`` (or
    today) to the latest end (or 13 weeks from today)."""
    if not cycles:
        return today, today + DEFAULT_SPAN
    return min(min(c.start for c in cycles), today), max(max(c.end for c in cycles), today)


def _weekday_on_or_before(day: date) -> date:
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def _clamp(day: date, first: date, last: date) -> date:
    return max(first, min(day, last))


def monthly_review_day(cycle: CycleDates, month: date) -> date:
    """The day a month's review falls on: the month's last weekday, within the cycle."""
    next_month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return _clamp(_weekday_on_or_before(next_month - timedelta(days=1)), cycle.start, cycle.end)


def mid_cycle_day(cycle: CycleDates) -> date:
    """Halfway through the cycle (a weekend moves to the Friday before), within the cycle."""
    half = cycle.start + (cycle.end - cycle.start) // 2
    return _clamp(_weekday_on_or_before(half), cycle.start, cycle.end)


def cycle_events(cycle: CycleDates) -> list[DayEvent]:
    """A cycle's own dates: its start, a review at the end of each month, the mid-cycle review
    and its end. A closed cycle keeps its start and end; nothing is due in it any more."""
    events = [
        DayEvent(
            f"cycle-start-{cycle.id}",
            f"{cycle.name} starts",
            f"{cycle.name} runs from {cycle.start:%d %B %Y} to {cycle.end:%d %B %Y}.",
            cycle.start,
            cycle.start,
        )
    ]
    if not cycle.closed:
        for month in cycle.months:
            events.append(
                DayEvent(
                    f"monthly-{cycle.id}-{month:%Y-%m}",
                    f"Monthly review: {month:%B} ({cycle.name})",
                    "Leads and managers look at the whole: what can speed up, what is behind, "
                    "which blockers endanger the OKRs.",
                    monthly_review_day(cycle, month),
                    monthly_review_day(cycle, month),
                )
            )
        events.append(
            DayEvent(
                f"mid-cycle-{cycle.id}",
                f"Mid-cycle review ({cycle.name})",
                "Halfway through the cycle: are these still the right OKRs? Targets may change "
                "and objectives may be abandoned, each with a reason.",
                mid_cycle_day(cycle),
                mid_cycle_day(cycle),
            )
        )
    events.append(
        DayEvent(
            f"cycle-end-{cycle.id}",
            f"{cycle.name} ends",
            "The last day of the cycle: score the key results and hold the retrospectives.",
            cycle.end,
            cycle.end,
        )
    )
    return events


def retrospective_event(cycle: CycleDates, team: TeamRhythm) -> DayEvent | None:
    """A team's retrospective, due through the cycle's review phase; none once it is closed."""
    if cycle.closed or not team.retrospectives:
        return None
    return DayEvent(
        f"retrospective-{cycle.id}-{team.id}",
        f"Retrospective due: {team.name} ({cycle.name})",
        "The review phase: score the team's OKRs, then hold the retrospective (the OKRs and the "
        "process, successes, failures, what to start, stop and continue).",
        min(cycle.review_start, cycle.end),
        cycle.end,
    )


def weekly_events(team: TeamRhythm, *, with_team_name: bool) -> list[WeeklyEvent]:
    suffix = f": {team.name}" if with_team_name else ""
    events = []
    if team.deadline:
        events.append(
            WeeklyEvent(
                f"deadline-{team.id}",
                f"Weekly update due{suffix}",
                "Plans, Progress, Problems: write this week's update before the deadline. "
                "Unfinished plans and open problems carry over to next week.",
                team.deadline_weekday,
                team.deadline_at,
                team.time_zone,
                0,
            )
        )
    if team.meeting is not None:
        events.append(
            WeeklyEvent(
                f"meeting-{team.id}",
                f"Weekly OKR meeting{suffix}",
                "Each key result's status and confidence, what we learned last week, next "
                "week's priority plans.",
                team.meeting.weekday,
                team.meeting.at,
                team.time_zone,
                team.meeting.minutes,
            )
        )
    return events


def occurrences(event: WeeklyEvent, first: date, last: date) -> tuple[datetime, datetime] | None:
    """The first and last local moments of a weekly event between two days (both included),
    or None when it never falls between them."""
    start_day = first + timedelta(days=(event.weekday - first.weekday()) % 7)
    if start_day > last:
        return None
    end_day = start_day + timedelta(weeks=(last - start_day).days // 7)
    tz = zoneinfo.ZoneInfo(event.time_zone)
    return (
        datetime.combine(start_day, event.at, tzinfo=tz),
        datetime.combine(end_day, event.at, tzinfo=tz),
    )


def _uid(key: str, scope: str) -> str:
    return f"{key}.{scope}@{UID_DOMAIN}"


def _event(uid: str, summary: str, description: str, now: datetime, url: str) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", now.astimezone(UTC))
    event.add("summary", summary)
    if description:
        event.add("description", description)
    if url:
        event.add("url", url)
    event.add("transp", "TRANSPARENT")
    return event


def build(
    *,
    name: str,
    scope: str,
    weekly: Sequence[WeeklyEvent],
    days: Sequence[DayEvent],
    first: date,
    last: date,
    now: datetime,
    url: str = "",
) -> bytes:
    """The feed: ``weekly`` events repeating from ``first`` to ``last``, the all-day ``days``.
    ``scope`` names the feed's owner in every UID; ``now`` is the DTSTAMP; ``url`` the page
    each event links to."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", REFRESH)
    zones = {e.time_zone for e in weekly}
    if len(zones) == 1:
        calendar.add("x-wr-timezone", next(iter(zones)))
    for item in weekly:
        span = occurrences(item, first, last)
        if span is None:
            continue
        event = _event(_uid(item.key, scope), item.summary, item.description, now, url)
        event.add("dtstart", span[0])
        if item.minutes:
            event.add("duration", timedelta(minutes=item.minutes))
        # UNTIL is in UTC when DTSTART has a time zone (RFC 5545 §3.3.10).
        event.add("rrule", {"freq": "weekly", "until": span[1].astimezone(UTC)})
        calendar.add_component(event)
    for item in sorted(days, key=lambda d: (d.first, d.key)):
        event = _event(_uid(item.key, scope), item.summary, item.description, now, url)
        event.add("dtstart", item.first)
        event.add("dtend", item.last + timedelta(days=1))
        calendar.add_component(event)
    calendar.add_missing_timezones(
        first_date=first - timedelta(days=366), last_date=last + timedelta(days=366)
    )
    return calendar.to_ical()


def team_feed(
    team: TeamRhythm,
    cycles: Iterable[CycleDates],
    *,
    today: date,
    now: datetime,
    url: str = "",
) -> bytes:
    """A team's feed: its deadline and meeting, and the cycles' dates with its retrospective."""
    chosen = cycles_in_window(cycles, today)
    first, last = window(chosen, today)
    days = [e for c in chosen for e in cycle_events(c)]
    days += [e for c in chosen if (e := retrospective_event(c, team)) is not None]
    return build(
        name=f"{team.name} · OKR rituals",
        scope=f"team-{team.id}",
        weekly=weekly_events(team, with_team_name=False),
        days=days,
        first=first,
        last=last,
        now=now,
        url=url,
    )


def person_feed(
    person_id: str,
    person_name: str,
    teams: Sequence[TeamRhythm],
    cycles: Iterable[CycleDates],
    *,
    today: date,
    now: datetime,
    url: str = "",
) -> bytes:
    """A person's feed: the rituals of each of their teams (the weekly deadline once: the team
    whose rhythm their update follows) and the cycles' dates, each once."""
    chosen = cycles_in_window(cycles, today)
    first, last = window(chosen, today)
    days = [e for c in chosen for e in cycle_events(c)]
    days += [e for c in chosen for team in teams if (e := retrospective_event(c, team)) is not None]
    many = len(teams) > 1
    weekly = [e for team in teams for e in weekly_events(team, with_team_name=many)]
    return build(
        name=f"{person_name} · OKR rituals",
        scope=f"person-{person_id}",
        weekly=weekly,
        days=days,
        first=first,
        last=last,
        now=now,
        url=url,
    )
