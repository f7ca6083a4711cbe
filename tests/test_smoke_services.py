from datetime import date

from cadence.okrs import selectors, services
from tests import factories as f


def test_roll_up_from_team_to_company(org, admin, cycle, team, member):
    company = selectors.objectives_of(org, viewer=f.ALL)  # noqa: F841 - scoped queryset exists
    from cadence.orgs.selectors import company_unit

    top = f.make_objective(admin, cycle, company_unit(org), title="Customers stay with us")
    child = f.make_objective(member, cycle, team, title="Onboarding that sticks", parent=top)
    kr = f.make_kr(member, child, start=13, target=45, unit="%")
    services.check_in_create(actor=member, key_result=kr, value=29, confidence="on_track")
    board = selectors.board_for_cycle(org, cycle, today=date(2026, 11, 15), viewer=f.ALL)
    assert board.objectives[child.id].progress == 0.5
    assert board.objectives[top.id].progress == 0.5
