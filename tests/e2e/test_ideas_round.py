"""An ideas round in a real browser: a team's lead opens it for next quarter; a member answers a
prompt with an idea; a colleague upvotes it; the lead promotes it into a draft objective, whose
page shows the idea it came from."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from cadence.orgs.models import Membership
from tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(browser, live_server, person):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Email").fill(person.email)
    page.get_by_label("Password").fill(f.PASSWORD)
    page.get_by_role("button", name=re.compile("log in|sign in", re.I)).click()
    page.wait_for_url(f"{live_server.url}/")
    return context, page


def test_an_idea_goes_from_a_prompt_to_a_draft_objective(browser, live_server):
    org, admin = f.make_org("Ideas")
    team = f.make_unit(org, "Product")
    lead = f.make_person(org, name="Leo Lead")
    f.join(team, lead, Membership.Role.LEAD)
    ana = f.make_person(org, name="Ana Answer")
    f.join(team, ana)
    ben = f.make_person(org, name="Ben Backer")
    f.join(team, ben)
    today = timezone.localdate()
    f.make_cycle(
        admin,
        name="Next quarter",
        start=today + timedelta(days=20),
        end=today + timedelta(days=110),
    )
    base = live_server.url

    # The lead opens a round for the team with the default questions and a week to answer.
    context, page = _log_in(browser, live_server, lead)
    page.get_by_role("link", name="Ideas", exact=True).click()
    page.get_by_role("link", name="Open an ideas round").click()
    page.get_by_label("Who is asked").select_option(label="Product")
    page.get_by_label("Ideas for the cycle").select_option(label="Next quarter")
    page.get_by_role("button", name="Open the round").click()
    page.get_by_role("heading", name="Ideas for Next quarter").wait_for()
    round_url = page.url
    assert re.search(r"/ideas/rounds/[0-9a-f-]+/$", round_url)
    context.close()

    # A member is told, follows the notification, and answers a question.
    context, page = _log_in(browser, live_server, ana)
    page.goto(f"{base}/notifications/")
    page.get_by_role("link", name=re.compile("asks Product for ideas")).click()
    page.wait_for_url(re.compile(re.escape(round_url)))
    page.get_by_label("Answering").select_option(label="What gets in our way?")
    page.get_by_label("Your idea").fill("Releases wait two days for a hand check")
    page.get_by_label("More detail").fill("An automated check on each merge would free them.")
    page.get_by_role("button", name="Add my idea").click()
    page.get_by_role("heading", name="Releases wait two days for a hand check").wait_for()
    assert page.get_by_role("button", name=re.compile("^Upvote")).count() == 0  # not her own
    context.close()

    # A colleague upvotes it.
    context, page = _log_in(browser, live_server, ben)
    page.goto(round_url)
    page.get_by_role("button", name=re.compile("^Upvote")).click()
    upvoted = page.get_by_role("button", name=re.compile("^Upvoted"))
    upvoted.wait_for()
    assert upvoted.get_attribute("aria-pressed") == "true"
    assert page.locator(".idea__count").first.inner_text() == "1"
    context.close()

    # The lead promotes it, sharpening the title; the draft's page shows the idea.
    context, page = _log_in(browser, live_server, lead)
    page.goto(round_url)
    page.get_by_role("link", name=re.compile("^Promote to a draft objective")).click()
    title = page.get_by_label("Objective title")
    assert title.input_value() == "Releases wait two days for a hand check"
    title.fill("Finished work reaches customers the day it is merged")
    page.get_by_role("button", name="Create the draft objective").click()
    page.wait_for_url(re.compile(r"/objectives/[0-9a-f-]+/$"))
    objective_url = page.url
    page.get_by_role(
        "heading", name="Finished work reaches customers the day it is merged"
    ).wait_for()
    assert "Draft" in page.content()
    page.get_by_text("Came from the idea").wait_for()
    page.get_by_role("link", name="Releases wait two days for a hand check").click()
    page.wait_for_url(re.compile(re.escape(round_url)))
    link = page.get_by_role("link", name="Finished work reaches customers the day it is merged")
    assert link.get_attribute("href") == objective_url.removeprefix(base)
    context.close()
