"""The scoring rules of docs/method.md §3, exhaustively: half-up rounding at every tenth, the
bands of each grading scheme at every boundary, success, success rate."""

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cadence.okrs.progress import kr_progress
from cadence.scoring import rules as scoring
from cadence.scoring.rules import (
    BANDS,
    PERCENT,
    TRAFFIC_LIGHT,
    band,
    bands_of,
    display,
    normalise_score,
    score_from_progress,
    succeeded,
    success_rate,
)

HALVES = [(k / 100, (k + 5) / 100) for k in range(5, 100, 10)]  # 0.05 → 0.1 … 0.95 → 1.0


@pytest.mark.parametrize("progress,expected", HALVES)
def test_every_half_rounds_up(progress, expected):
    assert score_from_progress(progress) == pytest.approx(expected)
    assert score_from_progress(progress) == round(expected, 1)


@pytest.mark.parametrize(
    "progress,expected",
    [
        (0.65, 0.7),
        (0.95, 1.0),
        (0.35, 0.4),
        (0.05, 0.1),
        (0.15, 0.2),
        (0.25, 0.3),
        (0.45, 0.5),
        (0.55, 0.6),
        (0.75, 0.8),
        (0.85, 0.9),
        (0.0, 0.0),
        (1.0, 1.0),
        (0.04999, 0.0),
        (0.6499, 0.6),
        (0.94, 0.9),
        (0.951, 1.0),
        (0.123456, 0.1),
        # Progress beyond the ends is clamped first.
        (-0.2, 0.0),
        (1.7, 1.0),
    ],
)
def test_score_examples(progress, expected):
    assert score_from_progress(progress) == expected


def test_nothing_to_measure_has_no_score():
    assert score_from_progress(None) is None


@pytest.mark.parametrize(
    "start,target,current,expected",
    [
        (13, 45, 29, 0.5),  # docs/method.md §3.1: 13% → 45%, now 29% ⇒ 0.5
        (220, 120, 170, 0.5),  # downwards
        (0, 0.4, 0.3, 0.8),  # 0.7499999999999999 in binary: still 0.75 → 0.8
        (0.1, 0.9, 0.3, 0.3),  # 0.24999999999999997 → 0.25 → 0.3
        (0.1, 2.1, 1.4, 0.7),  # 0.6499999999999999 → 0.65 → 0.7
        (0.1, 2.1, 1.2, 0.6),  # 0.5499999999999999 → 0.55 → 0.6
        (10, 30, 23, 0.7),  # 0.65
        (100, 200, 135, 0.4),  # 0.35
        (0, 20, 19, 1.0),  # 0.95
        (0, 20, 1, 0.1),  # 0.05
    ],
)
def test_scores_of_computed_progress(start, target, current, expected):
    progress = kr_progress("metric", start=start, target=target, current=current)
    assert score_from_progress(progress) == expected


def test_every_exact_half_from_small_decimal_metrics_rounds_up():
    """Every metric with one-decimal start, target and value whose exact progress is k/20 (k
    odd): the score is the exact value rounded half up, whatever binary floating point did."""
    checked = 0
    for s in range(0, 30):
        for t in range(s + 1, s + 30):
            for c in range(s, t + 1):
                exact = Fraction(c - s, t - s)
                if (exact * 20).denominator != 1 or (exact * 20).numerator % 2 == 0:
                    continue
                p = kr_progress("metric", start=s / 10, target=t / 10, current=c / 10)
                want = float(
                    (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(
                        Decimal("0.1"), rounding=ROUND_HALF_UP
                    )
                )
                assert score_from_progress(p) == want, (s, t, c, p)
                checked += 1
    assert checked > 100


@given(st.floats(min_value=0, max_value=1, allow_nan=False))
def test_score_is_one_decimal_within_a_half_tenth(p):
    s = score_from_progress(p)
    assert 0 <= s <= 1
    assert round(s * 10) == pytest.approx(s * 10)
    assert abs(s - p) <= 0.05 + 1e-9


@given(
    st.floats(min_value=0, max_value=1, allow_nan=False),
    st.floats(min_value=0, max_value=1, allow_nan=False),
)
def test_score_never_decreases_with_progress(a, b):
    lo, hi = sorted((a, b))
    assert score_from_progress(lo) <= score_from_progress(hi)


# Bands ------------------------------------------------------------------------------------------

TENTHS = [t / 10 for t in range(11)]
BANDS_KEYS = ["none"] * 4 + ["partial"] * 3 + ["successful"] * 2 + ["outstanding"] * 2
LIGHT_KEYS = ["red"] * 4 + ["amber"] * 3 + ["green"] * 4
COLOURS = ["red"] * 4 + ["yellow"] * 3 + ["green"] * 4


@pytest.mark.parametrize("i", range(11))
@pytest.mark.parametrize("scheme", [BANDS, PERCENT])
def test_bands_at_every_tenth(scheme, i):
    b = band(TENTHS[i], scheme)
    assert (b.key, b.colour) == (BANDS_KEYS[i], COLOURS[i])


@pytest.mark.parametrize("i", range(11))
def test_traffic_light_at_every_tenth(i):
    b = band(TENTHS[i], TRAFFIC_LIGHT)
    assert (b.key, b.colour) == (LIGHT_KEYS[i], COLOURS[i])


@pytest.mark.parametrize("scheme", [BANDS, PERCENT, TRAFFIC_LIGHT])
def test_band_boundaries_use_the_rounded_score(scheme):
    # 0.35 is a 0.4 score: yellow, not red; 0.65 a 0.7: green; 0.3 + 0.1 + 0.3 (0.7 in floats).
    assert band(0.35, scheme).colour == "yellow"
    assert band(0.34, scheme).colour == "red"
    assert band(0.65, scheme).colour == "green"
    assert band(0.3 + 0.1 + 0.3, scheme).colour == "green"
    assert band(None, scheme) is None


def test_bands_of_each_scheme_lowest_first():
    assert [b.key for b in bands_of(BANDS)] == ["none", "partial", "successful", "outstanding"]
    assert [b.key for b in bands_of(PERCENT)] == ["none", "partial", "successful", "outstanding"]
    assert [b.key for b in bands_of(TRAFFIC_LIGHT)] == ["red", "amber", "green"]


@pytest.mark.parametrize(
    "score,scheme,text",
    [
        (0.7, BANDS, "0.7"),
        (1.0, BANDS, "1.0"),
        (0.0, BANDS, "0.0"),
        (0.65, BANDS, "0.7"),
        (0.7, PERCENT, "70%"),
        (0.3 + 0.1 + 0.3, PERCENT, "70%"),
        (1.0, PERCENT, "100%"),
        (0.7, TRAFFIC_LIGHT, "On target (0.7)"),
        (0.5, TRAFFIC_LIGHT, "Partly there (0.5)"),
        (0.1, TRAFFIC_LIGHT, "Missed (0.1)"),
        (None, BANDS, "—"),
        (None, PERCENT, "—"),
    ],
)
def test_display(score, scheme, text):
    assert display(score, scheme) == text


# Bands beside an objective: they follow its commitment -----------------------------------------

SCHEMES = [BANDS, PERCENT, TRAFFIC_LIGHT]
COMMITMENTS = ["committed", "aspirational"]
# A committed objective reads: below 0.4 no significant progress, 0.4–0.9 partial, 1.0 success.
COMMITTED_KEYS = ["none"] * 4 + ["partial"] * 6 + ["successful"]
COMMITTED_LIGHT = ["red"] * 4 + ["amber"] * 6 + ["green"]
COMMITTED_LABELS = ["No significant progress"] * 4 + ["Partial progress"] * 6 + ["Successful"]


@pytest.mark.parametrize("i", range(11))
def test_a_committed_objective_is_green_only_at_one(i):
    b = band(TENTHS[i], BANDS, commitment="committed")
    assert (b.key, b.label) == (COMMITTED_KEYS[i], COMMITTED_LABELS[i])
    assert band(TENTHS[i], PERCENT, commitment="committed").key == COMMITTED_KEYS[i]
    assert band(TENTHS[i], TRAFFIC_LIGHT, commitment="committed").key == COMMITTED_LIGHT[i]


def test_a_committed_point_seven_is_not_successful():
    # The contradiction this rule removes: "0.7 Successful" beside "Not reached".
    b = band(0.7, BANDS, commitment="committed")
    assert (b.key, b.label, b.colour) == ("partial", "Partial progress", "yellow")
    assert succeeded("committed", 0.7) is False
    assert display(0.7, TRAFFIC_LIGHT, commitment="committed") == "Partly there (0.7)"
    assert display(0.7, TRAFFIC_LIGHT, commitment="aspirational") == "On target (0.7)"
    # The plain band (the API's ``band``) is still the 0.0–1.0 band.
    assert band(0.7, BANDS).key == "successful"


@given(
    st.sampled_from(TENTHS) | st.floats(0, 1, allow_nan=False),
    st.sampled_from(SCHEMES),
    st.sampled_from(COMMITMENTS),
)
def test_the_band_shown_agrees_with_success(score, scheme, commitment):
    shown = band(score, scheme, commitment=commitment)
    assert (shown.colour == "green") is succeeded(commitment, score)
    # Always one of the scheme's bands (legends and charts list them all) …
    assert shown in bands_of(scheme)
    # … never above the score's own band on the scale …
    plain = band(score, scheme)
    assert bands_of(scheme).index(shown) <= bands_of(scheme).index(plain)
    # … and the aspirational reading is the plain band.
    if commitment == "aspirational":
        assert shown == plain
    if scheme == TRAFFIC_LIGHT:
        assert display(score, scheme, commitment=commitment).startswith(shown.label)


@given(st.sampled_from(TENTHS), st.sampled_from(TENTHS), st.sampled_from(SCHEMES))
def test_a_higher_committed_score_never_shows_a_lower_band(a, b, scheme):
    low, high = sorted((a, b))
    order = bands_of(scheme)
    assert order.index(band(low, scheme, commitment="committed")) <= order.index(
        band(high, scheme, commitment="committed")
    )


def test_no_score_has_no_band_whatever_the_commitment():
    assert band(None, BANDS, commitment="committed") is None
    assert display(None, TRAFFIC_LIGHT, commitment="committed") == "—"


# Success ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("i", range(11))
def test_committed_succeeds_only_at_one(i):
    assert succeeded("committed", TENTHS[i]) is (i == 10)


@pytest.mark.parametrize("i", range(11))
def test_aspirational_succeeds_from_point_seven(i):
    assert succeeded("aspirational", TENTHS[i]) is (i >= 7)


def test_success_uses_rounded_scores_and_none_is_unscored():
    assert succeeded("aspirational", 0.3 + 0.1 + 0.3) is True  # 0.7 in floats is 0.69999…
    assert succeeded("committed", 0.95) is True  # scores 1.0
    assert succeeded("committed", 0.94) is False
    assert succeeded("committed", None) is None
    assert succeeded("aspirational", None) is None


def test_success_rate():
    assert success_rate([]) is None
    assert success_rate([("committed", None)]) is None
    assert success_rate([("committed", 1.0), ("committed", 0.9)]) == 0.5
    assert success_rate(
        [("aspirational", 0.7), ("aspirational", 0.6), ("committed", 1.0), ("committed", None)]
    ) == pytest.approx(2 / 3)


@given(st.lists(st.tuples(st.sampled_from(["committed", "aspirational"]), st.sampled_from(TENTHS))))
def test_success_rate_is_succeeded_over_scored(pairs):
    rate = success_rate(pairs)
    if not pairs:
        assert rate is None
        return
    wins = sum(1 for c, s in pairs if s >= (1.0 if c == "committed" else 0.7) - 1e-9)
    assert rate == pytest.approx(wins / len(pairs))
    assert 0 <= rate <= 1


# Scores typed by people -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value,expected",
    [("0.7", 0.7), (0.65, 0.7), ("0,4", 0.4), (" 1 ", 1.0), (0, 0.0), ("0.05", 0.1), (0.94, 0.9)],
)
def test_normalise_score(value, expected):
    assert normalise_score(value) == expected


@pytest.mark.parametrize("value", ["", "abc", "1.1", "-0.1", "nan", "inf", "1e3"])
def test_normalise_score_refuses(value):
    with pytest.raises(ValueError):
        normalise_score(value)


def test_module_is_pure():
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(scoring))
    modules = {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)} | {
        a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names
    }
    assert not any(m.startswith("django") for m in modules), modules
