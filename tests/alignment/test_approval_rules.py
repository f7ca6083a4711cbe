"""Approval by the rules, through the services: nobody approves their own proposal (an admin
may, and the trail says so); only proposed objectives are approved, after the checks of
proposing; only admins start an objective as approved; a new parent or unit sends an approved
objective back for approval. Web and API paths are in test_approval_rules_web.py."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cadence.alignment import selectors, services
from cadence.alignment.models import ApprovalEvent
from cadence.okrs import services as okr_services
from cadence.okrs.models import KeyResult, Objective
from cadence.orgs.models import Membership
from cadence.orgs.selectors import Access
from tests import factories as f


def state_of(objective) -> str:
    objective.refresh_from_db()
    return objective.state


def trail(objective) -> list[tuple[str, str, bool]]:
    return [
        (e.action, e.actor.name if e.actor else "", e.own_proposal)
        for e in ApprovalEvent.objects.filter(objective=objective)
    ]


def can(person, objective) -> bool:
    objective = Objective.objects.select_related("unit", "parent").get(pk=objective.pk)
    return selectors.can_approve(Access(person), objective)


@pytest.fixture
def owner_in_team(owner, team):
    """Olive owns the company objective and also works in Product."""
    f.join(team, owner)
    return owner


@pytest.fixture
def olives_draft(owner_in_team, cycle, team, top):
    """Written by Olive in Product, aligned to the objective she owns."""
    objective = f.make_objective(
        owner_in_team, cycle, team, title="Self-serve upgrades", parent=top
    )
    f.make_kr(
        owner_in_team, objective, title="Self-serve upgrades from 10 to 40", start=10, target=40
    )
    return objective


# Nobody approves their own proposal -------------------------------------------------------------


def test_the_parent_owner_does_not_approve_her_own_proposal(
    owner_in_team, member, admin, olives_draft
):
    services.objective_propose(actor=owner_in_team, objective=olives_draft)
    assert not can(owner_in_team, olives_draft)
    with pytest.raises(PermissionDenied, match="You proposed this objective"):
        services.objective_approve(actor=owner_in_team, objective=olives_draft)
    with pytest.raises(PermissionDenied, match="You proposed this objective"):
        services.objective_return(actor=owner_in_team, objective=olives_draft, comment="Mine")
    with pytest.raises(PermissionDenied, match="You proposed this objective"):
        okr_services.objective_set_state(
            actor=owner_in_team, objective=olives_draft, state="approved"
        )
    assert state_of(olives_draft) == "proposed"
    # Nor does it wait for her; an admin approves it, as its other approver.
    assert selectors.approvals_waiting(owner_in_team) == []
    assert selectors.approvals_count(owner_in_team) == 0
    panel = selectors.objective_alignment_panel(olives_draft, owner_in_team)
    assert panel.own_proposal and not panel.can_approve and panel.can_reopen
    services.objective_approve(actor=admin, objective=olives_draft)
    assert trail(olives_draft) == [
        ("proposed", "Olive Owner", False),
        ("approved", f"{admin.name}", False),
    ]


def test_who_proposed_is_the_author_not_who_wrote_it(owner_in_team, member, olives_draft):
    # Olive wrote it, Mia (her teammate) proposes it: Olive, the parent's owner, may approve.
    services.objective_propose(actor=member, objective=olives_draft)
    assert selectors.proposer_id(olives_draft) == member.id
    assert [o.id for o in selectors.approvals_waiting(owner_in_team)] == [olives_draft.id]
    services.objective_approve(actor=owner_in_team, objective=olives_draft)
    assert state_of(olives_draft) == "approved"
    # Returned and proposed again by Olive herself: now she is the author.
    services.objective_reopen(actor=member, objective=olives_draft)
    services.objective_propose(actor=owner_in_team, objective=olives_draft)
    with pytest.raises(PermissionDenied):
        services.objective_approve(actor=owner_in_team, objective=olives_draft)


def test_proposer_id_reads_the_trail_as_it_stands_and_marks_nothing(
    owner_in_team, member, olives_draft, django_assert_num_queries
):
    services.objective_propose(actor=member, objective=olives_draft)
    objective = Objective.objects.select_related("unit", "parent__owner").get(pk=olives_draft.pk)
    with django_assert_num_queries(1):
        assert selectors.proposer_id(objective) == member.id
    assert not [name for name in vars(objective) if "proposer" in name]
    services.objective_reopen(actor=member, objective=objective)
    services.objective_propose(actor=owner_in_team, objective=objective)
    # The same instance, asked again, answers who proposed it now (nothing remembered).
    assert selectors.proposer_id(objective) == owner_in_team.id
    # Refusing one's own proposal reads the trail once.
    access = Access(owner_in_team)
    with django_assert_num_queries(1):
        assert not selectors.can_approve(access, objective)


def test_a_lead_does_not_approve_their_own_standalone_proposal(
    dept_lead, pia, admin, cycle, platform
):
    objective = f.make_objective(
        dept_lead, cycle, platform, title="Deploys in minutes", standalone_reason="Our own"
    )
    f.make_kr(dept_lead, objective, title="Deploy time from 60 to 10 minutes", start=60, target=10)
    services.objective_propose(actor=dept_lead, objective=objective)
    with pytest.raises(PermissionDenied, match="You proposed this objective"):
        services.objective_approve(actor=dept_lead, objective=objective)
    # A teammate's proposal is the lead's to approve.
    services.objective_reopen(actor=pia, objective=objective)
    services.objective_propose(actor=pia, objective=objective)
    services.objective_approve(actor=dept_lead, objective=objective)
    assert state_of(objective) == "approved"


def test_an_admin_may_approve_their_own_proposal_and_the_trail_says_so(
    admin, cycle, company, team, top
):
    company_objective = f.make_objective(admin, cycle, company, title="Win the mid-market")
    services.objective_propose(actor=admin, objective=company_objective)
    assert can(admin, company_objective)
    assert company_objective.id in {o.id for o in selectors.approvals_waiting(admin)}
    services.objective_approve(actor=admin, objective=company_objective)
    assert trail(company_objective) == [
        ("proposed", admin.name, False),
        ("approved", admin.name, True),
    ]


def test_viewers_never_approve(viewer, member, draft):
    services.objective_propose(actor=member, objective=draft)
    with pytest.raises(PermissionDenied):
        services.objective_approve(actor=viewer, objective=draft)
    assert state_of(draft) == "proposed"


def test_the_database_filter_leaves_out_ones_own_proposals(
    request, admin, member, owner_in_team, dept_lead, pia, cycle, team, platform, top
):
    mine = f.make_objective(owner_in_team, cycle, team, title="Olive's own", parent=top)
    theirs = f.make_objective(member, cycle, team, title="Mia's", parent=top)
    leads = f.make_objective(dept_lead, cycle, platform, title="Lead's", standalone_reason="x")
    pias = f.make_objective(pia, cycle, platform, title="Pia's", standalone_reason="x")
    for objective, proposer in ((mine, owner_in_team), (theirs, member), (leads, dept_lead)):
        f.make_kr(proposer, objective)
        services.objective_propose(actor=proposer, objective=objective)
    # Proposed before the trail existed: its writer counts as its author.
    Objective.objects.filter(pk=pias.pk).update(state="proposed")
    for person in (admin, member, owner_in_team, dept_lead, pia):
        expected = {o.id for o in (mine, theirs, leads, pias) if can(person, o)}
        assert {o.id for o in selectors.approvals_waiting(person)} == expected, person.name
        assert selectors.approvals_count(person) == len(expected), person.name
    assert {o.id for o in selectors.approvals_waiting(owner_in_team)} == {theirs.id}
    assert {o.id for o in selectors.approvals_waiting(dept_lead)} == {pias.id}
    assert {o.id for o in selectors.approvals_waiting(admin)} == {
        mine.id,
        theirs.id,
        leads.id,
        pias.id,
    }
    proposers = {o.title: o.proposer_name for o in selectors.approvals_waiting(admin)}
    assert proposers == {
        "Olive's own": "Olive Owner",
        "Mia's": "Mia Member",
        "Lead's": "Dana Lead",
        "Pia's": "Pia Platform",
    }


# Only proposed objectives, after the checks of proposing ---------------------------------------


def test_a_proposal_that_no_longer_passes_the_checks_is_not_approved(member, owner, draft):
    services.objective_propose(actor=member, objective=draft)
    okr_services.key_result_delete(actor=member, key_result=draft.key_results.get())
    with pytest.raises(ValidationError) as exc:
        services.objective_approve(actor=owner, objective=draft)
    assert exc.value.message_dict == {
        "key_results": ["Add at least one key result before proposing it."]
    }
    assert state_of(draft) == "proposed"
    assert [e.action for e in ApprovalEvent.objects.filter(objective=draft)] == ["proposed"]


def test_the_okrs_service_hands_review_moves_to_the_approval_services(
    member, owner, admin, draft, cycle, team
):
    # Proposing through the okrs service runs the checks and writes the trail.
    empty = f.make_objective(member, cycle, team, title="Nothing measured yet", parent=draft.parent)
    with pytest.raises(ValidationError) as exc:
        okr_services.objective_set_state(actor=member, objective=empty, state="proposed")
    assert "key_results" in exc.value.message_dict
    for approver in (owner, admin):
        with pytest.raises(ValidationError, match="the team proposes it first"):
            okr_services.objective_set_state(actor=approver, objective=draft, state="approved")
    okr_services.objective_set_state(actor=member, objective=draft, state="proposed")
    okr_services.objective_set_state(actor=owner, objective=draft, state="approved")
    okr_services.objective_set_state(actor=member, objective=draft, state="draft")
    assert [e.action for e in ApprovalEvent.objects.filter(objective=draft)] == [
        "proposed",
        "approved",
        "reopened",
    ]


# Starting a new objective ----------------------------------------------------------------------


@pytest.mark.parametrize("who", ["member", "owner_in_team", "dept_lead", "company_lead"])
def test_only_admins_start_an_objective_as_approved(request, who, cycle, team, platform, top):
    person = request.getfixturevalue(who)
    if who == "company_lead":
        f.join(team, person, role=Membership.Role.LEAD)
    unit = platform if who == "dept_lead" else team
    with pytest.raises(ValidationError) as exc:
        f.make_objective(person, cycle, unit, title="Approved by me", parent=top, state="approved")
    assert (
        "Only organization admins start an objective as approved"
        in (exc.value.message_dict["state"][0])
    )
    assert not Objective.objects.filter(title="Approved by me").exists()


def test_viewers_start_nothing(viewer, cycle, team):
    with pytest.raises(PermissionDenied):
        f.make_objective(viewer, cycle, team, title="Approved by me", state="approved")


def test_an_admin_starts_one_as_approved_as_their_own_proposal(admin, cycle, company):
    objective = f.make_objective(admin, cycle, company, title="Be the reference", state="approved")
    assert state_of(objective) == "approved"
    assert trail(objective) == [("approved", admin.name, True)]


def test_starting_as_proposed_passes_the_checks_and_starts_the_trail(
    member, owner, cycle, team, company, top
):
    with pytest.raises(ValidationError) as exc:
        f.make_objective(
            member, cycle, team, title="Proposed at once", parent=top, state="proposed"
        )
    assert exc.value.message_dict == {
        "state": [
            "A new objective has no key results yet: start it as a draft, add them, then "
            "propose it."
        ]
    }
    with pytest.raises(ValidationError) as exc:
        f.make_objective(member, cycle, team, title="Proposed at once", state="proposed")
    assert set(exc.value.message_dict) == {"parent", "state"}
    assert not Objective.objects.filter(title="Proposed at once").exists()
    # A company objective needs neither: Olive (in the company unit) proposes one at once.
    objective = f.make_objective(owner, cycle, company, title="Known by name", state="proposed")
    assert trail(objective) == [("proposed", "Olive Owner", False)]
    assert selectors.proposer_id(objective) == owner.id


# A new parent or unit sends an approved objective back for approval ---------------------------


@pytest.fixture
def approved(member, owner, draft):
    services.objective_propose(actor=member, objective=draft)
    services.objective_approve(actor=owner, objective=draft)
    return draft


def test_a_new_parent_sends_an_approved_objective_back_for_approval(
    member, admin, cycle, company, approved
):
    other = f.make_objective(admin, cycle, company, title="Grow in the Nordics", state="approved")
    okr_services.objective_update(actor=member, objective=approved, title="Onboarding finished")
    assert state_of(approved) == "approved"  # a new title keeps the approval
    okr_services.objective_update(actor=member, objective=approved, parent=other)
    assert state_of(approved) == "proposed"
    event = ApprovalEvent.objects.filter(objective=approved).last()
    assert (event.action, event.actor, event.parent_id) == ("realigned", member, other.id)
    assert selectors.proposer_id(approved) == member.id
    assert approved.id in {o.id for o in selectors.approvals_waiting(admin)}


def test_a_new_unit_sends_it_back_too(admin, growth, approved):
    okr_services.objective_update(actor=admin, objective=approved, unit=growth)
    assert state_of(approved) == "proposed"
    assert ApprovalEvent.objects.filter(objective=approved).last().action == "realigned"


def test_who_realigns_is_the_author_of_the_new_proposal(
    member, owner_in_team, admin, cycle, company, approved
):
    # Olive aligns Product's approved objective under a second objective she owns: she does not
    # approve the result herself.
    hers = f.make_objective(
        admin, cycle, company, title="Upgrades pay", owner=owner_in_team, state="approved"
    )
    okr_services.objective_update(actor=owner_in_team, objective=approved, parent=hers)
    assert state_of(approved) == "proposed"
    with pytest.raises(PermissionDenied, match="You proposed this objective"):
        services.objective_approve(actor=owner_in_team, objective=approved)
    services.objective_reopen(actor=member, objective=approved)
    services.objective_propose(actor=member, objective=approved)
    services.objective_approve(actor=owner_in_team, objective=approved)
    assert state_of(approved) == "approved"


def test_unaligning_an_approved_objective_needs_a_reason_to_stand_alone(member, approved, top):
    with pytest.raises(ValidationError) as exc:
        okr_services.objective_update(actor=member, objective=approved, parent=None)
    assert "parent" in exc.value.message_dict
    approved.refresh_from_db()
    assert (approved.state, approved.parent_id) == ("approved", top.id)
    okr_services.objective_update(
        actor=member, objective=approved, parent=None, standalone_reason="Product's own bet"
    )
    assert state_of(approved) == "proposed"


def test_drafts_and_proposals_realign_freely(member, owner, admin, cycle, company, draft):
    other = f.make_objective(admin, cycle, company, title="Grow in the Nordics", state="approved")
    okr_services.objective_update(actor=member, objective=draft, parent=other)
    assert state_of(draft) == "draft"
    services.objective_propose(actor=member, objective=draft)
    okr_services.objective_update(actor=member, objective=draft, parent=draft.parent)
    assert state_of(draft) == "proposed"
    assert [e.action for e in ApprovalEvent.objects.filter(objective=draft)] == ["proposed"]
    assert KeyResult.objects.filter(objective=draft).count() == 1
