"""What makes a key result worth chasing this week, as pure rules: no database, no Django.

The dashboard's "What to chase" (cadence.web.chase) asks these rules of every key result of a
person's teams. A key result may have several reasons; it is listed once, under the first of
them in ``REASONS`` (the most pressing conversation), and its other reasons are shown with it.

- ``confidence``: what the team reported contradicts the numbers — they say on track while the
  pace is off track, or they say off track while the pace is on track (docs/method.md §3 shows
  the first on every key result; the second is as worth a word: the team may know something
  the numbers do not, or be needlessly worried). "At risk" is a hedge, never a contradiction.
- ``off_track``: the pace computed from the numbers is off track (docs/method.md §3).
- ``short``: the forecast at the cycle's end falls short of success, whatever today's pace.
- ``stale``: no check-in for 14 days.
- ``stalled``: the value has not moved over its last two weekly check-ins.

Only a key result of a live objective (not abandoned or closed) in a cycle running today is
judged by these: before the cycle starts nothing is behind, and once it has ended the results
page and the review take over. A key result without an owner is a separate matter
(``needs_owner``): it is asked of open objectives whether or not the cycle has started.
"""

from __future__ import annotations

from dataclasses import dataclass

from cadence.okrs import progress as arithmetic

CONFIDENCE = "confidence"
OFF_TRACK = "off_track"
SHORT = "short"
STALE = "stale"
STALLED = "stalled"

# In order of precedence: a key result is listed under the first of its reasons.
REASONS = (CONFIDENCE, OFF_TRACK, SHORT, STALE, STALLED)

LABELS = {
    CONFIDENCE: "Confidence contradicts the numbers",
    OFF_TRACK: "Off track",
    SHORT: "Forecast to fall short",
    STALE: "Stale",
    STALLED: "Stalled",
}

# Which way a reported confidence contradicts the pace.
OVERCONFIDENT = "overconfident"  # says on track, the numbers say off track
UNDERCONFIDENT = "underconfident"  # says off track, the numbers say on track


def contradiction(confidence: str | None, pace: str | None) -> str | None:
    """``OVERCONFIDENT``, ``UNDERCONFIDENT`` or None. Nothing reported yet, nothing measured
    yet, or an "at risk" on either side is no contradiction."""
    if confidence == arithmetic.ON_TRACK and pace == arithmetic.OFF_TRACK:
        return OVERCONFIDENT
    if confidence == arithmetic.OFF_TRACK and pace == arithmetic.ON_TRACK:
        return UNDERCONFIDENT
    return None


@dataclass(frozen=True)
class Judged:
    """A key result's reasons to be chased, in order of precedence (empty: nothing to chase),
    and which way its confidence contradicts the numbers, if it does."""

    reasons: tuple[str, ...] = ()
    contradiction: str | None = None

    @property
    def primary(self) -> str | None:
        return self.reasons[0] if self.reasons else None

    @property
    def others(self) -> tuple[str, ...]:
        return self.reasons[1:]


def judge(
    *,
    live: bool,
    running: bool,
    pace: str | None,
    confidence: str | None,
    stalled: bool,
    stale: bool,
    forecast_short: bool,
) -> Judged:
    """Why a key result needs chasing. ``live``: its objective takes check-ins (neither
    abandoned nor closed, its cycle not closed); ``running``: today is within its objective's
    cycle; ``pace``: computed from its numbers (None: nothing measured); ``confidence``: the
    latest reported (None or "": none yet); ``forecast_short``: its forecast at the cycle's end
    falls short of success (False without a forecast)."""
    if not (live and running):
        return Judged()
    which = contradiction(confidence or None, pace)
    found = {
        CONFIDENCE: which is not None,
        OFF_TRACK: pace == arithmetic.OFF_TRACK,
        SHORT: forecast_short,
        STALE: stale,
        STALLED: stalled,
    }
    return Judged(reasons=tuple(r for r in REASONS if found[r]), contradiction=which)


def needs_owner(*, live: bool, owner_id: object | None) -> bool:
    """A key result of a live objective with nobody answering for it."""
    return live and owner_id is None


def urgency(*, expected: float, progress: float | None) -> float:
    """How far behind the expected progress a key result is (a list's order: the furthest
    behind first); one with nothing measured counts as all of the expected way behind."""
    return expected - (progress if progress is not None else 0.0)
