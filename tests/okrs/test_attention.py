"""The rules of what to chase (okrs.attention), exhaustively over every combination of inputs."""

import itertools

import pytest

from cadence.okrs import attention
from cadence.okrs import progress as arithmetic

PACES = (None, arithmetic.ON_TRACK, arithmetic.AT_RISK, arithmetic.OFF_TRACK)
CONFIDENCES = (None, "", arithmetic.ON_TRACK, arithmetic.AT_RISK, arithmetic.OFF_TRACK)
FLAGS = (False, True)


@pytest.mark.parametrize(("confidence", "pace"), list(itertools.product(CONFIDENCES, PACES)))
def test_contradiction_is_only_the_two_opposite_corners(confidence, pace):
    found = attention.contradiction(confidence or None, pace)
    if (confidence, pace) == (arithmetic.ON_TRACK, arithmetic.OFF_TRACK):
        assert found == attention.OVERCONFIDENT
    elif (confidence, pace) == (arithmetic.OFF_TRACK, arithmetic.ON_TRACK):
        assert found == attention.UNDERCONFIDENT
    else:
        assert found is None


def test_every_combination_is_judged_by_the_table():
    """Each reason holds exactly when its own input says so, reasons come in REASONS order, and
    nothing is chased outside a live objective of a running cycle."""
    seen_primary = set()
    for live, running, pace, confidence, stalled, stale, short in itertools.product(
        FLAGS, FLAGS, PACES, CONFIDENCES, FLAGS, FLAGS, FLAGS
    ):
        judged = attention.judge(
            live=live,
            running=running,
            pace=pace,
            confidence=confidence,
            stalled=stalled,
            stale=stale,
            forecast_short=short,
        )
        if not (live and running):
            assert judged == attention.Judged()
            assert judged.primary is None and judged.others == ()
            continue
        contradicts = attention.contradiction(confidence or None, pace) is not None
        expected = [
            r
            for r, holds in (
                (attention.CONFIDENCE, contradicts),
                (attention.OFF_TRACK, pace == arithmetic.OFF_TRACK),
                (attention.SHORT, short),
                (attention.STALE, stale),
                (attention.STALLED, stalled),
            )
            if holds
        ]
        assert list(judged.reasons) == expected
        assert judged.primary == (expected[0] if expected else None)
        assert judged.others == tuple(expected[1:])
        assert judged.contradiction == attention.contradiction(confidence or None, pace)
        seen_primary.add(judged.primary)
    # Every reason is some key result's first reason (none is shadowed for good by another).
    assert seen_primary == {None, *attention.REASONS}


def test_an_overconfident_key_result_is_listed_under_confidence_not_off_track():
    judged = attention.judge(
        live=True,
        running=True,
        pace=arithmetic.OFF_TRACK,
        confidence=arithmetic.ON_TRACK,
        stalled=False,
        stale=False,
        forecast_short=False,
    )
    assert judged.primary == attention.CONFIDENCE
    assert judged.others == (attention.OFF_TRACK,)


def test_an_honest_at_risk_is_never_a_contradiction():
    for pace in PACES:
        assert attention.contradiction(arithmetic.AT_RISK, pace) is None
    for confidence in CONFIDENCES:
        assert attention.contradiction(confidence or None, arithmetic.AT_RISK) is None


@pytest.mark.parametrize(("live", "owner"), list(itertools.product(FLAGS, (None, "someone"))))
def test_needs_owner(live, owner):
    assert attention.needs_owner(live=live, owner_id=owner) is (live and owner is None)


def test_urgency_orders_the_furthest_behind_first():
    assert attention.urgency(expected=0.6, progress=0.1) == pytest.approx(0.5)
    assert attention.urgency(expected=0.6, progress=None) == pytest.approx(0.6)
    assert attention.urgency(expected=0.2, progress=0.9) == pytest.approx(-0.7)


def test_every_reason_has_a_label():
    assert set(attention.LABELS) == set(attention.REASONS)
