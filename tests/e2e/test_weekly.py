"""The weekly loop in a real browser: log in, add plans with Enter, move one to Progress ("Done")
and one to Problems ("Stuck"), drag a third to Progress, and see the team report's completion
rate change. With CADENCE_SCREENSHOTS=<dir> it also saves screenshots at 1280 and 390 pixels."""

import os
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from cadence.meetings import services as meeting_services
from cadence.okrs import services as okr_services
from tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("CADENCE_SCREENSHOTS")


def _completion(page) -> str:
    return page.locator("[data-completion]").inner_text()


def _shoot(page, name):
    if not SHOTS:
        return
    os.makedirs(SHOTS, exist_ok=True)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=os.path.join(SHOTS, f"weekly-{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_plan_move_and_see_the_team_report(page, live_server):
    org, admin = f.make_org("Weekly")
    team = f.make_unit(org, "Support")
    person = f.make_person(org, name="Sam Support")
    f.join(team, person, role="lead")
    colleague = f.make_person(org, name="Cleo Colleague")
    f.join(team, colleague)
    today = timezone.localdate()
    cycle = f.make_cycle(
        admin, name="This quarter", start=today - timedelta(days=30), end=today + timedelta(days=60)
    )
    objective = f.make_objective(person, cycle, team, title="Customers get answers fast")
    kr = f.make_kr(person, objective, title="First reply under 2 hours", start=12, target=2)
    okr_services.check_in_create(actor=person, key_result=kr, value=9, confidence="at_risk")

    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Email").fill(person.email)
    page.get_by_label("Password").fill(f.PASSWORD)
    page.get_by_role("button", name=re.compile("log in|sign in", re.I)).click()
    page.wait_for_url(f"{live_server.url}/")

    # My week: the nav link goes to the canonical URL of my current week.
    page.get_by_role("link", name="Weekly", exact=True).click()
    page.wait_for_url(re.compile(r"/weekly/[0-9a-f-]{36}/\d{4}-W\d{2}/$"))
    weekly_url = page.url

    # Add three plans, each with Enter; focus stays in the field for the next one.
    plans = page.locator(".weekly-column--plans")
    field = page.get_by_label("Add to Plans")
    for text in ("Answer the backlog", "Write the FAQ", "Hire a second agent"):
        field = page.get_by_label("Add to Plans")
        field.fill(text)
        field.press("Enter")
        plans.locator(".weekly-item__text", has_text=text).wait_for()
        # The swapped-in board hands focus back to the field once htmx has settled it; typing
        # before then would post the new form without htmx (a full page load).
        page.wait_for_function(
            "document.activeElement && document.activeElement.id === 'add-plans-text'"
        )
    assert page.evaluate("document.activeElement.id") == "add-plans-text"
    assert page.locator("#live").inner_text().startswith("Added to Plans")
    # One plan is linked to the team's key result.
    page.get_by_label("Add to Plans").fill("Measure reply times")
    page.locator("#add-plans-link").select_option(label="↳ First reply under 2 hours")
    page.get_by_role("button", name="Add to Plans").click()
    plans.locator(".okr-link", has_text="First reply under 2 hours").wait_for()

    # The team report: 4 plans, none done yet.
    report_url = f"{live_server.url}/teams/{team.pk}/weekly/"
    page.goto(report_url)
    assert _completion(page) == "0%"
    page.get_by_text("Cleo Colleague").first.wait_for()  # has not updated yet

    # Back to my week: Done, Stuck (buttons), and drag one to Progress.
    page.goto(weekly_url)
    page.get_by_role("button", name=re.compile(r"^Done\W+Answer the backlog")).click()
    page.locator(".weekly-column--progress").locator(
        ".weekly-item__text", has_text="Answer the backlog"
    ).wait_for()
    page.get_by_role("button", name=re.compile(r"^Stuck\W+Write the FAQ")).click()
    page.locator(".weekly-column--problems").locator(
        ".weekly-item__text", has_text="Write the FAQ"
    ).wait_for()
    assert "Moved to Problems" in page.locator("#live").inner_text()
    page.locator(".weekly-item", has_text="Hire a second agent").drag_to(
        page.locator(".weekly-column--progress")
    )
    page.locator(".weekly-column--progress").locator(
        ".weekly-item__text", has_text="Hire a second agent"
    ).wait_for()
    assert page.locator(".weekly-column--plans .weekly-item").count() == 1

    # Delete and undo.
    item = page.locator(".weekly-item", has_text="Measure reply times")
    item.locator("summary", has_text="More").click()
    item.get_by_role("button", name="Delete").click()
    page.get_by_role("button", name="Undo").wait_for()
    page.get_by_role("button", name="Undo").click()
    page.locator(".weekly-column--plans").locator(
        ".weekly-item__text", has_text="Measure reply times"
    ).wait_for()
    _shoot(page, "update")

    # The report changed: 2 of 4 plans done; a quarter of the plans linked to OKRs.
    page.goto(report_url)
    assert _completion(page) == "50%"
    assert "2 of 4 plans" in page.content()
    _shoot(page, "report")
    page.get_by_role("link", name="By objective").click()
    page.get_by_role("heading", name=re.compile("Customers get answers fast")).wait_for()

    # The weekly meeting: key results, plans by person, notes saved with the date.
    meeting_services.meeting_note_save(actor=person, unit=team, week=today, text="Earlier notes")
    page.get_by_role("link", name="Weekly OKR check-in meeting").click()
    page.get_by_text("First reply under 2 hours").first.wait_for()
    page.get_by_role("textbox", name="Meeting notes").fill("Sam pairs with Cleo on the FAQ.")
    page.get_by_role("button", name="Save notes").click()
    page.get_by_text(re.compile(r"Saved \w{3} \d+ \w{3} \d{4}")).wait_for()
    _shoot(page, "meeting")
    page.goto(f"{live_server.url}/units/{team.pk}/")
    page.get_by_text("Sam pairs with Cleo on the FAQ.").wait_for()

    # Inline edit (Escape cancels, Enter saves) and the "Recently deleted" list.
    page.goto(weekly_url)
    item = page.locator(".weekly-item", has_text="Write the FAQ")
    item.locator("summary", has_text="More").click()
    item.get_by_role("link", name="Edit").click()
    field = page.locator(".weekly-item--editing").get_by_role("textbox", name="Item")
    field.wait_for()
    assert field.evaluate("el => el === document.activeElement")
    field.press("Escape")
    page.locator(".weekly-item--editing").wait_for(state="detached")
    item = page.locator(".weekly-item", has_text="Write the FAQ")
    item.locator("summary", has_text="More").click()
    item.get_by_role("link", name="Edit").click()
    field = page.locator(".weekly-item--editing").get_by_role("textbox", name="Item")
    field.fill("Write the FAQ with Cleo")
    field.press("Enter")
    page.locator(".weekly-column--problems .weekly-item__text", has_text="with Cleo").wait_for()
    item = page.locator(".weekly-item", has_text="Hire a second agent")
    item.locator("summary", has_text="More").click()
    item.get_by_role("button", name="Delete").click()
    page.get_by_role("heading", name="Recently deleted").wait_for()
    page.locator(".weekly-item", has_text="Answer the backlog").locator(
        "summary", has_text="More"
    ).click()
    _shoot(page, "deleted")
