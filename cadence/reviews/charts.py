"""The results page's charts, as plain values. Pure: no database, no Django.

- ``distribution``: per unit, how its scored objectives spread over the grading scheme's bands,
  as the segments of one horizontal stacked bar (widths in percent, with counts as text).
- ``rate_history``: the success rate of each closed cycle, as the coordinates of a small SVG
  line chart in the style of ``cadence.okrs.charts`` (HTML labels beside the SVG, a summary
  sentence for screen readers).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from cadence.reviews import scoring

WIDTH = 480
HEIGHT = 160
MAX_LABELS = 6  # cycle names under the rate chart; more would overlap on a phone
LEFT = RIGHT = 12
TOP = BOTTOM = 10


def _percent(share: float | None) -> str:
    if share is None:
        return "—"
    whole = (Decimal(repr(share)) * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    return f"{int(whole)}%"


# Score distribution ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Segment:
    band: scoring.Band
    count: int
    width_pct: float  # share of the unit's scored objectives, in percent
    left_pct: float  # where the segment starts in the bar


@dataclass(frozen=True)
class DistributionRow:
    label: str
    scored: int
    unscored: int  # objectives of the unit with no score (nothing measured)
    segments: tuple[Segment, ...]  # only bands with at least one objective, lowest first
    scores: tuple[float, ...]  # the scores, lowest first (for the text alternative)
    summary: str


def distribution(
    rows: Sequence[tuple[str, Sequence[float | None]]], scheme: str = scoring.BANDS
) -> tuple[DistributionRow, ...]:
    """One stacked bar per (label, scores) row; a None score counts as unscored."""
    bands = scoring.bands_of(scheme)
    out = []
    for label, scores in rows:
        known = sorted(s for s in scores if s is not None)
        counts = {b.key: 0 for b in bands}
        for s in known:
            counts[scoring.band(s, scheme).key] += 1
        segments = []
        left = 0.0
        for b in bands:
            n = counts[b.key]
            if not n:
                continue
            width = round(n / len(known) * 100, 2)
            segments.append(Segment(band=b, count=n, width_pct=width, left_pct=round(left, 2)))
            left += width
        parts = [f"{s.count} {s.band.label.lower()}" for s in segments]
        if known:
            summary = f"{label}: {len(known)} scored — {', '.join(parts)}."
        else:
            summary = f"{label}: nothing scored."
        unscored = len(scores) - len(known)
        if unscored:
            summary = f"{summary[:-1]}; {unscored} without a score."
        out.append(
            DistributionRow(
                label=label,
                scored=len(known),
                unscored=unscored,
                segments=tuple(segments),
                scores=tuple(known),
                summary=summary,
            )
        )
    return tuple(out)


# Success-rate history -------------------------------------------------------------------------


@dataclass(frozen=True)
class RatePoint:
    label: str
    rate: float
    x: float
    y: float
    x_pct: float  # x as a percentage of the width, for the HTML labels under the chart


@dataclass(frozen=True)
class Gridline:
    y: float
    label: str
    top_pct: float


@dataclass(frozen=True)
class RateChart:
    width: int
    height: int
    points: tuple[RatePoint, ...]  # cycles with a rate, in order
    line: str  # SVG polyline points ("" with fewer than two points)
    gridlines: tuple[Gridline, ...]
    # (cycle name, x in percent): every cycle, or every k-th counted back from the latest when
    # there are more than MAX_LABELS.
    labels: tuple[tuple[str, float], ...]
    summary: str


def rate_history(
    series: Sequence[tuple[str, float | None]], *, width: int = WIDTH, height: int = HEIGHT
) -> RateChart:
    """(cycle name, success rate or None) oldest first → a line chart, one step per cycle.
    Cycles without a rate (nothing scored) keep their place on the axis but have no point; the
    line joins the points that exist."""
    left, right, top, bottom = LEFT, width - RIGHT, TOP, height - BOTTOM
    n = len(series)
    step = -(-n // MAX_LABELS) if n else 1  # ceil

    def x_of(i: int) -> float:
        if n == 1:
            return round((left + right) / 2, 1)
        return round(left + i * (right - left) / (n - 1), 1)

    def y_of(rate: float) -> float:
        return round(top + (1 - min(max(rate, 0.0), 1.0)) * (bottom - top), 1)

    points = tuple(
        RatePoint(
            label=label,
            rate=rate,
            x=x_of(i),
            y=y_of(rate),
            x_pct=round(x_of(i) / width * 100, 2),
        )
        for i, (label, rate) in enumerate(series)
        if rate is not None
    )
    line = " ".join(f"{p.x},{p.y}" for p in points) if len(points) > 1 else ""
    if not points:
        summary = "No closed cycle has a success rate yet."
    else:
        steps = "; ".join(f"{p.label} {_percent(p.rate)}" for p in points)
        summary = f"Success rate per closed cycle, oldest first: {steps}."
    return RateChart(
        width=width,
        height=height,
        points=points,
        line=line,
        gridlines=tuple(
            Gridline(y=y_of(r), label=_percent(r), top_pct=round(y_of(r) / height * 100, 2))
            for r in (1.0, 0.5, 0.0)
        ),
        labels=tuple(
            (label, round(x_of(i) / width * 100, 2))
            for i, (label, _) in enumerate(series)
            if (n - 1 - i) % step == 0
        ),
        summary=summary,
    )
