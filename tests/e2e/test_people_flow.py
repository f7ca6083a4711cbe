"""Invitations in a real browser: an admin uploads a CSV of people, checks the preview (a bad
row is left out), confirms; the worker sends the emails; an invitee opens the link, chooses a
password, lands on the dashboard in their team; the admin deactivates someone. axe-core checks
each new page at desktop and phone width."""

import re

import pytest

from tests import factories as f
from tests.e2e.test_accessibility import Audit, _context
from tests.outbox import send_queued

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CSV = (
    "email,name,team,role\n"
    "ada@example.test,Ada Lovelace,Support,member\n"
    "grace@example.test,Grace Hopper,,viewer\n"
    "broken-address,Nobody,,member\n"
)


def test_invite_from_a_csv_accept_and_deactivate(browser, live_server, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    org, admin = f.make_org("Browser")
    f.make_unit(org, "Support")
    leaver = f.make_person(org, name="Leo Leaver")
    base = live_server.url
    audit = Audit()

    context = _context(browser)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{base}/login/")
    page.get_by_label("Email").fill(admin.email)
    page.get_by_label("Password").fill(f.PASSWORD)
    page.get_by_role("button", name=re.compile("log in", re.I)).click()
    page.wait_for_url(f"{base}/")

    page.goto(f"{base}/settings/")
    page.get_by_role("link", name="People", exact=True).click()
    page.wait_for_url(f"{base}/settings/people/")
    audit.check(page, "people page")
    page.get_by_role("link", name="Invite people").click()
    audit.check(page, "invite page")
    page.get_by_label("CSV file", exact=True).set_input_files(
        files=[{"name": "people.csv", "mimeType": "text/csv", "buffer": CSV.encode()}]
    )
    page.locator("form:has(#id_file)").get_by_role("button", name="Preview").click()
    page.get_by_text("2 of 3 people can be invited").wait_for()
    page.get_by_text("'broken-address' is not a valid email address.").wait_for()
    audit.check(page, "invitation preview")
    page.get_by_role("button", name="Invite 2 people").click()
    page.get_by_text("Invited 2 people.").wait_for()
    audit.check(page, "invited people")

    # The worker sends the emails; Ada opens hers in another browser.
    messages = {m.to[0]: m for m in send_queued()}
    link = re.search(r"https?://[^/\s]+(/invitations/\S+/)", messages["ada@example.test"].body)
    invitee = _context(browser).new_page()
    invitee.goto(f"{base}{link.group(1)}")
    audit.check(invitee, "invitation acceptance page")
    invitee.get_by_label("Choose a password").fill("a long and quiet river")
    invitee.get_by_label("The same password again").fill("a long and quiet river")
    invitee.get_by_role("button", name=re.compile("^Join")).click()
    invitee.wait_for_url(f"{base}/")
    invitee.goto(f"{base}/settings/profile/")
    assert invitee.get_by_label("Your name").input_value() == "Ada Lovelace"
    audit.check(invitee, "your profile")
    invitee.goto(f"{base}/settings/people/?q=ada")
    invitee.get_by_text("Support").first.wait_for()

    # The admin deactivates the leaver.
    page.goto(f"{base}/settings/people/")
    page.get_by_role("button", name=f"Deactivate {leaver.name}").click()
    page.get_by_text("Leo Leaver is deactivated").wait_for()
    leaver.refresh_from_db()
    assert not leaver.is_active
    assert not audit.found, audit.report()
