"""Accessibility: axe-core over the main pages of the demo organization, as its admin, a team
member and a viewer, at desktop (1280 px) and phone (375 px) width.

axe-core is vendored for the tests only (tests/e2e/vendor/README.md); Playwright adds it to every
page of the browser context, and it runs once the page has loaded and htmx has settled. Every
rule axe enables by default runs (WCAG 2.0–2.2 A and AA, best practices); any violation fails
the test, listed by page, width, rule, impact and the elements found, so one run shows
everything that needs fixing. Results axe cannot decide ("incomplete", e.g. contrast over an
image) are not failures.

The demo is loaded inside the test (a live server needs committed data, so the shared `demo`
fixture cannot be used), and every page is checked in this one test so that it loads once.
"""

import re
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.test import override_settings
from django.utils import timezone

from cadence.coach.examples import FUNCTIONS
from cadence.demo import content
from cadence.demo.loader import load_demo, quarter_of
from cadence.ideas import services as ideas_services
from cadence.ideas.models import Idea, Round
from cadence.integrations import services as integration_services
from cadence.kpis.models import Kpi
from cadence.okrs.models import Cycle, Objective
from cadence.oneonones.models import Pair
from cadence.orgs.models import Person, Unit
from cadence.scheduling import subscriber_services
from cadence.weekly.models import Item
from cadence.weekly.weeks import format_week

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
WIDTHS = ({"width": 1280, "height": 900}, {"width": 375, "height": 812})
MEMBER_EMAIL = "lena.okafor@example.com"  # a member of the Product team
VIEWER_EMAIL = "helen.park@example.com"

AXE_RUN = "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
# htmx work still going on: a request in flight, or new content being swapped in and settled.
HTMX_BUSY = ".htmx-request, .htmx-swapping, .htmx-settling, .htmx-added"


def _pages(organization) -> dict[str, list[tuple[str, str]]]:
    """(name, path) of the pages each login visits."""
    start, _ = quarter_of(timezone.localdate())
    current = Cycle.objects.get(organization=organization, start=start, kind="quarter")
    previous = Cycle.objects.get(organization=organization, end__lt=start, kind="quarter")
    product = Unit.objects.get(organization=organization, name="Product")
    department = Unit.objects.get(organization=organization, name="Product & Engineering")
    lena = Person.objects.get(organization=organization, email=MEMBER_EMAIL)
    objective = Objective.objects.filter(cycle=current, unit=product, state="approved").earliest(
        "created_at"
    )
    company_objective = Objective.objects.filter(cycle=current, unit__parent=None).earliest(
        "created_at"
    )
    kpi = Kpi.objects.filter(organization=organization).earliest("created_at")
    key_result = objective.key_results.earliest("created_at")
    function = FUNCTIONS[0].slug
    board_member = subscriber_services.subscriber_add(
        actor=Person.objects.filter(organization=organization, role="admin").earliest("created_at"),
        email="board.member@investor.example",
        what="company_summary",
    )
    first_admin = Person.objects.filter(organization=organization, role="admin").earliest(
        "created_at"
    )
    with override_settings(ALLOW_PRIVATE_OUTBOUND=True):  # an address inside the network
        webhook, _ = integration_services.webhook_create(
            actor=first_admin,
            url="http://10.20.0.5/hooks/cadence",
            events=["check_in.created", "cycle.closed"],
        )
    integration_services.webhook_test(actor=first_admin, endpoint=webhook)  # a row in its log
    # The demo's ideas round is closed: an open one too, with an idea, so its forms are checked.
    finished = Round.objects.get(organization=organization)
    undecided = Idea.objects.filter(round=finished, state="open").earliest("created_at")
    today = timezone.localdate()
    open_round = ideas_services.ideas_round_open(
        actor=first_admin,
        unit=company_objective.unit,
        cycle=finished.cycle,
        opens_on=today,
        closes_on=min(today + timedelta(days=6), finished.cycle.end),
    )
    ideas_services.idea_add(
        actor=lena,
        prompt=open_round.prompts.first(),
        title="Write decisions where all can see",
    )
    one_on_one = Pair.objects.get(organization=organization)
    held = one_on_one.meetings.earliest("at")
    admin = [
        ("dashboard", "/"),
        ("1:1s (none of an admin's own)", "/one-on-ones/"),
        ("cycles", "/cycles/"),
        ("alignment tree", f"/cycles/{current.pk}/tree/"),
        ("results of the closed cycle", f"/cycles/{previous.pk}/results/"),
        ("results of the current cycle (preview)", f"/cycles/{current.pk}/results/"),
        ("objective page", f"/objectives/{objective.pk}/"),
        ("company objective page", f"/objectives/{company_objective.pk}/"),
        ("new objective form", f"/objectives/new/?unit={product.pk}&cycle={current.pk}"),
        ("objective edit form", f"/objectives/{objective.pk}/edit/"),
        ("new key-result form", f"/objectives/{objective.pk}/key-results/new/"),
        ("weekly, mine", "/weekly/"),
        ("team weekly report", f"/teams/{product.pk}/weekly/"),
        ("team meeting", f"/teams/{product.pk}/meeting/"),
        ("team meeting on a screen", f"/teams/{product.pk}/meeting/present/"),
        ("team meeting on a screen, a key result", f"/teams/{product.pk}/meeting/present/?slide=2"),
        ("team meeting on a screen, the plans", f"/teams/{product.pk}/meeting/present/?slide=99"),
        ("feed", "/feed/"),
        ("learnings", "/learnings/"),
        ("KPIs", "/kpis/"),
        ("a KPI", f"/kpis/{kpi.pk}/"),
        ("a KPI's data source", f"/kpis/{kpi.pk}/source/"),
        ("a key result's data source", f"/key-results/{key_result.pk}/source/"),
        ("search", "/search/?q=onboarding"),
        ("approvals", "/approvals/"),
        ("notifications", "/notifications/"),
        ("settings", "/settings/"),
        ("organization settings, with its archive's download", "/settings/organization/"),
        ("rollout: the mode and the checklist", "/settings/rollout/"),
        ("email settings", "/settings/notifications/"),
        ("coach settings", "/settings/coach/"),
        ("weekly categories", "/settings/weekly-categories/"),
        ("team settings", f"/teams/{product.pk}/settings/"),
        ("API tokens", "/settings/tokens/"),
        ("teams and departments", "/settings/units/"),
        ("unit settings", f"/settings/units/{product.pk}/"),
        ("audit trail", "/settings/audit/"),
        ("external subscribers", "/settings/subscribers/"),
        ("integrations", "/settings/integrations/"),
        ("calendar feeds", "/calendars/"),
        ("a webhook's delivery log", f"/settings/integrations/webhooks/{webhook.pk}/"),
        ("import OKRs", "/import/okrs/"),
        ("unsubscribe page", f"/unsubscribe/{board_member.token}/"),
        ("sign-in security", "/settings/security/"),
        ("single sign-on settings", "/settings/sso/"),
        ("two-factor authentication", "/accounts/2fa/"),
        ("password change", "/accounts/password/change/"),
        ("unit page", f"/units/{product.pk}/"),
        ("review hub", f"/cycles/{current.pk}/review/"),
        ("mid-cycle review", f"/cycles/{current.pk}/reviews/mid-cycle/"),
        ("retrospective", f"/cycles/{previous.pk}/units/{product.pk}/retrospective/"),
        ("department review", f"/cycles/{previous.pk}/units/{department.pk}/department-review/"),
        ("company review", f"/cycles/{previous.pk}/company-review/"),
        ("next cycle", f"/cycles/{previous.pk}/next/"),
        ("dependencies", f"/cycles/{current.pk}/dependencies/"),
        ("coach guide", "/coach/"),
        ("coach quality", f"/cycles/{current.pk}/quality/"),
        ("wizard", f"/cycles/{current.pk}/wizard/"),
        ("wizard, one function", f"/cycles/{current.pk}/wizard/{function}/"),
        ("wizard, adapting an example", f"/cycles/{current.pk}/wizard/{function}/0/"),
        ("ideas rounds", "/ideas/"),
        ("open an ideas round", "/ideas/new/"),
        ("a finished ideas round", f"/ideas/rounds/{finished.pk}/"),
        ("an open ideas round", f"/ideas/rounds/{open_round.pk}/"),
        ("an open ideas round, newest first", f"/ideas/rounds/{open_round.pk}/?sort=newest"),
        ("promote an idea", f"/ideas/{undecided.pk}/promote/"),
    ]
    member = [
        ("dashboard", "/"),
        ("weekly, mine", "/weekly/"),
        ("team meeting", f"/teams/{product.pk}/meeting/"),
        ("team meeting on a screen, a key result", f"/teams/{product.pk}/meeting/present/?slide=2"),
        ("objective page", f"/objectives/{objective.pk}/"),
        ("approvals", "/approvals/"),
        ("notifications", "/notifications/"),
        ("an open ideas round", f"/ideas/rounds/{open_round.pk}/"),
        ("a finished ideas round", f"/ideas/rounds/{finished.pk}/"),
        ("1:1s", "/one-on-ones/"),
        ("a 1:1: the next meeting and its agenda", f"/one-on-ones/{one_on_one.pk}/"),
        (
            "a 1:1 held, with its notes and action items",
            f"/one-on-ones/{one_on_one.pk}/meetings/{held.pk}/",
        ),
    ]
    viewer = [
        ("dashboard", "/"),
        ("alignment tree", f"/cycles/{current.pk}/tree/"),
        ("team meeting on a screen", f"/teams/{product.pk}/meeting/present/"),
        ("objective page", f"/objectives/{objective.pk}/"),
        ("weekly, a team member's", f"/weekly/{lena.pk}/{_this_week()}/"),
        ("results of the closed cycle", f"/cycles/{previous.pk}/results/"),
        ("ideas rounds", "/ideas/"),
        ("an open ideas round", f"/ideas/rounds/{open_round.pk}/"),
    ]
    # Last week, closed, with the demo's late progress ("late" badges, the closed-week note).
    late = Item.objects.filter(organization=organization, late=True).select_related("update")
    for item in late[:1]:  # none only when the demo loaded within the hour after the deadline
        week = f"/weekly/{item.update.person_id}/{format_week(item.update.week)}/"
        admin.append(("weekly, a closed week with late progress", week))
    return {"admin": admin, "member": member, "viewer": viewer}


def _this_week() -> str:
    from cadence.weekly.weeks import format_week, monday_of

    return format_week(monday_of(timezone.localdate()))


class Audit:
    """Runs axe on the page at each width and collects what it finds, readably."""

    def __init__(self):
        self.found: list[str] = []
        self.checked: list[str] = []

    def check(self, page, name: str) -> None:
        page.wait_for_function(f"() => !document.querySelector({HTMX_BUSY!r})")
        if not page.evaluate("() => typeof window.axe === 'object'"):  # (a page not navigated to)
            page.add_script_tag(path=str(AXE))
        for size in WIDTHS:
            page.set_viewport_size(size)
            where = f"{name} at {size['width']} px ({page.url})"
            self.checked.append(where)
            for violation in page.evaluate(AXE_RUN):
                self.found.append(_describe(violation, where))
        page.set_viewport_size(WIDTHS[0])

    def report(self) -> str:
        return (
            f"{len(self.found)} accessibility violation(s) on {len(self.checked)} page checks:\n\n"
            + "\n".join(self.found)
        )


def _context(browser):
    """A browser context whose every page has axe loaded (sent once, not once per page)."""
    context = browser.new_context(viewport=WIDTHS[0])
    context.add_init_script(path=str(AXE))
    return context


def _describe(violation: dict, where: str) -> str:
    targets = [" ".join(map(str, node["target"])) for node in violation["nodes"]]
    shown = "".join(f"    {target}\n" for target in targets[:10])
    more = f"    … and {len(targets) - 10} more\n" if len(targets) > 10 else ""
    return (
        f"{where}\n  {violation['id']} ({violation['impact']}): {violation['help']}"
        f" — {violation['helpUrl']}\n{shown}{more}"
    )


def _log_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(content.DEMO_PASSWORD)
    page.get_by_role("button", name=re.compile("log in|sign in", re.I)).click()
    page.wait_for_url(f"{base}/")


def _visit(page, base: str, path: str, name: str) -> None:
    response = page.goto(f"{base}{path}")
    assert response is not None, f"{name}: no answer from {path}"
    assert response.ok, f"{name}: {path} answered {response.status}"


def test_axe_finds_no_violations_on_the_main_pages(browser, live_server, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    organization = load_demo(today=timezone.localdate())
    pages = _pages(organization)
    logins = {"admin": content.ADMIN_EMAIL, "member": MEMBER_EMAIL, "viewer": VIEWER_EMAIL}
    base = live_server.url
    audit = Audit()

    for role, visits in pages.items():
        context = _context(browser)
        page = context.new_page()
        page.set_default_timeout(15_000)
        if role == "admin":
            page.goto(f"{base}/login/")
            audit.check(page, "login page")
            page.goto(f"{base}/login/sso/")
            audit.check(page, "single sign-on start")
            _visit(page, base, "/accounts/password/reset/", "password reset")
            audit.check(page, "password reset page")
        _log_in(page, base, logins[role])
        for name, path in visits:
            _visit(page, base, path, name)
            audit.check(page, f"{name}, as {role}")

        if role == "admin":
            # A form answered with its errors, and the inline check-in opened on the dashboard.
            product = Unit.objects.get(organization=organization, name="Product")
            _visit(page, base, f"/objectives/new/?unit={product.pk}", "new objective form")
            page.get_by_role("button", name="Create objective").click()
            page.locator("[aria-invalid=true]").first.wait_for()
            audit.check(page, "new objective form with errors, as admin")
            _visit(page, base, "/", "dashboard")
            page.get_by_role("link", name=re.compile("^Check in on ")).first.click()
            page.get_by_label("New value").wait_for()
            audit.check(page, "dashboard with the inline check-in open, as admin")
            response = page.goto(f"{base}/objectives/{uuid.uuid4()}/")
            assert response is not None and response.status == 404
            audit.check(page, "page not found, as admin")
            # Two-factor set-up: the password asked again, then the authenticator app's page.
            _visit(page, base, "/accounts/2fa/totp/activate/", "two-factor set-up")
            page.get_by_label("Password").wait_for()
            audit.check(page, "password asked again, as admin")
            page.get_by_label("Password").fill(content.DEMO_PASSWORD)
            page.get_by_role("button", name=re.compile("confirm", re.I)).click()
            page.get_by_label("Authenticator code").wait_for()
            audit.check(page, "two-factor set-up, as admin")
        context.close()

    assert len(audit.checked) == 2 * (3 + sum(map(len, pages.values())) + 5)
    if audit.found:
        pytest.fail(audit.report(), pytrace=False)


def test_the_audit_reports_what_axe_finds(browser):
    """The check above can fail: a page with an unlabelled image and field is reported."""
    context = _context(browser)
    page = context.new_page()
    page.set_content(
        '<html lang="en"><head><title>t</title></head><body><main><h1>Form</h1>'
        '<img src="data:," id="picture"><input id="nameless"></main></body></html>'
    )
    audit = Audit()
    audit.check(page, "a broken page")
    context.close()
    report = audit.report()
    assert len(audit.found) == 4, report  # two rules, two widths
    assert "a broken page at 375 px" in report
    assert "image-alt (critical)" in report and "#picture" in report
    assert "label (critical)" in report and "#nameless" in report
