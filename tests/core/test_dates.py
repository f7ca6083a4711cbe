"""``cadence.core.dates.when`` writes what Django's ``date`` filter writes, for every pattern the
templates use it with, any date or datetime and any current time zone."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.template.defaultfilters import date as django_date
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from cadence.core.dates import compile_pattern, when

PATTERNS = [
    "j M",
    "j M Y",
    "D j M",
    "D j M Y",
    "j M, H:i",
    "D j M, H:i",
    "j M Y, H:i",
    "D j M Y, H:i",
    "l j F Y, H:i",
    "l j M, H:i",
    "F Y",
    "Y-m",
    "c",
    "d/m/Y n",
]
ZONES = ["UTC", "Europe/Berlin", "America/Los_Angeles", "Asia/Kolkata", "Pacific/Kiritimati"]

moments = st.datetimes(
    min_value=datetime(1901, 1, 2), max_value=datetime(9998, 12, 30), timezones=st.just(UTC)
)


@given(moment=moments, pattern=st.sampled_from(PATTERNS), zone=st.sampled_from(ZONES))
def test_an_aware_datetime_is_written_as_the_date_filter_writes_it(moment, pattern, zone):
    with timezone.override(ZoneInfo(zone)):
        assert when(moment, pattern) == django_date(timezone.localtime(moment), pattern)


@given(day=st.dates(min_value=date(1, 1, 1)), pattern=st.sampled_from(PATTERNS))
def test_a_date_is_written_as_the_date_filter_writes_it(day, pattern):
    """Or refused as it refuses it (a time of day asked of a date)."""
    assert _outcome(when, day, pattern) == _outcome(django_date, day, pattern)


def _outcome(write, value, pattern):
    try:
        return write(value, pattern)
    except TypeError as error:
        return TypeError, str(error)


@given(moment=st.datetimes(), pattern=st.sampled_from(PATTERNS))
def test_a_naive_datetime_is_written_as_it_is(moment, pattern):
    assert when(moment, pattern) == django_date(moment, pattern)


@pytest.mark.parametrize("pattern", ["N j", r"j \o\f F", "P", "U", "jS F"])
def test_other_patterns_are_left_to_django(pattern):
    assert compile_pattern(pattern) is None
    moment = datetime(2026, 11, 23, 9, 5, tzinfo=UTC)
    assert when(moment, pattern) == django_date(moment, pattern)


@pytest.mark.parametrize("value", [None, "", "not a date", 3])
def test_nothing_or_not_a_date(value):
    assert when(value, "j M Y") == django_date(value, "j M Y")


def test_the_filter_in_a_template_converts_to_the_current_time_zone():
    moment = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)
    template = Template('{{ at|when:"D j M Y, H:i" }} · {{ at|date:"D j M Y, H:i" }}')
    with timezone.override(ZoneInfo("Europe/Berlin")):
        mine, djangos = template.render(Context({"at": moment})).split(" · ")
    assert mine == djangos == "Fri 1 Jan 2027, 00:30"
    assert when(moment + timedelta(hours=1), "j M") == "1 Jan"


def test_a_datetime_put_in_a_zone_of_its_own_stays_there():
    """``{{ at|timezone:zone|when:… }}`` (a team's deadline in the team's zone) as with Django's."""
    moment = datetime(2026, 11, 27, 16, 0, tzinfo=UTC)
    template = Template(
        "{% load tz %}"
        '{{ at|timezone:"America/New_York"|when:"D j M, H:i" }} · '
        '{{ at|timezone:"America/New_York"|date:"D j M, H:i" }}'
    )
    with timezone.override(ZoneInfo("Asia/Tokyo")):
        mine, djangos = template.render(Context({"at": moment})).split(" · ")
    assert mine == djangos == "Fri 27 Nov, 11:00"
