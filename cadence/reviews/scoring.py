"""End-of-cycle scoring (method.md §3). Pure: no database.

The score itself is always a number from 0.0 to 1.0 with one decimal, rounded half up from
progress (``cadence.okrs.progress.score``). What changes with the organization's grading scheme
is how it is shown: Google-style bands, plain percent, or a three-colour traffic light.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from cadence.okrs.progress import score as score_from_progress

__all__ = [
    "BANDS",
    "PERCENT",
    "TRAFFIC_LIGHT",
    "Band",
    "band",
    "bands_of",
    "display",
    "normalise_score",
    "score_from_progress",
    "succeeded",
    "success_rate",
]

BANDS, PERCENT, TRAFFIC_LIGHT = "bands", "percent", "traffic_light"
SCHEMES = (BANDS, PERCENT, TRAFFIC_LIGHT)
ASPIRATIONAL_SUCCESS = 0.7


@dataclass(frozen=True)
class Band:
    key: str  # stable id, used in CSS classes and the API
    label: str  # words shown next to the colour
    colour: str  # red | yellow | green


def _tenths(score: float) -> int:
    """Scores are one-decimal values; compare them as whole tenths, never as floats. (A value
    with more decimals is rounded half up first, as a score would be.)"""
    return round(score_from_progress(score) * 10)


def normalise_score(value: float | str) -> float:
    """A score typed by a person: a number from 0 to 1, kept to one decimal, rounded half up
    (0.65 → 0.7). Raises ValueError with a message for people otherwise."""
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError) as exc:
        raise ValueError("Enter a score from 0.0 to 1.0, such as 0.7.") from exc
    if not number.is_finite() or number < 0 or number > 1:
        raise ValueError("A score goes from 0.0 to 1.0.")
    return float(number.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def bands_of(scheme: str = BANDS) -> tuple[Band, ...]:
    """Every band of a scheme, lowest first (for legends and charts)."""
    samples = (0.0, 0.4, 0.7) if scheme == TRAFFIC_LIGHT else (0.0, 0.4, 0.7, 0.9)
    return tuple(band(s, scheme) for s in samples)


def band(score: float | None, scheme: str = BANDS) -> Band | None:
    """The band a score falls in under a grading scheme (None: not scored)."""
    if score is None:
        return None
    t = _tenths(score)
    if scheme == TRAFFIC_LIGHT:
        if t >= 7:
            return Band("green", "On target", "green")
        if t >= 4:
            return Band("amber", "Partly there", "yellow")
        return Band("red", "Missed", "red")
    # Bands (the default) and percent share the method's four bands.
    if t >= 9:
        return Band("outstanding", "Outstanding", "green")
    if t >= 7:
        return Band("successful", "Successful", "green")
    if t >= 4:
        return Band("partial", "Partial progress", "yellow")
    return Band("none", "No significant progress", "red")


def display(score: float | None, scheme: str = BANDS) -> str:
    """How a score is written under a scheme: "0.7", "70%", or the traffic light's words."""
    if score is None:
        return "—"
    if scheme == PERCENT:
        return f"{_tenths(score) * 10}%"
    if scheme == TRAFFIC_LIGHT:
        b = band(score, scheme)
        return f"{b.label} ({_tenths(score) / 10:.1f})"
    return f"{_tenths(score) / 10:.1f}"


def succeeded(commitment: str, score: float | None) -> bool | None:
    """Committed objectives succeed at 1.0; aspirational ones at 0.7 or more (None: unscored)."""
    if score is None:
        return None
    if commitment == "aspirational":
        return _tenths(score) >= 7
    return _tenths(score) >= 10


def success_rate(scored: Iterable[tuple[str, float | None]]) -> float | None:
    """Succeeded / scored over (commitment, score) pairs; unscored ones are left out."""
    results = [succeeded(c, s) for c, s in scored]
    results = [r for r in results if r is not None]
    if not results:
        return None
    return sum(results) / len(results)
