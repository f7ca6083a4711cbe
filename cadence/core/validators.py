"""Field validators shared by models, forms and the API."""

import math

from django.core.exceptions import ValidationError

MAX_ABS_VALUE = 1e15


def validate_finite(value: float | None) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValidationError("Enter a number.", code="invalid")
    if not math.isfinite(value):
        raise ValidationError("Enter a finite number.", code="not_finite")
    if abs(value) > MAX_ABS_VALUE:
        raise ValidationError("Enter a number between -10^15 and 10^15.", code="out_of_range")
