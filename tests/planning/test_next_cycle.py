"""Planning the next cycle: carrying objectives forward (a new objective linked to the old one),
the next-cycle page, and repeated objectives flagged."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cadence.okrs import services as okr_services
from cadence.okrs.models import Cycle, KeyResult, Objective
from cadence.orgs.selectors import company_unit
from cadence.planning import selectors as planning_selectors
from cadence.planning.services import objective_carry_forward
from tests import factories as f


@pytest.fixture
def previous(admin):
    return f.make_cycle(admin, name="Q3 2026", start=date(2026, 7, 1), end=date(2026, 9, 30))


@pytest.fixture
def next_cycle(admin):
    return f.make_cycle(admin, name="Q1 2027", start=date(2027, 1, 1), end=date(2027, 3, 31))


@pytest.fixture
def source(admin, member, previous, team):
    """A team objective of Q3 with three key results: one reached, two not."""
    objective = f.make_objective(
        member,
        previous,
        team,
        title="New customers finish onboarding",
        why="Customers who finish onboarding stay.",
        commitment="aspirational",
        owner=member,
        standalone_reason="A team bet of its own.",
    )
    reached = f.make_kr(member, objective, title="Guided tours from 0 to 10", start=0, target=10)
    halfway = f.make_kr(
        member, objective, title="Onboarding completion from 40% to 70%", start=40, target=70
    )
    f.make_kr(member, objective, title="Setup calls from 200 to 100", start=200, target=100)
    launch = f.make_kr(member, objective, title="Launch the setup checklist", kind="milestone")
    okr_services.check_in_create(actor=member, key_result=reached, value=10, confidence="on_track")
    okr_services.check_in_create(actor=member, key_result=halfway, value=55, confidence="at_risk")
    okr_services.check_in_create(actor=member, key_result=launch, value=0, confidence="at_risk")
    return objective


# The service ------------------------------------------------------------------------------


def test_carry_forward_creates_a_linked_draft_with_the_unfinished_key_results(
    member, source, cycle, team
):
    carried = objective_carry_forward(actor=member, objective=source, cycle=cycle)
    carried.refresh_from_db()
    assert carried.pk != source.pk
    assert carried.carried_from == source
    assert list(source.carried_to.all()) == [carried]
    assert (carried.cycle, carried.unit, carried.state) == (cycle, team, Objective.State.DRAFT)
    assert (carried.title, carried.why, carried.commitment) == (
        source.title,
        source.why,
        "aspirational",
    )
    assert carried.owner == member
    assert carried.standalone_reason == "A team bet of its own."
    krs = list(KeyResult.objects.filter(objective=carried).order_by("position"))
    # The reached key result stays behind; the others start where they ended.
    assert [(k.title, k.start, k.target) for k in krs] == [
        ("Onboarding completion from 40% to 70%", 55.0, 70.0),
        ("Setup calls from 200 to 100", 200.0, 100.0),
        ("Launch the setup checklist", 0.0, 1.0),
    ]
    assert all(k.current is None and not k.check_ins.exists() for k in krs)
    # The old objective and its key results are untouched.
    assert KeyResult.objects.filter(objective=source).count() == 4


def test_carrying_twice_into_the_same_cycle_is_refused(member, source, cycle):
    objective_carry_forward(actor=member, objective=source, cycle=cycle)
    with pytest.raises(ValidationError) as error:
        objective_carry_forward(actor=member, objective=source, cycle=cycle)
    assert "already carried forward into Q4 2026" in str(error.value)
    assert Objective.objects.filter(carried_from=source).count() == 1


def test_the_same_objective_may_go_into_two_different_later_cycles(
    member, source, cycle, next_cycle
):
    objective_carry_forward(actor=member, objective=source, cycle=cycle)
    objective_carry_forward(actor=member, objective=source, cycle=next_cycle)
    assert set(source.carried_to.values_list("cycle__name", flat=True)) == {"Q4 2026", "Q1 2027"}


def test_a_closed_target_cycle_is_refused(admin, member, source, cycle):
    Cycle.objects.filter(pk=cycle.pk).update(closed_at=timezone.now())
    cycle.refresh_from_db()
    with pytest.raises(ValidationError, match="Q4 2026 is closed"):
        objective_carry_forward(actor=member, objective=source, cycle=cycle)
    assert not Objective.objects.filter(carried_from=source).exists()


def test_a_closed_source_cycle_can_be_carried_from(member, source, previous, cycle):
    Cycle.objects.filter(pk=previous.pk).update(closed_at=timezone.now())
    source.refresh_from_db()
    carried = objective_carry_forward(actor=member, objective=source, cycle=cycle)
    assert carried.carried_from_id == source.pk


def test_the_target_must_start_after_the_source_cycle(admin, member, source, previous, cycle):
    overlapping = f.make_cycle(
        admin, name="Late summer", start=date(2026, 9, 1), end=date(2026, 11, 30)
    )
    for target in (previous, overlapping):
        with pytest.raises(ValidationError, match="starts after Q3 2026 ends"):
            objective_carry_forward(actor=member, objective=source, cycle=target)
    # And the other way round: back from Q4 into Q3.
    later = f.make_objective(member, cycle, source.unit, title="Later objective")
    with pytest.raises(ValidationError, match="starts after Q4 2026 ends"):
        objective_carry_forward(actor=member, objective=later, cycle=previous)


@pytest.mark.parametrize("who", ["viewer", "other_member", "outsider"])
def test_only_people_who_edit_the_unit_carry_forward(request, org, source, cycle, who):
    if who == "other_member":
        actor = f.make_person(org, name="Other team member")
        f.join(f.make_unit(org, "Sales"), actor)
    else:
        actor = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        objective_carry_forward(actor=actor, objective=source, cycle=cycle)
    assert not Objective.objects.filter(carried_from=source).exists()


def test_into_another_unit_needs_that_unit_too(org, member, source, cycle):
    sales = f.make_unit(org, "Sales")
    with pytest.raises(PermissionDenied):
        objective_carry_forward(actor=member, objective=source, cycle=cycle, unit=sales)
    f.join(sales, member)
    carried = objective_carry_forward(actor=member, objective=source, cycle=cycle, unit=sales)
    assert carried.unit == sales


def test_another_organizations_cycle_is_refused(member, source, outsider):
    foreign = f.make_cycle(outsider, start=date(2027, 1, 1), end=date(2027, 3, 31))
    with pytest.raises(ValidationError, match="this organization"):
        objective_carry_forward(actor=member, objective=source, cycle=foreign)


def test_alignment_is_kept_only_when_the_parent_covers_the_new_cycle(
    admin, org, member, team, previous, cycle
):
    year = f.make_cycle(
        admin, name="2026", start=date(2026, 1, 1), end=date(2026, 12, 31), kind="year"
    )
    annual = f.make_objective(admin, year, company_unit(org), title="Grow with customers")
    quarterly = f.make_objective(admin, previous, company_unit(org), title="Learn why they go")
    under_year = f.make_objective(member, previous, team, title="Faster answers", parent=annual)
    under_q3 = f.make_objective(member, previous, team, title="Fewer tickets", parent=quarterly)
    assert objective_carry_forward(actor=member, objective=under_year, cycle=cycle).parent == annual
    assert objective_carry_forward(actor=member, objective=under_q3, cycle=cycle).parent is None


# The selectors ----------------------------------------------------------------------------


def test_choices_are_later_open_cycles_of_the_same_kind(admin, previous, cycle, next_cycle):
    f.make_cycle(admin, name="2027", start=date(2027, 1, 1), end=date(2027, 12, 31), kind="year")
    Cycle.objects.filter(pk=next_cycle.pk).update(closed_at=timezone.now())
    assert planning_selectors.next_cycle_choices(previous.organization, previous) == [cycle]


def test_repeated_objectives_are_flagged(admin, member, org, team, previous, cycle, next_cycle):
    q2 = f.make_cycle(admin, name="Q2 2026", start=date(2026, 4, 1), end=date(2026, 6, 30))
    f.make_objective(member, q2, team, title="Keep customers happy")
    same = f.make_objective(member, previous, team, title="Keep customers  HAPPY!")
    fresh = f.make_objective(member, previous, team, title="Ship the new onboarding")
    carried = objective_carry_forward(actor=member, objective=fresh, cycle=cycle)
    plan = planning_selectors.next_cycle_plan(org, cycle, next_cycle, viewer=f.ALL)
    (row,) = [u for u in plan.units if u.unit == team]
    assert [(o.title, o.repeated_from) for o in row.objectives] == [(carried.title, "Q3 2026")]
    plan = planning_selectors.next_cycle_plan(org, previous, cycle, viewer=f.ALL)
    (row,) = [u for u in plan.units if u.unit == team]
    flags = {o.pk: o.repeated_from for o in row.objectives}
    assert flags == {same.pk: "Q2 2026", fresh.pk: None}
    assert {o.pk: o.successor for o in row.objectives}[fresh.pk] == carried
    assert [(p.pk, p.repeated_from) for p in row.planned] == [(carried.pk, "Q3 2026")]
    assert plan.carried_count == 1


# The pages --------------------------------------------------------------------------------


def test_next_cycle_page_lists_units_scores_and_carries(client, member, source, previous, cycle):
    client.force_login(member)
    url = reverse("cycle_next", args=[previous.pk])
    response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Plan the cycle after Q3 2026" in body
    assert "New customers finish onboarding" in body
    assert "preview: not scored yet" in body
    assert "Teams, departments and their members carry over" in body
    assert reverse("objective_carry_forward", args=[source.pk]) in body
    assert "Create the next cycle" not in body  # admins only

    response = client.post(
        reverse("objective_carry_forward", args=[source.pk]), {"cycle": str(cycle.pk)}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(f"{url}?to={cycle.pk}")
    carried = Objective.objects.get(carried_from=source)
    body = client.get(response["Location"]).content.decode()
    assert "was carried forward into Q4 2026" in body
    assert reverse("objective_detail", args=[carried.pk]) in body
    assert "Repeated from Q3 2026" in body

    # Twice: refused with a clear message, nothing created.
    response = client.post(
        reverse("objective_carry_forward", args=[source.pk]), {"cycle": str(cycle.pk)}, follow=True
    )
    assert "already carried forward into Q4 2026" in response.content.decode()
    assert Objective.objects.filter(carried_from=source).count() == 1

    # Both objective pages show the link.
    body = client.get(reverse("objective_detail", args=[carried.pk])).content.decode()
    assert "Carried forward from" in body and reverse("objective_detail", args=[source.pk]) in body
    body = client.get(reverse("objective_detail", args=[source.pk])).content.decode()
    assert "Carried forward to" in body and reverse("objective_detail", args=[carried.pk]) in body


def test_viewers_read_the_page_but_cannot_carry(client, viewer, source, previous, cycle):
    client.force_login(viewer)
    body = client.get(reverse("cycle_next", args=[previous.pk])).content.decode()
    assert "New customers finish onboarding" in body
    assert reverse("objective_carry_forward", args=[source.pk]) not in body
    response = client.post(
        reverse("objective_carry_forward", args=[source.pk]), {"cycle": str(cycle.pk)}
    )
    assert response.status_code == 403
    response = client.post(reverse("cycle_next", args=[previous.pk]), {"name": "Q1 2027"})
    assert response.status_code == 403
    assert not Objective.objects.filter(carried_from=source).exists()


def test_carry_forward_is_post_only_and_needs_a_cycle(client, member, source):
    client.force_login(member)
    url = reverse("objective_carry_forward", args=[source.pk])
    assert client.get(url).status_code == 405
    assert client.post(url, {}).status_code == 404
    assert client.post(url, {"cycle": "not-an-id"}).status_code == 404


def test_foreign_ids_are_404(client, outsider, source, previous, cycle):
    client.force_login(outsider)
    assert client.get(reverse("cycle_next", args=[previous.pk])).status_code == 404
    response = client.post(
        reverse("objective_carry_forward", args=[source.pk]), {"cycle": str(cycle.pk)}
    )
    assert response.status_code == 404
    # Their own objective into this organization's cycle: 404 too.
    own_cycle = f.make_cycle(outsider, start=date(2026, 7, 1), end=date(2026, 9, 30))
    own = f.make_objective(outsider, own_cycle, company_unit(outsider.organization))
    response = client.post(reverse("objective_carry_forward", args=[own.pk]), {"cycle": cycle.pk})
    assert response.status_code == 404


def test_admins_create_the_next_cycle_from_the_page(client, admin, previous, source):
    client.force_login(admin)
    url = reverse("cycle_next", args=[previous.pk])
    body = client.get(url).content.decode()
    assert "Create the next cycle" in body
    assert 'value="Q4 2026"' in body  # the quarter after the latest one is proposed
    response = client.post(
        url, {"name": "Q4 2026 bis", "kind": "quarter", "start": "2026-10-01", "end": "2026-09-01"}
    )
    assert response.status_code == 422
    assert "must end after it starts" in response.content.decode()
    response = client.post(
        url, {"name": "Q4 2026", "kind": "quarter", "start": "2026-10-01", "end": "2026-12-31"}
    )
    new = Cycle.objects.get(organization=admin.organization, name="Q4 2026")
    assert response.status_code == 302 and response["Location"] == f"{url}?to={new.pk}"
    body = client.get(response["Location"]).content.decode()
    assert f'value="{new.pk}" selected' in body
    assert reverse("objective_carry_forward", args=[source.pk]) in body


def test_without_a_later_cycle_the_page_says_so(client, member, source, previous):
    client.force_login(member)
    body = client.get(reverse("cycle_next", args=[previous.pk])).content.decode()
    assert "No open quarter starts after Q3 2026 yet" in body
    assert reverse("objective_carry_forward", args=[source.pk]) not in body


def test_the_next_cycle_page_queries_do_not_grow(client, admin, org, previous, cycle):
    units = [f.make_unit(org, f"Team {i}") for i in range(4)]

    def grow(start, n):
        for i in range(start, start + n):
            o = f.make_objective(admin, previous, units[i % 4], title=f"Objective number {i}")
            f.make_kr(admin, o, title=f"Key result number {i}")
            if i % 3 == 0:
                objective_carry_forward(actor=admin, objective=o, cycle=cycle)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("cycle_next", args=[previous.pk]) + f"?to={cycle.pk}")
        assert response.status_code == 200
        return len(ctx.captured_queries)

    client.force_login(admin)
    grow(0, 6)
    small = count()
    grow(6, 30)
    assert count() == small


# The API ----------------------------------------------------------------------------------


def test_api_carries_an_objective_forward(member, viewer, outsider, source, next_cycle, team):
    from tests.api.conftest import Api, errors_of

    path = f"/objectives/{source.id}/carry-forward"
    assert Api().post(path, {"cycle_id": str(next_cycle.id)}).status_code == 401
    assert Api(viewer).post(path, {"cycle_id": str(next_cycle.id)}).status_code == 403
    assert Api(outsider).post(path, {"cycle_id": str(next_cycle.id)}).status_code == 404
    bad = Api(member).post(path, {"cycle_id": str(source.cycle_id)})
    assert bad.status_code == 422 and errors_of(bad)
    foreign_cycle = f.make_cycle(outsider, name="Theirs")
    foreign = Api(member).post(path, {"cycle_id": str(foreign_cycle.id)})
    assert foreign.status_code == 422 and "cycle_id" in errors_of(foreign)

    response = Api(member).post(path, {"cycle_id": str(next_cycle.id)})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["carried_from_id"] == str(source.id)
    assert body["cycle_id"] == str(next_cycle.id) and body["state"] == "draft"
    assert body["unit_id"] == str(team.id) and body["score"] is None
    again = Api(member).post(path, {"cycle_id": str(next_cycle.id)})
    assert again.status_code == 409  # already carried into that cycle
    assert Objective.objects.filter(carried_from=source).count() == 1


def test_the_coach_flags_a_carried_objective_even_after_a_rename(member, source, next_cycle):
    from cadence.coach import selectors as coach_selectors
    from cadence.okrs import selectors as okr_selectors

    carried = objective_carry_forward(actor=member, objective=source, cycle=next_cycle)
    okr_services.objective_update(
        actor=member, objective=carried, title="Every new customer is set up in a week"
    )
    annotated, board = okr_selectors.objective_with_progress(
        member.organization, carried, viewer=f.ALL
    )
    found = coach_selectors.findings_for_objective(member.organization, annotated, board)
    assert "obj-repeats" in [x.check_id for x in found.findings if x.subject == "objective"]
