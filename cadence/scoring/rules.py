"""End-of-cycle scoring (docs/method.md §3). Pure: no database.

The score itself is always a number from 0.0 to 1.0 with one decimal, rounded half up from
progress (``cadence.okrs.progress.score``). What changes with the organization's grading scheme
is how it is shown: Google-style bands, plain percent, or a three-colour traffic light.

A band alone is a position on the 0.0–1.0 scale. Shown beside an objective (or a key result) it
also has to agree with that objective's success, which depends on its commitment: an aspirational
objective succeeds at 0.7 and reads the bands as they are; a committed one succeeds only at 1.0,
so below 1.0 it never shows a success band (``band(..., commitment=...)``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from cadence.core.validators import parse_number
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
COMMITTED, ASPIRATIONAL = "committed", "aspirational"


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
        if isinstance(value, str):
            # ASCII digits only: "0_7" or another script's digits are not read as a number.
            value = parse_number(value.replace(",", "."))
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise ValueError("Enter a score from 0.0 to 1.0, such as 0.7.") from exc
    if not number.is_finite() or number < 0 or number > 1:
        raise ValueError("A score goes from 0.0 to 1.0.")
    return float(number.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def bands_of(scheme: str = BANDS) -> tuple[Band, ...]:
    """Every band of a scheme, lowest first (for legends and charts). Bands shown for a
    commitment are always among these."""
    samples = (0.0, 0.4, 0.7) if scheme == TRAFFIC_LIGHT else (0.0, 0.4, 0.7, 0.9)
    return tuple(band(s, scheme) for s in samples)


def _tenths_for(t: int, commitment: str | None) -> int:
    """Where a committed score sits on the aspirational scale that the bands describe: 1.0 is
    a success (the first success band, 0.7: delivering what was promised is not "outstanding"),
    and anything below 1.0 stays below the success bands, at most partial progress (0.6)."""
    if commitment is None or commitment == ASPIRATIONAL:
        return t
    return 7 if t >= 10 else min(t, 6)


def band(score: float | None, scheme: str = BANDS, *, commitment: str | None = None) -> Band | None:
    """The band a score falls in under a grading scheme (None: not scored).

    Without ``commitment``: the score's band on the 0.0–1.0 scale (what the API calls
    ``band``). With it: the band shown beside an objective of that commitment, green exactly
    when it succeeded (``succeeded``): a committed 0.7 is partial progress, not "Successful"."""
    if score is None:
        return None
    t = _tenths_for(_tenths(score), commitment)
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


def display(score: float | None, scheme: str = BANDS, *, commitment: str | None = None) -> str:
    """How a score is written under a scheme: "0.7", "70%", or the traffic light's words (which
    name the band, so they follow ``commitment`` as ``band`` does)."""
    if score is None:
        return "—"
    if scheme == PERCENT:
        return f"{_tenths(score) * 10}%"
    if scheme == TRAFFIC_LIGHT:
        b = band(score, scheme, commitment=commitment)
        return f"{b.label} ({_tenths(score) / 10:.1f})"
    return f"{_tenths(score) / 10:.1f}"


def succeeded(commitment: str, score: float | None) -> bool | None:
    """Committed objectives succeed at 1.0; aspirational ones at 0.7 or more (None: unscored)."""
    if score is None:
        return None
    if commitment == ASPIRATIONAL:
        return _tenths(score) >= 7
    return _tenths(score) >= 10


def success_rate(scored: Iterable[tuple[str, float | None]]) -> float | None:
    """Succeeded / scored over (commitment, score) pairs; unscored ones are left out."""
    results = [succeeded(c, s) for c, s in scored]
    results = [r for r in results if r is not None]
    if not results:
        return None
    return sum(results) / len(results)
