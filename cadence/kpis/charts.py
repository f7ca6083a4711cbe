"""A KPI's values over time against its healthy band, as the coordinates of an SVG chart (the
KPI's page) and of a sparkline (lists). Pure: plain values in, plain values out.

The same drawing conventions as ``okrs.charts``: a viewBox stretched to the width, HTML axis
labels beside it (``Gridline.top_pct``), a sentence for <desc>. Time runs left to right from the
first value's date to the last's; values bottom to top over a range that holds every value and
the band's bounds, with a little room around them. The band is a shaded rectangle (open on the
side that has no bound).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from cadence.kpis import bands

WIDTH = 480
HEIGHT = 160
LEFT = RIGHT = TOP = BOTTOM = 8
SPARK_WIDTH = 80
SPARK_HEIGHT = 20


@dataclass(frozen=True)
class Point:
    at: date
    value: float
    healthy: bool
    x: float
    y: float


@dataclass(frozen=True)
class Gridline:
    y: float
    label: str
    top_pct: float


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    points: tuple[Point, ...]
    line: str  # SVG polyline points ("" with fewer than two values)
    band_top: float  # the shaded band's edges in viewBox coordinates
    band_bottom: float
    gridlines: tuple[Gridline, ...]
    first: date | None
    last: date | None
    summary: str

    @property
    def band_height(self) -> float:
        return round(max(0.0, self.band_bottom - self.band_top), 1)


def _label(value: float) -> str:
    return f"{value:g}" if abs(value) < 1e6 else f"{value:.3g}"


def _range(values: Sequence[float], low: float | None, high: float | None) -> tuple[float, float]:
    """The value range drawn: every value and bound, with a tenth of room on each side."""
    known = [*values, *(b for b in (low, high) if b is not None)]
    if not known:
        return 0.0, 1.0
    lo, hi = min(known), max(known)
    pad = (abs(lo) * 0.1 or 1.0) if lo == hi else (hi - lo) * 0.1
    return lo - pad, hi + pad


def kpi_chart(
    *,
    values: Sequence[tuple[date, float]],
    low: float | None,
    high: float | None,
    name: str = "",
    unit: str = "",
    width: int = WIDTH,
    height: int = HEIGHT,
) -> Chart:
    """The chart of ``values`` (date, value), oldest first, against the band [low, high]."""
    left, right, top, bottom = LEFT, width - RIGHT, TOP, height - BOTTOM
    lo, hi = _range([v for _, v in values], low, high)

    def y_of(value: float) -> float:
        share = (value - lo) / (hi - lo)
        return round(top + (1 - min(1.0, max(0.0, share))) * (bottom - top), 1)

    first = values[0][0] if values else None
    last = values[-1][0] if values else None
    span = (last - first).days if values else 0

    def x_of(at: date) -> float:
        if span <= 0:
            return round((left + right) / 2, 1) if len(values) == 1 else float(left)
        return round(left + (at - first).days / span * (right - left), 1)

    points = tuple(
        Point(at=at, value=v, healthy=bands.is_healthy(v, low, high), x=x_of(at), y=y_of(v))
        for at, v in values
    )
    line = " ".join(f"{p.x},{p.y}" for p in points) if len(points) > 1 else ""
    band_top = float(top) if high is None else y_of(high)
    band_bottom = float(bottom) if low is None else y_of(low)
    grid_values = sorted({b for b in (low, high) if b is not None} | {lo, hi}, reverse=True)
    gridlines = tuple(
        Gridline(y=y_of(g), label=_label(g), top_pct=round(y_of(g) / height * 100, 2))
        for g in grid_values
        if g in (low, high)
    )
    band = bands.band_text(low, high, unit)
    if not points:
        summary = f"No values yet. Healthy is {band}."
    else:
        outside = sum(1 for p in points if not p.healthy)
        latest = points[-1]
        summary = (
            f"{len(points)} value{'s' if len(points) != 1 else ''} of {name or 'the KPI'} from "
            f"{first:%-d %b %Y} to {last:%-d %b %Y}; healthy is {band}. The latest, "
            f"{_label(latest.value)} on {latest.at:%-d %b %Y}, is "
            f"{'inside' if latest.healthy else 'outside'} the band; {outside} of "
            f"{len(points)} outside."
        )
    return Chart(
        width=width,
        height=height,
        points=points,
        line=line,
        band_top=band_top,
        band_bottom=band_bottom,
        gridlines=gridlines,
        first=first,
        last=last,
        summary=summary,
    )


@dataclass(frozen=True)
class Sparkline:
    width: int
    height: int
    line: str
    band_top: float
    band_bottom: float
    last: tuple[float, float] | None

    @property
    def band_height(self) -> float:
        return round(max(0.0, self.band_bottom - self.band_top), 1)


def sparkline(values: Sequence[float], low: float | None, high: float | None) -> Sparkline:
    """A list's small line of a KPI's latest values (equally spaced), with its band shaded."""
    width, height = SPARK_WIDTH, SPARK_HEIGHT
    lo, hi = _range(values, low, high)

    def y_of(value: float) -> float:
        share = (value - lo) / (hi - lo)
        return round(1 + (1 - min(1.0, max(0.0, share))) * (height - 2), 1)

    n = len(values)
    xs = [round(1 + (i / (n - 1) if n > 1 else 0.5) * (width - 2), 1) for i in range(n)]
    coords = [(x, y_of(v)) for x, v in zip(xs, values, strict=True)]
    return Sparkline(
        width=width,
        height=height,
        line=" ".join(f"{x},{y}" for x, y in coords) if n > 1 else "",
        band_top=0.0 if high is None else y_of(high),
        band_bottom=float(height) if low is None else y_of(low),
        last=coords[-1] if coords else None,
    )
