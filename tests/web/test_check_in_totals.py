"""After an inline check-in every figure of the page that it changed is swapped in place (htmx
out-of-band): on the dashboard the objective and those above it, the team's header and the
organization overview; on a unit page its progress; on the objective page the parent's progress
and the coach. Each fragment is exactly what a reload shows, and only elements the page holds
are sent. Reported confidence and computed pace are two named statuses, never one chip."""

import pytest
from django.urls import reverse

from cadence.okrs import services as okr_services
from cadence.okrs.models import CheckIn
from tests import factories as f
from tests.web.conftest import HTMX
from tests.web.html_parts import comparable, element, oob_ids


@pytest.fixture
def sales(org, admin, cycle):
    """Another department and team, so the overview has more than one row."""
    gtm = f.make_unit(org, "Go-to-market", kind="department")
    team = f.make_unit(org, "Sales", parent=gtm)
    o = f.make_objective(admin, cycle, team, title="Close bigger deals", state="approved")
    kr = f.make_kr(admin, o, title="Deals from 0 to 10", start=0, target=10)
    okr_services.check_in_create(actor=admin, key_result=kr, value=5, confidence="on_track")
    return {"department": gtm, "team": team, "objective": o, "kr": kr}


def check_in(client, kr, next_url, value, confidence="on_track", **extra):
    response = client.post(
        reverse("key_result_check_in", args=[kr.id]),
        {"value": value, "confidence": confidence, "next": next_url, **extra},
        **HTMX,
    )
    assert response.status_code == 200, response.content[:500]
    return response.content.decode()


def assert_in_place(client, page_url: str, answer: str, before: str) -> list[str]:
    """Every out-of-band element of the answer is on the page (htmx has a target for it) and is
    exactly what a reload of the page now shows."""
    ids = [i for i in oob_ids(answer) if i != "live"]
    after = client.get(page_url).content.decode()
    for element_id in ids:
        assert element(before, element_id) is not None, f"#{element_id} is not on {page_url}"
        assert comparable(element(answer, element_id)) == comparable(element(after, element_id)), (
            element_id
        )
    return ids


@pytest.mark.parametrize("with_cycle", [False, True])
def test_dashboard_totals_follow_the_check_in(
    member_client, team, cycle, kr, kr2, objective, company_objective, sales, with_cycle
):
    page = "/" + (f"?cycle={cycle.pk}" if with_cycle else "")
    before = member_client.get(page).content.decode()
    assert '1 objective · <span class="visually-hidden">progress </span>0%' in element(
        before, f"unit-{team.id}-figures"
    )
    answer = check_in(member_client, kr, page, "29", "off_track")  # 13% → 45%, now 29%: 50%
    ids = assert_in_place(member_client, page, answer, before)
    assert set(ids) == {
        f"objective-{objective.id}-progress",
        f"objective-{company_objective.id}-progress",
        f"unit-{team.id}-figures",
        f"due-{cycle.id}",
        "overview",
    }
    # The objective is at 25% (50% and 0%), and so are its team and the company objective.
    assert 'aria-valuenow="25"' in element(answer, f"objective-{objective.id}-progress")
    assert 'aria-valuenow="25"' in element(answer, f"objective-{company_objective.id}-progress")
    assert '1 objective · <span class="visually-hidden">progress </span>25%' in element(
        answer, f"unit-{team.id}-figures"
    )
    overview = element(answer, "overview")
    product_row = overview[overview.index(">Product<") :].split("</li>")[0]
    assert 'aria-valuenow="25"' in product_row and "25%" in product_row
    sales_row = overview[overview.index(">Sales<") :].split("</li>")[0]
    assert 'aria-valuenow="50"' in sales_row  # untouched, and still there


def test_due_now_on_the_dashboard_follows_the_check_in(member_client, team, cycle, kr, kr2):
    before = member_client.get("/").content.decode()
    due = element(before, f"due-{cycle.id}")
    # Neither key result has a check-in this week: Product has two due.
    assert '<span class="count">2</span>' in due
    answer = check_in(member_client, kr, "/", "29")
    assert_in_place(member_client, "/", answer, before)
    assert '<span class="count">1</span>' in element(answer, f"due-{cycle.id}")
    answer = check_in(member_client, kr2, "/", "170")
    assert "Every key result has a check-in this week" in element(answer, f"due-{cycle.id}")


def test_an_admins_due_now_covers_everyone_and_follows_the_check_in(
    client, admin, cycle, company_objective, sales
):
    kr = f.make_kr(admin, company_objective, title="Churn from 10 to 5", start=10, target=5)
    client.force_login(admin)
    before = client.get("/").content.decode()
    # The admin is in no team: "Due now" is the whole organization's (Sales checked in this
    # week already; the company's new key result has not).
    due = element(before, f"due-{cycle.id}")
    assert '<span class="count">1</span>' in due
    answer = check_in(client, kr, "/", "8")
    ids = assert_in_place(client, "/", answer, before)
    assert set(ids) == {f"objective-{company_objective.id}-progress", f"due-{cycle.id}", "overview"}
    assert "Every key result has a check-in this week" in element(answer, f"due-{cycle.id}")


def test_reported_confidence_and_pace_are_two_named_statuses(member_client, kr, kr2):
    # 50% with 58% expected by now: the pace is on track; the person says off track.
    row = element(check_in(member_client, kr, "/", "29", "off_track"), f"kr-{kr.id}")
    assert '<dt>Pace</dt><dd class="kr__pace"><span class="status status--on_track">' in row
    assert (
        '<dt>Reported</dt><dd class="kr__said"><span class="status status--off_track">'
        "Off track</span>" in row
    )
    # The next check-in changes what is reported, and only that.
    row = element(check_in(member_client, kr, "/", "29", "at_risk"), f"kr-{kr.id}")
    assert '<dd class="kr__said"><span class="status status--at_risk">At risk</span>' in row
    assert '<dd class="kr__pace"><span class="status status--on_track">' in row


def test_before_any_check_in_the_row_says_so(member_client, kr):
    html = member_client.get("/").content.decode()
    row = element(html, f"kr-{kr.id}")
    assert '<dt>Reported</dt><dd class="kr__said"><span class="says">no check-in yet</span>' in row


def test_unit_page_progress_follows_the_check_in(
    member_client, team, cycle, kr, kr2, objective, company_objective
):
    page = reverse("unit_detail", args=[team.pk]) + f"?cycle={cycle.pk}"
    before = member_client.get(page).content.decode()
    answer = check_in(member_client, kr, page, "29")
    ids = assert_in_place(member_client, page, answer, before)
    # The company objective is not on the team's page: it is not sent.
    assert set(ids) == {f"objective-{objective.id}-progress", f"unit-{team.id}-progress"}
    assert "<strong>25%</strong>" in element(answer, f"unit-{team.id}-progress")


def test_department_page_updates_its_progress_and_its_teams(client, admin, cycle, sales):
    gtm = sales["department"]
    own = f.make_objective(admin, cycle, gtm, title="Grow the pipeline", state="approved")
    kr = f.make_kr(admin, own, title="Pipeline from 0 to 10", target=10)
    client.force_login(admin)
    page = reverse("unit_detail", args=[gtm.pk]) + f"?cycle={cycle.pk}"
    before = client.get(page).content.decode()
    answer = check_in(client, kr, page, "8")
    ids = assert_in_place(client, page, answer, before)
    assert set(ids) == {
        f"objective-{own.id}-progress",
        f"unit-{gtm.id}-progress",
        f"unit-{gtm.id}-subunits",
    }
    assert "<strong>80%</strong>" in element(answer, f"unit-{gtm.id}-progress")


def test_objective_page_parent_and_coach_follow_the_check_in(
    member_client, kr, kr2, objective, company_objective
):
    page = reverse("objective_detail", args=[objective.pk])
    before = member_client.get(page).content.decode()
    assert "Reported on track" not in element(before, f"objective-{objective.id}-coach")
    # 14 of 13 → 45 is 3% with 58% expected: reported on track, computed off track.
    answer = check_in(member_client, kr, page, "14", "on_track", layout="card")
    ids = assert_in_place(member_client, page, answer, before)
    assert set(ids) == {
        f"objective-{objective.id}-progress",
        f"objective-{objective.id}-parent-progress",
        f"objective-{objective.id}-coach",
        f"objective-{objective.id}-forecast",
    }
    assert "Reported on track" in element(answer, f"objective-{objective.id}-coach")
    card = element(answer, f"kr-{kr.id}")
    assert "You say on track; the numbers say off track." in card
    # Reported back on the right level, the coach's warning goes in place too.
    answer = check_in(member_client, kr, page, "14", "off_track", layout="card")
    assert "Reported on track" not in element(answer, f"objective-{objective.id}-coach")


@pytest.mark.parametrize(
    "next_url",
    [
        "/units/00000000-0000-0000-0000-000000000000/",
        "/?cycle=00000000-0000-0000-0000-000000000000",
        "/?cycle=not-a-cycle",
        "/no/such/page/",
    ],
)
def test_an_unknown_page_still_saves_and_answers(member_client, kr, objective, next_url):
    answer = check_in(member_client, kr, next_url, "29")
    assert answer.lstrip().startswith(f'<li class="kr" id="kr-{kr.id}">')
    assert "overview" not in oob_ids(answer)
    assert CheckIn.objects.filter(key_result=kr).count() == 1


def test_another_organizations_unit_page_gets_nothing_of_it(member_client, kr, outsider):
    other_unit = f.make_unit(outsider.organization, "Their team")
    answer = check_in(member_client, kr, f"/units/{other_unit.pk}/", "29")
    assert other_unit.name not in answer
    assert f"unit-{other_unit.pk}" not in answer
