"""The OKR loop in a real browser: log in, create an objective with two key results, check in
from the objective page and from the dashboard, and see the progress bar and the chart change."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _bar_value(locator) -> str | None:
    return locator.get_attribute("aria-valuenow")


def test_create_objective_check_in_and_see_progress(page, live_server):
    org, admin = f.make_org("Browser")
    team = f.make_unit(org, "Support")
    f.join(team, admin, role="lead")
    today = timezone.localdate()
    cycle = f.make_cycle(
        admin, name="This quarter", start=today - timedelta(days=30), end=today + timedelta(days=60)
    )

    # Log in.
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Email").fill(admin.email)
    page.get_by_label("Password").fill(f.PASSWORD)
    page.get_by_role("button", name=re.compile("log in|sign in", re.I)).click()
    page.wait_for_url(f"{live_server.url}/")

    # Create an objective for the team.
    page.goto(f"{live_server.url}/objectives/new/?unit={team.pk}&cycle={cycle.pk}")
    page.get_by_label("Title").fill("Customers get answers fast")
    page.get_by_role("button", name="Create objective").click()

    # Cadence goes straight on to the objective's first key result; add two.
    page.wait_for_url(re.compile(r"/objectives/[0-9a-f-]{36}/key-results/new/$"))
    objective_url = page.url.removesuffix("key-results/new/")
    krs = (
        ("Median first reply from 12 hours to 2 hours", "12", "2", "hours", "Add and add another"),
        ("Tickets solved in one touch from 40% to 70%", "40", "70", "%", "Add key result"),
    )
    for title, start, target, unit, button in krs:
        page.wait_for_url(re.compile(r"/key-results/new/$"))
        page.locator("#id_title").fill(title)
        page.locator("#id_start").fill(start)
        page.locator("#id_target").fill(target)
        page.locator("#id_unit").fill(unit)
        # Wait for the submission's own navigation: the next form is another page at the same
        # address, and filling it before the answer arrives would fill the old one.
        with page.expect_navigation():
            page.get_by_role("button", name=button, exact=True).click()
    page.wait_for_url(re.compile("^" + re.escape(objective_url) + r"(#.*)?$"))
    for title, *_ in krs:
        page.get_by_text(title).first.wait_for()

    objective_bar = page.locator(".objective-progress [role=progressbar]").first
    assert _bar_value(objective_bar) == "0"
    lines = page.locator("polyline.chart__actual")
    first_line_before = lines.nth(0).get_attribute("points")
    second_line_before = lines.nth(1).get_attribute("points")

    # Check in on the first key result, inline: one click, type, Enter.
    page.get_by_role("link", name=re.compile("Check in on Median first reply")).click()
    value = page.get_by_label("New value")
    value.wait_for()
    assert value.evaluate("el => el === document.activeElement"), "the value field has focus"
    value.fill("7")
    value.press("Enter")

    # (12 → 2, now 7) is half-way for that key result; the objective averages it with 0%.
    page.wait_for_function(
        "() => document.querySelector('.objective-progress [role=progressbar]')"
        ".getAttribute('aria-valuenow') === '25'"
    )
    assert page.url.split("#")[0] == objective_url, "the check-in saved without leaving the page"
    first_line_after = page.locator("polyline.chart__actual").nth(0).get_attribute("points")
    assert first_line_after != first_line_before, "the chart shows the new check-in"
    # SVG y grows downwards: the line's last point rose from 0% towards 50%.
    last_y = [
        float(p.split(",")[1])
        for p in (first_line_before.split()[-1], first_line_after.split()[-1])
    ]
    assert last_y[1] < last_y[0]

    # From the dashboard, check in on the second key result.
    page.goto(f"{live_server.url}/?cycle={cycle.pk}")
    page.get_by_role("link", name=re.compile("Check in on Tickets solved in one touch")).click()
    value = page.get_by_label("New value")
    value.fill("55")
    value.press("Enter")
    page.get_by_text(re.compile("Check-in saved")).first.wait_for()

    # Back on the objective page: both key results at 50%, so the objective is at 50%.
    page.goto(objective_url)
    bar = page.locator(".objective-progress [role=progressbar]").first
    assert _bar_value(bar) == "50"
    lines = page.locator("polyline.chart__actual")
    assert lines.nth(0).get_attribute("points") == first_line_after
    assert lines.nth(1).get_attribute("points") != second_line_before
