"""The pure rules of a KPI's band and status."""

import math
from datetime import date, timedelta

from hypothesis import assume, given
from hypothesis import strategies as st

from cadence.kpis import bands, charts

finite = st.floats(min_value=-1e15, max_value=1e15, allow_nan=False)
bound = st.none() | finite


@given(value=finite, low=bound, high=bound)
def test_healthy_iff_inside_every_given_bound(value, low, high):
    inside = (low is None or low <= value) and (high is None or value <= high)
    assert bands.is_healthy(value, low, high) is inside
    assert bands.status_of(value, low, high) == (bands.HEALTHY if inside else bands.UNHEALTHY)


def test_bounds_are_included_and_each_kind_of_band():
    assert bands.is_healthy(95, 95, None) and not bands.is_healthy(94.99, 95, None)
    assert bands.is_healthy(2, None, 2) and not bands.is_healthy(2.01, None, 2)
    assert bands.is_healthy(10, 10, 20) and bands.is_healthy(20, 10, 20)
    assert not bands.is_healthy(9, 10, 20) and not bands.is_healthy(21, 10, 20)
    assert bands.status_of(None, 10, 20) == bands.UNKNOWN


@given(low=bound, high=bound)
def test_band_errors(low, high):
    errors = bands.band_errors(low, high)
    if low is None and high is None:
        assert "band" in errors
    elif low is not None and high is not None and low > high:
        assert "band_max" in errors
    else:
        assert errors == {}


def test_band_errors_refuse_non_finite():
    assert "band_min" in bands.band_errors(math.nan, None)
    assert "band_max" in bands.band_errors(None, math.inf)


@given(
    st.lists(
        st.tuples(st.dates(date(2020, 1, 1), date(2030, 1, 1)), finite), min_size=1, max_size=20
    )
)
def test_latest_is_the_latest_date_then_the_last_entered(entries):
    triples = [(at, i, v) for i, (at, v) in enumerate(entries)]
    last_date = max(at for at, _ in entries)
    want = [v for at, v in entries if at == last_date][-1]
    assert bands.latest(triples) == want
    assert bands.latest(reversed(triples)) == want  # the order given does not matter


def test_latest_of_nothing():
    assert bands.latest([]) is None


def test_left_band_only_into_unhealthy():
    H, U, N = bands.HEALTHY, bands.UNHEALTHY, bands.UNKNOWN
    assert bands.left_band(H, U) and bands.left_band(N, U)
    for before, after in [(U, U), (U, H), (H, H), (N, H), (H, N), (U, N), (N, N)]:
        assert not bands.left_band(before, after)


def test_band_text_and_recovery_title():
    assert bands.band_text(99.5, None, "%") == "≥ 99.5%"
    assert bands.band_text(None, 2, "days") == "≤ 2 days"
    assert bands.band_text(10, 20, "tickets") == "between 10 and 20 tickets"
    assert bands.recovery_title("Uptime", 99.5, None, "%") == "Bring Uptime back to at least 99.5%"
    assert bands.recovery_title("Backlog", None, 50) == "Bring Backlog back to at most 50"
    assert bands.recovery_title("NPS", 30, 60) == "Bring NPS back to between 30 and 60"
    assert len(bands.recovery_title("x" * 300, 1, None)) == 200


@given(
    st.lists(finite, min_size=0, max_size=30),
    bound,
    bound,
)
def test_chart_stays_inside_its_box(values, low, high):
    assume(not bands.band_errors(low, high) or (low is None and high is None))
    start = date(2026, 1, 1)
    c = charts.kpi_chart(
        values=[(start + timedelta(days=7 * i), v) for i, v in enumerate(values)],
        low=low,
        high=high,
    )
    assert len(c.points) == len(values)
    for p in c.points:
        assert 0 <= p.x <= c.width and 0 <= p.y <= c.height
        assert p.healthy is bands.is_healthy(p.value, low, high)
    assert 0 <= c.band_top <= c.band_bottom <= c.height
    assert bool(c.line) is (len(values) > 1)
    s = charts.sparkline(values, low, high)
    assert 0 <= s.band_top <= s.band_bottom <= s.height


def test_chart_band_is_shaded_where_the_bounds_are():
    at = date(2026, 1, 1)
    c = charts.kpi_chart(values=[(at, 0.0), (at + timedelta(days=10), 100.0)], low=40, high=60)
    # 0..100 padded by 10 on each side, 144 px tall from y=8: 60 → 8 + 50/120*144 = 68
    assert c.band_top == 68.0 and c.band_bottom == 92.0
    assert c.points[0].x == 8 and c.points[1].x == 472
    assert "1 of 2 outside" not in c.summary and "2 of 2 outside" in c.summary
    open_top = charts.kpi_chart(values=[(at, 50.0)], low=40, high=None)
    assert open_top.band_top == 8.0
