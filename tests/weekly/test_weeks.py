"""The pure week rule (cadence/weekly/weeks.py): which week people write in at a moment — the ISO
week of the moment in the rhythm's time zone until that week's deadline, the next one from it."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cadence.weekly.weeks import Rhythm, current_week, deadline, is_closed, previous_week, week_of

FRIDAY_5PM = Rhythm(4, time(17), "UTC")
W48 = date(2026, 11, 23)


def at(day: int, hour: int, minute: int = 0, tz=UTC) -> datetime:
    """A moment in the week of 2026-11-23 (day 0 = Monday)."""
    return datetime.combine(W48 + timedelta(days=day), time(hour, minute), tzinfo=tz)


@pytest.mark.parametrize(
    ("moment", "week"),
    [
        (at(0, 0), W48),  # Monday, the week starts
        (at(4, 16, 59), W48),  # Friday, a minute before the deadline
        (at(4, 17), W48 + timedelta(weeks=1)),  # the deadline itself: closed
        (at(5, 10), W48 + timedelta(weeks=1)),  # Saturday
        (at(6, 23, 59), W48 + timedelta(weeks=1)),  # Sunday night
    ],
)
def test_friday_deadline(moment, week):
    assert FRIDAY_5PM.current_week(moment) == week
    assert current_week(moment, weekday=4, at=time(17), time_zone="UTC") == week
    assert FRIDAY_5PM.is_closed(W48, moment) == (week != W48)


def test_the_deadline_is_read_in_the_rhythms_time_zone():
    tokyo = Rhythm(3, time(9, 30), "Asia/Tokyo")  # Thursday 09:30 in Tokyo = 00:30 UTC
    assert tokyo.deadline(W48) == datetime(2026, 11, 26, 0, 30, tzinfo=UTC)
    assert tokyo.current_week(datetime(2026, 11, 26, 0, 29, tzinfo=UTC)) == W48
    assert tokyo.current_week(datetime(2026, 11, 26, 0, 30, tzinfo=UTC)) == W48 + timedelta(7)
    # Sunday 16:00 UTC is already Monday in Tokyo: a new ISO week there, its deadline ahead.
    assert tokyo.current_week(datetime(2026, 11, 29, 16, 0, tzinfo=UTC)) == W48 + timedelta(7)


def test_a_deadline_across_a_daylight_saving_change():
    berlin = Rhythm(4, time(17), "Europe/Berlin")
    # Clocks went back on Sunday 25 October 2026: Friday 17:00 is 16:00 UTC from then on.
    assert berlin.deadline(date(2026, 10, 19)) == datetime(2026, 10, 23, 15, tzinfo=UTC)
    assert berlin.deadline(date(2026, 10, 26)) == datetime(2026, 10, 30, 16, tzinfo=UTC)
    assert berlin.current_week(datetime(2026, 10, 30, 15, 59, tzinfo=UTC)) == date(2026, 10, 26)
    assert berlin.current_week(datetime(2026, 10, 30, 16, 0, tzinfo=UTC)) == date(2026, 11, 2)


def test_a_monday_deadline_closes_the_week_at_its_start():
    # Due Monday 09:00: from then on the week is closed and people write in the next one.
    monday = Rhythm(0, time(9), "UTC")
    assert monday.current_week(at(0, 8, 59)) == W48
    assert monday.current_week(at(0, 9)) == W48 + timedelta(weeks=1)


ZONES = st.sampled_from(
    ["UTC", "Europe/Berlin", "America/New_York", "Asia/Tokyo", "Pacific/Auckland", "Asia/Kolkata"]
)


@settings(max_examples=300, deadline=None)
@given(
    moment=st.datetimes(
        min_value=datetime(2000, 1, 1), max_value=datetime(2199, 12, 1), timezones=st.just(UTC)
    ),
    weekday=st.integers(0, 6),
    hour=st.integers(0, 23),
    minute=st.sampled_from([0, 15, 30, 59]),
    zone=ZONES,
)
def test_this_week_is_the_first_week_whose_deadline_is_still_ahead(
    moment, weekday, hour, minute, zone
):
    rhythm = Rhythm(weekday, time(hour, minute), zone)
    week = rhythm.current_week(moment)
    assert week.weekday() == 0
    assert rhythm.deadline(week) > moment and not rhythm.is_closed(week, moment)
    assert rhythm.deadline(previous_week(week)) <= moment
    assert is_closed(
        previous_week(week), moment, weekday=weekday, at=time(hour, minute), time_zone=zone
    )
    # It is the week of the moment, or the one after.
    assert (week - week_of(moment, zone)).days in (0, 7)
    assert rhythm.deadline(week) == deadline(
        week, weekday=weekday, at=time(hour, minute), time_zone=zone
    )
