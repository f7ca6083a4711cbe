"""The pure value finders: the JSON path grammar (hypothesis: any path it writes it reads back,
and picks what is there), numbers within Cadence's bounds, CSV cells and columns, SQL rows, and
the daily schedule in the organization's time zone."""

import json
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cadence.integrations import values
from cadence.integrations.values import ValueProblem

keys = st.text(min_size=1, max_size=8)
steps = st.lists(st.one_of(keys, st.integers(-5, 20)), max_size=6)


@given(steps)
def test_a_written_path_reads_back(path):
    path = tuple(path)
    assert values.parse_path(values.format_path(path)) == path


@given(st.text(max_size=60))
def test_any_text_is_a_path_or_a_problem(text):
    try:
        parsed = values.parse_path(text)
    except ValueProblem:
        return
    assert all(isinstance(s, str | int) for s in parsed)


@given(
    st.recursive(
        st.integers(-1000, 1000),
        lambda inner: st.one_of(
            st.lists(inner, min_size=1, max_size=3),
            st.dictionaries(
                st.sampled_from(["a", "b", "c d", "e.f"]), inner, min_size=1, max_size=3
            ),
        ),
        max_leaves=10,
    )
)
def test_pick_finds_every_leaf_by_its_path(document):
    def leaves(value, path=()):
        if isinstance(value, dict):
            for k, v in value.items():
                yield from leaves(v, (*path, k))
        elif isinstance(value, list):
            for i, v in enumerate(value):
                yield from leaves(v, (*path, i))
        else:
            yield path, value

    for path, leaf in leaves(document):
        text = values.format_path(path)
        assert values.pick(document, values.parse_path(text)) == leaf
        assert values.json_value(json.dumps(document).encode(), text) == leaf


@pytest.mark.parametrize(
    ("path", "steps"),
    [
        ("", ()),
        ("value", ("value",)),
        ("data.items[0].value", ("data", "items", 0, "value")),
        ("results[-1].count", ("results", -1, "count")),
        ('["key with.dots"].n', ("key with.dots", "n")),
        ("[2]", (2,)),
        ("a[0][1]", ("a", 0, 1)),
    ],
)
def test_paths(path, steps):
    assert values.parse_path(path) == steps


@pytest.mark.parametrize(
    "path", ["a..b", ".a", "a.", "a[x]", "a[0", "a]", "a.[0]", "a[0]b", "x" * 201]
)
def test_bad_paths(path):
    with pytest.raises(ValueProblem):
        values.parse_path(path)


def test_a_key_is_text_never_code():
    assert values.parse_path("__import__('os')") == ("__import__('os')",)
    with pytest.raises(ValueProblem, match="no such key"):
        values.json_value(b'{"a": 1}', "__import__('os')")


def test_pick_says_where_it_stopped():
    doc = {"data": {"items": [{"value": 3}]}}
    with pytest.raises(ValueProblem, match=r"data.items\[1\]: the list has 1 items"):
        values.pick(doc, values.parse_path("data.items[1].value"))
    with pytest.raises(ValueProblem, match="data.missing: there is no such key"):
        values.pick(doc, values.parse_path("data.missing"))
    with pytest.raises(ValueProblem, match=r"data\[0\]: there is no list"):
        values.pick(doc, values.parse_path("data[0]"))


@pytest.mark.parametrize(
    ("raw", "number"),
    [
        (3, 3),
        (2.5, 2.5),
        ("1,234.5", 1234.5),
        ("$12", 12),
        ("42 %", 42),
        (" -7 ", -7),
        ("1e3", 1000),
    ],
)
def test_numbers(raw, number):
    assert values.to_number(raw) == number


@pytest.mark.parametrize("raw", [True, None, "abc", "", [1], {"a": 1}, 1e16, "1e400", float("nan")])
def test_not_numbers(raw):
    with pytest.raises(ValueProblem):
        values.to_number(raw)


def test_json_that_is_not_json():
    with pytest.raises(ValueProblem, match="not JSON"):
        values.json_value(b"<html>", "a")


SHEET = b'\xef\xbb\xbfMonth,Revenue,Note\r\nJan,"1,200",\r\nFeb,1500, \r\nMar,,\r\n'


@pytest.mark.parametrize(
    ("cell", "number"),
    [("B2", 1200), ("b3", 1500), ("Revenue", 1500), (" revenue ", 1500), ("A1", None)],
)
def test_csv_cells_and_columns(cell, number):
    if number is None:
        with pytest.raises(ValueProblem, match="not a number"):
            values.csv_value(SHEET, cell)
    else:
        assert values.csv_value(SHEET, cell) == number


@pytest.mark.parametrize(
    ("cell", "problem"),
    [("B4", "empty"), ("Z9", "empty"), ("Profit", "no column"), ("Note", "no value")],
)
def test_csv_problems(cell, problem):
    with pytest.raises(ValueProblem, match=problem):
        values.csv_value(SHEET, cell)


def test_cell_names():
    assert values.cell_ref("A1") == (0, 0)
    assert values.cell_ref("AA10") == (9, 26)
    assert values.cell_ref("Revenue") is None and values.cell_ref("A0") is None


def test_sql_rows():
    assert values.sql_value([(7,)]) == 7
    for rows, problem in (([], "no row"), ([(1,), (2,)], "more than one"), ([(1, 2)], "columns")):
        with pytest.raises(ValueProblem, match=problem):
            values.sql_value(rows)


def test_the_next_daily_hour_is_in_the_organizations_time_zone():
    now = datetime(2026, 3, 28, 23, 30, tzinfo=UTC)
    assert values.next_daily(now, 6, "UTC") == datetime(2026, 3, 29, 6, tzinfo=UTC)
    # 06:00 in Paris on the day summer time starts (UTC+2 from 02:00).
    paris = values.next_daily(now, 6, "Europe/Paris")
    assert paris.astimezone(ZoneInfo("Europe/Paris")).hour == 6
    assert paris == datetime(2026, 3, 29, 4, tzinfo=UTC)
    # At the hour exactly, the next one is tomorrow's.
    at = datetime(2026, 3, 29, 6, tzinfo=UTC)
    assert values.next_daily(at, 6, "UTC") == datetime(2026, 3, 30, 6, tzinfo=UTC)
