"""Propose → approve (or return), the approval rule, and dependencies between teams."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cadence.alignment import selectors, services
from cadence.alignment.models import ApprovalEvent, Dependency
from cadence.mail import services as mail_services
from cadence.okrs import services as okr_services
from cadence.okrs.models import Objective
from cadence.orgs.selectors import Access
from tests import factories as f


def errors_of(exc) -> dict:
    return exc.value.message_dict


def state_of(objective) -> str:
    objective.refresh_from_db()
    return objective.state


def trail(objective) -> list[tuple[str, str]]:
    return [(e.action, e.comment) for e in ApprovalEvent.objects.filter(objective=objective)]


# Propose ----------------------------------------------------------------------------------------


def test_the_team_proposes_and_the_parent_owner_approves(member, owner, draft, top):
    services.objective_propose(actor=member, objective=draft, comment="Ready for a look")
    assert state_of(draft) == "proposed"
    services.objective_approve(actor=owner, objective=draft, comment="Good one")
    assert state_of(draft) == "approved"
    assert trail(draft) == [("proposed", "Ready for a look"), ("approved", "Good one")]
    event = ApprovalEvent.objects.filter(objective=draft).last()
    assert (event.actor, event.parent_id, event.organization_id) == (
        owner,
        top.id,
        draft.organization_id,
    )


def test_a_team_objective_must_align_or_say_why_it_stands_alone(member, cycle, team):
    objective = f.make_objective(member, cycle, team, title="Tidy the backlog")
    f.make_kr(member, objective)
    with pytest.raises(ValidationError) as exc:
        services.objective_propose(actor=member, objective=objective)
    assert errors_of(exc) == {
        "parent": [
            "Align it to a higher objective, or say why it stands alone, before proposing it."
        ]
    }
    assert state_of(objective) == "draft" and trail(objective) == []
    okr_services.objective_update(
        actor=member, objective=objective, standalone_reason="Pure hygiene; no company goal fits."
    )
    services.objective_propose(actor=member, objective=objective)
    assert state_of(objective) == "proposed"


def test_proposing_needs_a_key_result_below_company_level(member, admin, cycle, team, top, company):
    objective = f.make_objective(member, cycle, team, title="Onboarding that sticks", parent=top)
    with pytest.raises(ValidationError) as exc:
        services.objective_propose(actor=member, objective=objective)
    assert errors_of(exc) == {"key_results": ["Add at least one key result before proposing it."]}
    # A company objective may have none: team OKRs move it.
    company_objective = f.make_objective(admin, cycle, company, title="Win the mid-market")
    services.objective_propose(actor=admin, objective=company_objective)
    assert state_of(company_objective) == "proposed"


def test_only_a_draft_is_proposed(member, owner, draft):
    services.objective_propose(actor=member, objective=draft)
    with pytest.raises(ValidationError) as exc:
        services.objective_propose(actor=member, objective=draft)
    assert errors_of(exc) == {"state": ["Only a draft can be proposed; this one is Proposed."]}


@pytest.mark.parametrize("who", ["viewer", "gus", "outsider", "owner"])
def test_only_the_units_editors_propose(request, draft, who):
    person = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        services.objective_propose(actor=person, objective=draft)
    assert state_of(draft) == "draft"


# Who approves ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("admin", True),
        ("owner", True),  # owns the parent objective
        ("member", False),  # the team itself
        ("company_lead", False),  # the parent has an owner: the owner decides
        ("viewer", False),
        ("gus", False),
        ("outsider", False),
    ],
)
def test_who_approves_an_aligned_objective(request, member, draft, who, allowed):
    person = request.getfixturevalue(who)
    services.objective_propose(actor=member, objective=draft)
    if allowed:
        services.objective_approve(actor=person, objective=draft)
        assert state_of(draft) == "approved"
    else:
        with pytest.raises(PermissionDenied):
            services.objective_approve(actor=person, objective=draft)
        assert state_of(draft) == "proposed"


def test_without_a_parent_owner_the_parents_unit_leads_approve(
    admin, cycle, company, member, team, company_lead, owner
):
    parent = f.make_objective(admin, cycle, company, title="Customers stay with us")
    child = f.make_objective(member, cycle, team, title="Onboarding finishes", parent=parent)
    assert can(company_lead, child) and not can(owner, child) and not can(member, child)


def test_a_standalone_objective_is_approved_above_its_unit(
    cycle, platform, pia, dept_lead, dept_member, company_lead, team, member
):
    reason = "Keeping the lights on."
    alone = f.make_objective(
        pia, cycle, platform, title="Patch every host", standalone_reason=reason
    )
    assert can(dept_lead, alone)  # leads the department above Platform
    assert can(company_lead, alone)  # and leads above that
    assert not can(dept_member, alone) and not can(pia, alone)
    product_alone = f.make_objective(
        member, cycle, team, title="Clean up", standalone_reason=reason
    )
    assert can(company_lead, product_alone) and not can(dept_lead, product_alone)


def test_company_objectives_are_approved_by_admins_only(admin, cycle, company, company_lead):
    objective = f.make_objective(admin, cycle, company, title="Win the mid-market")
    assert can(admin, objective) and not can(company_lead, objective)


def can(person, objective) -> bool:
    objective = Objective.objects.select_related("unit", "parent").get(pk=objective.pk)
    return selectors.can_approve(Access(person), objective)


def test_the_database_filter_agrees_with_the_rule(
    request, admin, cycle, company, team, platform, member, pia, top, owner
):
    objectives = [
        f.make_objective(member, cycle, team, parent=top),
        f.make_objective(member, cycle, team, standalone_reason="alone"),
        f.make_objective(pia, cycle, platform, standalone_reason="alone"),
        f.make_objective(pia, cycle, platform, parent=f.make_objective(admin, cycle, company)),
        f.make_objective(admin, cycle, company),
    ]
    people = [
        "admin",
        "owner",
        "member",
        "pia",
        "dept_lead",
        "dept_member",
        "company_lead",
        "viewer",
        "gus",
    ]
    for name in people:
        person = request.getfixturevalue(name)
        for objective in objectives:
            Objective.objects.filter(pk=objective.pk).update(state="proposed")
        expected = {o.id for o in objectives if can(person, o)}
        waiting = {o.id for o in selectors.approvals_waiting(person)}
        assert waiting == expected, name
        assert selectors.approvals_count(person) == len(expected), name


def test_a_draft_is_not_approved_directly(owner, admin, draft):
    for approver in (owner, admin):
        with pytest.raises(ValidationError) as exc:
            services.objective_approve(actor=approver, objective=draft)
        assert errors_of(exc) == {
            "state": [
                "Only a proposed objective can be approved; this one is draft: the team "
                "proposes it first."
            ]
        }
    assert state_of(draft) == "draft" and trail(draft) == []


def test_approved_objectives_cannot_be_approved_again(member, owner, draft):
    services.objective_propose(actor=member, objective=draft)
    services.objective_approve(actor=owner, objective=draft)
    with pytest.raises(ValidationError) as exc:
        services.objective_approve(actor=owner, objective=draft)
    assert "state" in errors_of(exc)


# Approval is required in the okrs services too -------------------------------------------------


def test_the_team_can_no_longer_approve_through_the_okrs_services(
    member, admin, owner, cycle, team, top, draft
):
    with pytest.raises(PermissionDenied):
        okr_services.objective_set_state(actor=member, objective=draft, state="approved")
    with pytest.raises(ValidationError) as exc:
        f.make_objective(member, cycle, team, parent=top, state="approved")
    assert "propose it instead" in errors_of(exc)["state"][0]
    assert Objective.objects.filter(unit=team).count() == 1
    # The parent's owner may, though not an editor of Product, once the team proposed it; the
    # okrs service hands the move to the alignment service, which writes the trail.
    okr_services.objective_set_state(actor=member, objective=draft, state="proposed")
    okr_services.objective_set_state(actor=owner, objective=draft, state="approved")
    assert state_of(draft) == "approved"
    assert [action for action, _comment in trail(draft)] == ["proposed", "approved"]
    # Only an admin starts a new objective as approved (their own proposal, said in the trail).
    started = f.make_objective(admin, cycle, team, parent=top, state="approved")
    assert started.state == "approved"
    (event,) = ApprovalEvent.objects.filter(objective=started)
    assert (event.action, event.actor, event.own_proposal) == ("approved", admin, True)


# Return ------------------------------------------------------------------------------------------


def test_returning_needs_a_comment_and_sends_the_objective_back(member, owner, draft):
    services.objective_propose(actor=member, objective=draft)
    for blank in ("", "   "):
        with pytest.raises(ValidationError) as exc:
            services.objective_return(actor=owner, objective=draft, comment=blank)
        assert errors_of(exc) == {
            "comment": ["Say what the team should change before proposing again."]
        }
    assert state_of(draft) == "proposed"
    services.objective_return(actor=owner, objective=draft, comment="Make the KR a number.")
    assert state_of(draft) == "draft"
    assert trail(draft)[-1] == ("returned", "Make the KR a number.")
    panel = selectors.objective_alignment_panel(draft, member)
    assert panel.last_return.comment == "Make the KR a number."
    assert panel.can_propose and not panel.can_approve
    # Proposed again, the returned comment is no longer the headline.
    services.objective_propose(actor=member, objective=draft)
    assert selectors.objective_alignment_panel(draft, member).last_return is None


def test_only_approvers_return_and_only_proposed_objectives(member, owner, draft):
    with pytest.raises(ValidationError) as exc:
        services.objective_return(actor=owner, objective=draft, comment="Not yet")
    assert "state" in errors_of(exc)
    services.objective_propose(actor=member, objective=draft)
    with pytest.raises(PermissionDenied):
        services.objective_return(actor=member, objective=draft, comment="Myself")
    assert state_of(draft) == "proposed"


def test_the_team_reopens_an_approved_objective(member, owner, draft, gus):
    services.objective_propose(actor=member, objective=draft)
    services.objective_approve(actor=owner, objective=draft)
    with pytest.raises(PermissionDenied):
        services.objective_reopen(actor=gus, objective=draft)
    services.objective_reopen(actor=member, objective=draft, comment="Scope changed")
    assert state_of(draft) == "draft"
    assert trail(draft)[-1] == ("reopened", "Scope changed")
    with pytest.raises(ValidationError):
        services.objective_reopen(actor=member, objective=draft)


def test_closed_cycles_refuse_review(member, owner, draft, cycle):
    services.objective_propose(actor=member, objective=draft)
    cycle.closed_at = cycle.created_at
    cycle.save()
    with pytest.raises(ValidationError):
        services.objective_approve(actor=owner, objective=draft)
    assert state_of(draft) == "proposed"


# Dependencies ------------------------------------------------------------------------------------


@pytest.fixture
def dependency(member, draft, platform):
    return services.dependency_create(
        actor=member, objective=draft, provider=platform, description="A faster sign-up API"
    )


def test_a_dependency_goes_through_its_states(member, pia, dependency):
    assert (dependency.state, dependency.requested_by) == ("requested", member)
    with pytest.raises(ValidationError) as exc:
        services.dependency_set_state(actor=member, dependency=dependency, state="done")
    assert errors_of(exc) == {"state": ["Platform must acknowledge it first."]}
    dependency = services.dependency_acknowledge(actor=pia, dependency=dependency, note="On it")
    assert (dependency.state, dependency.acknowledged_by, dependency.note) == (
        "acknowledged",
        pia,
        "On it",
    )
    assert dependency.acknowledged_at is not None
    dependency = services.dependency_set_state(
        actor=member, dependency=dependency, state="at_risk", note="Slipping"
    )
    assert (dependency.state, dependency.note) == ("at_risk", "Slipping")
    dependency = services.dependency_set_state(actor=pia, dependency=dependency, state="done")
    assert dependency.state == "done"
    with pytest.raises(ValidationError) as exc:
        services.dependency_set_state(actor=pia, dependency=dependency, state="requested")
    assert errors_of(exc) == {"state": ["A dependency that is done cannot become requested."]}
    with pytest.raises(ValidationError) as exc:
        services.dependency_set_state(actor=pia, dependency=dependency, state="lost")
    assert errors_of(exc) == {"state": ["Unknown state 'lost'."]}


def test_only_the_team_asked_acknowledges(member, gus, viewer, pia, dependency):
    for person in (member, gus, viewer):
        with pytest.raises(PermissionDenied):
            services.dependency_acknowledge(actor=person, dependency=dependency)
    services.dependency_acknowledge(actor=pia, dependency=dependency)
    with pytest.raises(ValidationError) as exc:
        services.dependency_acknowledge(actor=pia, dependency=dependency)
    assert errors_of(exc) == {"state": ["It is already acknowledged."]}


def test_only_the_two_sides_change_the_state(gus, viewer, pia, dependency):
    services.dependency_acknowledge(actor=pia, dependency=dependency)
    for person in (gus, viewer):
        with pytest.raises(PermissionDenied):
            services.dependency_set_state(actor=person, dependency=dependency, state="done")
    assert Dependency.objects.get().state == "acknowledged"


def test_dependency_input_is_checked(member, draft, team, outsider, viewer, gus, platform):
    bad = [
        ({"provider": team, "description": "x"}, "provider"),
        ({"provider": platform, "description": "  "}, "description"),
        ({"provider": platform, "description": "x" * 1001}, "description"),
        ({"provider": outsider.organization.units.get(), "description": "x"}, "provider"),
        (
            {"provider": platform, "description": "x", "provider_objective": draft},
            "provider_objective",
        ),
    ]
    for kwargs, field in bad:
        with pytest.raises(ValidationError) as exc:
            services.dependency_create(actor=member, objective=draft, **kwargs)
        assert field in errors_of(exc), kwargs
    for person in (viewer, gus, outsider):
        with pytest.raises(PermissionDenied):
            services.dependency_create(
                actor=person, objective=draft, provider=platform, description="x"
            )
    assert Dependency.objects.count() == 0


def test_the_provider_objective_must_be_the_providers(member, pia, cycle, platform, draft):
    theirs = f.make_objective(pia, cycle, platform, title="Sign-up API in 100 ms")
    dep = services.dependency_create(
        actor=member, objective=draft, provider=platform, description="x", provider_objective=theirs
    )
    assert dep.provider_objective == theirs
    panel = selectors.objective_alignment_panel(theirs, pia)
    assert [r.dependency for r in panel.asked] == [dep] and panel.asked[0].can_provider


def test_only_the_asking_side_withdraws(member, pia, dependency):
    with pytest.raises(PermissionDenied):
        services.dependency_delete(actor=pia, dependency=dependency)
    services.dependency_delete(actor=member, dependency=dependency)
    assert Dependency.objects.count() == 0


# Alignment health --------------------------------------------------------------------------------


def test_alignment_health_counts_team_objectives(
    admin, cycle, company, department, team, platform, member, pia, top
):
    assert selectors.alignment_health(top.organization, cycle, viewer=f.ALL).share is None
    f.make_objective(member, cycle, team, title="Aligned", parent=top)
    f.make_objective(member, cycle, team, title="Alone", standalone_reason="Hygiene work")
    lonely = f.make_objective(pia, cycle, platform, title="Lonely")
    f.make_objective(pia, cycle, platform, title="Blank reason", standalone_reason="")
    dropped = f.make_objective(pia, cycle, platform, title="Dropped")
    okr_services.objective_set_state(actor=pia, objective=dropped, state="abandoned", reason="No")
    f.make_objective(admin, cycle, department, title="Department, not counted")
    other = f.make_cycle(admin, name="Other quarter")
    f.make_objective(member, other, team, title="Other cycle, not counted")
    health = selectors.alignment_health(top.organization, cycle, viewer=f.ALL)
    assert (health.aligned, health.total, health.share) == (2, 4, 0.5)
    assert [o.title for o in health.unaligned] == ["Blank reason", "Lonely"]
    assert lonely in health.unaligned


@pytest.mark.parametrize(
    ("aligned", "total", "share"), [(0, 0, None), (0, 3, 0.0), (3, 3, 1.0), (1, 4, 0.25)]
)
def test_alignment_share(aligned, total, share):
    assert selectors.alignment_share(aligned, total) == share


# Emails ------------------------------------------------------------------------------------------


def test_owner_and_author_are_emailed_when_reviewed(
    member, owner, admin, draft, mailoutbox, django_capture_on_commit_callbacks
):
    draft.owner = admin
    draft.save()
    services.objective_propose(actor=member, objective=draft)
    # The approver is told of the proposal (a notification's email); the review is what counts.
    assert mail_services.deliveries_send_queued().sent == {"notice": 1}
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.objective_return(actor=owner, objective=draft, comment="Which customers?")
    assert mailoutbox == []  # queued by the review, sent by the worker's turn
    assert mail_services.deliveries_send_queued().sent == {"approval": 2}
    assert sorted(m.to[0] for m in mailoutbox) == sorted([admin.email, member.email])
    message = mailoutbox[0]
    assert message.subject == "Returned with comments: Onboarding people finish"
    assert "Which customers?" in message.body and "Olive Owner" in message.body
    mailoutbox.clear()
    services.objective_propose(actor=member, objective=draft)
    mail_services.deliveries_send_queued()
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.objective_approve(actor=admin, objective=draft)  # the owner approves: no self-mail
    mail_services.deliveries_send_queued()
    assert [m.to[0] for m in mailoutbox] == [member.email]
    assert mailoutbox[0].subject.startswith("Approved: ")


def test_no_email_when_asked_not_to(
    member, owner, draft, mailoutbox, django_capture_on_commit_callbacks
):
    services.objective_propose(actor=member, objective=draft)
    assert mail_services.deliveries_send_queued().sent == {"notice": 1}  # the approver's
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.objective_approve(actor=owner, objective=draft, notify=False)
    assert mail_services.deliveries_send_queued().total_sent == 0
    assert mailoutbox == []
