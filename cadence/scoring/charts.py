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

from cadence.scoring import rules as scoring

WIDTH = 480
HEIGHT = 160
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


Scored = float | None | tuple[str | None, float | None]


def _pair(item: Scored) -> tuple[str | None, float | None]:
    return item if isinstance(item, tuple) else (None, item)


def distribution(
    rows: Sequence[tuple[str, Sequence[Scored]]], scheme: str = scoring.BANDS
) -> tuple[DistributionRow, ...]:
    """One stacked bar per (label, scores) row; a None score counts as unscored. A score given
    as a (commitment, score) pair counts in the band shown for that commitment (a committed 0.7
    is partial progress, as on its badge); a bare score in its band on the 0.0–1.0 scale."""
    bands = scoring.bands_of(scheme)
    out = []
    for label, items in rows:
        pairs = [_pair(item) for item in items]
        scores = [s for _c, s in pairs]
        known = sorted(s for s in scores if s is not None)
        counts = {b.key: 0 for b in bands}
        for commitment, s in pairs:
            if s is not None:
                counts[scoring.band(s, scheme, commitment=commitment).key] += 1
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
    # (cycle name, x in percent) for every cycle, in order: every closed cycle is named.
    labels: tuple[tuple[str, float], ...]
    # (cycle name, x in the SVG) of the cycles that have no rate (nothing was scored in them):
    # drawn as a dashed mark, so such a cycle is seen, not skipped by the line.
    gaps: tuple[tuple[str, float], ...]
    summary: str

    @property
    def cycles(self) -> int:
        """How many cycles the chart spans (the page widens it so their names never overlap)."""
        return len(self.labels)


def rate_history(
    series: Sequence[tuple[str, float | None]], *, width: int = WIDTH, height: int = HEIGHT
) -> RateChart:
    """(cycle name, success rate or None) oldest first → a line chart, one step per cycle.
    Every cycle is named under the axis. Cycles without a rate (nothing scored) keep their
    place, marked as such; the line joins the points that exist."""
    left, right, top, bottom = LEFT, width - RIGHT, TOP, height - BOTTOM
    n = len(series)

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
        steps = "; ".join(
            f"{label} {_percent(rate)}" if rate is not None else f"{label} nothing scored"
            for label, rate in series
        )
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
            (label, round(x_of(i) / width * 100, 2)) for i, (label, _) in enumerate(series)
        ),
        gaps=tuple((label, x_of(i)) for i, (label, rate) in enumerate(series) if rate is None),
        summary=summary,
    )
