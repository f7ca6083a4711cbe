"""The demo shows propose → approve at work: next quarter being planned, and dependencies."""

from cadence.alignment import selectors
from cadence.alignment.models import ApprovalEvent, Dependency
from cadence.okrs.models import Cycle, Objective
from cadence.orgs.models import Person
from tests import factories as f


def test_the_demo_plans_next_quarter_through_approval(demo):
    next_quarter = Cycle.objects.get(organization=demo, name="Q1 2027")
    objectives = {
        o.unit.name: o
        for o in Objective.objects.filter(organization=demo, cycle=next_quarter)
        .filter(idea__isnull=True)  # not the drafts promoted from the ideas round
        .select_related("unit")
    }
    assert objectives["Product"].state == "proposed"
    assert objectives["Engineering"].state == "proposed"
    assert objectives["Engineering"].standalone_reason
    assert objectives["Marketing"].state == "draft"
    returned = ApprovalEvent.objects.filter(objective=objectives["Marketing"]).last()
    assert returned.action == "returned" and "videos" in returned.comment
    assert objectives["Finance"].state == "approved" and objectives["Finance"].standalone_reason
    assert objectives["Sales"].state == "draft"
    # Avery (admin) has both proposals waiting; Priya leads above Engineering.
    avery = Person.objects.get(organization=demo, email="admin@example.com")
    priya = Person.objects.get(organization=demo, email="priya.raman@example.com")
    assert {o.unit.name for o in selectors.approvals_waiting(avery)} == {"Product", "Engineering"}
    assert [o.unit.name for o in selectors.approvals_waiting(priya)] == ["Engineering"]
    health = selectors.alignment_health(demo, next_quarter, viewer=f.ALL)
    # The two drafts Product promoted from its ideas round are not aligned yet either.
    assert (health.aligned, health.total) == (4, 7)
    assert sorted(o.unit.name for o in health.unaligned) == ["Product", "Product", "Sales"]
    # The current quarter's team OKRs were approved by their parents' owners.
    current = Cycle.objects.get(organization=demo, name="Q4 2026")
    events = ApprovalEvent.objects.filter(objective__cycle=current, action="approved")
    # (but the draft that recovers an unhealthy KPI: drafted by its lead, not yet proposed)
    drafts = Objective.objects.filter(cycle=current, state="draft")
    assert [o.title for o in drafts] == [o.title for o in drafts if o.recovered_kpis.exists()]
    # (and Lena's personal objective, which takes no approval)
    shared = Objective.objects.filter(cycle=current, owner_person__isnull=True)
    assert events.count() == shared.exclude(state="draft").count()
    states = set(Dependency.objects.filter(organization=demo).values_list("state", flat=True))
    assert states == {"requested", "acknowledged", "at_risk"}


def test_the_demo_pages_render(demo, client):
    avery = Person.objects.get(organization=demo, email="admin@example.com")
    client.force_login(avery)
    current = Cycle.objects.get(organization=demo, name="Q4 2026")
    next_quarter = Cycle.objects.get(organization=demo, name="Q1 2027")
    html = client.get("/approvals/").content.decode()
    assert "Run the platform on supported versions only" in html
    html = client.get(f"/cycles/{current.pk}/dependencies/").content.decode()
    assert "Asked of Marketing" in html and "At risk" in html
    html = client.get(f"/cycles/{next_quarter.pk}/tree/?view=alignment").content.decode()
    assert "Open a partner channel in the Nordics" in html and "80%" in html
    marketing = Objective.objects.get(cycle=next_quarter, unit__name="Marketing")
    html = client.get(f"/objectives/{marketing.pk}/").content.decode()
    assert "Returned by Avery Collins" in html


def test_in_the_demo_nobody_but_the_admin_approves_their_own_proposal(demo):
    approvals = 0
    events = ApprovalEvent.objects.filter(organization=demo).select_related("actor", "objective")
    by_objective: dict = {}
    for event in events.order_by("created_at"):
        by_objective.setdefault(event.objective_id, []).append(event)
    for trail in by_objective.values():
        proposer = None
        for event in trail:
            if event.action in ("proposed", "realigned"):
                proposer = event.actor_id
            elif event.action == "approved":
                approvals += 1
                assert proposer is not None, event.objective.title  # proposed first
                assert event.own_proposal == (event.actor_id == proposer), event.objective.title
                assert event.actor.is_admin or event.actor_id != proposer, event.objective.title
    assert approvals > 10


def test_the_demo_approval_cards_show_key_results(demo, client):
    avery = Person.objects.get(organization=demo, email="admin@example.com")
    client.force_login(avery)
    html = client.get("/approvals/").content.decode()
    assert html.count("Key results (") == 2 and "No key results." not in html
    assert "What the coach says" in html and "proposed by" in html
