"""Issue 5's walk, in a real browser on the demo organization, as its admin: the current
quarter's mid-cycle review (a target changed with its reason), the closed previous quarter's
scores, a team retrospective and the company-wide review, then planning the next quarter by
carrying an objective forward and following the link between the two."""

import re
from pathlib import Path

import pytest
from django.utils import timezone

from cadence.demo import content
from cadence.demo.loader import load_demo, quarter_of
from cadence.okrs.models import Cycle, KeyResult, Objective, TargetChange

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/work/screenshots")


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"H-{name}.png"), full_page=True)


@pytest.fixture
def demo(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return load_demo(today=timezone.localdate())


def _spec_title(key: str) -> str:
    return next(o.title for o in content.OBJECTIVES if o.key == key)


def test_from_the_mid_cycle_review_to_planning_the_next_cycle(browser, live_server, demo):
    today = timezone.localdate()
    start, _ = quarter_of(today)
    current = Cycle.objects.get(organization=demo, start=start, kind="quarter")
    previous = Cycle.objects.filter(organization=demo, end__lt=start, kind="quarter").get()
    following = Cycle.objects.filter(organization=demo, start__gt=current.end, kind="quarter").get()
    base = live_server.url

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{base}/login/")
    page.get_by_label("Email").fill(content.ADMIN_EMAIL)
    page.get_by_label("Password").fill(content.DEMO_PASSWORD)
    page.get_by_role("button", name=re.compile("log in|sign in", re.I)).click()
    page.wait_for_url(f"{base}/")

    # 1. The current quarter's mid-cycle review: change a key result's target, with a reason.
    page.get_by_role("link", name="Review hub").click()  # from the dashboard
    page.wait_for_url(f"{base}/cycles/{current.pk}/review/")
    page.get_by_role("link", name="Mid-cycle review").click()
    page.wait_for_url(re.compile(r"/reviews/mid-cycle/"))
    kr_title = "Reach 3,000 downloads of the refreshed customer guide"
    kr = KeyResult.objects.get(objective__cycle=current, title=kr_title)
    block = page.locator(".meeting-kr").filter(has_text=kr_title)
    block.get_by_text("Change target…").click()
    block.get_by_label("New target").fill("2500")
    reason = "The industry newsletter that drove downloads has stopped publishing."
    block.get_by_label("Why does it change?").fill(reason)
    block.get_by_role("button", name="Change target").click()
    page.get_by_text(reason).first.wait_for()
    _shot(page, "walk-1-mid-cycle")
    change = TargetChange.objects.get(key_result=kr)
    assert (change.old_target, change.new_target, change.reason) == (3000, 2500, reason)

    # 2. The previous quarter, closed: its scores and bands.
    page.goto(f"{base}/cycles/{previous.pk}/review/")
    page.get_by_role("link", name="Scores and results").click()
    page.wait_for_url(re.compile(r"/results/"))
    page.get_by_text(_spec_title("prev_qualify")).first.wait_for()
    body = page.locator("main").inner_text()
    assert "Successful" in body  # Marketing's aspirational 0.7
    assert "0.6" in body and "Partial progress" in body  # Sales, adjusted from 0.5
    _shot(page, "walk-2-results")

    # 3. A team retrospective of the previous quarter.
    page.goto(f"{base}/cycles/{previous.pk}/review/")
    page.get_by_role("link", name="Sales retrospective").click()
    page.wait_for_url(re.compile(r"/retrospective/"))
    page.get_by_text("We did not change the habit", exact=False).first.wait_for()
    assert "booking page" in page.content()  # in the form's fields
    _shot(page, "walk-3-retrospective")

    # 4. The company-wide review.
    page.goto(f"{base}/cycles/{previous.pk}/review/")
    page.get_by_role("link", name="Company-wide review").click()
    page.wait_for_url(re.compile(r"/company-review/"))
    page.get_by_text("A quarter of learning that paid off", exact=False).first.wait_for()
    body = page.locator("main").inner_text()
    for team in ("Product", "Engineering", "Marketing", "Sales", "Customer Success", "Finance"):
        assert team in body
    _shot(page, "walk-4-company-review")

    # The previous quarter's next-cycle page shows the objective the demo carried forward.
    page.goto(f"{base}/cycles/{previous.pk}/next/?to={current.pk}")
    row = page.locator(".next-cycle__row").filter(has_text=_spec_title("prev_suppliers"))
    assert row.get_by_role("link", name=re.compile(f"Carried to {current.name}")).is_visible()

    # 5. Plan the next quarter from the current one: carry an objective forward.
    page.goto(f"{base}/cycles/{current.pk}/review/")
    page.get_by_role("link", name="Plan the next cycle").click()
    page.wait_for_url(re.compile(r"/next/"))
    assert page.get_by_label("Carry objectives into").input_value() == str(following.pk)
    title = _spec_title("faster_deals")
    source = Objective.objects.get(cycle=current, title=title)
    row = page.locator(".next-cycle__row").filter(has_text=title)
    row.get_by_role("button", name=re.compile("Carry forward")).click()
    page.get_by_text(f"was carried forward into {following.name}").wait_for()
    _shot(page, "walk-5-next-cycle")
    carried = Objective.objects.get(carried_from=source)
    assert (carried.cycle, carried.state) == (following, "draft")
    row = page.locator(".next-cycle__row").filter(has_text=title)
    row.get_by_role("link", name=re.compile(f"Carried to {following.name}")).click()
    page.wait_for_url(re.compile(rf"/objectives/{carried.pk}/$"))
    page.get_by_text("Carried forward from").wait_for()
    page.get_by_role("link", name=title).first.click()
    page.wait_for_url(re.compile(rf"/objectives/{source.pk}/$"))
    page.get_by_text("Carried forward to").wait_for()
    _shot(page, "walk-6-objective-links")
    context.close()
