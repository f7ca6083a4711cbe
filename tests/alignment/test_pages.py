"""The alignment pages: waiting for my approval, the objective panel, dependencies, health."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cadence.alignment import services
from cadence.alignment.models import Dependency
from cadence.okrs.models import Objective
from tests import factories as f


@pytest.fixture
def login(client):
    def as_(person):
        client.force_login(person)
        return client

    return as_


def test_approvals_page_lists_and_approves(login, member, owner, draft):
    services.objective_propose(actor=member, objective=draft)
    client = login(owner)
    html = client.get(reverse("approvals")).content.decode()
    assert "Onboarding people finish" in html and "Customers stay with us" in html
    # the nav's count
    assert (
        '>Approvals <span class="badge badge--count">1<span class="visually-hidden"> waiting<'
        in html
    )
    response = client.post(
        reverse("objective_approve", args=[draft.id]), {"next": reverse("approvals")}
    )
    assert response.status_code == 302 and response["Location"] == reverse("approvals")
    draft.refresh_from_db()
    assert draft.state == "approved"
    html = client.get(reverse("approvals")).content.decode()
    assert "Nothing is waiting for you." in html


def test_the_team_sees_nothing_to_approve(login, member, draft):
    services.objective_propose(actor=member, objective=draft)
    html = login(member).get(reverse("approvals")).content.decode()
    assert "Nothing is waiting for you." in html
    assert "Onboarding people finish" not in html


def test_return_needs_a_comment_on_the_page_too(login, member, owner, draft):
    services.objective_propose(actor=member, objective=draft)
    client = login(owner)
    url = reverse("objective_return", args=[draft.id])
    response = client.post(url, {"comment": "  "}, follow=True)
    assert "Say what the team should change" in response.content.decode()
    draft.refresh_from_db()
    assert draft.state == "proposed"
    client.post(url, {"comment": "Make it measurable"})
    draft.refresh_from_db()
    assert draft.state == "draft"
    html = login(member).get(reverse("objective_detail", args=[draft.id])).content.decode()
    assert "Returned by Olive Owner" in html and "Make it measurable" in html
    assert "Propose for approval" in html


def test_objective_panel_controls_follow_the_rule(login, member, owner, viewer, draft):
    url = reverse("objective_detail", args=[draft.id])
    html = login(member).get(url).content.decode()
    assert "Propose for approval" in html and ">Approve</button>" not in html
    # The old state buttons no longer propose or approve.
    assert 'value="proposed"' not in html and 'value="approved"' not in html
    services.objective_propose(actor=member, objective=draft, comment="Please look")
    html = login(owner).get(url).content.decode()
    assert ">Approve</button>" in html and "Return with comments" in html
    assert "Please look" in html  # the trail
    html = login(viewer).get(url).content.decode()
    assert ">Approve</button>" not in html and "Propose for approval" not in html


def test_writes_are_post_only_and_refused_to_the_wrong_people(login, member, viewer, gus, draft):
    propose = reverse("objective_propose", args=[draft.id])
    assert login(member).get(propose).status_code == 405
    assert login(viewer).post(propose).status_code == 403
    assert login(gus).post(propose).status_code == 403
    assert login(member).post(reverse("objective_approve", args=[draft.id])).status_code == 403
    draft.refresh_from_db()
    assert draft.state == "draft"


def test_propose_from_the_page_shows_what_is_missing(login, member, cycle, team):
    objective = f.make_objective(member, cycle, team, title="Tidy the backlog")
    response = login(member).post(reverse("objective_propose", args=[objective.id]), follow=True)
    html = response.content.decode()
    assert "say why it stands alone" in html and "Add at least one key result" in html


def test_dependencies_from_the_objective_page(login, member, pia, draft, platform, cycle):
    client = login(member)
    response = client.post(
        reverse("dependency_create", args=[draft.id]),
        {"provider": platform.id, "description": "A faster sign-up API"},
    )
    assert response.status_code == 302
    dep = Dependency.objects.get()
    html = client.get(reverse("objective_detail", args=[draft.id])).content.decode()
    assert "A faster sign-up API" in html and "Waiting for Platform to acknowledge" in html
    client = login(pia)
    page = reverse("cycle_dependencies", args=[cycle.id])
    html = client.get(page + "?mine=1").content.decode()
    assert "Asked of Platform" in html and "Acknowledge" in html
    client.post(reverse("dependency_acknowledge", args=[dep.id]), {"next": page})
    client.post(reverse("dependency_state", args=[dep.id]), {"state": "at_risk"})
    dep.refresh_from_db()
    assert dep.state == "at_risk"
    response = client.post(reverse("dependency_state", args=[dep.id]), {"state": "requested"})
    assert response.status_code == 302
    dep.refresh_from_db()
    assert dep.state == "at_risk"
    assert client.post(reverse("dependency_delete", args=[dep.id])).status_code == 403
    assert login(member).post(reverse("dependency_delete", args=[dep.id])).status_code == 302
    assert Dependency.objects.count() == 0


def test_dependencies_page_filters_to_my_teams(login, member, gus, draft, platform, growth, cycle):
    services.dependency_create(actor=member, objective=draft, provider=platform, description="API")
    services.dependency_create(actor=member, objective=draft, provider=growth, description="Ads")
    page = reverse("cycle_dependencies", args=[cycle.id])
    html = login(gus).get(page).content.decode()
    assert "Asked of Platform" in html and "Asked of Growth" in html
    html = login(gus).get(page + "?mine=1").content.decode()
    assert "Asked of Growth" in html and "Asked of Platform" not in html


def test_health_panel_on_the_alignment_tree(login, member, cycle, team, draft):
    lonely = f.make_objective(member, cycle, team, title="Lonely objective")
    html = login(member).get(reverse("cycle_tree", args=[cycle.id]) + "?view=alignment")
    html = html.content.decode()
    assert "Alignment health" in html and "50%" in html and "(1 of 2)" in html
    assert reverse("objective_detail", args=[lonely.id]) in html


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_list_pages_do_not_grow_with_their_rows(login, admin, member, cycle, team, top, platform):
    client = login(admin)

    def grow(n):
        for i in range(n):
            o = f.make_objective(member, cycle, team, title=f"Objective {i}", parent=top)
            f.make_kr(member, o)
            services.objective_propose(actor=member, objective=o)
            services.dependency_create(
                actor=member, objective=o, provider=platform, description=f"Need {i}"
            )

    urls = [reverse("approvals"), reverse("cycle_dependencies", args=[cycle.id])]
    grow(2)
    small = [_count(client, u) for u in urls]
    grow(12)
    assert [_count(client, u) for u in urls] == small


def test_only_admins_are_offered_to_start_an_objective_as_approved(
    login, member, admin, dept_lead, cycle, team, top
):
    form = reverse("objective_create") + f"?unit={team.id}"
    for person in (member, dept_lead):
        html = login(person).get(form).content.decode()
        assert "Start as" not in html and 'value="approved"' not in html
    html = login(admin).get(form).content.decode()
    assert "Start as" in html and 'value="approved"' in html
    # A member who sends it anyway gets a draft: the form has no such choice for them.
    response = login(member).post(
        reverse("objective_create"),
        {
            "title": "Approved by myself",
            "cycle": cycle.id,
            "unit": team.id,
            "parent": top.id,
            "commitment": "committed",
            "state": "approved",
        },
    )
    assert response.status_code == 302
    created = Objective.objects.get(title="Approved by myself")
    assert created.state == "draft" and not created.approval_events.exists()
