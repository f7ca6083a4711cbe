"""The weekly meeting on a screen in a real browser: open it from the meeting page, move through
the slides with the keyboard (forward and back), type notes that are saved to the meeting and
kept across slides, watch the timer run over, go full screen, and leave with Escape. The
browser reports no Content Security Policy violation. With CADENCE_SCREENSHOTS=<dir> it also
saves screenshots at 1920×1080 (a TV) and 390 pixels wide (a phone)."""

import os
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from cadence.meetings.models import MeetingNote
from cadence.okrs import services as okr_services
from cadence.okrs.models import KeyResult
from cadence.weekly import services as weekly_services
from tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("CADENCE_SCREENSHOTS")

WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


def _shoot(page, name, widths=((1920, 1080), (390, 844))):
    if not SHOTS:
        return
    os.makedirs(SHOTS, exist_ok=True)
    size = page.viewport_size
    for width, height in widths:
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=os.path.join(SHOTS, f"present-{name}-{width}.png"), full_page=True)
    page.set_viewport_size(size)


def _world():
    org, admin = f.make_org("Screen")
    team = f.make_unit(org, "Growth")
    lead = f.make_person(org, name="Lea Lead")
    f.join(team, lead, role="lead")
    colleague = f.make_person(org, name="Cleo Colleague")
    f.join(team, colleague)
    today = timezone.localdate()
    cycle = f.make_cycle(
        admin, name="This quarter", start=today - timedelta(days=50), end=today + timedelta(days=40)
    )
    objective = f.make_objective(lead, cycle, team, title="Visitors become customers")
    signups = f.make_kr(
        lead, objective, title="Raise signups from 200 to 300 a month", start=200, target=300
    )
    trials = f.make_kr(
        lead, objective, title="Trial to paid from 8% to 15%", start=8, target=15, unit="%"
    )
    second = f.make_objective(lead, cycle, team, title="Pricing people understand")
    calls = f.make_kr(
        lead, second, title="Sales calls about pricing down to 10 a week", start=40, target=10
    )
    now = timezone.now()
    KeyResult.objects.filter(pk__in=[signups.pk, trials.pk, calls.pk]).update(
        created_at=now - timedelta(days=50)
    )
    series = {
        signups: [(42, 205), (35, 214), (28, 226), (21, 231), (14, 240), (7, 251), (0, 262)],
        trials: [(35, 8.2), (21, 8.9), (7, 9.1), (0, 9.4)],
        calls: [(28, 38), (14, 30), (0, 24)],
    }
    confidence = {signups: "on_track", trials: "at_risk", calls: "on_track"}
    for kr, points in series.items():
        for days, value in points:
            okr_services.check_in_create(
                actor=lead,
                key_result=kr,
                value=value,
                confidence=confidence[kr],
                at=now - timedelta(days=days, hours=1),
                note="The pricing page test is live" if kr == signups and days == 0 else "",
            )
    last_week = today - timedelta(days=7)
    for person, week, category, text in (
        (lead, last_week, "progress", "Shipped the new signup form"),
        (colleague, last_week, "progress", "Ran five customer interviews"),
        (colleague, last_week, "problems", "The trial emails land in spam"),
        (lead, today, "plans", "Test the annual plan price"),
        (colleague, today, "plans", "Fix the email sender domain"),
        (colleague, today, "plans", "Write up the interviews"),
    ):
        weekly_services.item_create(
            actor=person, person=person, week=week, category=category, text=text
        )
    return team, lead


def _heading(page) -> str:
    return page.locator("section.slide:not([hidden]) h2").inner_text()


def test_the_meeting_on_a_screen_with_the_keyboard(browser, live_server):
    team, lead = _world()
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    context.add_init_script(WATCH)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.clock.install()

    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Email").fill(lead.email)
    page.get_by_label("Password").fill(f.PASSWORD)
    page.get_by_role("button", name=re.compile("log in|sign in", re.I)).click()
    page.wait_for_url(f"{live_server.url}/")

    # From the meeting page to the presentation.
    page.goto(f"{live_server.url}/teams/{team.pk}/meeting/")
    page.get_by_role("link", name="Present on a screen").click()
    page.wait_for_url(re.compile(r"/meeting/present/\?week=\d{4}-W\d{2}$"))
    assert _heading(page) == "Where our key results stand"
    # The timer is running: fifteen minutes, counting down.
    clock = page.locator("[data-timer-clock]")
    assert re.fullmatch(r"1[45]:\d\d", clock.inner_text())
    assert page.locator("[data-timer-label]").text_content() == "Time left"
    _shoot(page, "overview")

    # Forward with →, Page Down and the space bar; the address follows.
    page.keyboard.press("ArrowRight")
    assert _heading(page) == "Raise signups from 200 to 300 a month"
    assert page.url.endswith("&slide=2")
    slide = page.locator("section.slide:not([hidden])")
    assert "Key result 1 of 3" in slide.text_content()
    assert slide.locator("svg.chart__svg").is_visible()
    assert "On course to reach" in slide.inner_text()
    _shoot(page, "key-result")
    page.keyboard.press("PageDown")
    assert _heading(page) == "Trial to paid from 8% to 15%"
    page.keyboard.press(" ")
    assert _heading(page) == "Sales calls about pricing down to 10 a week"
    page.keyboard.press("ArrowRight")
    assert _heading(page) == "What we learned last week"
    assert (
        "The trial emails land in spam" in page.locator("section.slide:not([hidden])").inner_text()
    )
    _shoot(page, "learned")
    # And back with ← and Page Up.
    page.keyboard.press("ArrowLeft")
    assert _heading(page) == "Sales calls about pricing down to 10 a week"
    page.keyboard.press("PageUp")
    assert _heading(page) == "Trial to paid from 8% to 15%"
    assert page.url.endswith("&slide=3")
    assert page.locator("[data-count-now]").inner_text() == "3"

    # Notes typed during the meeting are saved to it as they are typed.
    notes = page.get_by_label(re.compile("Meeting notes of"))
    notes.click()
    notes.type("Trials: Cleo fixes the sender domain.")
    page.clock.run_for(1500)
    status = page.locator("[data-notes-status]")
    page.wait_for_function(
        "() => document.querySelector('[data-notes-status]').textContent.startsWith('Notes saved')"
    )
    assert MeetingNote.objects.get(unit=team).text == "Trials: Cleo fixes the sender domain."
    # Typing on and moving at once: the move saves them, and they stay in the box.
    notes.press("End")
    notes.type("\nPricing: Lea tests the annual plan.")
    notes.press("Escape")  # stop typing: the keys move the slides again
    page.keyboard.press("ArrowRight")
    assert _heading(page) == "Sales calls about pricing down to 10 a week"
    page.wait_for_function(
        "() => document.querySelector('[data-notes-status]').textContent.startsWith('Notes saved')"
    )
    expected = "Trials: Cleo fixes the sender domain.\nPricing: Lea tests the annual plan."
    assert MeetingNote.objects.get(unit=team).text.replace("\r\n", "\n") == expected
    assert notes.input_value() == expected
    assert status.is_visible()
    _shoot(page, "notes")

    # Fifteen minutes later: over time, in a warning colour and in words.
    page.clock.fast_forward("16:00")
    page.wait_for_function(
        "() => document.querySelector('[data-timer-label]').textContent === 'Over time'"
    )
    assert re.fullmatch(r"\+0[01]:\d\d", clock.inner_text())
    assert "present__timer--over" in page.locator("[data-timer]").get_attribute("class")
    _shoot(page, "over-time", widths=((1920, 1080),))

    # A reload (or a link shared) opens the same slide, the notes saved, the timer going on.
    page.reload()
    assert _heading(page) == "Sales calls about pricing down to 10 a week"
    assert page.get_by_label(re.compile("Meeting notes of")).input_value() == expected
    assert page.locator("[data-timer-label]").text_content() == "Over time"

    # Full screen on the button; then Escape (out of full screen) leaves for the meeting page.
    page.get_by_role("button", name="Full screen").click()
    page.wait_for_function("() => document.fullscreenElement !== null")
    assert page.get_by_role("button", name="Exit full screen").is_visible()
    page.evaluate("() => document.exitFullscreen()")
    page.wait_for_function("() => document.fullscreenElement === null")
    assert page.evaluate("() => window.__csp") == []
    page.locator("#slides").focus()
    page.keyboard.press("Escape")
    page.wait_for_url(re.compile(rf"/teams/{team.pk}/meeting/\?week="))
    assert "Pricing: Lea tests the annual plan." in page.content()
    context.close()
