"""The coach as people type, in a real browser: an activity gets a warning asking for the result
it should bring; an outcome with its numbers passes clean."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_typing_a_key_result_runs_the_coach(browser, live_server):
    org, admin = f.make_org("Livecoach")
    team = f.make_unit(org, "Growth")
    member = f.make_person(org, name="Tia Typist")
    f.join(team, member)
    today = timezone.localdate()
    cycle = f.make_cycle(
        admin, name="This quarter", start=today - timedelta(days=20), end=today + timedelta(days=70)
    )
    objective = f.make_objective(member, cycle, team, title="Visitors become customers")

    context = browser.new_context(viewport={"width": 390, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Email").fill(member.email)
    page.get_by_label("Password").fill(f.PASSWORD)
    page.get_by_role("button", name=re.compile("log in|sign in", re.I)).click()
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/objectives/{objective.id}/key-results/new/")
    title = page.get_by_label("Title")
    title.fill("Launch the new website")
    warning = page.locator('li.finding--warn[data-check="kr-output-verb"]')
    warning.wait_for()
    assert "what result will that bring" in warning.inner_text().lower()

    title.fill("Increase organic signups from 200 to 300 a month")
    page.get_by_text(re.compile("nothing to add", re.I)).first.wait_for()
    assert page.get_by_text(re.compile("what result will that bring", re.I)).count() == 0
    assert page.locator("li.finding").count() == 0
    context.close()
