"""/api/v1/objectives for personal development objectives (issue 17.2): owner_person_id
instead of a unit, the caller's own only, seen by them, their leads and admins."""

import pytest

from cadence.okrs.models import Objective
from cadence.orgs.models import Membership
from tests import factories as f
from tests.api.conftest import Api, errors_of


@pytest.fixture
def world(db):
    org, admin = f.make_org("PersonalApi")
    team = f.make_unit(org, "Team")
    other = f.make_unit(org, "Other")
    owner = f.make_person(org, name="Olga Owner")
    lead = f.make_person(org, name="Lena Lead")
    mate = f.make_person(org, name="Tom Teammate")
    f.join(team, owner)
    f.join(team, mate)
    f.join(team, lead, role=Membership.Role.LEAD)
    cycle = f.make_cycle(admin, name="Q4")
    team_objective = f.make_objective(admin, cycle, team, title="Delight our customers")
    return {
        "org": org,
        "admin": admin,
        "owner": owner,
        "lead": lead,
        "mate": mate,
        "cycle": cycle,
        "team_objective": team_objective,
        "other": other,
    }


def _create(w, **extra):
    body = {
        "title": "Become a confident public speaker",
        "cycle_id": str(w["cycle"].pk),
        "owner_person_id": str(w["owner"].pk),
    }
    return Api(w["owner"]).post("/objectives", body | extra)


def test_a_person_starts_their_own_and_it_reads_back(world):
    response = _create(world, parent_id=str(world["team_objective"].pk), counts_in_parent=True)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["unit_id"] is None and data["owner_person_id"] == str(world["owner"].pk)
    assert (data["state"], data["visibility"], data["counts_in_parent"]) == (
        "approved",
        "unit",
        True,
    )
    kr = Api(world["owner"]).post(
        f"/objectives/{data['id']}/key-results",
        {
            "title": "Give 3 talks to groups of 20 or more",
            "kind": "metric",
            "start": 0,
            "target": 3,
        },
    )
    assert kr.status_code == 201, kr.content
    for who in ("owner", "lead", "admin"):
        assert Api(world[who]).get(f"/objectives/{data['id']}").status_code == 200
        listed = Api(world[who]).get(f"/objectives?owner_person_id={world['owner'].pk}").json()
        assert [o["id"] for o in listed] == [data["id"]]
    # A teammate sees nothing of it, and no list of objectives carries it.
    assert Api(world["mate"]).get(f"/objectives/{data['id']}").status_code == 404
    assert Api(world["mate"]).get(f"/objectives?owner_person_id={world['owner'].pk}").json() == []
    for who in ("owner", "admin"):
        assert data["id"] not in {o["id"] for o in Api(world[who]).get("/objectives").json()}
    # Only its owner changes it.
    patch = {"title": "Speak at two conferences"}
    assert Api(world["lead"]).patch(f"/objectives/{data['id']}", patch).status_code == 403
    assert Api(world["admin"]).patch(f"/objectives/{data['id']}", {}).status_code == 403
    changed = Api(world["owner"]).patch(
        f"/objectives/{data['id']}", patch | {"counts_in_parent": False}
    )
    assert changed.status_code == 200 and changed.json()["counts_in_parent"] is False


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"owner_person_id": None}, "unit_id"),  # neither
        ({"unit_id": "UNIT"}, "unit_id"),  # both
        ({"owner_person_id": "MATE"}, "owner_person_id"),  # someone else's
        ({"state": "proposed"}, "state"),
        ({"owner_id": "MATE"}, "owner_id"),
        ({"standalone_reason": "Just because"}, "standalone_reason"),
        ({"counts_in_parent": True}, "counts_in_parent"),  # counted in nothing
        ({"parent_id": "PERSONAL"}, "parent_id"),  # a personal objective supports a team's
        ({"counts_in_parent": "yes"}, "counts_in_parent"),
    ],
)
def test_bad_input_is_422_and_saves_nothing(world, extra, field):
    mine = _create(world, title="Read two books on negotiation").json()["id"]
    names = {"UNIT": str(world["other"].pk), "MATE": str(world["mate"].pk), "PERSONAL": mine}
    extra = {k: names.get(v, v) if isinstance(v, str) else v for k, v in extra.items()}
    before = Objective.objects.count()
    response = _create(world, **extra)
    assert response.status_code == 422, response.content
    assert field in errors_of(response)
    assert Objective.objects.count() == before


def test_a_team_objective_takes_no_counts_in_parent(world):
    body = {
        "title": "Ship the mobile app",
        "cycle_id": str(world["cycle"].pk),
        "unit_id": str(world["other"].pk),
        "counts_in_parent": True,
    }
    response = Api(world["admin"]).post("/objectives", body)
    assert response.status_code == 422 and "counts_in_parent" in errors_of(response)
