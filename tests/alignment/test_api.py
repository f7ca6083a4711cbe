"""/api/v1: propose, approve, return; approval trail; alignment health; dependencies."""

import pytest

from cadence.alignment import services
from cadence.alignment.models import Dependency
from tests import factories as f
from tests.api.conftest import Api, errors_of


@pytest.fixture
def member_api(member):
    return Api(member)


@pytest.fixture
def owner_api(owner):
    return Api(owner)


@pytest.fixture
def outsider_api(outsider):
    return Api(outsider)


@pytest.fixture
def anonymous_api():
    return Api()


def test_propose_return_propose_approve(member_api, owner_api, draft):
    path = f"/objectives/{draft.pk}"
    response = member_api.post(path + "/propose", {"comment": "Ready"})
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "proposed"
    response = owner_api.post(path + "/return", {})
    assert response.status_code == 422
    assert errors_of(response) == {"comment": ["This field is required."]}
    response = owner_api.post(path + "/return", {"comment": "  "})
    assert response.status_code == 422
    assert errors_of(response) == {"comment": ["This field cannot be blank."]}
    response = owner_api.post(path + "/return", {"comment": "Sharper key result, please"})
    assert response.json()["state"] == "draft"
    assert member_api.post(path + "/propose", {}).json()["state"] == "proposed"
    response = owner_api.post(path + "/approve", {"comment": "Go"})
    assert response.status_code == 200 and response.json()["state"] == "approved"
    trail = member_api.get(path + "/approvals").json()
    assert [(e["action"], e["comment"], e["actor_name"]) for e in trail] == [
        ("proposed", "Ready", "Mia Member"),
        ("returned", "Sharper key result, please", "Olive Owner"),
        ("proposed", "", "Mia Member"),
        ("approved", "Go", "Olive Owner"),
    ]


def test_review_refusals(member_api, owner_api, viewer, draft, anonymous_api):
    path = f"/objectives/{draft.pk}"
    assert member_api.post(path + "/approve", {}).status_code == 403
    assert Api(viewer).post(path + "/propose", {}).status_code == 403
    assert anonymous_api.post(path + "/propose", {}).status_code == 401
    response = member_api.post(path + "/propose", {"comment": "x" * 2001, "extra": 1})
    assert response.status_code == 422
    assert set(errors_of(response)) == {"comment", "extra"}
    response = owner_api.post(path + "/return", {"comment": "Not proposed yet"})
    assert response.status_code == 409 and "state" in errors_of(response)
    draft.refresh_from_db()
    assert draft.state == "draft"


def test_foreign_objectives_are_404(outsider_api, draft):
    for action in ("propose", "approve", "return", "reopen"):
        response = outsider_api.post(f"/objectives/{draft.pk}/{action}", {"comment": "mine"})
        assert response.status_code == 404, action
    assert outsider_api.get(f"/objectives/{draft.pk}/approvals").status_code == 404
    assert outsider_api.get(f"/cycles/{draft.cycle_id}/alignment").status_code == 404


def test_approvals_waiting(member_api, owner_api, member, draft):
    assert owner_api.get("/approvals").json() == []
    services.objective_propose(actor=member, objective=draft)
    assert [o["id"] for o in owner_api.get("/approvals").json()] == [str(draft.pk)]
    assert member_api.get("/approvals").json() == []


def test_alignment_health(member_api, member, cycle, team, draft):
    f.make_objective(member, cycle, team, title="Stands alone", standalone_reason="Hygiene")
    lonely = f.make_objective(member, cycle, team, title="Lonely")
    body = member_api.get(f"/cycles/{cycle.pk}/alignment").json()
    assert body == {
        "share": pytest.approx(2 / 3),
        "aligned": 2,
        "total": 3,
        "unaligned": [{"id": str(lonely.pk), "title": "Lonely", "unit": "Product"}],
    }


def test_standalone_reason_through_the_objectives_api(member_api, cycle, team):
    body = {
        "title": "Tidy the backlog",
        "cycle_id": str(cycle.pk),
        "unit_id": str(team.pk),
        "standalone_reason": "Hygiene",
    }
    response = member_api.post("/objectives", body)
    assert response.status_code == 201, response.content
    assert response.json()["standalone_reason"] == "Hygiene"
    path = f"/objectives/{response.json()['id']}"
    assert member_api.patch(path, {"standalone_reason": ""}).json()["standalone_reason"] == ""
    response = member_api.patch(path, {"standalone_reason": "x" * 1001})
    assert response.status_code == 422 and "standalone_reason" in errors_of(response)


def test_dependencies_api(member_api, pia, member, draft, platform, cycle, anonymous_api):
    pia_api = Api(pia)
    body = {"objective_id": str(draft.pk), "provider_id": str(platform.pk), "description": "API"}
    response = member_api.post("/dependencies", body)
    assert response.status_code == 201, response.content
    dep = response.json()
    assert (dep["state"], dep["requested_by_id"]) == ("requested", str(member.pk))
    path = f"/dependencies/{dep['id']}"
    response = member_api.patch(path, {"state": "done"})
    assert response.status_code == 409
    assert errors_of(response) == {"state": ["Platform must acknowledge it first."]}
    assert member_api.post(path + "/acknowledge", {}).status_code == 403
    response = pia_api.post(path + "/acknowledge", {"note": "Next sprint"})
    assert response.status_code == 200 and response.json()["state"] == "acknowledged"
    assert pia_api.patch(path, {"state": "at_risk", "note": "Slipping"}).json()["note"] == (
        "Slipping"
    )
    response = pia_api.patch(path, {"state": "lost"})
    assert response.status_code == 422 and "state" in errors_of(response)
    listed = member_api.get(f"/dependencies?cycle_id={cycle.pk}").json()
    assert [d["id"] for d in listed] == [dep["id"]]
    assert anonymous_api.get("/dependencies").status_code == 401
    assert pia_api.delete(path).status_code == 403
    assert member_api.delete(path).status_code == 204
    assert Dependency.objects.count() == 0


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"provider_id": "not-an-id"}, "provider_id"),
        ({"description": ""}, "description"),
        ({"description": "x" * 1001}, "description"),
        ({"provider_id": None}, "provider_id"),
        ({"surprise": 1}, "surprise"),
    ],
)
def test_dependency_bad_input(member_api, draft, platform, change, field):
    body = {"objective_id": str(draft.pk), "provider_id": str(platform.pk), "description": "API"}
    response = member_api.post("/dependencies", {**body, **change})
    assert response.status_code == 422, response.content
    assert field in errors_of(response)
    assert Dependency.objects.count() == 0


def test_dependency_foreign_ids(member_api, outsider, outsider_api, member, draft, platform):
    other_team = f.make_unit(outsider.organization, "Elsewhere")
    body = {"objective_id": str(draft.pk), "provider_id": str(other_team.pk), "description": "x"}
    response = member_api.post("/dependencies", body)
    assert response.status_code == 422 and "provider_id" in errors_of(response)
    dep = services.dependency_create(
        actor=member, objective=draft, provider=platform, description="x"
    )
    path = f"/dependencies/{dep.pk}"
    assert outsider_api.patch(path, {"state": "done"}).status_code == 404
    assert outsider_api.post(path + "/acknowledge", {}).status_code == 404
    assert outsider_api.delete(path).status_code == 404
    assert outsider_api.get("/dependencies").json() == []
    assert Dependency.objects.get().state == "requested"


def test_openapi_documents_the_routes(member_api):
    paths = member_api.get("/openapi.json").json()["paths"]
    for path in (
        "/api/v1/objectives/{objective_id}/propose",
        "/api/v1/objectives/{objective_id}/approve",
        "/api/v1/objectives/{objective_id}/return",
        "/api/v1/objectives/{objective_id}/approvals",
        "/api/v1/cycles/{cycle_id}/alignment",
        "/api/v1/dependencies",
        "/api/v1/dependencies/{dependency_id}/acknowledge",
        "/api/v1/dependencies/{dependency_id}",
    ):
        assert path in paths, path
