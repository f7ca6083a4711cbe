"""Pure: finding a data source's number in what it fetched — a JSON document and a path, a CSV
file and a cell or a column's header, a SQL row — and the daily schedule's next moment. No
database, no network: plain values in, a number (or ``ValueProblem`` saying why not) out.

The JSON path is a small safe subset, read by a parser of its own (nothing is evaluated):
dotted keys and bracketed indexes, ``data.items[0].value``, ``results[-1].count``,
``["key with.dots"]``; the empty path is the document itself.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from cadence.core.limits import MAX_ABS_VALUE, MAX_ABS_VALUE_TEXT

# The longest path, cell reference or header taken.
MAX_PATH = 200
# Steps of a path at most.
MAX_STEPS = 32

Step = str | int


class ValueProblem(ValueError):
    """Why no number was found, in words for the key result's page."""


# Paths --------------------------------------------------------------------------------------

_KEY = re.compile(r"[^.\[\]\"]+")
_INDEX = re.compile(r"\[(-?\d{1,9})\]")
_QUOTED = re.compile(r'\["((?:[^"\\]|\\.)*)"\]')


def parse_path(text: str) -> tuple[Step, ...]:
    """``data.items[0].value`` → ``("data", "items", 0, "value")``; raises ValueProblem for
    anything else. Keys are any text without ``.``, ``[``, ``]`` or ``"`` (or quoted in
    brackets), indexes whole numbers (negative from the end)."""
    text = (text or "").strip()
    if len(text) > MAX_PATH:
        raise ValueProblem(f"Keep the path to {MAX_PATH} characters.")
    steps: list[Step] = []
    at = 0
    while at < len(text):
        if steps and text[at] == ".":
            at += 1
            match = _KEY.match(text, at)
            if not match:
                raise ValueProblem(f"A key is missing after the dot at character {at}.")
            steps.append(match.group().strip())
            at = match.end()
        elif text[at] == "[":
            if index := _INDEX.match(text, at):
                steps.append(int(index.group(1)))
                at = index.end()
            elif quoted := _QUOTED.match(text, at):
                steps.append(re.sub(r"\\(.)", r"\1", quoted.group(1)))
                at = quoted.end()
            else:
                raise ValueProblem(
                    f'Write an index as [0] or a key as ["name"] (character {at + 1}).'
                )
        elif not steps and (match := _KEY.match(text, at)):
            steps.append(match.group().strip())
            at = match.end()
        else:
            raise ValueProblem(f"Unexpected {text[at]!r} at character {at + 1} of the path.")
        if len(steps) > MAX_STEPS:
            raise ValueProblem(f"A path has at most {MAX_STEPS} steps.")
    return tuple(steps)


def format_path(steps: tuple[Step, ...]) -> str:
    """The path ``parse_path`` reads back as ``steps``."""
    out = []
    for step in steps:
        if isinstance(step, int):
            out.append(f"[{step}]")
        elif _KEY.fullmatch(step) and step == step.strip():
            out.append(f".{step}" if out else step)
        else:
            escaped = step.replace("\\", "\\\\").replace('"', '\\"')
            out.append(f'["{escaped}"]')
    return "".join(out)


def pick(document: object, steps: tuple[Step, ...]) -> object:
    """The value at ``steps`` in a decoded JSON document; ValueProblem names the first step
    that is not there."""
    value = document
    for done, step in enumerate(steps):
        where = format_path(steps[: done + 1])
        if isinstance(step, int):
            if not isinstance(value, list):
                raise ValueProblem(f"{where}: there is no list here to index.")
            if not -len(value) <= step < len(value):
                raise ValueProblem(f"{where}: the list has {len(value)} items.")
            value = value[step]
        else:
            if not isinstance(value, dict) or step not in value:
                raise ValueProblem(f"{where}: there is no such key.")
            value = value[step]
    return value


# Numbers ------------------------------------------------------------------------------------

_NUMBER = re.compile(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?")
_STRIPPED = str.maketrans("", "", " \u00a0\u202f,_'$€£¥")


def to_number(value: object) -> float:
    """A JSON value, a CSV cell or a SQL column as a number within Cadence's bounds: numbers,
    and text such as ``1,234.5``, ``$12``, ``42 %`` (thousands separators, currency signs and a
    trailing percent sign are dropped)."""
    if isinstance(value, bool) or value is None:
        raise ValueProblem(f"Found {json.dumps(value)}, not a number.")
    if isinstance(value, int | float):
        number = float(value)
    elif hasattr(value, "is_finite") and hasattr(value, "as_tuple"):  # Decimal
        number = float(value)  # type: ignore[arg-type]
    elif isinstance(value, str):
        text = value.strip().translate(_STRIPPED).removesuffix("%")
        if not _NUMBER.fullmatch(text):
            shown = value if len(value) <= 40 else value[:40] + "…"
            raise ValueProblem(f"Found {shown!r}, not a number.")
        number = float(text)
    else:
        raise ValueProblem(f"Found a {type(value).__name__}, not a number.")
    if not math.isfinite(number) or abs(number) > MAX_ABS_VALUE:
        raise ValueProblem(f"Found {value!r}: a value must be between {MAX_ABS_VALUE_TEXT}.")
    return number


def json_value(body: bytes, path: str) -> float:
    steps = parse_path(path)
    try:
        document = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as error:
        raise ValueProblem("The answer is not JSON.") from error
    return to_number(pick(document, steps))


# CSV ----------------------------------------------------------------------------------------

_CELL = re.compile(r"([A-Za-z]{1,3})([1-9]\d{0,6})")


def cell_ref(text: str) -> tuple[int, int] | None:
    """``B7`` → (row 6, column 1), counted from 0; None when the text is not a cell's name."""
    match = _CELL.fullmatch((text or "").strip())
    if not match:
        return None
    column = 0
    for letter in match.group(1).upper():
        column = column * 26 + (ord(letter) - ord("A") + 1)
    return int(match.group(2)) - 1, column - 1


def _rows(body: bytes) -> list[list[str]]:
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = body.decode("latin-1")
    try:
        return list(csv.reader(io.StringIO(text)))
    except csv.Error as error:
        raise ValueProblem(f"The file is not CSV: {error}.") from error


def csv_value(body: bytes, cell: str) -> float:
    """The number in ``cell`` (``B7``), or the last non-empty value of the column whose header
    (first row, case and spaces aside) is ``cell``."""
    rows = _rows(body)
    if not rows:
        raise ValueProblem("The file is empty.")
    ref = cell_ref(cell)
    if ref is not None:
        row, column = ref
        if row >= len(rows) or column >= len(rows[row]) or not rows[row][column].strip():
            raise ValueProblem(f"Cell {cell.strip().upper()} is empty.")
        return to_number(rows[row][column])
    wanted = " ".join((cell or "").split()).casefold()
    headers = [" ".join(h.split()).casefold() for h in rows[0]]
    if not wanted or wanted not in headers:
        raise ValueProblem(f"There is no column {cell.strip()!r} in the first row.")
    column = headers.index(wanted)
    for row in reversed(rows[1:]):
        if column < len(row) and row[column].strip():
            return to_number(row[column])
    raise ValueProblem(f"The column {cell.strip()!r} has no value.")


def sql_value(rows: list[tuple]) -> float:
    """The number of a query that must return one row of one column."""
    if len(rows) != 1:
        count = "no row" if not rows else "more than one row"
        raise ValueProblem(f"The query returned {count}: it must return one row of one number.")
    if len(rows[0]) != 1:
        raise ValueProblem(f"The query returned {len(rows[0])} columns: it must return one number.")
    return to_number(rows[0][0])


# The schedule -------------------------------------------------------------------------------


def next_daily(now: datetime, hour: int, time_zone: str) -> datetime:
    """The first moment after ``now`` when the clock of ``time_zone`` shows ``hour``:00."""
    zone = ZoneInfo(time_zone or "UTC")
    local = now.astimezone(zone)
    day = local.date()
    for _ in range(3):
        candidate = datetime.combine(day, time(hour), tzinfo=zone)
        if candidate > local:
            return candidate.astimezone(ZoneInfo("UTC"))
        day += timedelta(days=1)
    raise AssertionError("unreachable: a later day always has the hour")
