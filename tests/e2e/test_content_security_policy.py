"""The Content Security Policy in a real browser: pages that lean on scripts (htmx swaps, the
coach as people type in the wizard, the API docs, the two-factor QR code, the print button)
work under it, and the browser reports no violation on any of them."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from cadence.coach.examples import FUNCTIONS
from tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Every violation the browser reports, kept on the window for the test to read.
WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


def test_script_heavy_pages_work_under_the_policy(browser, live_server):
    org, admin = f.make_org("Policy")
    team = f.make_unit(org, "Growth")
    f.join(team, admin, role="lead")
    today = timezone.localdate()
    cycle = f.make_cycle(
        admin, name="This quarter", start=today - timedelta(days=20), end=today + timedelta(days=70)
    )
    objective = f.make_objective(admin, cycle, team, title="Visitors become customers")
    f.make_kr(admin, objective, title="Raise signups from 200 to 300 a month")

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(WATCH)
    page = context.new_page()
    page.set_default_timeout(10_000)
    violations: dict[str, list] = {}

    def seen(name: str) -> None:
        violations[name] = page.evaluate("() => window.__csp")

    response = page.goto(f"{live_server.url}/login/")
    policy = response.headers["content-security-policy"]
    assert (
        "script-src 'self'" in policy
        and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    )
    page.get_by_label("Email").fill(admin.email)
    page.get_by_label("Password").fill(f.PASSWORD)
    page.get_by_role("button", name=re.compile("log in", re.I)).click()
    page.wait_for_url(f"{live_server.url}/")
    seen("dashboard")

    # The wizard's live coach posts plain values (no script evaluated): findings appear.
    function = FUNCTIONS[0].slug
    page.goto(f"{live_server.url}/cycles/{cycle.id}/wizard/{function}/0/?unit={team.id}")
    title = page.locator(".wizard-live input").first
    title.fill("Increase revenue by 20%")
    page.locator('#wizard-objective-findings li[data-check="obj-has-metric"]').wait_for()
    first_kr = page.locator("fieldset.wizard-row").first
    first_kr.locator("input[name$='-title']").fill("Launch the new website")
    page.locator('[id^="wizard-kr-0-findings"] li[data-check="kr-output-verb"]').wait_for()
    seen("wizard")

    # The API docs (Swagger UI from its own files) render the operations.
    page.goto(f"{live_server.url}/api/v1/docs")
    page.locator(".opblock").first.wait_for()
    seen("API docs")

    # Two-factor set-up shows its QR code (a data: image).
    page.goto(f"{live_server.url}/accounts/2fa/totp/activate/")
    if page.get_by_label(re.compile("password", re.I)).count():  # allauth asks again first
        page.get_by_label(re.compile("password", re.I)).first.fill(f.PASSWORD)
        page.get_by_role("button", name=re.compile("confirm|continue|reauth", re.I)).click()
    qr = page.locator("img[src^='data:']").first
    qr.wait_for()
    assert page.evaluate("(img) => img.naturalWidth > 0", qr.element_handle())
    seen("two-factor set-up")

    # The watch itself sees a violation when there is one: an inline script is refused.
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.x = 1';"
        " document.body.appendChild(s); }"
    )
    page.wait_for_function("() => window.__csp.length > 0")
    assert page.evaluate("() => window.x") is None
    context.close()

    assert all(not found for found in violations.values()), violations
