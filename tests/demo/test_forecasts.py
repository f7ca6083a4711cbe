"""The demo's forecasts mean something (issue 16): on the suite's day, some key results are
heading for their target, some fall short, and at least one looks on pace today while its
trend falls short (the case the forecast is for); milestones have none."""

from django.urls import reverse

from cadence.okrs import selectors
from cadence.okrs.models import Cycle, KeyResult
from tests import factories as f
from tests.demo.conftest import TODAY


def _current_key_results(demo):
    cycle = Cycle.objects.get(organization=demo, kind="quarter", start__lte=TODAY, end__gte=TODAY)
    board = selectors.board_for_cycle(demo, cycle, today=TODAY, with_forecasts=True, viewer=f.ALL)
    return [kr for o in board.in_cycle() for kr in o.krs]


def test_the_demo_has_forecasts_that_mean_something(demo):
    krs = _current_key_results(demo)
    measured = [kr for kr in krs if kr.kind != KeyResult.Kind.MILESTONE]
    forecast = [kr for kr in measured if kr.forecast is not None]
    assert len(forecast) >= len(measured) - 1  # seven weeks of check-ins: nearly all have one
    reaching = [kr.title for kr in forecast if kr.forecast.reaches_target]
    short = [kr for kr in forecast if kr.forecast.short]
    assert len(reaching) >= 3, reaching
    assert len(short) >= 3
    on_pace_but_short = [kr.title for kr in short if kr.pace == "on_track"]
    assert on_pace_but_short, "no key result is on pace today but forecast to fall short"
    assert all(kr.forecast is None for kr in krs if kr.kind == KeyResult.Kind.MILESTONE)


def test_the_demo_objective_page_shows_them(client, demo):
    kr = next(kr for kr in _current_key_results(demo) if kr.forecast and kr.forecast.short)
    client.force_login(demo.people.get(email="admin@example.com"))
    html = client.get(reverse("objective_detail", args=[kr.objective_id])).content.decode()
    assert "Falls short" in html and 'class="chart__forecast' in html
