"""The coach's kr-restates-kpi check reads the real KPIs of the key result's unit."""

from datetime import date

import pytest

from cadence.coach import selectors as coach_selectors
from cadence.kpis import services
from cadence.okrs.selectors import board_for_cycle, objective_with_progress
from cadence.orgs.selectors import company_unit
from tests import factories as f

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 1)


def _restating(org, objective):
    annotated, board = objective_with_progress(org, objective, today=TODAY, viewer=f.ALL)
    found = coach_selectors.findings_for_objective(org, annotated, board)
    return [x.key_result.title for x in found.open if x.check_id == "kr-restates-kpi"]


def test_a_target_on_a_kpi_band_is_flagged_only_in_the_kpis_unit(org, admin, member, cycle, team):
    top = f.make_objective(admin, cycle, company_unit(org), title="Customers rely on us")
    objective = f.make_objective(member, cycle, team, title="A service people trust", parent=top)
    f.make_kr(member, objective, title="Uptime from 99.0% to 99.5%", start=99.0, target=99.5)
    f.make_kr(member, objective, title="Uptime from 99.0% to 99.9%", start=99.0, target=99.9)
    assert _restating(org, objective) == []  # no KPI yet
    other = f.make_unit(org, "Growth")
    services.kpi_create(actor=admin, unit=other, name="Uptime", band_min=99.5)
    assert _restating(org, objective) == []  # another unit's KPI is not this team's business
    kpi = services.kpi_create(actor=member, unit=team, name="Uptime", band_min=99.5)
    assert _restating(org, objective) == ["Uptime from 99.0% to 99.5%"]
    # The quality page and the many-objectives reader see it too.
    quality = coach_selectors.quality_for_cycle(org, cycle, today=TODAY, viewer=f.ALL)
    assert any(c.check.id == "kr-restates-kpi" and c.open for c in quality.counts)
    board = board_for_cycle(org, cycle, today=TODAY, viewer=f.ALL)
    many = coach_selectors.findings_for_objectives(
        org, [board.objectives[objective.id]], today=TODAY
    )
    assert any(x.check_id == "kr-restates-kpi" for x in many[objective.id].open)
    services.kpi_archive(actor=admin, kpi=kpi)
    assert _restating(org, objective) == []
