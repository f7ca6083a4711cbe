"""core.limits and core.validators: the one source for each bound, checked exhaustively where
the bound is written twice (a pattern for the OpenAPI document, a comparison for Python)."""

import re
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from cadence.core import limits
from cadence.core.validators import (
    parse_date,
    parse_month,
    parse_number,
    validate_date_in_range,
)
from cadence.okrs.forms import CheckInForm, KeyResultForm, NumberField
from cadence.orgs.models import Person
from cadence.scoring.rules import normalise_score
from cadence.weekly.weeks import WeekError, format_week, parse_week


def test_the_date_pattern_matches_exactly_the_days_within_the_bounds():
    pattern = re.compile(limits.DATE_PATTERN)
    day = date(1999, 11, 1)
    while day <= date(2201, 2, 28):
        inside = limits.FIRST_DATE <= day <= limits.LAST_DATE
        assert bool(pattern.search(day.isoformat())) == inside, day
        day += timedelta(days=1)


@pytest.mark.parametrize(
    "text",
    [
        "2023-02-29",
        "2100-02-29",
        "2200-02-29",
        "2026-04-31",
        "2026-13-01",
        "2026-00-10",
        "2026-1-01",
        "20260101",
        "2026-01-01T00:00",
        " 2026-01-01",
        "٢٠٢٦-01-01",
        "2026-01-01\n",
    ],
)
def test_the_date_pattern_refuses_what_is_not_a_day(text):
    assert not re.fullmatch(limits.DATE_PATTERN, text)
    with pytest.raises(ValueError):
        parse_date(text)


def test_the_week_pattern_matches_exactly_the_weeks_within_the_bounds():
    pattern = re.compile(limits.WEEK_PATTERN)
    for year in range(1999, 2202):
        for week in range(0, 55):
            text = f"{year}-W{week:02d}"
            try:
                monday = date.fromisocalendar(year, week, 1)
            except ValueError:
                monday = None
            inside = monday is not None and limits.FIRST_YEAR <= year <= limits.LAST_YEAR
            assert bool(pattern.search(text)) == inside, text
            if inside:
                assert format_week(parse_week(text)) == text
            else:
                with pytest.raises(WeekError):
                    parse_week(text)


def test_the_month_pattern_and_parser_agree():
    pattern = re.compile(limits.MONTH_PATTERN)
    for year in (1999, 2000, 2026, 2200, 2201):
        for month in range(0, 14):
            text = f"{year}-{month:02d}"
            inside = 1 <= month <= 12 and limits.FIRST_YEAR <= year <= limits.LAST_YEAR
            assert bool(pattern.search(text)) == inside, text
            if inside:
                assert parse_month(text) == date(year, month, 1)
            else:
                with pytest.raises(ValueError):
                    parse_month(text)


def test_a_week_or_a_day_beside_the_bounds_is_still_a_date():
    assert limits.FIRST_DATE - timedelta(days=400) > date.min
    assert limits.LAST_DATE + timedelta(days=400) < date.max


@pytest.mark.parametrize("day", [date(1, 1, 1), date(1999, 12, 31), date(2201, 1, 1), date.max])
def test_dates_out_of_bounds_are_refused(day):
    with pytest.raises(ValidationError):
        validate_date_in_range(day)


@pytest.mark.parametrize(
    "text,number",
    [("42", 42.0), ("-3.5", -3.5), (" 1e3 ", 1000.0), (".5", 0.5), ("7.", 7.0), ("\u22122", -2.0)],
)
def test_numbers_as_people_type_them(text, number):
    assert parse_number(text) == number


@pytest.mark.parametrize(
    "text", ["1_000", "١٢٣", "１２", "1,5", "nan", "inf", "0x10", "1e", "--1", "", "²"]
)
def test_numbers_python_would_read_but_people_did_not_mean(text):
    with pytest.raises(ValueError):
        parse_number(text)


@pytest.mark.parametrize("text", ["1_000", "١٢٣", "１２"])
def test_the_number_field_refuses_them_with_a_message(text):
    with pytest.raises(ValidationError, match="Enter a number"):
        NumberField().clean(text)


def test_the_number_forms_refuse_them(db, admin, cycle, team):
    from tests import factories as f

    objective = f.make_objective(admin, cycle, team, title="Customers love onboarding")
    kr = f.make_kr(admin, objective, title="Completion from 10% to 40%", start=10, target=40)
    form = CheckInForm({"value": "1_000", "confidence": "on_track"}, key_result=kr)
    assert not form.is_valid() and "value" in form.errors
    form = KeyResultForm(
        {"title": "Completion to 40%", "kind": "metric", "start": "١٠", "target": "40"},
        people=Person.objects.none(),
    )
    assert not form.is_valid() and "start" in form.errors


@pytest.mark.parametrize("text", ["٠.٧", "0_7", "0.7"])
def test_a_typed_score_is_ascii_too(text):
    if text == "0.7":
        assert normalise_score(text) == 0.7
    else:
        with pytest.raises(ValueError):
            normalise_score(text)
