"""Forecasts on the pages (issue 16): the key result card says where it is heading and flags a
shortfall even while today's pace looks fine, its chart carries the trend on as a dashed line,
the objective rolls its key results' forecasts up, and the weekly meeting shows them."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from cadence.okrs import services as okr_services
from tests import factories as f

FIRST = datetime(2026, 10, 9, 15, 0, tzinfo=UTC)  # a Friday; the suite's today is 23 Nov


def _check_ins(actor, kr, values):
    for i, value in enumerate(values):
        okr_services.check_in_create(
            actor=actor,
            key_result=kr,
            value=value,
            confidence="on_track",
            at=FIRST + timedelta(days=7 * i),
        )


@pytest.fixture
def heading(member, cycle, team):
    """An objective with a key result on pace today but slowing (fast start, then a point or
    two a week: 42% of 45% by the end), one reaching its target, and one checked in once."""
    objective = f.make_objective(member, cycle, team, title="New customers get going fast")
    slowing = f.make_kr(
        member, objective, title="Onboarding completion", start=13, target=45, unit="%"
    )
    _check_ins(member, slowing, [18, 22, 25, 27, 28.5, 30, 31])
    tickets = f.make_kr(
        member, objective, title="Support tickets a week", start=220, target=120, unit="tickets"
    )
    _check_ins(member, tickets, [220, 210, 200, 190, 180, 170, 160])
    fresh = f.make_kr(member, objective, title="Activation rate", start=40, target=60, unit="%")
    _check_ins(member, fresh, [41])
    return objective


def test_the_card_flags_a_shortfall_while_the_pace_looks_fine(member_client, heading):
    html = member_client.get(reverse("objective_detail", args=[heading.id])).content.decode()
    assert "On course to reach <strong>42%</strong> of 45% by 31 Dec" in html
    assert '<span class="status status--at_risk">Falls short</span>' in html
    assert "On pace today, short by the end." in html
    # The other key results: one reaches its target, one has too few check-ins.
    assert "On course to reach <strong>101 tickets</strong> by 31 Dec" in html
    assert "Reaches the target" in html
    assert "No forecast yet" in html
    # The objective's roll-up: (0.906 + 1) / 2 of the two that have a forecast.
    assert "<strong>95%</strong> by 31 Dec" in html
    assert "from 2 of 3 key results" in html


def test_the_chart_draws_the_forecast_dashed_and_describes_it(member_client, heading):
    html = member_client.get(reverse("objective_detail", args=[heading.id])).content.decode()
    dashed = [line for line in html.splitlines() if 'class="chart__forecast' in line]
    assert len(dashed) == 2  # the two key results with a forecast
    assert all('stroke-dasharray="8 5"' in line for line in dashed)
    assert any("chart__forecast--short" in line for line in dashed)
    assert any("chart__forecast--reaches" in line for line in dashed)
    assert "The dashed line continues the trend of the check-ins to a forecast of 91%" in html
    assert "short of the target" in html and "reaching the target" in html
    assert "<td>Forecast for 31 Dec 2026</td><td>42%</td><td>91%</td>" in html


def test_a_check_in_updates_the_objective_forecast_out_of_band(member_client, heading):
    kr = heading.key_results.get(title="Onboarding completion")
    response = member_client.post(
        reverse("key_result_check_in", args=[kr.id]),
        {"value": "32", "confidence": "on_track", "note": "", "layout": "card"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="objective-{heading.id}-forecast" hx-swap-oob="true"' in html
    assert 'class="chart__forecast' in html


def test_the_weekly_meeting_shows_the_forecasts(member_client, heading, team):
    html = member_client.get(reverse("team_meeting", args=[team.pk])).content.decode()
    assert "On course to reach <strong>42%</strong> of 45% by 31 Dec" in html
    assert "On pace today, short by the end." in html


def test_after_the_cycle_the_card_says_where_it_ended(client, member, heading):
    with time_machine.travel(datetime(2027, 1, 12, 10, tzinfo=UTC)):
        client.force_login(member)
        response = client.get(reverse("objective_detail", args=[heading.id]))
        assert response.status_code == 200
        html = response.content.decode()
    assert "Ended at <strong>31%</strong> on 31 Dec" in html
    assert 'class="chart__forecast' not in html  # nothing left to forecast
