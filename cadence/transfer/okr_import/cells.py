"""Reading one cell of a row: text, numbers, dates and choices, each refused with the column's
message (``CellError``)."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from datetime import date, datetime

from cadence.core.limits import (
    FIRST_DATE,
    LAST_DATE,
    MAX_ABS_VALUE,
    MAX_ABS_VALUE_TEXT,
)
from cadence.okrs.models import KeyResult, Objective
from cadence.transfer.sheets_out import APOSTROPHE, FORMULA_STARTS, restore


class CellError(Exception):
    def __init__(self, column: str, message: str):
        super().__init__(message)
        self.column = column
        self.message = message


# Reading one cell ---------------------------------------------------------------------------


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip()).lower()


def cell_text(value) -> str:
    """A cell as text: a whole number without its ".0" (a spreadsheet stores ids and names that
    look like numbers as numbers), an export's formula guard taken off (``sheets_out``: the
    apostrophe it puts before = + - @ tab, carriage return or an apostrophe)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value)
    if len(text) >= 2 and text[0] == APOSTROPHE and text[1] in (*FORMULA_STARTS, APOSTROPHE):
        text = restore(text)
    return text.strip()


def read_text(row: dict, column: str, *, max_len: int, min_len: int = 0, label: str = "") -> str:
    text = cell_text(row.get(column))
    if "\x00" in text:
        raise CellError(column, "Text cannot contain NUL characters.")
    if len(text) > max_len:
        raise CellError(column, f"Keep {label or 'it'} under {max_len} characters.")
    if text and len(text) < min_len:
        raise CellError(column, f"{(label or 'it').capitalize()} needs at least {min_len} letters.")
    return text


_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def read_number(row: dict, column: str) -> float | None:
    value = row.get(column)
    if value is None:
        return None
    if isinstance(value, (date, datetime)):
        raise CellError(column, "Give a number, not a date.")
    if isinstance(value, (int, float)):
        number = float(value)
    else:
        # A spreadsheet may hold "-10" as text guarded like a formula ("'-10").
        text = cell_text(value).replace(" ", "").replace("\u00a0", "")
        if re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?", text):
            text = text.replace(",", "")  # 1,234.5
        elif text.count(",") == 1 and "." not in text:
            text = text.replace(",", ".")  # 12,5 (a comma-decimal locale)
        if not _NUMBER.match(text):
            raise CellError(column, f"{value!r} is not a number.")
        number = float(text)
    if not math.isfinite(number) or abs(number) > MAX_ABS_VALUE:
        raise CellError(column, f"Give a number between {MAX_ABS_VALUE_TEXT}.")
    return number


def read_choice(row: dict, column: str, choices: dict[str, str]) -> str:
    value = row.get(column)
    if value is None:
        return ""
    key = re.sub(r"[\s\-]+", "_", str(value).strip().lower())
    if key in choices:
        return choices[key]
    allowed = ", ".join(sorted(set(choices.values())))
    raise CellError(column, f"{str(value)!r} is not one of: {allowed}.")


def read_day(row: dict, column: str) -> date | None:
    value = row.get(column)
    if value is None:
        return None
    if isinstance(value, datetime):
        day = value.date()
    elif isinstance(value, date):
        day = value
    else:
        text = str(value).strip()
        try:
            day = date.fromisoformat(text[:10]) if len(text) in (10, 19) else None
        except ValueError:
            day = None
        if day is None:
            raise CellError(column, f"{text!r} is not a date: write it as YYYY-MM-DD.")
    if not FIRST_DATE <= day <= LAST_DATE:
        raise CellError(
            column, f"Give a date between {FIRST_DATE.isoformat()} and {LAST_DATE.isoformat()}."
        )
    return day


def _with_labels(choices: Iterable[tuple[str, str]], extra: dict[str, str] | None = None):
    out = {}
    for value, label in choices:
        out[value] = value
        out[re.sub(r"[\s\-]+", "_", label.lower())] = value
    out.update(extra or {})
    return out


COMMITMENTS = _with_labels(Objective.Commitment.choices)
KINDS = _with_labels(KeyResult.Kind.choices)
DIRECTIONS = _with_labels(
    KeyResult.Direction.choices,
    {">=": "at_least", "≥": "at_least", "<=": "at_most", "≤": "at_most"},
)
CONFIDENCES = _with_labels(KeyResult.Confidence.choices)
