"""A large alignment tree in a real browser: folded levels open in place (htmx), and a level too
wide to fold comes in when asked. The budgets are made tiny so that a small organization folds."""

import re

import pytest

from cadence.okrs import selectors
from cadence.orgs.selectors import company_unit
from tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_folded_levels_open_in_place(page, live_server, monkeypatch):
    org, admin = f.make_org("Folding")
    cycle = f.make_cycle(admin, name="This quarter")
    top = f.make_objective(admin, cycle, company_unit(org), title="Customers stay with us")
    for d in range(3):
        department = f.make_unit(org, f"Department {d}", kind="department")
        goal = f.make_objective(admin, cycle, department, title=f"Department goal {d}", parent=top)
        for t in range(2):
            team = f.make_unit(org, f"Team {d}.{t}", parent=department)
            f.make_objective(admin, cycle, team, title=f"Team goal {d}.{t}", parent=goal)
    monkeypatch.setattr(selectors, "TREE_EAGER", 2)
    monkeypatch.setattr(selectors, "TREE_FOLDED", 2)

    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Email").fill(admin.email)
    page.get_by_label("Password").fill(f.PASSWORD)
    page.get_by_role("button", name=re.compile("log in|sign in", re.I)).click()
    page.wait_for_url(f"{live_server.url}/")

    # By alignment: three departments do not fit, nor fold: they come in when asked.
    page.goto(f"{live_server.url}/cycles/{cycle.pk}/tree/?view=alignment")
    assert page.get_by_text("Department goal 1", exact=True).count() == 0
    page.get_by_role("link", name="Show 3 aligned objectives").click()
    page.get_by_text("Department goal 1", exact=True).wait_for()
    # Each came in folded: opening one brings its teams' objectives.
    assert page.get_by_text("Team goal 1.0", exact=True).count() == 0
    page.get_by_text("Department goal 1", exact=True).click()
    page.get_by_text("Team goal 1.0", exact=True).wait_for()
    page.get_by_text("Team goal 1.1", exact=True).wait_for()

    # By unit: departments are folded; opening one brings its objectives and teams.
    monkeypatch.setattr(selectors, "TREE_FOLDED", 3)
    page.goto(f"{live_server.url}/cycles/{cycle.pk}/tree/")
    assert page.get_by_text("Team 2.1", exact=True).count() == 0
    page.get_by_text("Department 2", exact=True).click()
    page.get_by_text("Team 2.1", exact=True).wait_for()
    assert page.get_by_role("link", name="Department goal 2").is_visible()
