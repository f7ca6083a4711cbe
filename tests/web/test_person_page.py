"""A person's page: their units, the key results they own, and their personal objectives as the
reader may see them; the person themselves starts one there."""

import pytest
from django.urls import reverse

from cadence.okrs import services as okr_services
from cadence.okrs.models import Objective
from cadence.orgs.models import Membership
from tests import factories as f


@pytest.fixture
def people(org, team, member, cycle):
    lead = f.make_person(org, name="Lara Lead")
    f.join(team, lead, role=Membership.Role.LEAD)
    mate = f.make_person(org, name="Theo Teammate")
    f.join(team, mate)
    okr_services.personal_objective_create(
        actor=member, cycle=cycle, title="Learn to negotiate renewals"
    )
    return {"member": member, "lead": lead, "mate": mate}


def _page(client, viewer, person):
    client.force_login(viewer)
    return client.get(reverse("person_detail", args=[person.pk]))


def test_the_owner_and_their_lead_see_it_a_teammate_does_not(client, people, admin):
    member = people["member"]
    for who in (member, people["lead"], admin):
        body = _page(client, who, member).content.decode()
        assert "Learn to negotiate renewals" in body
    body = _page(client, people["mate"], member).content.decode()
    assert "Learn to negotiate renewals" not in body
    assert member.name in body  # the page itself is open to the organization


def test_only_the_person_is_offered_the_form(client, people):
    member = people["member"]
    assert 'id="new-personal"' in _page(client, member, member).content.decode()
    assert 'id="new-personal"' not in _page(client, people["lead"], member).content.decode()


def test_starting_one_on_the_page(client, people, cycle, team):
    member = people["member"]
    client.force_login(member)
    url = reverse("person_detail", args=[member.pk])
    before = Objective.objects.count()
    response = client.post(url, {"title": "x", "commitment": "aspirational", "visibility": "unit"})
    assert response.status_code == 422, response.content.decode()[:3000]
    assert "at least 3 characters" in response.content.decode()
    response = client.post(
        url,
        {"title": "Speak at a meetup", "commitment": "aspirational", "visibility": "unit",
         "counts_in_parent": "on"},
    )  # fmt: skip
    assert response.status_code == 422  # counted in nothing: no team objective chosen
    assert Objective.objects.count() == before
    response = client.post(
        url, {"title": "Speak at a meetup", "commitment": "aspirational", "visibility": "unit"}
    )
    created = Objective.objects.get(title="Speak at a meetup")
    assert response.status_code == 302 and response["Location"] == f"/objectives/{created.pk}/"
    assert created.owner_person == member and created.unit is None
    # Posting on someone else's page starts nothing.
    client.force_login(people["lead"])
    client.post(url, {"title": "Not theirs", "commitment": "committed", "visibility": "unit"})
    assert not Objective.objects.filter(title="Not theirs").exists()


def test_search_covers_shared_objectives_only(client, people, admin):
    """A personal objective is found on its owner's page, not by search (not even by its owner
    or an admin), like every other shared list."""
    personal = Objective.objects.get(title="Learn to negotiate renewals")
    for who in (people["member"], admin):
        client.force_login(who)
        for query in ("negotiate", "negotiate&kind=objective", "negot"):
            response = client.get(f"/search/?q={query}")
            assert response.status_code == 200
            assert f"/objectives/{personal.pk}/" not in response.content.decode()
