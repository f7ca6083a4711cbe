"""Settings → Teams and departments in a real browser, by keyboard: add a department and a team
inside it (htmx keeps the focus in the form), open the team, add a lead, and check both pages
with axe-core at desktop and phone widths."""

import re

import pytest

from cadence.orgs.models import Membership, Unit
from tests import factories as f
from tests.e2e.test_accessibility import AXE_RUN, HTMX_BUSY, WIDTHS, _context, _describe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _axe(page, name: str) -> list[str]:
    page.wait_for_function(f"() => !document.querySelector({HTMX_BUSY!r})")
    found = []
    for size in WIDTHS:
        page.set_viewport_size(size)
        found += [_describe(v, f"{name} at {size['width']} px") for v in page.evaluate(AXE_RUN)]
    page.set_viewport_size(WIDTHS[0])
    return found


def _settled(page):
    page.wait_for_function(f"() => !document.querySelector({HTMX_BUSY!r})")


def test_an_admin_builds_the_tree_by_keyboard(browser, live_server):
    # A context whose pages load axe as a file (the Content Security Policy refuses inline
    # scripts, axe's included).
    context = _context(browser)
    page = context.new_page()
    page.set_default_timeout(10_000)
    org, admin = f.make_org("Tree")
    person = f.make_person(org, name="Lee Lead")
    base = live_server.url
    page.goto(f"{base}/login/")
    page.get_by_label("Email").fill(admin.email)
    page.get_by_label("Password").fill(f.PASSWORD)
    page.get_by_role("button", name=re.compile("log in|sign in", re.I)).click()
    page.wait_for_url(f"{base}/")

    page.goto(f"{base}/settings/")
    page.get_by_role("link", name="Teams and departments").click()
    page.wait_for_url(f"{base}/settings/units/")
    violations = _axe(page, "teams and departments")

    # A department: type the name, choose the kind with the arrow keys, submit with Enter.
    page.get_by_label("Name").focus()
    page.keyboard.type("Sales")
    page.keyboard.press("Tab")  # the first radio button: Team
    page.keyboard.press("ArrowDown")  # Department
    page.get_by_label("Name").press("Enter")
    page.get_by_role("status").filter(has_text="Department Sales created.").wait_for()
    _settled(page)
    # Focus is back in the name field, ready for the next unit.
    assert page.evaluate("document.activeElement.name") == "name"
    # A team inside Sales.
    page.keyboard.type("EMEA")
    page.get_by_label("Inside").select_option(label="— Sales")
    page.get_by_label("Team").check()
    page.get_by_label("Name").press("Enter")
    page.get_by_role("status").filter(has_text="Team EMEA created.").wait_for()
    _settled(page)
    # A blank name: the message at the field, and focus on it.
    page.keyboard.press("Enter")
    page.get_by_text("Give the unit a name.").wait_for()
    _settled(page)
    assert page.evaluate("document.activeElement.name") == "name"
    emea = Unit.objects.get(name="EMEA")
    assert (emea.kind, emea.parent.name) == ("team", "Sales")
    violations += _axe(page, "teams and departments after adding")

    page.get_by_role("link", name="EMEA", exact=True).click()
    page.wait_for_url(f"{base}/settings/units/{emea.pk}/")
    page.get_by_label("Person").select_option(label=f"Lee Lead ({person.email})")
    page.get_by_label("As").select_option("lead")
    page.get_by_role("button", name="Add to EMEA").click()
    page.get_by_role("status").filter(has_text="Lee Lead added as lead.").wait_for()
    assert Membership.objects.get(unit=emea, person=person).role == "lead"
    violations += _axe(page, "unit settings")
    assert not violations, "\n".join(violations)
    context.close()
