"""A 1:1 in a real browser, from the agenda to a carried action item: the lead opens the pair,
sees the member's weekly problem at the top of the agenda, adds an action item for the member;
a week later the next meeting still shows it (carried), until the member ticks it; the meeting
after that no longer shows it. By keyboard where it matters."""

import re
from datetime import date, time, timedelta

import pytest

from cadence.oneonones import selectors
from cadence.oneonones import services as one_on_one_services
from cadence.weekly import services as weekly_services
from tests import factories as f
from tests.clock import TEST_NOW

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(page, live_server, person):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Email").fill(person.email)
    page.get_by_label("Password").fill(f.PASSWORD)
    page.get_by_role("button", name=re.compile("log in|sign in", re.I)).click()
    page.wait_for_url(f"{live_server.url}/")


def test_from_the_agenda_to_a_carried_action_item(page, live_server, _frozen_clock):
    org, _admin = f.make_org("Pairs")
    team = f.make_unit(org, "Support")
    lead = f.make_person(org, name="Lara Lead")
    f.join(team, lead, role="lead")
    member = f.make_person(org, name="Milo Member")
    f.join(team, member)
    # Weekly, the day after the suite's Monday: the next 1:1 is tomorrow.
    pair = one_on_one_services.pair_create(
        actor=lead,
        member=member,
        frequency="weekly",
        weekday=TEST_NOW.weekday() + 1,
        at=time(9, 0),
        starts_on=date(2026, 11, 1),
    )
    first = selectors.next_meeting_at(pair)
    weekly_services.item_create(
        actor=member, person=member, week=TEST_NOW.date(), category="plans", text="Tidy the FAQ"
    )
    weekly_services.item_create(
        actor=member,
        person=member,
        week=TEST_NOW.date(),
        category="problems",
        text="Waiting on the billing export",
    )

    _log_in(page, live_server, lead)
    page.get_by_role("link", name="1:1s", exact=True).click()
    page.get_by_role("link", name="Milo Member").click()
    page.wait_for_url(re.compile(r"/one-on-ones/[0-9a-f-]{36}/$"))
    pair_url = page.url
    agenda = page.locator(".oneonone-agenda")
    problem = agenda.get_by_text("Waiting on the billing export")
    problem.wait_for()
    # Problems come before plans.
    assert agenda.inner_text().index("Waiting on the billing") < agenda.inner_text().index(
        "Tidy the FAQ"
    )
    assert "never about pay or performance ratings" in page.content()

    # An action item for the member, typed and sent by keyboard (htmx swaps the panel).
    page.get_by_role("textbox", name="Action item").fill("Ask finance for the export by Friday")
    page.get_by_label("Who does it").select_option("member")
    page.get_by_label("Who does it").press("Tab")
    page.keyboard.press("Enter")
    items = page.locator(".oneonone-items")
    items.locator(".oneonone-item__text", has_text="Ask finance for the export").wait_for()
    assert "Open" in items.inner_text()

    # A week on, after the first 1:1: the next one shows the item, carried.
    _frozen_clock.move_to(first + timedelta(hours=1))
    page.goto(pair_url)
    item = page.locator(".oneonone-item", has_text="Ask finance for the export by Friday")
    item.wait_for()
    assert "Carried from" in item.inner_text()

    # The member ticks it in that meeting.
    _log_in(page, live_server, member)
    page.goto(pair_url)
    page.get_by_role(
        "button", name=re.compile(r"^Mark done\W+Ask finance for the export by Friday")
    ).click()
    page.locator(".oneonone-item--done", has_text="Ask finance").wait_for()

    # The meeting after that no longer carries it; the first meeting's page still lists it.
    _frozen_clock.move_to(first + timedelta(days=7, hours=1))
    page.goto(pair_url)
    page.get_by_role("heading", name="Action items").wait_for()
    assert "Ask finance for the export" not in page.locator(".oneonone-panel").inner_text()
    page.get_by_role("link", name=re.compile(first.strftime("%A %-d %B %Y"))).click()
    page.locator(".oneonone-item", has_text="Ask finance for the export by Friday").wait_for()

    # Nobody else reaches the pair.
    _log_in(page, live_server, _admin)
    response = page.goto(pair_url)
    assert response.status == 404
