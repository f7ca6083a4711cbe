"""The feed's iCalendar text, built by the pure module and read back with icalendar: the events
of each ritual, their local times across summer-time changes, UIDs, the window. No database."""

import zoneinfo
from datetime import UTC, date, datetime, time, timedelta

from dateutil.rrule import rrulestr
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from cadence.calendars import ics

BERLIN = "Europe/Berlin"
NOW = datetime(2026, 2, 10, 9, 30, tzinfo=UTC)


def months(start: date, end: date) -> tuple[date, ...]:
    out, month = [], start.replace(day=1)
    while month <= end:
        out.append(month)
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return tuple(out)


def cycle(name, start, end, *, closed=False, cid=None):
    return ics.CycleDates(
        id=cid or name.replace(" ", "-").lower(),
        name=name,
        start=start,
        end=end,
        closed=closed,
        review_start=end - timedelta(days=13),
        months=months(start, end),
    )


Q1 = cycle("Q1 2026", date(2026, 1, 1), date(2026, 3, 31))
Q2 = cycle("Q2 2026", date(2026, 4, 1), date(2026, 6, 30))
TEAM = ics.TeamRhythm(
    id="t1",
    name="Platform",
    time_zone=BERLIN,
    deadline_weekday=4,
    deadline_at=time(17, 0),
    meeting=ics.MeetingSlot(weekday=1, at=time(10, 0), minutes=20),
)


def parse(body: bytes) -> Calendar:
    return Calendar.from_ical(body)


def events(calendar: Calendar) -> dict:
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


def expand(event) -> list[datetime]:
    start = event.decoded("DTSTART")
    return list(rrulestr(event["RRULE"].to_ical().decode(), dtstart=start))


def by_key(calendar: Calendar, key: str):
    found = [e for uid, e in events(calendar).items() if uid.startswith(key + ".")]
    assert len(found) == 1, (key, list(events(calendar)))
    return found[0]


def test_the_weekly_deadline_repeats_at_local_time_across_summer_time():
    calendar = parse(ics.team_feed(TEAM, [Q1, Q2], today=date(2026, 2, 10), now=NOW))
    deadline = by_key(calendar, "deadline-t1")
    assert str(deadline["SUMMARY"]) == "Weekly update due"
    assert deadline["DTSTART"].params["TZID"] == BERLIN
    assert "DTEND" not in deadline and "DURATION" not in deadline  # a moment
    assert deadline["RRULE"]["FREQ"] == ["WEEKLY"]
    moments = expand(deadline)
    # Every Friday of Q1 and Q2 2026: from 2 January to 26 June.
    assert moments[0] == datetime(2026, 1, 2, 17, 0, tzinfo=zoneinfo.ZoneInfo(BERLIN))
    assert moments[-1].date() == date(2026, 6, 26)
    assert len(moments) == 26
    assert {(m.weekday(), m.time()) for m in moments} == {(4, time(17, 0))}
    # Berlin moves to summer time on 29 March 2026: 16:00 UTC before, 15:00 UTC after.
    assert moments[12].date() == date(2026, 3, 27)
    assert moments[12].astimezone(UTC).hour == 16
    assert moments[13].date() == date(2026, 4, 3)
    assert moments[13].astimezone(UTC).hour == 15
    # The zone's rules travel with the feed.
    zones = {str(z["TZID"]) for z in calendar.walk("VTIMEZONE")}
    assert zones == {BERLIN}
    assert str(calendar["X-WR-TIMEZONE"]) == BERLIN


def test_the_meeting_has_its_slot_and_length():
    calendar = parse(ics.team_feed(TEAM, [Q1, Q2], today=date(2026, 2, 10), now=NOW))
    meeting = by_key(calendar, "meeting-t1")
    assert str(meeting["SUMMARY"]) == "Weekly OKR meeting"
    assert meeting.decoded("DURATION") == timedelta(minutes=20)
    moments = expand(meeting)
    assert moments[0] == datetime(2026, 1, 6, 10, 0, tzinfo=zoneinfo.ZoneInfo(BERLIN))
    assert moments[-1].date() == date(2026, 6, 30)
    assert {(m.weekday(), m.time()) for m in moments} == {(1, time(10, 0))}


def test_no_meeting_without_a_slot():
    team = ics.TeamRhythm("t2", "Ops", "UTC", 4, time(17, 0))
    calendar = parse(ics.team_feed(team, [Q1], today=date(2026, 2, 10), now=NOW))
    assert not [uid for uid in events(calendar) if uid.startswith("meeting-")]


def day_span(event) -> tuple[date, date]:
    first, after = event.decoded("DTSTART"), event.decoded("DTEND")
    assert type(first) is date and type(after) is date  # all-day: no time, no zone
    return first, after - timedelta(days=1)


def test_the_cycle_dates_are_all_day_events():
    calendar = parse(ics.team_feed(TEAM, [Q1], today=date(2026, 2, 10), now=NOW))
    assert day_span(by_key(calendar, "cycle-start-q1-2026")) == (date(2026, 1, 1),) * 2
    assert day_span(by_key(calendar, "cycle-end-q1-2026")) == (date(2026, 3, 31),) * 2
    # A monthly review on each month's last weekday (within the cycle).
    assert day_span(by_key(calendar, "monthly-q1-2026-2026-01"))[0] == date(2026, 1, 30)
    assert day_span(by_key(calendar, "monthly-q1-2026-2026-02"))[0] == date(2026, 2, 27)
    assert day_span(by_key(calendar, "monthly-q1-2026-2026-03"))[0] == date(2026, 3, 31)
    assert "February" in str(by_key(calendar, "monthly-q1-2026-2026-02")["SUMMARY"])
    # Halfway (Saturday 14 February) falls back to the Friday.
    assert day_span(by_key(calendar, "mid-cycle-q1-2026")) == (date(2026, 2, 13),) * 2
    # The team's retrospective is due through the review phase: the last two weeks.
    retro = by_key(calendar, "retrospective-q1-2026-t1")
    assert day_span(retro) == (date(2026, 3, 18), date(2026, 3, 31))
    assert "Platform" in str(retro["SUMMARY"])


def test_a_closed_cycle_keeps_its_dates_and_asks_for_nothing():
    closed = cycle("Q1 2026", date(2026, 1, 1), date(2026, 3, 31), closed=True)
    calendar = parse(ics.team_feed(TEAM, [closed], today=date(2026, 2, 10), now=NOW))
    keys = {uid.split(".")[0] for uid in events(calendar)}
    assert "cycle-start-q1-2026" in keys and "cycle-end-q1-2026" in keys
    assert not [k for k in keys if k.startswith(("monthly-", "mid-cycle-", "retrospective-"))]


def test_uids_are_stable_and_scoped_and_dtstamp_is_now():
    first = parse(ics.team_feed(TEAM, [Q1, Q2], today=date(2026, 2, 10), now=NOW))
    later = NOW + timedelta(days=1)
    second = parse(ics.team_feed(TEAM, [Q1, Q2], today=date(2026, 2, 11), now=later))
    assert set(events(first)) == set(events(second))
    assert all(uid.endswith(".team-t1@calendars.cadence") for uid in events(first))
    uids = [str(e["UID"]) for e in first.walk("VEVENT")]
    assert len(uids) == len(set(uids))
    assert {e.decoded("DTSTAMP") for e in second.walk("VEVENT")} == {later}


def test_the_calendar_header():
    calendar = parse(ics.team_feed(TEAM, [Q1], today=date(2026, 2, 10), now=NOW))
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["PRODID"]) == ics.PRODUCT_ID
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert str(calendar["X-WR-CALNAME"]) == "Platform · OKR rituals"
    assert calendar.decoded("REFRESH-INTERVAL") == timedelta(hours=1)


def test_the_window_is_the_current_and_next_cycles():
    year = cycle("2026", date(2026, 1, 1), date(2026, 12, 31))
    old = cycle("Q4 2025", date(2025, 10, 1), date(2025, 12, 31))
    later = cycle("Q3 2026", date(2026, 7, 1), date(2026, 9, 30))
    assert ics.cycles_in_window([later, Q2, year, Q1, old], date(2026, 2, 10)) == [Q1, year, Q2]
    # Between cycles: only the next one(s).
    assert ics.cycles_in_window([old, Q2], date(2026, 2, 10)) == [Q2]
    # Ended ten days ago and not closed: its retrospectives are still due.
    assert ics.cycles_in_window([Q1, Q2], date(2026, 4, 10)) == [Q1, Q2]
    closed = cycle("Q1 2026", date(2026, 1, 1), date(2026, 3, 31), closed=True)
    assert ics.cycles_in_window([closed, Q2], date(2026, 4, 10)) == [Q2]
    # Ended three weeks ago: gone.
    assert ics.cycles_in_window([Q1, Q2, later], date(2026, 4, 21)) == [Q2, later]


def test_without_cycles_the_weekly_rituals_run_thirteen_weeks():
    calendar = parse(ics.team_feed(TEAM, [], today=date(2026, 2, 10), now=NOW))
    moments = expand(by_key(calendar, "deadline-t1"))
    assert moments[0].date() == date(2026, 2, 13)
    assert len(moments) == 13
    assert not [e for e in calendar.walk("VEVENT") if "RRULE" not in e]


def test_a_person_feed_holds_each_team_once_and_the_deadline_once():
    ops = ics.TeamRhythm(
        "t2",
        "Ops",
        "America/New_York",
        2,
        time(9, 0),
        meeting=ics.MeetingSlot(3, time(15, 30), 15),
        deadline=False,
    )
    body = ics.person_feed("p1", "Mia", [TEAM, ops], [Q1], today=date(2026, 2, 10), now=NOW)
    calendar = parse(body)
    keys = sorted(uid.split(".")[0] for uid in events(calendar))
    assert [k for k in keys if k.startswith("deadline-")] == ["deadline-t1"]
    assert [k for k in keys if k.startswith("meeting-")] == ["meeting-t1", "meeting-t2"]
    assert [k for k in keys if k.startswith("retrospective-")] == [
        "retrospective-q1-2026-t1",
        "retrospective-q1-2026-t2",
    ]
    assert keys.count("cycle-end-q1-2026") == 1
    assert all(uid.endswith(".person-p1@calendars.cadence") for uid in events(calendar))
    # With two teams each weekly event names its team; each keeps its own zone.
    ops_meeting = by_key(calendar, "meeting-t2")
    assert str(ops_meeting["SUMMARY"]) == "Weekly OKR meeting: Ops"
    assert ops_meeting["DTSTART"].params["TZID"] == "America/New_York"
    # New York moves to summer time on 8 March 2026: the meeting stays at 15:30 local.
    moments = expand(ops_meeting)
    assert {m.time() for m in moments} == {time(15, 30)}
    before = [m for m in moments if m.date() < date(2026, 3, 8)]
    after = [m for m in moments if m.date() > date(2026, 3, 8)]
    assert {m.astimezone(UTC).hour for m in before} == {20}
    assert {m.astimezone(UTC).hour for m in after} == {19}
    assert {str(z["TZID"]) for z in calendar.walk("VTIMEZONE")} == {BERLIN, "America/New_York"}


ZONES = ["Europe/Berlin", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "UTC"]


@settings(max_examples=60, deadline=None)
@given(
    zone=st.sampled_from(ZONES),
    weekday=st.integers(0, 6),
    hour=st.integers(0, 23),
    minute=st.sampled_from([0, 15, 30, 45]),
    first=st.dates(min_value=date(2026, 1, 1), max_value=date(2027, 12, 31)),
    days=st.integers(0, 400),
)
def test_weekly_events_fall_on_their_weekday_and_local_time(
    zone, weekday, hour, minute, first, days
):
    """Whatever the zone, day and time: every occurrence is that weekday at that local time,
    within the window, one a week with none missed."""
    last = first + timedelta(days=days)
    event = ics.WeeklyEvent("k", "S", "", weekday, time(hour, minute), zone, 0)
    body = ics.build(name="n", scope="s", weekly=[event], days=[], first=first, last=last, now=NOW)
    found = list(parse(body).walk("VEVENT"))
    expected = [
        first + timedelta(days=n)
        for n in range(days + 1)
        if (first + timedelta(days=n)).weekday() == weekday
    ]
    if not expected:
        assert found == []
        return
    moments = expand(found[0])
    assert [m.date() for m in moments] == expected
    assert {(m.hour, m.minute) for m in moments} == {(hour, minute)}
