"""In a real browser: an inline check-in on the dashboard moves every figure it changed without
a reload — the key result's row, its objective, the company objective above it, the team's
header and the overview bar — and the reported confidence shows beside the pace, not as it."""

import re

import pytest

from cadence.okrs import services as okr_services
from cadence.orgs.selectors import company_unit
from tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def text_of(page, selector: str) -> str:
    return " ".join(page.locator(selector).first.inner_text().split())


def test_dashboard_check_in_updates_every_total_in_place(page, live_server):
    org, admin = f.make_org("Totals")
    team = f.make_unit(org, "Support")
    lead = f.make_person(org, name="Lee Lead")
    f.join(team, lead, role="lead")
    cycle = f.make_cycle(admin, name="Q4 2026")  # 1 Oct – 31 Dec; the tests' today is 23 Nov
    company = f.make_objective(
        admin, cycle, company_unit(org), title="Customers stay with us", state="approved"
    )
    objective = f.make_objective(
        lead, cycle, team, title="Answers come fast", parent=company, state="draft"
    )
    kr = f.make_kr(lead, objective, title="Replies within a day from 0% to 80%", target=80)
    okr_services.check_in_create(actor=lead, key_result=kr, value=40, confidence="on_track")

    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Email").fill(lead.email)
    page.get_by_label("Password").fill(f.PASSWORD)
    page.get_by_role("button", name=re.compile("log in|sign in", re.I)).click()
    page.wait_for_url(f"{live_server.url}/")
    # Mark the document: after the check-in it must be the same one (no reload).
    page.evaluate("window.__noReload = true")

    figures = f"#unit-{team.id}-figures"
    company_bar = f"#objective-{company.id}-progress [role=progressbar]"
    overview_bar = "#overview .overview__row:has-text('Support') [role=progressbar]"
    row = f"#kr-{kr.id}"
    assert text_of(page, figures) == "1 objective · progress 50%"
    assert page.locator(company_bar).get_attribute("aria-valuenow") == "50"
    assert page.locator(overview_bar).get_attribute("aria-valuenow") == "50"
    assert text_of(page, f"{row} .kr__said") == "On track"

    page.get_by_role("link", name=re.compile("Check in on Replies within a day")).click()
    value = page.get_by_label("New value")
    value.wait_for()
    value.fill("72")
    page.get_by_label("Off track").check()
    page.get_by_role("button", name="Save check-in").click()

    # 72 of 80 is 90%: the objective, the company objective above it, the team and the overview.
    page.wait_for_function(
        f"() => document.querySelector('{company_bar}').getAttribute('aria-valuenow') === '90'"
    )
    assert text_of(page, figures) == "1 objective · progress 90%"
    assert page.locator(overview_bar).get_attribute("aria-valuenow") == "90"
    assert "90%" in text_of(page, "#overview .overview__row:has-text('Support')")
    objective_bar = f"#objective-{objective.id}-progress [role=progressbar]"
    assert page.locator(objective_bar).get_attribute("aria-valuenow") == "90"
    # What was reported is shown as reported, beside the pace computed from the numbers.
    assert text_of(page, f"{row} .kr__said") == "Off track"
    assert text_of(page, f"{row} .kr__pace") == "On track"
    assert "Pace" in text_of(page, f"{row} .kr__status")
    assert "Reported" in text_of(page, f"{row} .kr__status")
    assert page.evaluate("window.__noReload") is True, "the page was not reloaded"
