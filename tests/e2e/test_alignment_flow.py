"""Propose → approve in a real browser: a team member drafts an objective aligned to a company
objective and proposes it; the parent's owner returns it with a comment; the member sees the
comment and proposes again; the owner approves; the objective sits under its parent in the
alignment tree, and the tree's health panel counts it."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from cadence.alignment import services as alignment_services
from cadence.orgs.selectors import company_unit
from tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/work/screenshots")


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"C-{name}.png"), full_page=True)


def _log_in(browser, live_server, person, width=1280):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Email").fill(person.email)
    page.get_by_label("Password").fill(f.PASSWORD)
    page.get_by_role("button", name=re.compile("log in|sign in", re.I)).click()
    page.wait_for_url(f"{live_server.url}/")
    return context, page


def test_a_team_objective_goes_from_draft_to_approved(browser, live_server):
    org, admin = f.make_org("Align")
    team = f.make_unit(org, "Product")
    member = f.make_person(org, name="Mia Member")
    f.join(team, member)
    owner = f.make_person(org, name="Olive Owner")
    f.join(company_unit(org), owner)
    today = timezone.localdate()
    cycle = f.make_cycle(
        admin, name="This quarter", start=today - timedelta(days=30), end=today + timedelta(days=60)
    )
    top = f.make_objective(
        admin,
        cycle,
        company_unit(org),
        title="Customers stay with us",
        owner=owner,
        state="approved",
    )
    f.make_objective(member, cycle, team, title="An unaligned leftover")

    # The member drafts an objective aligned to the company objective, with a key result.
    context, page = _log_in(browser, live_server, member)
    page.goto(f"{live_server.url}/objectives/new/?unit={team.pk}&cycle={cycle.pk}&parent={top.pk}")
    page.get_by_label("Title").fill("New customers finish onboarding")
    page.get_by_role("button", name="Create objective").click()
    page.wait_for_url(re.compile(r"/key-results/new/$"))
    objective_url = page.url.removesuffix("key-results/new/")
    page.locator("#id_title").fill("Onboarding completion from 40% to 70%")
    page.locator("#id_start").fill("40")
    page.locator("#id_target").fill("70")
    page.get_by_role("button", name="Add key result", exact=True).click()
    page.wait_for_url(re.compile("^" + re.escape(objective_url) + r"(#.*)?$"))
    page.get_by_label("Note for the approver").fill("First go; happy to sharpen it.")
    page.get_by_role("button", name="Propose for approval").click()
    page.get_by_text("was proposed for approval").wait_for()
    assert "Waiting for approval by Olive Owner" in page.content()
    context.close()

    # The owner of the parent objective returns it with a comment.
    context, page = _log_in(browser, live_server, owner)
    page.get_by_role("link", name=re.compile("Approvals")).click()
    page.wait_for_url(re.compile(r"/approvals/$"))
    page.get_by_text("New customers finish onboarding").wait_for()
    _shot(page, "approvals-desktop")
    page.get_by_text("Return with comments…").click()
    page.get_by_label("What should the team change?").fill("Say which customers: all of them?")
    page.get_by_role("button", name="Return to Product").click()
    page.get_by_text("went back to its team").wait_for()
    context.close()

    # The member sees the comment and proposes again.
    context, page = _log_in(browser, live_server, member)
    page.goto(objective_url)
    returned = page.locator(".returned")
    assert "Say which customers: all of them?" in returned.inner_text()
    assert "Returned by Olive Owner" in returned.inner_text()
    _shot(page, "returned-panel-desktop")
    page.get_by_role("button", name="Propose for approval").click()
    page.get_by_text("was proposed for approval").wait_for()
    context.close()

    # The owner approves it from the objective page.
    context, page = _log_in(browser, live_server, owner)
    page.goto(objective_url)
    _shot(page, "objective-panel-desktop")
    page.get_by_role("button", name="Approve", exact=True).click()
    page.get_by_text("was approved").wait_for()
    assert page.locator(".alignment-panel .state").inner_text() == "Approved"
    trail = page.locator(".trail__list").text_content()
    assert trail.count("proposed") == 2 and "returned" in trail and "approved" in trail

    # The alignment tree: the objective sits under its parent; health names the leftover.
    page.goto(f"{live_server.url}/cycles/{cycle.pk}/tree/?view=alignment")
    parent_node = page.locator(".tree__node--company").filter(has_text="Customers stay with us")
    assert "New customers finish onboarding" in parent_node.inner_text()
    health = page.locator(".health")
    assert "50%" in health.inner_text() and "An unaligned leftover" in health.inner_text()
    _shot(page, "tree-health-desktop")
    context.close()

    # The same pages at 390px (with one more proposal waiting).
    another = f.make_objective(
        member, cycle, team, title="Support answers in one touch", parent=top
    )
    f.make_kr(member, another, title="Tickets solved in one reply from 40% to 60%")
    alignment_services.objective_propose(actor=member, objective=another)
    context, page = _log_in(browser, live_server, owner, width=390)
    no_overflow = "document.documentElement.scrollWidth <= window.innerWidth + 1"
    for name, path in (
        ("approvals-390", "/approvals/"),
        ("tree-health-390", f"/cycles/{cycle.pk}/tree/?view=alignment"),
        ("objective-panel-390", objective_url.removeprefix(live_server.url)),
    ):
        page.goto(live_server.url + path)
        _shot(page, name)
        assert page.evaluate(no_overflow), f"{path} scrolls sideways at 390px"
    context.close()
