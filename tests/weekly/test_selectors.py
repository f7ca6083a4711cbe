"""Weekly reads: updates, items, and the team / unit report with its numbers and groupings."""

from datetime import timedelta

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from cadence.orgs.models import Unit
from cadence.orgs.selectors import company_unit
from cadence.weekly import selectors, services
from tests import factories as f

from .conftest import WEEK


def test_update_of_has_live_items_only(org, member, add):
    assert selectors.update_of(org, member, WEEK, viewer=f.ALL) is None
    keep = add(member, "plans", "Keep")
    gone = add(member, "plans", "Gone")
    services.item_delete(actor=member, item=gone)
    update = selectors.update_of(org, member, WEEK + timedelta(days=6), viewer=f.ALL)
    assert list(update.items.all()) == [keep]
    other_org = f.make_org("Else")[0]
    assert selectors.update_of(other_org, member, WEEK, viewer=f.ALL) is None


def test_item_get_is_organization_scoped(org, member, outsider, add):
    item = add(member, "plans", "Mine")
    assert selectors.item_get(org, item.pk, viewer=f.ALL) == item
    for bad in (outsider.organization, org):
        ident = item.pk if bad != org else "not-a-uuid"
        with pytest.raises(Http404):
            selectors.item_get(bad, ident, viewer=f.ALL)
    services.item_delete(actor=member, item=item)
    with pytest.raises(Http404):
        selectors.item_get(org, item.pk, viewer=f.ALL)
    assert selectors.item_get(org, item.pk, include_deleted=True, viewer=f.ALL) == item


def test_moves_of(org, member, add):
    item = add(member, "plans", "Move me")
    services.item_move(actor=member, item=item, category="problems")
    services.item_move(actor=member, item=item, category="progress")
    moves = [(m.from_category.slug, m.to_category.slug, m.actor) for m in selectors.moves_of(item)]
    assert moves == [("plans", "problems", member), ("problems", "progress", member)]


@pytest.fixture
def crew(org, team, member):
    """The team: Mia (member fixture), Bo and Cy; a viewer in the team is not counted."""
    bo = f.make_person(org, name="Bo")
    cy = f.make_person(org, name="Cy")
    for person in (bo, cy):
        f.join(team, person)
    viewer = f.make_person(org, name="Vi", role="viewer")
    f.join(team, viewer)
    return member, bo, cy


def test_team_report_numbers(org, admin, team, crew, add, objective, kr):
    mia, bo, cy = crew
    # Mia: 3 plans, 2 done (one via problems), 1 linked; unplanned work is not a plan.
    a = add(mia, "plans", "A", key_result=kr)
    b = add(mia, "plans", "B")
    add(mia, "plans", "C")
    add(mia, "progress", "Unplanned")
    services.item_move(actor=mia, item=a, category="progress")
    services.item_move(actor=mia, item=b, category="problems")
    services.item_move(actor=mia, item=b, category="progress")
    # Bo: 1 plan moved to problems (a plan, not done), linked to an objective.
    d = add(bo, "plans", "D", objective=objective)
    services.item_move(actor=bo, item=d, category="problems")
    # A deleted plan counts for nothing.
    services.item_delete(actor=bo, item=add(bo, "plans", "Deleted"))
    # Cy wrote nothing; an admin wrote for him, which does not count as his update.
    add(cy, "problems", "Admin wrote this", actor=admin)

    report = selectors.team_report(org, team, WEEK + timedelta(days=2), viewer=f.ALL)
    assert report.week == WEEK
    assert [p.person for p in report.people] == [bo, cy, mia]  # by name, viewer left out
    assert (report.planned, report.done, report.linked) == (4, 2, 2)
    assert report.completion_rate == 0.5
    assert report.linked_share == 0.5
    assert report.missing == [cy]
    assert (report.previous_week, report.next_week) == (WEEK - timedelta(7), WEEK + timedelta(7))

    mia_week = report.people[2]
    assert (mia_week.planned, mia_week.done, mia_week.submitted) == (3, 2, True)
    assert [(c.slug, [i.text for i in items]) for c, items in mia_week.by_category] == [
        ("plans", ["C"]),
        ("progress", ["Unplanned", "A", "B"]),
        ("problems", []),
    ]
    assert [(c.slug, len(items)) for c, items in report.by_category] == [
        ("plans", 1),
        ("progress", 3),
        ("problems", 2),
    ]
    by_objective = [
        (o.title if o else None, sorted(i.text for i in items)) for o, items in report.by_objective
    ]
    assert by_objective == [
        ("Customers love the product", ["A", "D"]),
        (None, ["Admin wrote this", "B", "C", "Unplanned"]),
    ]


def test_carried_plans_count_in_their_new_week(org, team, crew, add):
    mia = crew[0]
    add(mia, "plans", "Carried")
    services.rollover_week(week=WEEK)
    next_report = selectors.team_report(org, team, WEEK + timedelta(7), viewer=f.ALL)
    assert (next_report.planned, next_report.done) == (1, 0)
    assert set(next_report.missing) == set(crew)  # carried items alone are not an update
    carried = next_report.people[2].items[0]
    services.item_move(actor=mia, item=carried, category="progress")
    next_report = selectors.team_report(org, team, WEEK + timedelta(7), viewer=f.ALL)
    assert next_report.completion_rate == 1.0
    # The original stays an unfinished plan of its own week.
    assert selectors.team_report(org, team, WEEK, viewer=f.ALL).completion_rate == 0.0


def test_empty_week_has_no_rates(org, team, crew):
    report = selectors.team_report(org, team, WEEK, viewer=f.ALL)
    assert report.completion_rate is None and report.linked_share is None
    assert len(report.missing) == 3


def test_archived_and_team_categories_appear_in_the_report(org, admin, team, crew, add):
    mia = crew[0]
    ideas = services.category_create(actor=mia, name="Ideas", unit=team)
    old = services.category_create(actor=admin, name="Old")
    add(mia, "ideas", "Idea")
    add(mia, "old", "Old thing")
    services.category_archive(actor=admin, category=old)
    report = selectors.team_report(org, team, WEEK, viewer=f.ALL)
    slugs = [c.slug for c, _ in report.by_category]
    assert slugs == ["plans", "progress", "problems", "ideas", "old"]
    assert ideas in report.categories and old not in report.categories


def test_report_of_another_organizations_unit_is_404(org, outsider, team):
    with pytest.raises(Http404):
        selectors.team_report(outsider.organization, team, WEEK, viewer=f.ALL)
    with pytest.raises(Http404):
        selectors.unit_report(outsider.organization, team, WEEK, viewer=f.ALL)


def test_unit_report_aggregates_teams(org, admin, add):
    dept = f.make_unit(org, "Engineering", kind=Unit.Kind.DEPARTMENT)
    alpha = f.make_unit(org, "Alpha", parent=dept)
    beta = f.make_unit(org, "Beta", parent=dept)
    outside = f.make_unit(org, "Sales")
    ann, ben, cat, dan = (f.make_person(org, name=n) for n in ("Ann", "Ben", "Cat", "Dan"))
    f.join(alpha, ann)
    f.join(alpha, ben)
    f.join(beta, ben)  # in two teams: counted once in the department
    f.join(beta, cat)
    f.join(outside, dan)
    f.join(dept, admin, role="lead")
    services.item_move(actor=ann, item=add(ann, "plans", "a1"), category="progress")
    add(ann, "plans", "a2")
    add(cat, "plans", "c1")
    add(dan, "plans", "d1")

    report = selectors.unit_report(org, dept, WEEK, viewer=f.ALL)
    assert sorted(p.person.name for p in report.people) == sorted([admin.name, "Ann", "Ben", "Cat"])
    assert (report.planned, report.done) == (3, 1)
    assert [t.unit for t in report.teams] == [alpha, beta]
    assert [(t.planned, t.done) for t in report.teams] == [(2, 1), (1, 0)]
    assert [t.completion_rate for t in report.teams] == [0.5, 0.0]
    assert sorted(p.name for p in report.missing) == sorted([admin.name, "Ben"])

    company = selectors.unit_report(org, company_unit(org), WEEK, viewer=f.ALL)
    assert company.planned == 4
    assert [t.unit.name for t in company.teams] == ["Alpha", "Beta", "Sales"]
    # A team's unit report is its team report.
    assert selectors.unit_report(org, alpha, WEEK, viewer=f.ALL).planned == 2


def _grow_team(org, team, cycle, admin, start, n):
    objective = f.make_objective(admin, cycle, team, title=f"Objective {start}")
    for i in range(start, start + n):
        person = f.make_person(org, name=f"Person {i:03}")
        f.join(team, person)
        plan = services.item_create(
            actor=person, person=person, week=WEEK, category="plans", text="p", objective=objective
        )
        services.item_create(actor=person, person=person, week=WEEK, category="problems", text="q")
        services.item_move(actor=person, item=plan, category="progress")


def _count(fn):
    with CaptureQueriesContext(connection) as ctx:
        report = fn()
        # Everything a page reads from the report, groupings included.
        seen = []
        for person_week in report.people:
            for item in person_week.items:
                seen += [str(item.category), str(item.objective), item.update.person.name]
            seen.append(person_week.by_category)
        seen += [report.by_category, report.by_objective, report.missing]
        seen += [report.completion_rate, report.linked_share]
        for team in report.teams:
            seen += [team.completion_rate, team.missing]
    assert seen
    return len(ctx.captured_queries)


def test_reports_take_a_constant_number_of_queries(org, admin, cycle):
    dept = f.make_unit(org, "Engineering", kind=Unit.Kind.DEPARTMENT)
    team = f.make_unit(org, "Big team", parent=dept)
    _grow_team(org, team, cycle, admin, 0, 3)
    small_team = _count(lambda: selectors.team_report(org, team, WEEK, viewer=f.ALL))
    small_unit = _count(lambda: selectors.unit_report(org, dept, WEEK, viewer=f.ALL))
    _grow_team(org, team, cycle, admin, 3, 27)
    other = f.make_unit(org, "Second team", parent=dept)
    _grow_team(org, other, cycle, admin, 30, 5)
    assert len(selectors.team_report(org, team, WEEK, viewer=f.ALL).people) == 30
    assert _count(lambda: selectors.team_report(org, team, WEEK, viewer=f.ALL)) == small_team <= 5
    assert _count(lambda: selectors.unit_report(org, dept, WEEK, viewer=f.ALL)) == small_unit <= 6
