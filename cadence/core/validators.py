"""Field validators shared by models, forms and the API. The bounds live in core.limits."""

import math
import re
from datetime import date

from django.core.exceptions import ValidationError

from cadence.core.limits import (
    DATE_PATTERN,
    DATE_RANGE_TEXT,
    FIRST_DATE,
    LAST_DATE,
    MAX_ABS_VALUE,
    MAX_ABS_VALUE_TEXT,
    MONTH_PATTERN,
)

_DATE = re.compile(DATE_PATTERN)
_MONTH = re.compile(MONTH_PATTERN)
# A number as people type it: ASCII digits, an optional sign, decimal point and exponent. No
# digit-group underscores ("1_000") and no other scripts' digits, which Python's float() would
# quietly accept.
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?", re.ASCII)


def validate_finite(value: float | None) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValidationError("Enter a number.", code="invalid")
    if not math.isfinite(value):
        raise ValidationError("Enter a finite number.", code="not_finite")
    if abs(value) > MAX_ABS_VALUE:
        raise ValidationError(f"Enter a number between {MAX_ABS_VALUE_TEXT}.", code="out_of_range")


def validate_date_in_range(value: date | None) -> None:
    """Dates people give lie in limits.FIRST_YEAR–LAST_YEAR (a day or a week on either side
    must still be a date, and nothing plans further)."""
    if value is None:
        return
    if not FIRST_DATE <= value <= LAST_DATE:
        raise ValidationError(f"Enter a date {DATE_RANGE_TEXT}.", code="out_of_range")


def parse_number(text: str) -> float:
    """A number typed as text (ASCII digits only) → float; ValueError otherwise."""
    cleaned = text.strip().replace("\u2212", "-")
    if not _NUMBER.fullmatch(cleaned):
        raise ValueError(f"{text!r} is not a number.")
    return float(cleaned)


def parse_date(text: str) -> date:
    """YYYY-MM-DD within the bounds → date; ValueError otherwise."""
    if not _DATE.fullmatch(text):
        raise ValueError(f"Enter a date as YYYY-MM-DD, {DATE_RANGE_TEXT}.")
    return date.fromisoformat(text)


def parse_month(text: str) -> date:
    """YYYY-MM within the bounds → the month's first day; ValueError otherwise."""
    if not isinstance(text, str) or not _MONTH.fullmatch(text):
        raise ValueError("Enter a month as YYYY-MM.")
    return date(int(text[:4]), int(text[5:7]), 1)
