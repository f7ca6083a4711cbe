"""Approval and targets by the rules through the web pages and /api/v1, as a member, a lead,
an admin and a viewer (the services' side is in test_approval_rules.py)."""

import pytest
from django.urls import reverse

from cadence.alignment import services
from cadence.alignment.models import ApprovalEvent
from cadence.coach import services as coach_services
from cadence.okrs import services as okr_services
from cadence.okrs.models import KeyResult, Objective, TargetChange
from tests import factories as f
from tests.api.conftest import Api, errors_of


@pytest.fixture
def login(client):
    def as_(person):
        client.force_login(person)
        return client

    return as_


@pytest.fixture
def owner_in_team(owner, team):
    f.join(team, owner)
    return owner


@pytest.fixture
def olives_proposal(owner_in_team, cycle, team, top):
    """Written and proposed by Olive in Product, aligned to the objective she owns."""
    objective = f.make_objective(
        owner_in_team, cycle, team, title="Self-serve upgrades", parent=top
    )
    f.make_kr(
        owner_in_team, objective, title="Self-serve upgrades from 10 to 40", start=10, target=40
    )
    services.objective_propose(actor=owner_in_team, objective=objective)
    return objective


@pytest.fixture
def approved(member, owner, draft):
    services.objective_propose(actor=member, objective=draft)
    services.objective_approve(actor=owner, objective=draft, notify=False)
    return draft


def state_of(objective) -> str:
    objective.refresh_from_db()
    return objective.state


# Nobody approves their own proposal -------------------------------------------------------------


def test_the_web_refuses_approving_ones_own_proposal(login, owner_in_team, olives_proposal):
    client = login(owner_in_team)
    url = reverse("objective_detail", args=[olives_proposal.id])
    html = client.get(url).content.decode()
    assert "You proposed it, so someone else approves it" in html
    assert ">Approve</button>" not in html and "Return with comments" not in html
    assert "Withdraw the proposal" in html
    assert client.post(reverse("objective_approve", args=[olives_proposal.id])).status_code == 403
    assert "Self-serve upgrades" not in client.get(reverse("approvals")).content.decode()
    assert state_of(olives_proposal) == "proposed"


def test_an_admins_own_approval_is_shown_in_the_trail(login, admin, cycle, company):
    objective = f.make_objective(admin, cycle, company, title="Win the mid-market")
    services.objective_propose(actor=admin, objective=objective)
    client = login(admin)
    response = client.post(reverse("objective_approve", args=[objective.id]))
    assert response.status_code == 302 and state_of(objective) == "approved"
    html = client.get(reverse("objective_detail", args=[objective.id])).content.decode()
    assert "approved their own proposal (as an admin)" in html
    # Started as approved from the form: said so too.
    response = client.post(
        reverse("objective_create"),
        {
            "title": "Known by name in the region",
            "cycle": objective.cycle_id,
            "unit": company.id,
            "commitment": "committed",
            "state": "approved",
        },
    )
    assert response.status_code == 302
    started = Objective.objects.get(title="Known by name in the region")
    html = client.get(reverse("objective_detail", args=[started.id])).content.decode()
    assert started.state == "approved"
    assert "started it as approved (an admin, without a proposal)" in html


def test_the_api_refuses_approving_ones_own_proposal(owner_in_team, admin, olives_proposal):
    path = f"/objectives/{olives_proposal.pk}"
    olive = Api(owner_in_team)
    assert olive.get("/approvals").json() == []
    response = olive.post(path + "/approve", {})
    assert (
        response.status_code == 403 and "You proposed this objective" in response.json()["message"]
    )
    assert olive.patch(path, {"state": "approved"}).status_code == 403
    assert state_of(olives_proposal) == "proposed"
    assert Api(admin).post(path + "/approve", {}).json()["state"] == "approved"
    trail = olive.get(path + "/approvals").json()
    assert [(e["action"], e["own_proposal"]) for e in trail] == [
        ("proposed", False),
        ("approved", False),
    ]


def test_the_api_marks_an_admins_own_approval(admin, cycle, company):
    objective = f.make_objective(admin, cycle, company, title="Win the mid-market")
    api = Api(admin)
    assert api.post(f"/objectives/{objective.pk}/propose", {}).status_code == 200
    assert api.post(f"/objectives/{objective.pk}/approve", {}).status_code == 200
    trail = api.get(f"/objectives/{objective.pk}/approvals").json()
    assert [(e["action"], e["own_proposal"]) for e in trail] == [
        ("proposed", False),
        ("approved", True),
    ]


# Only proposed objectives, after the checks ------------------------------------------------------


def test_a_draft_is_not_approved_from_the_web(login, owner, admin, draft):
    for person in (owner, admin):
        response = login(person).post(reverse("objective_approve", args=[draft.id]), follow=True)
        assert "the team proposes it first" in response.content.decode()
    assert state_of(draft) == "draft" and not ApprovalEvent.objects.filter(objective=draft).exists()
    # Nor is an Approve button offered on a draft.
    html = login(owner).get(reverse("objective_detail", args=[draft.id])).content.decode()
    assert ">Approve</button>" not in html


def test_a_draft_is_not_approved_through_the_api(owner, admin, draft):
    for person in (owner, admin):
        response = Api(person).post(f"/objectives/{draft.pk}/approve", {})
        assert response.status_code == 409 and "state" in errors_of(response)
    response = Api(admin).patch(f"/objectives/{draft.pk}", {"state": "approved"})
    assert response.status_code == 409 and "proposes it first" in errors_of(response)["state"][0]
    assert state_of(draft) == "draft"


def test_a_proposal_that_lost_its_key_results_is_not_approved(login, member, owner, draft):
    services.objective_propose(actor=member, objective=draft)
    okr_services.key_result_delete(actor=member, key_result=draft.key_results.get())
    response = Api(owner).post(f"/objectives/{draft.pk}/approve", {})
    assert response.status_code == 409 and "key_results" in errors_of(response)
    response = login(owner).post(reverse("objective_approve", args=[draft.id]), follow=True)
    assert "Add at least one key result before proposing it." in response.content.decode()
    assert state_of(draft) == "proposed"


# Starting a new objective ----------------------------------------------------------------------


def test_the_api_refuses_a_member_starting_an_approved_objective(
    owner_in_team, member, admin, viewer, cycle, team, top
):
    body = {
        "title": "Approved by myself",
        "cycle_id": str(cycle.pk),
        "unit_id": str(team.pk),
        "parent_id": str(top.pk),
        "state": "approved",
    }
    # Olive could approve Product's objectives under hers, but not one she starts herself.
    for person in (owner_in_team, member):
        response = Api(person).post("/objectives", body)
        assert response.status_code == 422
        assert "Only organization admins" in errors_of(response)["state"][0]
    assert Api(viewer).post("/objectives", body).status_code == 403
    assert not Objective.objects.filter(title="Approved by myself").exists()
    response = Api(admin).post("/objectives", body)
    assert response.status_code == 201 and response.json()["state"] == "approved"
    trail = Api(admin).get(f"/objectives/{response.json()['id']}/approvals").json()
    assert [(e["action"], e["own_proposal"]) for e in trail] == [("approved", True)]


def test_the_api_starts_a_proposal_only_when_it_can_be_proposed(member, owner, cycle, team, top):
    body = {"title": "At once", "cycle_id": str(cycle.pk), "unit_id": str(team.pk)}
    response = Api(member).post(
        "/objectives", {**body, "parent_id": str(top.pk), "state": "proposed"}
    )
    assert response.status_code == 422 and "no key results yet" in errors_of(response)["state"][0]
    assert not Objective.objects.filter(title="At once").exists()


# A new parent or unit sends an approved objective back -------------------------------------------


def test_realigning_on_the_edit_page_sends_it_back_for_approval(
    login, member, admin, cycle, company, approved
):
    other = f.make_objective(admin, cycle, company, title="Grow in the Nordics", state="approved")
    client = login(member)
    url = reverse("objective_edit", args=[approved.id])
    assert "sends it back for approval" in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "title": approved.title,
            "commitment": approved.commitment,
            "unit": approved.unit_id,
            "parent": other.id,
        },
    )
    assert response.status_code == 302
    assert state_of(approved) == "proposed"
    html = client.get(reverse("objective_detail", args=[approved.id])).content.decode()
    assert "realigned, to be approved again" in html


def test_realigning_through_the_api_sends_it_back_for_approval(
    member, admin, cycle, company, approved
):
    other = f.make_objective(admin, cycle, company, title="Grow in the Nordics", state="approved")
    api = Api(member)
    response = api.patch(f"/objectives/{approved.pk}", {"why": "Because it matters"})
    assert response.json()["state"] == "approved"
    response = api.patch(f"/objectives/{approved.pk}", {"parent_id": str(other.pk)})
    assert response.status_code == 200 and response.json()["state"] == "proposed"
    trail = api.get(f"/objectives/{approved.pk}/approvals").json()
    assert trail[-1]["action"] == "realigned" and trail[-1]["parent_id"] == str(other.pk)


# A target change of an approved key result needs a reason ---------------------------------------


def test_the_api_patch_needs_a_reason_for_an_approved_target(member, viewer, approved):
    kr = approved.key_results.get()
    api = Api(member)
    response = api.patch(f"/key-results/{kr.pk}", {"target": 80})
    assert response.status_code == 422
    assert "Say why the target changes" in errors_of(response)["reason"][0]
    response = api.patch(f"/key-results/{kr.pk}", {"start": 30, "reason": "   "})
    assert response.status_code == 422 and "reason" in errors_of(response)
    kr.refresh_from_db()
    assert (kr.start, kr.target) == (40, 70) and not TargetChange.objects.exists()
    response = api.patch(f"/key-results/{kr.pk}", {"reason": "No change at all"})
    assert response.status_code == 422 and "reason" in errors_of(response)
    assert Api(viewer).patch(
        f"/key-results/{kr.pk}", {"target": 80, "reason": "x"}
    ).status_code == (403)
    response = api.patch(f"/key-results/{kr.pk}", {"target": 80, "reason": "The cohort doubled."})
    assert response.status_code == 200 and response.json()["target"] == 80
    history = api.get(f"/key-results/{kr.pk}/target-changes").json()
    assert [(c["old_target"], c["new_target"], c["reason"]) for c in history] == [
        (70, 80, "The cohort doubled.")
    ]
    # Other fields change without a reason.
    assert api.patch(f"/key-results/{kr.pk}", {"title": "Onboarding completion"}).status_code == 200


def test_the_api_patch_of_a_draft_target_needs_no_reason(member, draft):
    kr = draft.key_results.get()
    response = Api(member).patch(f"/key-results/{kr.pk}", {"target": 80})
    assert response.status_code == 200 and not TargetChange.objects.exists()


def test_a_lead_changes_an_approved_target_with_a_reason_too(
    dept_lead, admin, pia, cycle, platform
):
    objective = f.make_objective(
        pia, cycle, platform, title="Deploys in minutes", standalone_reason="x"
    )
    kr = f.make_kr(pia, objective, title="Deploy time from 60 to 10 minutes", start=60, target=10)
    services.objective_propose(actor=pia, objective=objective)
    services.objective_approve(actor=dept_lead, objective=objective, notify=False)
    api = Api(dept_lead)
    assert api.patch(f"/key-results/{kr.pk}", {"target": 15}).status_code == 422
    response = api.patch(f"/key-results/{kr.pk}", {"target": 15, "reason": "Old CI stays."})
    assert response.status_code == 200
    change = TargetChange.objects.get(key_result=kr)
    assert (change.actor, change.reason) == (dept_lead, "Old CI stays.")


def _kr_form(kr: KeyResult, **changes) -> dict:
    data = {
        "title": kr.title,
        "kind": kr.kind,
        "start": kr.start,
        "target": kr.target,
        "unit": kr.unit,
        "weight": kr.weight,
        "commitment": kr.commitment,
    }
    return {**data, **changes}


def test_the_key_result_form_asks_why_an_approved_target_changes(login, member, admin, approved):
    kr = approved.key_results.get()
    url = reverse("key_result_edit", args=[kr.id])
    for person in (member, admin):
        html = login(person).get(url).content.decode()
        assert "Why does the target change?" in html
    client = login(member)
    response = client.post(url, _kr_form(kr, target=80))
    assert response.status_code == 422
    assert "Say why the target changes" in response.content.decode()
    kr.refresh_from_db()
    assert kr.target == 70 and not TargetChange.objects.exists()
    response = client.post(url, _kr_form(kr, target=80, reason="The cohort doubled."))
    assert response.status_code == 302
    change = TargetChange.objects.get(key_result=kr)
    assert (change.old_target, change.new_target, change.reason) == (70, 80, "The cohort doubled.")
    html = client.get(reverse("objective_detail", args=[approved.id])).content.decode()
    assert "The cohort doubled." in html
    # The title alone changes without a reason.
    assert (
        client.post(url, _kr_form(kr, title="Onboarding completion", target=80)).status_code == 302
    )


def test_the_key_result_form_of_a_draft_asks_no_reason(login, member, viewer, draft):
    kr = draft.key_results.get()
    url = reverse("key_result_edit", args=[kr.id])
    client = login(member)
    assert "Why does the target change?" not in client.get(url).content.decode()
    assert client.post(url, _kr_form(kr, target=80)).status_code == 302
    assert not TargetChange.objects.exists()
    assert login(viewer).post(url, _kr_form(kr, target=90)).status_code == 403


# Approval cards show what is approved -----------------------------------------------------------


def test_approval_cards_show_key_results_and_open_coach_findings(login, member, owner, draft):
    activity = f.make_kr(member, draft, title="Launch the new website", kind="milestone")
    baseline = f.make_kr(
        member, draft, title="Reach 95% of sign-ups onboarded", start=None, target=95
    )
    coach_services.finding_dismiss(
        actor=member,
        check_id="kr-no-baseline",
        key_result=baseline,
        reason="We measure it in week one.",
    )
    services.objective_propose(actor=member, objective=draft)
    html = login(owner).get(reverse("approvals")).content.decode()
    assert "proposed by Mia Member" in html
    assert "Key results (3)" in html
    assert 'Onboarding completion from 40% to 70% <span class="muted">· from 40 to 70' in html
    assert activity.title in html and "milestone, done or not" in html
    assert baseline.title in html
    assert "What the coach says" in html
    assert 'data-check="kr-output-verb"' in html  # the activity is flagged
    assert 'data-check="kr-no-baseline"' not in html  # dismissed with a reason: not open
    assert "Dismiss…" not in html  # the approver reads; the team dismisses


def test_an_approval_card_without_advice_says_so(login, member, owner, draft):
    f.make_kr(
        member, draft, title="Support tickets per new customer from 4 to 2", start=4, target=2
    )
    services.objective_propose(actor=member, objective=draft)
    html = login(owner).get(reverse("approvals")).content.decode()
    assert "No open advice from the coach." in html and 'class="finding ' not in html
