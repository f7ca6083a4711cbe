"""From an empty install to a working organization, in a real browser, as people would do it:

1. the admin opens the site, is led to setup, types the one-time code the console printed and
   creates the organization and their account;
2. builds two departments and four teams in Settings → Teams and departments;
3. invites 30 people from a CSV (``email,name,team,role``): preview, then confirm;
4. the worker sends the invitations; two invitees open their links and join; one of them does
   their first weekly check-in (Plans and Progress);
5. the admin deactivates the other.

Every click, filled field, chosen option, key press and uploaded file goes through ``Actor``,
which counts it per person, with the characters typed. The test prints the counts, the
browser's time and a keystroke-level estimate of a person's time (``_estimate``), and holds
the counts to a ceiling so the flow cannot quietly grow longer. axe-core checks the pages met
only on an empty install (setup, the dashboard's checklist).
"""

import re
import time

import pytest

from cadence.onboarding import services as onboarding_services
from cadence.orgs.models import Membership, Organization, Person, Unit
from cadence.weekly.models import Item
from tests.e2e.test_accessibility import Audit, _context
from tests.outbox import send_queued

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEPARTMENTS = {"Product": ["Web", "Mobile"], "Customers": ["Support", "Sales"]}
TEAMS = [team for teams in DEPARTMENTS.values() for team in teams]
PASSWORD = "a long and quiet river"

# Keystroke-level model (Card, Moran & Newell): pointing and clicking 1.3 s, one character
# 0.28 s (an average typist), a moment to think before each step 1.35 s.
CLICK_SECONDS, CHARACTER_SECONDS, THINK_SECONDS = 1.3, 0.28, 1.35


def _csv() -> bytes:
    rows = ["email,name,team,role"]
    for n in range(30):
        team = TEAMS[n % len(TEAMS)]
        role = "viewer" if n == 29 else "member"
        rows.append(f"person{n:02}@northwind.test,Person {n:02},{team},{role}")
    return ("\n".join(rows) + "\n").encode()


class Actor:
    """One person at one browser page; counts what they do."""

    def __init__(self, page, who: str):
        self.page, self.who = page, who
        self.interactions = 0
        self.characters = 0

    def fill(self, locator, text: str) -> None:
        locator.fill(text)
        self.interactions += 1
        self.characters += len(text)

    def click(self, locator) -> None:
        locator.click()
        self.interactions += 1

    def choose(self, locator, **option) -> None:
        locator.select_option(**option)
        self.interactions += 1

    def press(self, locator, key: str) -> None:
        locator.press(key)
        self.interactions += 1

    def upload(self, locator, name: str, content: bytes) -> None:
        locator.set_input_files(files=[{"name": name, "mimeType": "text/csv", "buffer": content}])
        self.interactions += 1

    def visit(self, url: str) -> None:
        """Typing an address (or following a link from an email)."""
        self.page.goto(url)
        self.interactions += 1

    def estimate(self) -> float:
        return self.interactions * (CLICK_SECONDS + THINK_SECONDS) + (
            self.characters * CHARACTER_SECONDS
        )

    def summary(self) -> str:
        return (
            f"{self.who}: {self.interactions} interactions, {self.characters} characters typed, "
            f"about {self.estimate() / 60:.1f} minutes by the keystroke-level model"
        )


def _settled(page) -> None:
    page.wait_for_function(
        "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"
    )


def _add_unit(admin: Actor, name: str, kind: str, inside: str | None) -> None:
    page = admin.page
    admin.fill(page.get_by_label("Name"), name)
    admin.click(page.get_by_label("Department" if kind == "department" else "Team", exact=True))
    # "Inside" keeps the last choice (siblings come in a row); change it only when it differs.
    parent = page.get_by_label("Inside")
    wanted = f"— {inside}" if inside else "Northwind"
    if parent.evaluate("select => select.selectedOptions[0].text.trim()") != wanted:
        admin.choose(parent, label=wanted)
    admin.press(page.get_by_label("Name"), "Enter")
    page.get_by_role("status").filter(has_text=f"{kind.title()} {name} created.").wait_for()
    _settled(page)


def _join(browser, base: str, link: str, who: str) -> Actor:
    invitee = Actor(_context(browser).new_page(), who)
    invitee.page.set_default_timeout(15_000)
    invitee.visit(f"{base}{link}")
    invitee.fill(invitee.page.get_by_label("Choose a password"), PASSWORD)
    invitee.fill(invitee.page.get_by_label("The same password again"), PASSWORD)
    invitee.click(invitee.page.get_by_role("button", name=re.compile("^Join")))
    invitee.page.wait_for_url(f"{base}/")
    return invitee


def test_an_empty_install_becomes_a_working_organization(browser, live_server, settings, capsys):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    assert not Organization.objects.exists()
    code = onboarding_services.setup_code_issue()  # what `cadence serve` prints to the console
    base = live_server.url
    audit = Audit()
    started = time.monotonic()

    # 1. Setup: any address leads there.
    admin = Actor(_context(browser).new_page(), "The admin")
    page = admin.page
    page.set_default_timeout(15_000)
    admin.visit(f"{base}/")
    page.wait_for_url(f"{base}/setup/")
    audit.check(page, "setup")
    admin.fill(page.get_by_label("Setup code"), code)
    admin.fill(page.get_by_label("Organization"), "Northwind")
    admin.fill(page.get_by_label("Your name"), "Nadia Admin")
    admin.fill(page.get_by_label("Your email"), "nadia@northwind.test")
    admin.fill(page.get_by_label("Password", exact=True), PASSWORD)
    admin.fill(page.get_by_label("Password again"), PASSWORD)
    admin.click(page.get_by_role("button", name="Create the organization"))
    page.wait_for_url(f"{base}/")
    page.get_by_role("heading", name="Set up your organization").wait_for()
    audit.check(page, "dashboard with the setup checklist")

    # 2. Two departments, four teams: the checklist's first step leads there.
    admin.click(page.get_by_role("link", name="Set up teams"))
    page.wait_for_url(f"{base}/settings/units/")
    for department, teams in DEPARTMENTS.items():
        _add_unit(admin, department, "department", None)
        for team in teams:
            _add_unit(admin, team, "team", department)
    units = {u.name: u for u in Unit.objects.filter(parent__isnull=False).select_related("parent")}
    assert sorted(units) == sorted([*DEPARTMENTS, *TEAMS])
    for department, teams in DEPARTMENTS.items():
        assert units[department].kind == "department"
        for team in teams:
            assert (units[team].kind, units[team].parent.name) == ("team", department)

    # 3. Thirty invitations from a CSV: preview, then confirm.
    admin.visit(f"{base}/")
    admin.click(page.get_by_role("link", name="Invite people", exact=True))
    page.wait_for_url(re.compile(r"/settings/people/invite/"))
    admin.upload(page.get_by_label("CSV file", exact=True), "people.csv", _csv())
    admin.click(page.locator("form:has(#id_file)").get_by_role("button", name="Preview"))
    page.get_by_text("30 of 30 people can be invited").wait_for()
    admin.click(page.get_by_role("button", name="Invite 30 people"))
    page.get_by_text("Invited 30 people.").wait_for()

    # 4. The worker sends the emails; two invitees follow their links.
    messages = {m.to[0]: m for m in send_queued()}
    assert len(messages) == 30
    links = {
        address: re.search(r"https?://[^/\s]+(/invitations/\S+/)", message.body).group(1)
        for address, message in messages.items()
    }
    invitee = _join(browser, base, links["person00@northwind.test"], "An invitee")
    leaver = _join(browser, base, links["person01@northwind.test"], "Another invitee")

    # The invitee's first weekly check-in: two plans, one done.
    mine = invitee.page
    invitee.click(mine.get_by_role("link", name="Weekly", exact=True))
    mine.wait_for_url(re.compile(r"/weekly/[0-9a-f-]{36}/\d{4}-W\d{2}/$"))
    for text in ("Ship the new sign-up page", "Interview three customers"):
        invitee.fill(mine.get_by_label("Add to Plans"), text)
        invitee.press(mine.get_by_label("Add to Plans"), "Enter")
        mine.locator(".weekly-column--plans .weekly-item__text", has_text=text).wait_for()
        mine.wait_for_function("document.activeElement?.id === 'add-plans-text'")
    invitee.click(mine.get_by_role("button", name=re.compile(r"^Done\W+Interview three")))
    mine.locator(".weekly-column--progress .weekly-item__text", has_text="Interview").wait_for()

    # 5. The admin deactivates the other invitee.
    admin.visit(f"{base}/settings/people/")
    admin.click(page.get_by_role("button", name="Deactivate Person 01"))
    page.get_by_text("Person 01 is deactivated").wait_for()
    elapsed = time.monotonic() - started

    # What the database holds now.
    organization = Organization.objects.get()
    assert organization.name == "Northwind"
    people = {p.email: p for p in Person.objects.filter(organization=organization)}
    assert sorted(people) == [
        "nadia@northwind.test",
        "person00@northwind.test",
        "person01@northwind.test",
    ]
    assert people["nadia@northwind.test"].role == "admin"
    joined = people["person00@northwind.test"]
    assert (joined.name, joined.role, joined.is_active) == ("Person 00", "member", True)
    assert list(Membership.objects.filter(person=joined).values_list("unit__name", "role")) == [
        ("Web", "member")
    ]
    assert not people["person01@northwind.test"].is_active
    items = Item.objects.filter(update__person=joined)
    assert sorted(items.values_list("text", "category__slug")) == [
        ("Interview three customers", "progress"),
        ("Ship the new sign-up page", "plans"),
    ]
    assert not audit.found, audit.report()

    with capsys.disabled():
        print(f"\nFrom an empty install to a working organization ({elapsed:.1f} s in Chromium):")
        for actor in (admin, invitee, leaver):
            print(f"  {actor.summary()}")
    # A ceiling, so the flow cannot quietly grow: 6 setup fields and a button, 6 units of 3-4
    # steps, 4 to invite, 2 to deactivate, 2 addresses.
    assert admin.interactions <= 40, admin.summary()
    assert invitee.interactions <= 10, invitee.summary()
