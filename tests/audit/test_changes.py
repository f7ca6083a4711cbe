"""Every change the audit trail records, made through the services people use, then read back:
objectives and key results, cycles, the organization's settings, weekly categories and API
tokens. Each event is in the organization of the change, names its actor and says before → after.
"""

import pytest
from django.db import transaction

from cadence.accounts import policy
from cadence.alignment import services as alignment_services
from cadence.audit import kinds
from cadence.audit.models import Event
from cadence.cli import main
from cadence.coach import services as coach_services
from cadence.okrs import services as okr_services
from cadence.orgs import services as org_services
from cadence.reviews import services as review_services
from cadence.scoring import services as scoring_services
from cadence.weekly import services as weekly_services
from tests import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("every_kind_catalogued")]


def events(kind: str) -> list[Event]:
    return list(Event.objects.filter(kind=kind).order_by("created_at", "id"))


def only(kind: str) -> Event:
    [event] = events(kind)
    return event


def test_an_objective_s_life_is_recorded(admin, member, cycle, team):
    parent = f.make_objective(admin, cycle, team.parent, title="Grow revenue")
    objective = f.make_objective(member, cycle, team, title="Custmers love us", why="Churn")
    created = Event.objects.get(kind="objective.created", target_id=str(objective.pk))
    assert (created.organization_id, created.actor, created.target_type) == (
        team.organization_id,
        member,
        "okrs.objective",
    )
    assert created.target_label == "Custmers love us"
    assert created.changes["title"] == [None, "Custmers love us"]
    assert created.changes["unit"] == [None, "Product"]
    assert created.changes["state"] == [None, "draft"]

    okr_services.objective_update(
        actor=member, objective=objective, title="Customers love us", why="Churn is 4%"
    )
    updated = only("objective.updated")
    assert updated.actor == member
    assert updated.changes == {
        "title": ["Custmers love us", "Customers love us"],
        "why": ["Churn", "Churn is 4%"],
    }

    okr_services.objective_update(actor=admin, objective=objective, owner=member)
    assert events("objective.updated")[-1].changes == {"owner": [None, "Mia Member"]}

    okr_services.objective_update(actor=member, objective=objective, parent=parent)
    realigned = only("objective.realigned")
    assert realigned.changes == {"parent": [None, "Grow revenue"]}
    # Saving with nothing changed records nothing.
    okr_services.objective_update(actor=member, objective=objective, title="Customers love us")
    assert len(events("objective.updated")) == 2


def test_state_moves_are_recorded_whichever_service_makes_them(admin, member, cycle, team):
    objective = f.make_objective(admin, cycle, team, title="Ship it", standalone_reason="Ours")
    f.make_kr(admin, objective, title="Release 3 features", target=3)
    objective = alignment_services.objective_propose(
        actor=member, objective=objective, comment="Ready"
    )
    alignment_services.objective_return(actor=admin, objective=objective, comment="Sharper KR")
    alignment_services.objective_propose(actor=member, objective=objective)
    alignment_services.objective_approve(actor=admin, objective=objective, notify=False)
    alignment_services.objective_reopen(actor=member, objective=objective)
    okr_services.objective_set_state(
        actor=member, objective=objective, state="abandoned", reason="Priorities moved"
    )
    okr_services.objective_set_state(actor=member, objective=objective, state="draft")
    moves = [
        (e.actor.name, e.changes["state"], e.changes.get("comment"), e.changes.get("reason"))
        for e in events("objective.state_changed")
    ]
    assert moves == [
        ("Mia Member", ["draft", "proposed"], "Ready", None),
        (admin.name, ["proposed", "draft"], "Sharper KR", None),
        ("Mia Member", ["draft", "proposed"], None, None),
        (admin.name, ["proposed", "approved"], None, None),
        ("Mia Member", ["approved", "draft"], None, None),
        ("Mia Member", ["draft", "abandoned"], None, "Priorities moved"),
        ("Mia Member", ["abandoned", "draft"], None, None),
    ]


def test_realigning_an_approved_objective_records_both_the_move_and_the_new_proposal(
    admin, cycle, team
):
    first = f.make_objective(admin, cycle, team.parent, title="First", state="approved")
    second = f.make_objective(admin, cycle, team.parent, title="Second", state="approved")
    objective = f.make_objective(admin, cycle, team, title="Team goal", parent=first)
    f.make_kr(admin, objective)
    alignment_services.objective_propose(actor=admin, objective=objective)
    alignment_services.objective_approve(actor=admin, objective=objective, notify=False)
    okr_services.objective_update(actor=admin, objective=objective, parent=second)
    assert only("objective.realigned").changes == {"parent": ["First", "Second"]}
    assert events("objective.state_changed")[-1].changes == {"state": ["approved", "proposed"]}


def test_deleting_an_objective_keeps_what_it_was(admin, cycle, team):
    objective = f.make_objective(admin, cycle, team, title="Short-lived", why="A test")
    f.make_kr(admin, objective)
    okr_services.objective_delete(actor=admin, objective=objective)
    deleted = only("objective.deleted")
    assert deleted.target_id == str(objective.pk) and deleted.target_label == "Short-lived"
    assert deleted.changes["title"] == ["Short-lived", None]
    assert deleted.changes["why"] == ["A test", None]


def test_key_results_are_recorded(admin, member, cycle, team):
    objective = f.make_objective(admin, cycle, team, title="Ship it", standalone_reason="Ours")
    kr = f.make_kr(admin, objective, title="NPS from 20 to 40", start=20, target=40)
    assert only("key_result.created").changes["target"] == [None, 40.0]

    okr_services.key_result_update(actor=member, key_result=kr, title="NPS 20 → 40", owner=member)
    assert only("key_result.updated").changes == {
        "title": ["NPS from 20 to 40", "NPS 20 → 40"],
        "owner": [None, "Mia Member"],
    }
    okr_services.key_result_update(actor=member, key_result=kr, target=45)
    assert only("key_result.target_changed").changes == {"target": [40.0, 45.0]}

    # Once approved, a target change comes with its reason; a review's change too.
    alignment_services.objective_propose(actor=member, objective=objective)
    alignment_services.objective_approve(actor=admin, objective=objective, notify=False)
    okr_services.key_result_update(actor=admin, key_result=kr, target=50, reason="Easy so far")
    review_services.key_result_change_target(
        actor=admin, key_result=kr, target=60, reason="Monthly review"
    )
    assert [e.changes for e in events("key_result.target_changed")][1:] == [
        {"target": [45.0, 50.0], "reason": "Easy so far"},
        {"target": [50.0, 60.0], "reason": "Monthly review"},
    ]
    # Check-ins are the key result's own history, not the audit trail's.
    okr_services.check_in_create(actor=member, key_result=kr, value=30, confidence="on_track")
    assert len(events("key_result.updated")) == 1

    okr_services.key_result_delete(actor=admin, key_result=kr)
    assert only("key_result.deleted").changes["title"] == ["NPS 20 → 40", None]


def test_a_refused_change_records_nothing(member, viewer, cycle, team):
    objective = f.make_objective(member, cycle, team, title="Ours")
    before = Event.objects.count()
    with pytest.raises(Exception, match="(?i)only|may"):
        okr_services.objective_update(actor=viewer, objective=objective, title="Taken")
    with pytest.raises(Exception, match="(?i)blank|empty|required"):
        okr_services.objective_update(actor=member, objective=objective, title="")
    assert Event.objects.count() == before


def test_cycles_are_recorded(admin):
    cycle = f.make_cycle(admin, name="Q1 2027")
    okr_services.cycle_update(actor=admin, cycle=cycle, name="Q1 FY27")
    assert only("cycle.created").changes["name"] == [None, "Q1 2027"]
    assert only("cycle.updated").changes == {"name": ["Q1 2027", "Q1 FY27"]}
    scoring_services.cycle_close(actor=admin, cycle=cycle)
    assert only("cycle.closed").changes == {"objectives_closed": 0}
    other = f.make_cycle(admin, name="Spare")
    okr_services.cycle_delete(actor=admin, cycle=other)
    assert only("cycle.deleted").target_label == "Spare"


def test_organization_settings_are_recorded(admin, org, team):
    scoring_services.organization_grading_scheme_set(actor=admin, scheme="percent")
    policy.sign_in_policy_set(actor=admin, organization=org, require_two_factor=True)
    coach_services.check_setting_update(actor=admin, check_id="kr-no-number", enabled=False)
    coach_services.check_setting_update(
        actor=admin, check_id="kr-no-number", enabled=True, level="error"
    )
    scheme = only("organization.grading_scheme_changed")
    assert (scheme.actor, scheme.organization_id) == (admin, org.pk)
    assert scheme.changes == {"grading_scheme": ["bands", "percent"]}
    assert only("organization.sign_in_policy_changed").changes == {
        "require_two_factor": [False, True]
    }
    coach = events("organization.coach_check_changed")
    assert [e.changes for e in coach] == [
        {"enabled": [True, False]},
        {"enabled": [False, True], "level": ["warn", "error"]},
    ]
    assert coach[0].target_id == "kr-no-number" and coach[0].target_label
    # Setting what is already set records nothing.
    scoring_services.organization_grading_scheme_set(actor=admin, scheme="percent")
    policy.sign_in_policy_set(actor=admin, organization=org, require_two_factor=True)
    assert Event.objects.filter(kind__startswith="organization.").count() == 4


def test_weekly_categories_are_recorded(admin, team):
    category = weekly_services.category_create(actor=admin, name="Risks", unit=team)
    weekly_services.category_update(actor=admin, category=category, name="Risks and blockers")
    weekly_services.category_archive(actor=admin, category=category)
    weekly_services.category_restore(actor=admin, category=category)
    assert only("weekly_category.created").changes == {
        "name": [None, "Risks"],
        "team": [None, "Product"],
        "carries_over": [None, False],
    }
    assert only("weekly_category.updated").changes == {"name": ["Risks", "Risks and blockers"]}
    assert only("weekly_category.archived").target_label == "Risks and blockers"
    assert only("weekly_category.restored").actor == admin


def test_api_tokens_are_recorded(admin, member, capsys):
    token, _secret = org_services.api_token_create(person=member, name="Laptop")
    created = only("token.created")
    assert (created.actor, created.target_id) == (member, str(token.pk))
    assert "Laptop" in created.target_label and token.prefix in created.target_label
    org_services.api_token_revoke(person=member, token_id=token.pk)
    revoked = only("token.revoked")
    assert (revoked.actor, revoked.target_id) == (member, str(token.pk))

    # `cadence token create` is the operator's, not the person's: the command line made it.
    assert main(["token", "create", admin.email, "--name", "CI"]) == 0
    by_cli = events("token.created")[-1]
    assert (by_cli.actor, by_cli.actor_label, by_cli.organization_id) == (
        None,
        "command line",
        admin.organization_id,
    )


def test_a_token_that_is_not_revoked_records_nothing(member, admin):
    token, _ = org_services.api_token_create(person=admin)
    with pytest.raises(Exception, match="No such token"), transaction.atomic():
        org_services.api_token_revoke(person=member, token_id=token.pk)
    assert not Event.objects.filter(kind="token.revoked").exists()


def test_the_catalogue_names_every_group():
    assert {kinds.group_of(k) for k in kinds.KINDS} <= set(kinds.GROUP_LABELS)
    assert all(kinds.is_filter(k) for k in kinds.KINDS)
    assert all(kinds.is_filter(g) for g in kinds.GROUP_LABELS)
