"""Phases and what is due now (issue 5 item 1), with explicit dates."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cadence.okrs import selectors as okr_selectors
from cadence.okrs import services as okr_services
from cadence.orgs.selectors import UnitTree, company_unit
from cadence.retrospectives import services as retro_services
from cadence.reviews import selectors
from cadence.scoring import services as scoring_services
from tests import factories as f
from tests.retrospectives.retro_world import approved, retro_kwargs

PLANNING_DAY = date(2026, 9, 20)
ACTIVE_DAY = date(2026, 11, 18)  # a Wednesday: its ISO week starts on Monday 16 November
REVIEW_DAY = date(2026, 12, 25)


def _utc(*args):
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def design(org):
    return f.make_unit(org, "Design")


def test_phase_steps_have_dates_and_mark_the_current_one(cycle):
    steps = selectors.cycle_phases(cycle, ACTIVE_DAY)
    assert [s.key for s in steps] == ["planning", "active", "review", "closed"]
    assert [s.key for s in steps if s.current] == ["active"]
    planning, active, review, closed = steps
    assert (planning.start, planning.end) == (date(2026, 9, 3), date(2026, 9, 30))
    assert (active.start, active.end) == (date(2026, 10, 1), date(2026, 12, 17))
    assert review.start == date(2026, 12, 18)
    assert closed.start is None
    assert [s.key for s in selectors.cycle_phases(cycle, PLANNING_DAY) if s.current] == ["planning"]
    assert [s.key for s in selectors.cycle_phases(cycle, REVIEW_DAY) if s.current] == ["review"]


def test_planning_lists_teams_without_an_approved_objective(org, admin, cycle, team, design):
    f.make_objective(admin, cycle, team, title="Ship the new onboarding", state="approved")
    f.make_objective(admin, cycle, design, title="Redesign the pricing page")  # draft only
    due = selectors.due_now(org, cycle, PLANNING_DAY, viewer=f.ALL)
    assert due.phase == "planning"
    assert [u.name for u in due.teams_without_approved] == ["Design"]
    assert due.count == 1
    assert due.missing_check_ins == [] and due.teams_without_retrospective == []


def test_planning_ignores_the_company_and_approved_objectives_of_other_cycles(
    org, admin, cycle, team
):
    other = f.make_cycle(admin, name="Q1 2027", start=date(2027, 1, 1), end=date(2027, 3, 31))
    f.make_objective(admin, other, team, title="Approved next quarter", state="approved")
    due = selectors.due_now(org, cycle, PLANNING_DAY, viewer=f.ALL)
    assert [u.name for u in due.teams_without_approved] == ["Product"]


def test_active_lists_key_results_without_a_check_in_this_week(
    org, admin, member, cycle, team, design
):
    objective = f.make_objective(admin, cycle, team, title="Ship the new onboarding")
    fresh = f.make_kr(admin, objective, title="Activation from 20 to 40", owner=member)
    last_week = f.make_kr(admin, objective, title="Tickets from 200 to 100", owner=admin)
    never = f.make_kr(admin, objective, title="Signups from 10 to 50")
    okr_services.check_in_create(
        actor=admin, key_result=fresh, value=25, confidence="on_track", at=_utc(2026, 11, 16, 9)
    )
    okr_services.check_in_create(
        actor=admin, key_result=last_week, value=190, confidence="at_risk", at=_utc(2026, 11, 13)
    )
    dropped = f.make_objective(admin, cycle, design, title="Try a new logo")
    f.make_kr(admin, dropped, title="Logo tested with 20 people")
    okr_services.objective_set_state(
        actor=admin, objective=dropped, state="abandoned", reason="Not now"
    )
    due = selectors.due_now(org, cycle, ACTIVE_DAY, viewer=f.ALL)
    assert due.phase == "active"
    assert due.week == date(2026, 11, 16)
    assert [(g.unit.name, [k.title for k in g.key_results]) for g in due.missing_check_ins] == [
        ("Product", ["Tickets from 200 to 100", "Signups from 10 to 50"])
    ]
    owners = [k.owner.name if k.owner else None for k in due.missing_check_ins[0].key_results]
    assert owners == [admin.name, None]
    assert due.count == 2
    assert never.id in {k.id for k in due.missing_check_ins[0].key_results}


def test_the_dashboards_count_read_from_the_unit_figures_is_its_own(
    org, admin, member, cycle, team, design
):
    """The dashboard counts "Due now" in its unit figures' query (``unit_stats``): the same
    units and counts as ``due_now`` reading them itself, and no query of its own."""
    objective = f.make_objective(admin, cycle, team, title="Ship the new onboarding")
    fresh = f.make_kr(admin, objective, title="Activation from 20 to 40", owner=member)
    last_week = f.make_kr(admin, objective, title="Tickets from 200 to 100", owner=admin)
    f.make_kr(admin, objective, title="Signups from 10 to 50")
    okr_services.check_in_create(
        actor=admin, key_result=fresh, value=25, confidence="on_track", at=_utc(2026, 11, 16, 9)
    )
    okr_services.check_in_create(
        actor=admin, key_result=last_week, value=190, confidence="at_risk", at=_utc(2026, 11, 13)
    )
    other = f.make_objective(admin, cycle, design, title="A clearer brand")
    f.make_kr(admin, other, title="Brand recall from 10% to 20%")
    dropped = f.make_objective(admin, cycle, design, title="Try a new logo")
    f.make_kr(admin, dropped, title="Logo tested with 20 people")
    okr_services.objective_set_state(
        actor=admin, objective=dropped, state="abandoned", reason="Not now"
    )
    own = selectors.due_now(org, cycle, ACTIVE_DAY, viewer=f.ALL, compact=True)
    stats = okr_selectors.unit_stats(
        org,
        cycle,
        viewer=f.ALL,
        unchecked_since=selectors.check_in_week_start(org, ACTIVE_DAY),
    )
    units = UnitTree.load(org).units
    with CaptureQueriesContext(connection) as queries:
        read = selectors.due_now(
            org, cycle, ACTIVE_DAY, viewer=f.ALL, compact=True, stats=stats, units=units
        )
        mine = selectors.due_now(
            org,
            cycle,
            ACTIVE_DAY,
            viewer=f.ALL,
            compact=True,
            stats=stats,
            units=units,
            unit_ids={team.id},
        )
    assert len(queries) == 0
    counted = [(g.unit.name, g.count) for g in own.missing_check_ins]
    assert counted == [("Design", 1), ("Product", 2)]
    assert [(g.unit.name, g.count) for g in read.missing_check_ins] == counted
    assert [(g.unit.name, g.count) for g in mine.missing_check_ins] == [("Product", 2)]


def test_active_week_is_the_organizations_local_week(org, admin, cycle, team):
    org.time_zone = "Pacific/Auckland"  # UTC+13 in November
    org.save(update_fields=["time_zone"])
    objective = f.make_objective(admin, cycle, team, title="Ship the new onboarding")
    kr = f.make_kr(admin, objective, title="Activation from 20 to 40")
    # Sunday 15 Nov 20:00 UTC is Monday 16 Nov 09:00 in Auckland: this week there.
    okr_services.check_in_create(
        actor=admin, key_result=kr, value=25, confidence="on_track", at=_utc(2026, 11, 15, 20)
    )
    assert selectors.due_now(org, cycle, ACTIVE_DAY, viewer=f.ALL).missing_check_ins == []
    org.time_zone = "UTC"
    org.save(update_fields=["time_zone"])
    assert selectors.due_now(org, cycle, ACTIVE_DAY, viewer=f.ALL).count == 1


def test_review_lists_teams_without_a_completed_retrospective(org, admin, cycle, team, design):
    f.make_unit(org, "Ops")  # no objectives this cycle: no retrospective expected
    approved(
        admin, cycle, team, "Delight every new customer", commitment="aspirational", progress=80
    )
    approved(admin, cycle, design, "Make pricing clear", commitment="aspirational", progress=80)
    approved(admin, cycle, company_unit(org), "Customers stay with us", progress=100)
    retro_services.retrospective_save(actor=admin, cycle=cycle, unit=team, **retro_kwargs())
    retro_services.retrospective_save(actor=admin, cycle=cycle, unit=design, **retro_kwargs())
    due = selectors.due_now(org, cycle, REVIEW_DAY, viewer=f.ALL)
    assert due.phase == "review"
    assert [u.name for u in due.teams_without_retrospective] == ["Design", "Product"]
    retro_services.retrospective_complete(actor=admin, cycle=cycle, unit=team)
    due = selectors.due_now(org, cycle, REVIEW_DAY, viewer=f.ALL)
    assert [u.name for u in due.teams_without_retrospective] == ["Design"]


def test_nothing_is_due_in_a_closed_cycle(org, admin, cycle, team):
    f.make_objective(admin, cycle, team, title="Ship the new onboarding")
    scoring_services.cycle_close(actor=admin, cycle=cycle)
    cycle.refresh_from_db()
    due = selectors.due_now(org, cycle, ACTIVE_DAY, viewer=f.ALL)
    assert due.phase == "closed"
    assert due.count == 0
    assert selectors.cycle_phases(cycle, ACTIVE_DAY)[-1].current


@pytest.mark.parametrize("day", [PLANNING_DAY, ACTIVE_DAY, REVIEW_DAY])
def test_due_now_queries_do_not_grow(org, admin, cycle, day):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            selectors.due_now(org, cycle, day, viewer=f.ALL)
        return len(ctx.captured_queries)

    def grow(n, start):
        for i in range(start, start + n):
            unit = f.make_unit(org, f"Team {i}")
            objective = f.make_objective(admin, cycle, unit, title=f"Objective {i}")
            f.make_kr(admin, objective, title=f"Key result {i}", owner=admin)

    grow(2, 0)
    small = count()
    grow(8, 2)
    assert count() == small <= 2


def test_review_hub_shows_phase_due_and_links(client, org, admin, member, cycle, team):
    objective = f.make_objective(admin, cycle, team, title="Ship the new onboarding")
    f.make_kr(admin, objective, title="Activation from 20 to 40", owner=member)
    client.force_login(member)
    response = client.get(reverse("cycle_review", args=[cycle.id]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Due now" in body
    assert 'aria-current="step"' in body
    assert reverse("review_monthly", args=[cycle.id, "2026-10"]) in body
    assert reverse("review_monthly", args=[cycle.id, "2026-12"]) in body
    assert reverse("review_mid_cycle", args=[cycle.id]) in body
    assert reverse("cycle_results", args=[cycle.id]) in body
    assert reverse("team_retrospective", args=[cycle.id, team.id]) in body


def test_review_hub_names_missing_check_ins_today(client, org, admin, member, cycle, team):
    # The hub uses the real date: make the cycle run today.
    today = selectors.organization_today(org)
    running = f.make_cycle(
        admin, name="Running", start=today - timedelta(days=30), end=today + timedelta(days=60)
    )
    objective = f.make_objective(admin, running, team, title="Ship the new onboarding")
    f.make_kr(admin, objective, title="Activation from 20 to 40", owner=member)
    client.force_login(admin)
    body = client.get(reverse("cycle_review", args=[running.id])).content.decode()
    assert "Activation from 20 to 40" in body
    assert "Mia Member" in body
    # The dashboard asks each person about their own teams (the hub has everyone's).
    client.force_login(member)
    dashboard = client.get(reverse("dashboard") + f"?cycle={running.id}").content.decode()
    assert "Due now in your teams" in dashboard
    assert team.name in dashboard.split("Due now in your teams")[1].split("</section>")[0]
    assert reverse("cycle_review", args=[running.id]) in dashboard
    # An admin (in no team here) runs the cadence for everyone: the whole organization's.
    other = f.make_unit(org, "Design")
    design = f.make_objective(admin, running, other, title="Make the design system")
    f.make_kr(admin, design, title="Components from 10 to 40")
    client.force_login(admin)
    dashboard = client.get(reverse("dashboard") + f"?cycle={running.id}").content.decode()
    assert "Due now in your teams" not in dashboard
    due = dashboard.split('<section class="card due')[1].split("</section>")[0]
    assert "Due now" in due
    assert team.name in due and "Design" in due
    # A member in no unit has nothing due of their own: the hub is linked instead.
    loner = f.make_person(org, name="Lone Reader")
    client.force_login(loner)
    dashboard = client.get(reverse("dashboard") + f"?cycle={running.id}").content.decode()
    assert '<section class="card due' not in dashboard
    assert reverse("cycle_review", args=[running.id]) in dashboard


def test_review_hub_requires_login_and_hides_other_organizations(client, outsider, cycle):
    url = reverse("cycle_review", args=[cycle.id])
    response = client.get(url)
    assert response.status_code == 302 and "login" in response["Location"]
    client.force_login(outsider)
    assert client.get(url).status_code == 404
