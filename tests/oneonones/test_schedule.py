"""The pure schedule: weekly, every two weeks, monthly, in the lead's time zone."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cadence.oneonones.schedule import REMINDER_BEFORE, Schedule


def _schedule(frequency="weekly", weekday=1, at=time(10, 0), tz="UTC", starts=date(2026, 11, 1)):
    return Schedule(
        frequency=frequency, weekday=weekday, at=at, time_zone=tz, starts_on=starts, minutes=30
    )


def test_weekly_occurrences_fall_on_the_weekday_at_the_time():
    got = _schedule().occurrences(datetime(2026, 11, 23, 10, tzinfo=UTC), 3)
    assert got == [
        datetime(2026, 11, 24, 10, tzinfo=UTC),
        datetime(2026, 12, 1, 10, tzinfo=UTC),
        datetime(2026, 12, 8, 10, tzinfo=UTC),
    ]


def test_every_two_weeks_counts_from_the_first_day():
    # 1 November 2026 is a Sunday: the first Tuesday is 3 November, then every 14 days.
    got = _schedule("biweekly").occurrences(datetime(2026, 11, 23, tzinfo=UTC), 2)
    assert [d.date() for d in got] == [date(2026, 12, 1), date(2026, 12, 15)]


def test_monthly_is_the_first_such_weekday_of_each_month():
    got = _schedule("monthly").occurrences(datetime(2026, 11, 23, tzinfo=UTC), 3)
    assert [d.date() for d in got] == [date(2026, 12, 1), date(2027, 1, 5), date(2027, 2, 2)]


def test_nothing_before_the_first_day():
    got = _schedule(starts=date(2026, 12, 10)).occurrences(datetime(2026, 11, 1, tzinfo=UTC), 1)
    assert got[0].date() == date(2026, 12, 15)


def test_local_time_holds_across_daylight_saving():
    berlin = ZoneInfo("Europe/Berlin")
    s = _schedule(weekday=0, at=time(9, 0), tz="Europe/Berlin", starts=date(2026, 10, 19))
    got = s.occurrences(datetime(2026, 10, 19, tzinfo=UTC), 2)
    # 26 October 2026 is the first Monday after summer time ends: still 09:00 in Berlin.
    assert [d.astimezone(berlin).hour for d in got] == [9, 9]
    assert got[1] - got[0] == timedelta(days=7, hours=1)  # UTC moments: an hour more


def test_the_next_meeting_stays_next_while_under_way():
    s = _schedule()
    start = datetime(2026, 11, 24, 10, tzinfo=UTC)
    assert s.next_meeting(start + timedelta(minutes=29)) == start
    assert s.next_meeting(start + timedelta(minutes=30)) == start + timedelta(days=7)


def test_the_reminder_is_due_a_day_before():
    s = _schedule()
    start = datetime(2026, 11, 24, 10, tzinfo=UTC)
    assert s.reminder_due(start - REMINDER_BEFORE - timedelta(seconds=1)) is None
    assert s.reminder_due(start - REMINDER_BEFORE) == start
    assert s.reminder_due(start - timedelta(minutes=1)) == start


@given(
    frequency=st.sampled_from(["weekly", "biweekly", "monthly"]),
    weekday=st.integers(0, 6),
    hour=st.integers(0, 23),
    tz=st.sampled_from(["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata"]),
    offset=st.integers(0, 800),
)
def test_occurrences_are_on_the_weekday_in_order_and_after(frequency, weekday, hour, tz, offset):
    s = _schedule(frequency, weekday, time(hour, 0), tz, date(2026, 1, 1))
    after = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(days=offset, hours=offset % 24)
    got = s.occurrences(after, 4)
    assert all(g >= after for g in got)
    assert got == sorted(got) and len(set(got)) == 4
    for g in got:
        local = g.astimezone(ZoneInfo(tz))
        assert local.weekday() == weekday
        if frequency == "monthly":
            assert local.day <= 7
    if frequency != "monthly":
        step = 7 if frequency == "weekly" else 14
        days = [g.astimezone(ZoneInfo(tz)).date() for g in got]
        assert all((b - a).days == step for a, b in zip(days, days[1:], strict=False))


def test_an_unknown_frequency_is_refused():
    with pytest.raises(ValueError):
        _schedule("daily")
