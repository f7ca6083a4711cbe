"""The header and the dashboard in a real browser: the header is the same across pages, nothing
sticks out past a phone's width (375 px), and objective titles look like the links they are."""

import re

import pytest

from cadence.orgs.selectors import company_unit
from tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Elements of the page whose right edge lies past the window (none should).
OVERFLOWING = """() => [...document.querySelectorAll('header *, main *')]
  .filter(e => { const r = e.getBoundingClientRect();
                 return r.width && r.right > innerWidth + 0.5; })
  .map(e => e.tagName + '.' + e.className)"""


def _log_in(page, live_server, person):
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Email").fill(person.email)
    page.get_by_label("Password").fill(f.PASSWORD)
    page.get_by_role("button", name=re.compile("log in", re.I)).click()
    page.wait_for_url(f"{live_server.url}/")


def test_dashboard_fits_a_phone_and_titles_look_like_links(browser, live_server):
    org, admin = f.make_org("Phone")
    cycle = f.make_cycle(admin, name="This quarter")
    team = f.make_unit(org, "Customer Success and Onboarding")
    lead = f.make_person(org, name="Lena Lead")
    f.join(team, lead, role="lead")
    top = f.make_objective(admin, cycle, company_unit(org), title="Customers stay with us")
    f.make_objective(lead, cycle, team, title="Onboarding people finish", parent=top)

    context = browser.new_context(viewport={"width": 375, "height": 800})
    page = context.new_page()
    try:
        _log_in(page, live_server, lead)
        # The team's header: name, "you lead", counts, New objective, Start from an example.
        page.get_by_role("link", name="Start from an example").wait_for()
        assert page.evaluate(OVERFLOWING) == []
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        title = page.get_by_role("link", name="Onboarding people finish")
        style = title.evaluate(
            "e => [getComputedStyle(e).textDecorationLine, getComputedStyle(e).color,"
            " getComputedStyle(e.closest('.card')).color]"
        )
        decoration, color, text_color = style
        assert "underline" in decoration
        assert color != text_color  # the link's colour, not the text's
        for path in ("/feed/", "/meeting/?choose=1", "/learnings/", "/approvals/"):
            page.goto(f"{live_server.url}{path}")
            assert page.evaluate(OVERFLOWING) == [], path
    finally:
        context.close()


def test_the_header_looks_the_same_on_every_page(page, live_server):
    org, admin = f.make_org("Header")
    f.make_cycle(admin, name="This quarter")
    _log_in(page, live_server, admin)
    seen = set()
    for path in ("/", "/approvals/", "/weekly/", "/meeting/", "/feed/", "/learnings/", "/coach/"):
        page.goto(f"{live_server.url}{path}")
        nav = page.get_by_role("navigation", name="Main")
        seen.add(
            (
                tuple(nav.get_by_role("link").all_inner_texts()),
                page.get_by_label("Cycle").first.evaluate("e => e.selectedOptions[0].text"),
            )
        )
    assert len(seen) == 1, seen
    ((links, cycle),) = seen
    assert "Results" in links and "Quality" in links and "Coach" not in links
    assert cycle.startswith("This quarter")
