"""Every write of the OKR core through cadence.okrs.services: validation, permissions,
alignment, state transitions, check-ins, deletion, and the board that rolls it all up.

Data is built with tests/factories.py (the services themselves). Every refused call is checked
for its message and for having saved nothing.
"""

import math
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.utils import timezone

from cadence.okrs import selectors, services
from cadence.okrs.models import CheckIn, Cycle, KeyResult, Objective
from cadence.orgs.models import Person
from tests import factories as f

DAY = date(2026, 11, 15)  # inside the Q4 2026 cycle of tests/conftest.py


def counts():
    return (Objective.objects.count(), KeyResult.objects.count(), CheckIn.objects.count())


def errors_of(exc_info) -> dict:
    error = exc_info.value
    return error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}


def check_in(actor, kr, value, confidence="on_track", **kw):
    return services.check_in_create(
        actor=actor, key_result=kr, value=value, confidence=confidence, **kw
    )


def close(cycle: Cycle) -> None:
    # Closing a cycle arrives with the reviews issue; set the column the services look at.
    Cycle.objects.filter(pk=cycle.pk).update(closed_at=timezone.now())
    cycle.refresh_from_db()


@pytest.fixture
def objective(member, cycle, team):
    return f.make_objective(member, cycle, team, title="Onboarding that sticks")


@pytest.fixture
def ready(member, objective):
    """``objective`` as it can be proposed: standing alone with a reason, with a key result."""
    services.objective_update(
        actor=member, objective=objective, standalone_reason="Product's own work this quarter."
    )
    f.make_kr(member, objective, title="Activation from 20% to 40%", start=20, target=40)
    return objective


# Validation ---------------------------------------------------------------------------------


def test_valid_metric_key_result_is_saved(member, objective):
    kr = f.make_kr(member, objective, title="Activation rate", start=13, target=45, unit=" % ")
    kr.refresh_from_db()
    assert (kr.kind, kr.start, kr.target, kr.unit, kr.weight) == ("metric", 13, 45, "%", 1.0)
    assert kr.direction == ""
    assert kr.progress == 0.0  # current is the start value until the first check-in


@pytest.mark.parametrize(
    ("kw", "field", "message"),
    [
        ({"start": 5, "target": 5}, "target", "must differ from the start"),
        ({"start": 0, "target": None}, "target", "needs a target"),
        ({"kind": "threshold", "target": None}, "target", "needs the bound"),
        ({"weight": 0}, "weight", "greater than or equal to 0.01"),
        ({"weight": -1}, "weight", "greater than or equal to 0.01"),
        ({"weight": 100.5}, "weight", "less than or equal to 100"),
        ({"weight": math.nan}, "weight", "finite"),
        ({"weight": math.inf}, "weight", "finite"),
        ({"start": math.nan}, "start", "finite"),
        ({"target": math.inf}, "target", "finite"),
        ({"target": -math.inf}, "target", "finite"),
        ({"target": 1e300}, "target", "between"),
        ({"target": "lots"}, "target", "float"),
        ({"title": "ab"}, "title", "at least 3"),
        ({"title": "   ab   "}, "title", "at least 3"),
        ({"title": "x" * 201}, "title", "at most 200"),
        ({"kind": "vibes"}, "kind", "not a valid choice"),
        ({"direction": "sideways", "kind": "threshold"}, "direction", "not a valid choice"),
        ({"commitment": "maybe"}, "commitment", "not a valid choice"),
        ({"unit": "u" * 31}, "unit", "at most 30"),
    ],
)
def test_invalid_key_results_save_nothing(member, objective, kw, field, message):
    kw.setdefault("title", "Activation rate")
    before = counts()
    with pytest.raises(ValidationError) as exc:
        f.make_kr(member, objective, **kw)
    errors = errors_of(exc)
    assert field in errors, errors
    assert message in " ".join(errors[field])
    assert counts() == before


@pytest.mark.parametrize("weight", [0.01, 1, 2.5, 100])
def test_weights_in_range_are_kept(member, objective, weight):
    kr = f.make_kr(member, objective, weight=weight)
    kr.refresh_from_db()
    assert kr.weight == weight


def test_weight_none_means_the_default(member, objective):
    assert f.make_kr(member, objective, weight=None).weight == 1.0


def test_threshold_defaults_to_at_least(member, objective):
    kr = f.make_kr(member, objective, kind="threshold", start=None, target=50)
    kr.refresh_from_db()
    assert kr.direction == "at_least"
    at_most = f.make_kr(member, objective, kind="threshold", target=2, direction="at_most")
    at_most.refresh_from_db()
    assert at_most.direction == "at_most"


def test_metric_ignores_a_direction(member, objective):
    kr = f.make_kr(member, objective, start=220, target=120, direction="at_most")
    kr.refresh_from_db()
    assert kr.direction == ""


def test_milestone_normalises_start_and_target(member, objective):
    kr = f.make_kr(member, objective, kind="milestone", start=5, target=5, direction="at_most")
    kr.refresh_from_db()
    assert (kr.start, kr.target, kr.direction) == (0.0, 1.0, "")
    assert kr.progress == 0.0


def test_metric_without_start_is_allowed_and_has_no_progress(member, objective):
    kr = f.make_kr(member, objective, start=None, target=100)
    assert kr.start is None
    assert kr.progress is None


def test_key_result_update_validates_and_saves_nothing_on_error(member, objective):
    kr = f.make_kr(member, objective, title="Activation rate", start=13, target=45)
    for changes, field in [
        ({"target": 13}, "target"),
        ({"weight": 0}, "weight"),
        ({"start": math.nan}, "start"),
        ({"title": "no"}, "title"),
    ]:
        with pytest.raises(ValidationError) as exc:
            services.key_result_update(actor=member, key_result=kr, **changes)
        assert field in errors_of(exc)
    kr.refresh_from_db()
    assert (kr.title, kr.start, kr.target, kr.weight) == ("Activation rate", 13, 45, 1.0)
    with pytest.raises(ValidationError, match="Unknown fields: current"):
        services.key_result_update(actor=member, key_result=kr, current=45)
    kr.refresh_from_db()
    assert kr.current is None
    updated = services.key_result_update(actor=member, key_result=kr, target=61, weight=None)
    assert (updated.target, updated.weight) == (61, 1.0)


@pytest.mark.parametrize(
    ("kw", "field", "message"),
    [
        ({"title": "ab"}, "title", "at least 3"),
        ({"title": "  "}, "title", "cannot be blank"),
        ({"title": "x" * 201}, "title", "at most 200"),
        ({"why": "w" * 2001}, "why", "2000"),
        ({"commitment": "sort of"}, "commitment", "not a valid choice"),
        ({"state": "closed"}, "state", "starts as draft"),
        ({"state": "abandoned"}, "state", "starts as draft"),
    ],
)
def test_invalid_objectives_save_nothing(member, cycle, team, kw, field, message):
    kw.setdefault("title", "Onboarding that sticks")
    before = counts()
    with pytest.raises(ValidationError) as exc:
        f.make_objective(member, cycle, team, **kw)
    errors = errors_of(exc)
    assert field in errors, errors
    assert message in " ".join(errors[field])
    assert counts() == before


def test_objective_fields_are_trimmed_and_kept(member, cycle, team):
    objective = f.make_objective(
        member,
        cycle,
        team,
        title="  Onboarding that sticks ",
        why=" New users leave. ",
        commitment="aspirational",
    )
    objective.refresh_from_db()
    assert objective.title == "Onboarding that sticks"
    assert objective.why == "New users leave."
    assert (objective.commitment, objective.state) == ("aspirational", "draft")
    assert objective.organization_id == team.organization_id
    assert objective.created_by == member


def test_objective_update_validates_and_saves_nothing_on_error(member, objective):
    for changes, field in [({"title": "no"}, "title"), ({"why": "w" * 2001}, "why")]:
        with pytest.raises(ValidationError) as exc:
            services.objective_update(actor=member, objective=objective, **changes)
        assert field in errors_of(exc)
    with pytest.raises(ValidationError, match="Unknown fields: state"):
        services.objective_update(actor=member, objective=objective, state="approved")
    objective.refresh_from_db()
    assert (objective.title, objective.why, objective.state) == (
        "Onboarding that sticks",
        "",
        "draft",
    )


# Permissions --------------------------------------------------------------------------------


def test_member_of_another_team_cannot_edit(growth_member, member, objective, cycle, team):
    kr = f.make_kr(member, objective, start=0, target=10)
    before = counts()
    attempts = [
        lambda: f.make_objective(growth_member, cycle, team),
        lambda: services.objective_update(actor=growth_member, objective=objective, title="Mine"),
        lambda: services.objective_set_state(
            actor=growth_member, objective=objective, state="abandoned", reason="Not ours"
        ),
        lambda: services.objective_delete(actor=growth_member, objective=objective),
        lambda: f.make_kr(growth_member, objective),
        lambda: services.key_result_update(actor=growth_member, key_result=kr, target=20),
        lambda: services.key_result_delete(actor=growth_member, key_result=kr),
        lambda: check_in(growth_member, kr, 5),
    ]
    for attempt in attempts:
        with pytest.raises(PermissionDenied, match="Only members of Product"):
            attempt()
    assert counts() == before
    objective.refresh_from_db()
    kr.refresh_from_db()
    assert (objective.title, objective.state) == ("Onboarding that sticks", "draft")
    assert (kr.target, kr.current) == (10, None)


def test_a_key_result_owner_may_check_in_from_another_team(member, growth_member, objective):
    kr = f.make_kr(member, objective, start=0, target=10, owner=growth_member)
    check_in(growth_member, kr, 5)
    kr.refresh_from_db()
    assert kr.current == 5
    # but owning a key result does not make its objective editable
    with pytest.raises(PermissionDenied):
        services.key_result_update(actor=growth_member, key_result=kr, target=20)


def test_department_lead_edits_the_okrs_of_its_teams(dept_lead, cycle, platform, department):
    objective = f.make_objective(dept_lead, cycle, platform, title="Faster deploys")
    kr = f.make_kr(dept_lead, objective, start=60, target=10, unit="minutes")
    check_in(dept_lead, kr, 35)
    services.objective_update(
        actor=dept_lead,
        objective=objective,
        title="Deploys in minutes",
        standalone_reason="Engineering's own",
    )
    services.objective_set_state(actor=dept_lead, objective=objective, state="proposed")
    # The lead above the team approves its standalone objectives, but not their own proposal.
    with pytest.raises(PermissionDenied, match="You proposed this objective"):
        services.objective_set_state(actor=dept_lead, objective=objective, state="approved")
    objective.refresh_from_db()
    kr.refresh_from_db()
    assert (objective.title, objective.state) == ("Deploys in minutes", "proposed")
    assert kr.progress == 0.5
    # and the department's own
    assert f.make_objective(dept_lead, cycle, department).unit == department


def test_department_lead_does_not_edit_other_branches(dept_lead, cycle, growth, company):
    before = counts()
    for unit in (growth, company):
        with pytest.raises(PermissionDenied):
            f.make_objective(dept_lead, cycle, unit)
    assert counts() == before


def test_plain_department_member_does_not_edit_its_teams(dept_member, cycle, platform, department):
    with pytest.raises(PermissionDenied):
        f.make_objective(dept_member, cycle, platform)
    assert Objective.objects.count() == 0
    assert f.make_objective(dept_member, cycle, department).unit == department


def test_viewer_cannot_create_or_check_in(viewer, member, objective, cycle, team):
    f.join(team, viewer)  # even as a member of the team
    kr = f.make_kr(member, objective, start=0, target=10, owner=viewer)  # even as its owner
    before = counts()
    with pytest.raises(PermissionDenied):
        f.make_objective(viewer, cycle, team)
    with pytest.raises(PermissionDenied):
        f.make_kr(viewer, objective)
    with pytest.raises(PermissionDenied, match="Viewers cannot check in"):
        check_in(viewer, kr, 5)
    with pytest.raises(PermissionDenied):
        services.cycle_create(
            actor=viewer,
            name="Q1 2027",
            kind="quarter",
            start=date(2027, 1, 1),
            end=date(2027, 3, 31),
        )
    assert counts() == before
    kr.refresh_from_db()
    assert kr.current is None


def test_only_admins_create_cycles(member, admin):
    with pytest.raises(PermissionDenied, match="Only organization admins"):
        services.cycle_create(
            actor=member,
            name="Q1 2027",
            kind="quarter",
            start=date(2027, 1, 1),
            end=date(2027, 3, 31),
        )
    assert not Cycle.objects.filter(name="Q1 2027").exists()


def test_admin_can_do_everything(admin, member, cycle, team, company, platform):
    top = f.make_objective(admin, cycle, company, title="Customers stay with us")
    objective = f.make_objective(admin, cycle, platform, title="Reliable platform", parent=top)
    kr = f.make_kr(admin, objective, start=99.0, target=99.9, unit="%")
    check_in(admin, kr, 99.45)
    services.key_result_update(actor=admin, key_result=kr, title="Uptime")
    services.objective_update(actor=admin, objective=objective, unit=team)
    services.objective_set_state(actor=admin, objective=objective, state="proposed")
    services.objective_set_state(actor=admin, objective=objective, state="approved")  # their own
    services.objective_set_state(actor=admin, objective=objective, state="closed")
    objective.refresh_from_db()
    kr.refresh_from_db()
    assert (objective.unit, objective.state) == (team, "closed")
    assert kr.title == "Uptime"
    assert kr.progress == pytest.approx(0.5)
    services.key_result_delete(actor=admin, key_result=kr)
    services.objective_delete(actor=admin, objective=top)
    assert not KeyResult.objects.filter(pk=kr.pk).exists()
    assert not Objective.objects.filter(pk=top.pk).exists()


def test_inactive_people_change_nothing(member, objective):
    Person.objects.filter(pk=member.pk).update(is_active=False)
    member.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.objective_update(actor=member, objective=objective, title="Quietly")
    objective.refresh_from_db()
    assert objective.title == "Onboarding that sticks"


def test_outsider_changes_nothing(outsider, member, objective, cycle, team):
    kr = f.make_kr(member, objective, start=0, target=10)
    check_in(member, kr, 4)
    before = counts()
    attempts = [
        lambda: f.make_objective(outsider, cycle, team),
        lambda: services.objective_update(actor=outsider, objective=objective, title="Taken"),
        lambda: services.objective_set_state(
            actor=outsider, objective=objective, state="abandoned", reason="Because"
        ),
        lambda: services.objective_delete(actor=outsider, objective=objective),
        lambda: f.make_kr(outsider, objective),
        lambda: services.key_result_update(actor=outsider, key_result=kr, target=1),
        lambda: services.key_result_delete(actor=outsider, key_result=kr),
        lambda: check_in(outsider, kr, 10),
    ]
    for attempt in attempts:
        with pytest.raises((PermissionDenied, ValidationError)):
            attempt()
    assert counts() == before
    objective.refresh_from_db()
    kr.refresh_from_db()
    assert (objective.title, objective.state) == ("Onboarding that sticks", "draft")
    assert (kr.target, kr.current) == (10, 4)
    assert list(selectors.check_ins_of(kr).values_list("value", flat=True)) == [4]


def test_outsider_cannot_use_this_organizations_objects_in_its_own(
    outsider, member, objective, cycle
):
    from cadence.orgs.selectors import company_unit

    own_company = company_unit(outsider.organization)
    own_cycle = f.make_cycle(outsider, name="Their Q4")
    before = counts()
    with pytest.raises(ValidationError) as exc:
        f.make_objective(outsider, cycle, own_company)
    assert "cycle" in errors_of(exc)
    with pytest.raises(ValidationError) as exc:
        f.make_objective(outsider, own_cycle, own_company, parent=objective)
    assert "parent" in errors_of(exc)
    with pytest.raises(ValidationError) as exc:
        f.make_objective(outsider, own_cycle, own_company, owner=member)
    assert "owner" in errors_of(exc)
    theirs = f.make_objective(outsider, own_cycle, own_company, title="Their objective")
    with pytest.raises(ValidationError) as exc:
        f.make_kr(outsider, theirs, owner=member)
    assert "owner" in errors_of(exc)
    assert counts() == (before[0] + 1, before[1], before[2])


# Alignment ----------------------------------------------------------------------------------


def test_parent_from_another_organization_is_refused(admin, outsider, cycle, team):
    from cadence.orgs.selectors import company_unit

    foreign = f.make_objective(
        outsider, f.make_cycle(outsider), company_unit(outsider.organization)
    )
    with pytest.raises(ValidationError) as exc:
        f.make_objective(admin, cycle, team, parent=foreign)
    assert errors_of(exc) == {"parent": ["Choose an objective of this organization."]}
    mine = f.make_objective(admin, cycle, team)
    with pytest.raises(ValidationError):
        services.objective_update(actor=admin, objective=mine, parent=foreign)
    mine.refresh_from_db()
    assert mine.parent_id is None


def test_an_objective_cannot_align_to_itself(member, objective):
    with pytest.raises(ValidationError) as exc:
        services.objective_update(actor=member, objective=objective, parent=objective)
    assert errors_of(exc) == {"parent": ["An objective cannot align to itself."]}
    objective.refresh_from_db()
    assert objective.parent_id is None


def test_alignment_loops_are_refused(admin, cycle, company, department, platform):
    top = f.make_objective(admin, cycle, company, title="Top")
    middle = f.make_objective(admin, cycle, department, title="Middle", parent=top)
    bottom = f.make_objective(admin, cycle, platform, title="Bottom", parent=middle)
    for child in (middle, bottom):
        with pytest.raises(ValidationError) as exc:
            services.objective_update(actor=admin, objective=top, parent=child)
        assert "loop" in errors_of(exc)["parent"][0]
    top.refresh_from_db()
    assert top.parent_id is None


def test_alignment_loops_are_refused_whatever_the_callers_copies_say(admin, cycle, company, team):
    a = f.make_objective(admin, cycle, company, title="Objective A")
    b = f.make_objective(admin, cycle, team, title="Objective B")
    # B is aligned to A by an update; the caller's copy of B still says "no parent".
    services.objective_update(actor=admin, objective=b, parent=a)
    assert b.parent_id is None
    with pytest.raises(ValidationError) as exc:
        services.objective_update(actor=admin, objective=a, parent=b)
    assert "loop" in errors_of(exc)["parent"][0]
    a.refresh_from_db()
    assert a.parent_id is None


def test_parent_cycle_must_cover_the_child_cycle(admin, cycle, q3, year, company, team):
    q3_parent = f.make_objective(admin, q3, company, title="Summer push")
    with pytest.raises(ValidationError) as exc:
        f.make_objective(admin, cycle, team, parent=q3_parent)
    assert "does not cover Q4 2026" in errors_of(exc)["parent"][0]
    annual = f.make_objective(admin, year, company, title="A year of retention")
    child = f.make_objective(admin, cycle, team, parent=annual)
    assert child.parent == annual
    # a quarter objective cannot be the parent of an annual one
    quarter_top = f.make_objective(admin, cycle, company)
    with pytest.raises(ValidationError) as exc:
        f.make_objective(admin, year, company, parent=quarter_top)
    assert "parent" in errors_of(exc)


def test_annual_objectives_are_company_only(admin, year, company, team, department):
    before = counts()
    for unit in (team, department):
        with pytest.raises(ValidationError) as exc:
            f.make_objective(admin, year, unit)
        assert errors_of(exc) == {"cycle": ["Annual objectives are set at company level only."]}
    assert counts() == before
    annual = f.make_objective(admin, year, company)
    with pytest.raises(ValidationError) as exc:
        services.objective_update(actor=admin, objective=annual, unit=team)
    assert "cycle" in errors_of(exc)
    annual.refresh_from_db()
    assert annual.unit == company


def test_abandoned_parent_is_refused(admin, member, cycle, company, team):
    parent = f.make_objective(admin, cycle, company, title="Old direction")
    services.objective_set_state(
        actor=admin, objective=parent, state="abandoned", reason="Strategy changed"
    )
    # ``parent`` is the caller's copy from before it was abandoned
    before = counts()
    with pytest.raises(ValidationError) as exc:
        f.make_objective(member, cycle, team, parent=parent)
    assert errors_of(exc) == {"parent": ["That objective was abandoned; align to a live one."]}
    assert counts() == before
    orphan = f.make_objective(member, cycle, team)
    with pytest.raises(ValidationError):
        services.objective_update(actor=member, objective=orphan, parent=parent)
    orphan.refresh_from_db()
    assert orphan.parent_id is None


def test_realigning_and_unaligning(member, admin, cycle, company, team):
    first = f.make_objective(admin, cycle, company, title="First")
    second = f.make_objective(admin, cycle, company, title="Second")
    child = f.make_objective(member, cycle, team, parent=first)
    assert services.objective_update(actor=member, objective=child, parent=second).parent == second
    assert services.objective_update(actor=member, objective=child, parent=None).parent is None
    child.refresh_from_db()
    assert child.parent_id is None


# State transitions --------------------------------------------------------------------------


def state_of(objective) -> str:
    objective.refresh_from_db()
    return objective.state


def test_abandoning_requires_a_reason(member, objective):
    for reason in ("", "   "):
        with pytest.raises(ValidationError) as exc:
            services.objective_set_state(
                actor=member, objective=objective, state="abandoned", reason=reason
            )
        assert errors_of(exc) == {"reason": ["Say why the objective is abandoned."]}
        assert state_of(objective) == "draft"
    with pytest.raises(ValidationError) as exc:
        services.objective_set_state(
            actor=member, objective=objective, state="abandoned", reason="r" * 2001
        )
    assert "reason" in errors_of(exc)
    assert state_of(objective) == "draft"
    done = services.objective_set_state(
        actor=member, objective=objective, state="abandoned", reason="  Merged into growth. "
    )
    assert (done.state, done.abandon_reason) == ("abandoned", "Merged into growth.")
    objective.refresh_from_db()
    assert objective.abandon_reason == "Merged into growth."
    revived = services.objective_set_state(actor=member, objective=objective, state="draft")
    assert (revived.state, revived.abandon_reason) == ("draft", "")


def test_the_usual_life_of_an_objective(member, admin, ready):
    # Approving a proposed objective takes an approver (alignment.selectors.can_approve): here
    # an admin; the team does the rest.
    objective = ready
    for state in ("proposed", "draft", "proposed", "approved", "closed", "approved"):
        actor = admin if state == "approved" and state_of(objective) == "proposed" else member
        services.objective_set_state(actor=actor, objective=objective, state=state)
        assert state_of(objective) == state


def test_a_team_member_cannot_approve_its_own_objective(member, ready):
    objective = ready
    for state in ("draft", "proposed"):
        services.objective_set_state(actor=member, objective=objective, state=state)
        with pytest.raises(PermissionDenied):
            services.objective_set_state(actor=member, objective=objective, state="approved")
        assert state_of(objective) == state


@pytest.mark.parametrize(
    ("path", "illegal", "message"),
    [
        ([], "closed", "A draft objective cannot become closed."),
        (["proposed"], "closed", "A proposed objective cannot become closed."),
        (["proposed", "approved", "closed"], "draft", "A closed objective cannot become draft."),
        (
            ["proposed", "approved", "closed"],
            "abandoned",
            "A closed objective cannot become abandoned.",
        ),
        (["abandoned"], "approved", "An abandoned objective cannot become approved."),
        (["abandoned"], "closed", "An abandoned objective cannot become closed."),
        ([], "finished", "Unknown state 'finished'."),
    ],
)
def test_illegal_transitions_are_refused_with_a_message(
    member, admin, ready, path, illegal, message
):
    objective = ready
    for state in path:
        services.objective_set_state(
            actor=admin if state == "approved" else member,  # approving takes an approver
            objective=objective,
            state=state,
            reason="Reason enough",
        )
    before = state_of(objective)
    with pytest.raises(ValidationError) as exc:
        services.objective_set_state(
            actor=member, objective=objective, state=illegal, reason="Reason enough"
        )
    assert errors_of(exc) == {"state": [message]}
    assert state_of(objective) == before


def test_setting_the_same_state_changes_nothing(member, objective):
    assert services.objective_set_state(actor=member, objective=objective, state="draft").state == (
        "draft"
    )
    assert state_of(objective) == "draft"


def test_closed_cycles_refuse_every_change(member, admin, objective, cycle, team):
    kr = f.make_kr(member, objective, start=0, target=10)
    close(cycle)
    objective.refresh_from_db()
    before = counts()
    attempts = [
        lambda: f.make_objective(member, cycle, team),
        lambda: services.objective_update(actor=member, objective=objective, title="Too late"),
        lambda: services.objective_set_state(actor=admin, objective=objective, state="approved"),
        lambda: services.objective_delete(actor=admin, objective=objective),
        lambda: f.make_kr(member, objective),
        lambda: services.key_result_update(actor=member, key_result=kr, target=20),
        lambda: services.key_result_delete(actor=admin, key_result=kr),
        lambda: check_in(member, kr, 5),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError, match="Q4 2026 is closed"):
            attempt()
    assert counts() == before
    kr.refresh_from_db()
    assert (kr.target, kr.current) == (10, None)


# Key results on objectives that no longer take them -------------------------------------------


def test_no_new_key_results_on_abandoned_or_closed_objectives(member, objective):
    services.objective_set_state(
        actor=member, objective=objective, state="abandoned", reason="Dropped"
    )
    # ``objective`` is the caller's copy from before it was abandoned
    with pytest.raises(ValidationError, match="no longer open"):
        f.make_kr(member, objective)
    assert KeyResult.objects.count() == 0


# Check-ins ----------------------------------------------------------------------------------


def test_check_ins_are_an_append_only_history(member, objective):
    kr = f.make_kr(member, objective, title="Activation rate", start=13, target=45, unit="%")
    first = check_in(member, kr, 21, note="  first week ")
    check_in(member, kr, 37, "on_track")
    check_in(member, kr, 29, "at_risk", note="Dropped after the pricing change")
    history = list(selectors.check_ins_of(kr))
    assert [(c.value, c.confidence) for c in history] == [
        (21, "on_track"),
        (37, "on_track"),
        (29, "at_risk"),
    ]
    assert history[0].pk == first.pk
    assert history[0].note == "first week"
    assert history[-1].note == "Dropped after the pricing change"
    assert {c.author_id for c in history} == {member.id}
    kr.refresh_from_db()
    assert (kr.current, kr.confidence) == (29, "at_risk")
    assert kr.last_check_in_at == history[-1].at
    assert kr.progress == 0.5  # progress moved back: 37 → 29


def test_current_is_the_latest_by_time_not_by_arrival(member, objective):
    kr = f.make_kr(member, objective, start=0, target=100)
    now = timezone.now()
    check_in(member, kr, 60, "on_track", at=now - timedelta(days=1))
    # a check-in for last week, entered afterwards, joins the history but is not current
    late = check_in(member, kr, 40, "off_track", at=now - timedelta(days=8))
    kr.refresh_from_db()
    assert (kr.current, kr.confidence) == (60, "on_track")
    assert kr.last_check_in_at == now - timedelta(days=1)
    assert [c.value for c in selectors.check_ins_of(kr)] == [40, 60]
    assert CheckIn.objects.get(pk=late.pk).value == 40
    # a newer one becomes current
    check_in(member, kr, 70, "at_risk", at=now)
    kr.refresh_from_db()
    assert (kr.current, kr.confidence, kr.progress) == (70, "at_risk", 0.7)


def test_milestones_take_only_zero_or_one(member, objective):
    kr = f.make_kr(member, objective, kind="milestone")
    for value in (0.5, 2, -1, 100):
        with pytest.raises(ValidationError) as exc:
            check_in(member, kr, value)
        assert errors_of(exc) == {"value": ["A milestone takes 1 (done) or 0 (not done)."]}
    assert CheckIn.objects.count() == 0
    check_in(member, kr, 1)
    kr.refresh_from_db()
    assert kr.progress == 1.0
    check_in(member, kr, 0, "at_risk")
    kr.refresh_from_db()
    assert kr.progress == 0.0


@pytest.mark.parametrize(
    ("value", "confidence", "field"),
    [
        (math.nan, "on_track", "value"),
        (math.inf, "on_track", "value"),
        (-math.inf, "on_track", "value"),
        ("many", "on_track", "value"),
        (1e16, "on_track", "value"),
        (5, "fine", "confidence"),
        (5, "", "confidence"),
    ],
)
def test_invalid_check_ins_save_nothing(member, objective, value, confidence, field):
    kr = f.make_kr(member, objective, start=0, target=10)
    with pytest.raises(ValidationError) as exc:
        check_in(member, kr, value, confidence)
    assert field in errors_of(exc)
    assert CheckIn.objects.count() == 0
    kr.refresh_from_db()
    assert (kr.current, kr.confidence, kr.last_check_in_at) == (None, "", None)


def test_oversized_check_in_note_is_refused(member, objective):
    kr = f.make_kr(member, objective, start=0, target=10)
    with pytest.raises(ValidationError) as exc:
        check_in(member, kr, 5, note="n" * 2001)
    assert "note" in errors_of(exc)
    assert CheckIn.objects.count() == 0
    check_in(member, kr, 5, note="n" * 2000)
    assert CheckIn.objects.get().note == "n" * 2000


def test_first_measurement_is_the_baseline_of_a_metric_without_start(member, objective):
    kr = f.make_kr(member, objective, start=None, target=100)
    check_in(member, kr, 40)
    kr.refresh_from_db()
    assert (kr.start, kr.current, kr.progress) == (40, 40, 0.0)
    check_in(member, kr, 70)
    kr.refresh_from_db()
    assert (kr.start, kr.current, kr.progress) == (40, 70, 0.5)


def test_baseline_equal_to_the_target_is_refused_and_saves_nothing(member, objective):
    kr = f.make_kr(member, objective, start=None, target=100)
    with pytest.raises(ValidationError) as exc:
        check_in(member, kr, 100)
    assert "value" in errors_of(exc)
    assert CheckIn.objects.count() == 0
    kr.refresh_from_db()
    assert (kr.start, kr.current) == (None, None)


@pytest.mark.parametrize("state", ["abandoned", "closed"])
def test_no_check_ins_on_abandoned_or_closed_objectives(member, admin, ready, state):
    objective = ready
    kr = f.make_kr(member, objective, start=0, target=10)
    check_in(member, kr, 3)
    if state == "closed":
        services.objective_set_state(actor=member, objective=objective, state="proposed")
        services.objective_set_state(actor=admin, objective=objective, state="approved")
    services.objective_set_state(actor=member, objective=objective, state=state, reason="Done")
    with pytest.raises(ValidationError, match=f"This objective is {state}"):
        check_in(member, kr, 8)
    assert list(selectors.check_ins_of(kr).values_list("value", flat=True)) == [3]
    kr.refresh_from_db()
    assert kr.current == 3


def test_threshold_check_ins(member, objective):
    kr = f.make_kr(member, objective, kind="threshold", start=None, target=50)
    assert kr.progress is None
    check_in(member, kr, 52)
    kr.refresh_from_db()
    assert kr.progress == 1.0
    check_in(member, kr, 49, "at_risk")
    kr.refresh_from_db()
    assert kr.progress == 0.0


# Deletion -----------------------------------------------------------------------------------


def test_deleting_an_objective_leaves_its_children_unaligned(admin, member, cycle, company, team):
    top = f.make_objective(admin, cycle, company, title="Customers stay with us")
    kr = f.make_kr(admin, top, start=0, target=10)
    check_in(admin, kr, 4)
    children = [f.make_objective(member, cycle, team, parent=top) for _ in range(2)]
    services.objective_delete(actor=admin, objective=top)
    assert not Objective.objects.filter(pk=top.pk).exists()
    assert not KeyResult.objects.filter(pk=kr.pk).exists()
    assert not CheckIn.objects.filter(key_result_id=kr.pk).exists()
    for child in children:
        child.refresh_from_db()
        assert child.parent_id is None
    assert Objective.objects.count() == 2


def test_deleting_a_key_result_removes_its_history(member, objective):
    keep = f.make_kr(member, objective, start=0, target=10)
    gone = f.make_kr(member, objective, start=0, target=10)
    check_in(member, keep, 5)
    check_in(member, gone, 5)
    services.key_result_delete(actor=member, key_result=gone)
    assert list(KeyResult.objects.values_list("pk", flat=True)) == [keep.pk]
    assert list(CheckIn.objects.values_list("key_result_id", flat=True)) == [keep.pk]


# The board: roll-up through levels ------------------------------------------------------------


@pytest.fixture
def tree(
    admin, dept_lead, member, growth_member, cycle, company, department, platform, growth, team
):
    """company ← Engineering ← Platform; company ← Product; company ← Growth (abandoned);
    company ← Product (nothing measured yet)."""
    top = f.make_objective(admin, cycle, company, title="Customers stay with us")
    eng = f.make_objective(dept_lead, cycle, department, title="An engineering org", parent=top)
    plat = f.make_objective(dept_lead, cycle, platform, title="Reliable platform", parent=eng)
    prod = f.make_objective(member, cycle, team, title="Onboarding that sticks", parent=top)
    grow = f.make_objective(growth_member, cycle, growth, title="Grow the funnel", parent=top)
    unmeasured = f.make_objective(member, cycle, team, title="Happier admins", parent=top)
    f.make_kr(member, unmeasured, start=None, target=10)

    deploy = f.make_kr(dept_lead, plat, start=60, target=10, weight=3)  # 60 → 35 ⇒ 0.5
    uptime = f.make_kr(dept_lead, plat, kind="threshold", target=99.9)  # 99.95 ⇒ 1
    onboarding = f.make_kr(member, prod, start=13, target=45)  # 29 ⇒ 0.5
    tickets = f.make_kr(member, prod, start=220, target=120)  # 195 ⇒ 0.25
    docs = f.make_kr(member, prod, kind="milestone")  # done ⇒ 1
    funnel = f.make_kr(growth_member, grow, start=0, target=100)  # 90 ⇒ 0.9, but abandoned
    check_in(dept_lead, deploy, 35)
    check_in(dept_lead, uptime, 99.95)
    check_in(member, onboarding, 29, "on_track")
    check_in(member, tickets, 195, "on_track")
    check_in(member, docs, 1)
    check_in(growth_member, funnel, 90)
    services.objective_set_state(
        actor=growth_member, objective=grow, state="abandoned", reason="Folded into Product"
    )
    return {"top": top, "eng": eng, "plat": plat, "prod": prod, "grow": grow, "none": unmeasured}


def _instance_state(instances) -> dict:
    """Each model instance's own attributes and their values, Django's caches left out."""
    return {obj.pk: {k: v for k, v in vars(obj).items() if k != "_state"} for obj in instances}


def test_board_leaves_the_models_it_loads_untouched(org, cycle, tree):
    """Board rows carry pace, expected progress and key results; the models they read through
    to keep only what the database gave them (nothing set on them, nothing changed)."""
    from django.db.models import Q

    for scope in (None, Q(pk__in=[tree["top"].pk, tree["plat"].pk])):
        board = selectors.board_for_cycle(org, cycle, today=DAY, scope=scope, viewer=f.ALL)
        models = [o.model for o in board.objectives.values()]
        krs = [kr.model for o in board.objectives.values() for kr in o.krs]
        assert models and krs
        before = _instance_state(models + krs)
        fields = {f.attname for f in Objective._meta.concrete_fields}
        kr_fields = {f.attname for f in KeyResult._meta.concrete_fields}
        for model in models:
            assert set(vars(model)) - {"_state"} == fields
        for kr in krs:
            assert set(vars(kr)) - {"_state"} == kr_fields
        # Reading every computed value through the rows sets nothing on the models either.
        for o in board.objectives.values():
            assert (o.title, o.progress) == (o.model.title, o.model.progress)
            _ = (o.pace, o.expected, o.child_ids, [(k.pace, k.mismatch, k.progress) for k in o.krs])
        assert _instance_state(models + krs) == before
        plat = board.objectives[tree["plat"].id]
        assert plat.pace is not None and not hasattr(plat.model, "pace")
        assert not hasattr(plat.krs[0].model, "commitment_in_force")
        with pytest.raises(AttributeError):  # frozen rows
            plat.pace = None


def test_a_scoped_board_reads_the_children_of_what_it_loads_without_loading_them(
    org, cycle, tree, django_assert_num_queries
):
    """The children's ids come with their parents' rows (``IdList``), in the whole board's
    order; the children themselves are not loaded."""
    whole = selectors.board_for_cycle(org, cycle, today=DAY, viewer=f.ALL)
    for parent in ("top", "eng"):
        with django_assert_num_queries(2):  # objectives with their children's ids, key results
            scoped = selectors.board_for_cycle(
                org, cycle, today=DAY, viewer=f.ALL, scope=Q(pk=tree[parent].pk)
            )
        assert list(scoped.objectives) == [tree[parent].id]
        assert (
            scoped.objectives[tree[parent].id].child_ids
            == whole.objectives[tree[parent].id].child_ids
        )
    plat = tree["plat"]
    leaf = selectors.board_for_cycle(org, cycle, today=DAY, viewer=f.ALL, scope=Q(pk=plat.pk))
    assert leaf.objectives[plat.id].child_ids == ()


def test_board_rolls_up_company_department_team(org, cycle, tree):
    board = selectors.board_for_cycle(org, cycle, today=DAY, viewer=f.ALL)
    o = {name: board.objectives[obj.id] for name, obj in tree.items()}
    plat = (0.5 * 3 + 1.0 * 1) / 4  # 0.625
    prod = (0.5 + 0.25 + 1.0) / 3  # 0.58333
    assert o["plat"].progress == pytest.approx(plat)
    assert o["eng"].progress == pytest.approx(plat)  # its only child
    assert o["prod"].progress == pytest.approx(prod)
    assert o["grow"].progress == pytest.approx(0.9)  # its own, shown on its page
    assert o["none"].progress is None
    # the abandoned and the unmeasured children are left out of the company's mean
    assert o["top"].progress == pytest.approx((plat + prod) / 2)
    assert set(o["top"].child_ids) == {tree[k].id for k in ("eng", "prod", "grow", "none")}
    assert o["eng"].child_ids == (tree["plat"].id,)
    assert {x.id for x in board.roots()} == {tree["top"].id}
    # pace against the expected progress of the day
    expected = cycle.expected_on(DAY)
    assert expected == pytest.approx((DAY - cycle.start).days / (cycle.end - cycle.start).days)
    assert o["top"].expected == expected
    assert o["plat"].pace == "on_track"  # 0.625 vs 0.495
    assert o["grow"].pace is None  # abandoned


def test_board_marks_confidence_that_disagrees_with_pace(org, member, cycle, tree):
    board = selectors.board_for_cycle(org, cycle, today=date(2026, 12, 20), viewer=f.ALL)
    krs = {kr.title: kr for kr in board.objectives[tree["prod"].id].krs}
    by_progress = {round(kr.progress, 2): kr for kr in krs.values()}
    tickets = by_progress[0.25]  # reported on track, expected ≈ 0.88: computed off track
    assert (tickets.confidence, tickets.pace, tickets.mismatch) == ("on_track", "off_track", True)
    docs = by_progress[1.0]
    assert (docs.pace, docs.mismatch) == ("on_track", False)


def test_board_progress_follows_new_check_ins(org, member, cycle, tree):
    tickets = KeyResult.objects.get(objective=tree["prod"], start=220)
    check_in(member, tickets, 120)  # done ⇒ 1
    board = selectors.board_for_cycle(org, cycle, today=DAY, viewer=f.ALL)
    prod = (0.5 + 1.0 + 1.0) / 3
    plat = 0.625
    assert board.objectives[tree["prod"].id].progress == pytest.approx(prod)
    assert board.objectives[tree["top"].id].progress == pytest.approx((plat + prod) / 2)


def test_annual_board_includes_the_quarters_inside_it(
    org, admin, member, year, cycle, q3, company, team
):
    annual = f.make_objective(admin, year, company, title="A year of retention")
    q3_child = f.make_objective(member, q3, team, title="Summer onboarding", parent=annual)
    q4_child = f.make_objective(member, cycle, team, title="Winter onboarding", parent=annual)
    check_in(member, f.make_kr(member, q3_child, start=0, target=10), 10)  # 1.0
    check_in(member, f.make_kr(member, q4_child, start=0, target=10), 2)  # 0.2
    board = selectors.board_for_cycle(org, year, today=DAY, viewer=f.ALL)
    assert set(board.objectives) == {annual.id, q3_child.id, q4_child.id}
    assert board.objectives[annual.id].progress == pytest.approx(0.6)
    assert [o.id for o in board.in_cycle()] == [annual.id]
    # the quarter's board holds the quarter's objectives only; its child is a root there
    quarter = selectors.board_for_cycle(org, cycle, today=DAY, viewer=f.ALL)
    assert set(quarter.objectives) == {q4_child.id}
    assert [o.id for o in quarter.roots()] == [q4_child.id]
    assert quarter.objectives[q4_child.id].progress == pytest.approx(0.2)


def test_board_never_shows_another_organizations_objectives(org, outsider, cycle, tree):
    from cadence.orgs.selectors import company_unit

    their_cycle = f.make_cycle(outsider, name="Q4 2026")
    f.make_objective(outsider, their_cycle, company_unit(outsider.organization))
    board = selectors.board_for_cycle(org, cycle, today=DAY, viewer=f.ALL)
    assert set(board.objectives) == {t.id for t in tree.values()}
    assert all(o.organization_id == org.id for o in board.objectives.values())
