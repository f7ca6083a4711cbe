"""The team report page (a team, a department's aggregate) and its query count."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cadence.orgs.selectors import company_unit
from cadence.weekly import services
from tests import factories as f

LABEL = "2026-W47"
WEEK = date(2026, 11, 16)


def report_url(unit, **query):
    query.setdefault("week", LABEL)
    return (
        reverse("team_report", args=[unit.pk])
        + "?"
        + "&".join(f"{k}={v}" for k, v in query.items())
    )


@pytest.fixture
def people(org, team, member):
    other = f.make_person(org, name="Omar Other")
    idle = f.make_person(org, name="Ida Idle")
    f.join(team, other)
    f.join(team, idle)
    return member, other, idle


@pytest.fixture
def filled(people, objective):
    member, other, _ = people
    a = services.item_create(
        actor=member,
        person=member,
        week=WEEK,
        category="plans",
        text="Plan linked",
        objective=objective,
    )
    services.item_create(actor=member, person=member, week=WEEK, category="plans", text="Plan open")
    services.item_move(actor=member, item=a, category="progress")
    services.item_create(
        actor=other, person=other, week=WEEK, category="problems", text="Blocked on API"
    )
    return people


def test_report_numbers_and_missing(client, member, team, filled):
    client.force_login(member)
    html = client.get(report_url(team)).content.decode()
    assert "50%" in html  # one of two plans done; one of two plans linked
    assert "1 of 2 plans" in html
    assert "Ida Idle" in html and "not updated yet" in html
    assert "Plan linked" in html and "Blocked on API" in html
    assert "?week=2026-W46&amp;group=person" in html and "?week=2026-W48&amp;group=person" in html


@pytest.mark.parametrize("group", ["person", "category", "objective"])
def test_report_groupings(client, member, team, filled, objective, group):
    client.force_login(member)
    html = client.get(report_url(team, group=group)).content.decode()
    assert f'group={group}" aria-current="page"' in html
    assert "Plan open" in html and "Blocked on API" in html
    if group == "objective":
        assert objective.title in html and "Not linked to an OKR" in html


def test_bad_week_is_404(client, member, team):
    client.force_login(member)
    assert client.get(report_url(team, week="2026-W99")).status_code == 404
    assert client.get(report_url(team, week="soon")).status_code == 404


def test_default_week_is_this_week(client, member, team):
    client.force_login(member)
    assert client.get(reverse("team_report", args=[team.pk])).status_code == 200


def test_department_and_company_aggregate_their_teams(client, org, admin, member, team, filled):
    client.force_login(admin)
    html = client.get(report_url(company_unit(org))).content.decode()
    assert "Teams" in html and team.name in html
    assert "Plan linked" in html and "50%" in html


def test_unit_page_links_the_report(client, member, team):
    client.force_login(member)
    html = client.get(reverse("unit_detail", args=[team.pk])).content.decode()
    assert reverse("team_report", args=[team.pk]) in html
    assert reverse("team_meeting", args=[team.pk]) in html


def _grow(org, team, objective, n, start=0):
    for i in range(start, start + n):
        person = f.make_person(org, name=f"Person {i:03d}")
        f.join(team, person)
        a = services.item_create(
            actor=person,
            person=person,
            week=WEEK,
            category="plans",
            text=f"Plan {i}",
            objective=objective,
        )
        services.item_create(
            actor=person, person=person, week=WEEK, category="problems", text=f"P {i}"
        )
        services.item_move(actor=person, item=a, category="progress")


@pytest.mark.parametrize("group", ["person", "category", "objective"])
def test_report_queries_do_not_grow_with_members(client, org, admin, team, objective, group):
    client.force_login(admin)
    dept = f.make_unit(org, "Dept", kind="department")
    url = report_url(team, group=group)
    _grow(org, team, objective, 3)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _grow(org, team, objective, 27, start=3)
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    assert len(large) == len(small), f"{len(small)} queries at 3 members, {len(large)} at 30"
    assert client.get(report_url(dept)).status_code == 200


def test_company_report_queries_do_not_grow(client, org, admin, team, objective):
    client.force_login(admin)
    url = report_url(company_unit(org))
    _grow(org, team, objective, 3)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    second = f.make_unit(org, "Second team")
    _grow(org, second, objective, 27, start=3)
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(large) == len(small)


@pytest.mark.parametrize("group", ["category", "objective", "person"])
def test_the_done_plan_and_only_it_is_marked_done(client, member, team, filled, group):
    client.force_login(member)
    html = client.get(report_url(team, group=group)).content.decode()
    assert html.count("Done plan: </span>") == 1
    done = html.index("Done plan: </span>")
    assert html[done : done + 40].startswith("Done plan: </span>Plan linked")
    assert html.count("report-item--done") == 1


def test_people_who_left_keep_the_weeks_they_wrote(client, org, admin, member, team, filled):
    """Omar wrote in week 47 and then left: that week's report still shows his update, under
    his name marked as left (his own weekly page is closed, so no link); a week he did not write
    does not count him, not even as missing."""
    from cadence.orgs import person_services

    _, other, idle = filled
    person_services.person_deactivate(actor=admin, person=other)
    person_services.person_deactivate(actor=admin, person=idle)
    client.force_login(member)
    html = client.get(report_url(team, group="person")).content.decode()
    assert "Blocked on API" in html
    assert 'Omar Other <span class="badge">Left</span>' in html
    assert reverse("weekly_update", args=[other.pk, LABEL]) not in html
    assert "Ida Idle" not in html  # left without writing that week: not missing either
    later = client.get(report_url(team, week="2026-W48", group="person")).content.decode()
    assert "Omar Other" not in later
