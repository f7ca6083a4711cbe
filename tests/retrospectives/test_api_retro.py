"""/api/v1: retrospectives, the company-wide review and the learnings archive."""

import pytest

from cadence.api.urls import api
from cadence.retrospectives import services as retro_services
from cadence.retrospectives.models import Learning
from cadence.reviews.models import Review
from tests.api.conftest import Api, errors_of
from tests.retrospectives.retro_world import LEARNINGS, build, retro_kwargs


@pytest.fixture
def world(org, admin, cycle, team):
    return build(org, admin, cycle, team)


def _retro(cycle, unit):
    return f"/cycles/{cycle.id}/units/{unit.id}/retrospective"


def test_routes_are_in_the_openapi_document():
    paths = api.get_openapi_schema(path_prefix="")["paths"]
    retro = paths["/cycles/{cycle_id}/units/{unit_id}/retrospective"]
    assert {"get", "put"} <= set(retro)
    assert "post" in paths["/cycles/{cycle_id}/units/{unit_id}/retrospective/complete"]
    assert {"get", "put"} <= set(paths["/cycles/{cycle_id}/company-review"])
    params = {p["name"] for p in paths["/learnings"]["get"]["parameters"]}
    assert {"q", "unit_id", "cycle_id", "kind"} <= params


def test_get_an_unwritten_retrospective(member, cycle, team, world):
    response = Api(member).get(_retro(cycle, team))
    assert response.status_code == 200
    body = response.json()
    assert body["id"] is None and body["learnings"] == []
    assert {q["group"] for q in body["questions"]} == {
        "process",
        "success",
        "challenges",
        "future",
    }
    objectives = {o["title"]: o for o in body["objectives"]}
    missed = objectives["Ship the onboarding flow"]
    assert (missed["score"], missed["band"], missed["success"], missed["preview"]) == (
        0.5,
        "partial",
        False,
        True,
    )
    assert missed["needs_explanation"] is True
    assert objectives["Delight every new customer"]["success"] is True
    assert body["success_rate"] == 0.5


def test_put_then_complete(member, cycle, team, world):
    client = Api(member)
    payload = retro_kwargs(explanations={str(world["missed"].id): "Late vendor"})
    response = client.call("put", _retro(cycle, team), payload)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["learnings"] == LEARNINGS and body["satisfaction"] == "partly"
    explained = {o["id"]: o["explanation"] for o in body["objectives"]}
    assert explained[str(world["missed"].id)] == "Late vendor"
    assert body["missing"] == [] and body["completed_at"] is None
    response = client.post(_retro(cycle, team) + "/complete")
    assert response.status_code == 200
    assert response.json()["completed_at"] is not None


def test_complete_names_what_is_missing(member, cycle, team, world):
    client = Api(member)
    client.call("put", _retro(cycle, team), retro_kwargs(learnings=["One"]))
    response = client.post(_retro(cycle, team) + "/complete")
    assert response.status_code == 409  # nothing wrong with the request: the retro is not done
    errors = errors_of(response)
    assert set(errors) == {"learnings", "explanations"}
    assert Review.objects.get().completed_at is None


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"learnings": [f"L{i}" for i in range(7)]}, "learnings"),
        ({"satisfaction": "thrilled"}, "satisfaction"),
        ({"answers": {"nope": "x"}}, "answers"),
        ({"overview": "x" * 4001}, "overview"),
        ({"explanations": {"not-a-uuid": "x"}}, "explanations"),
        ({"surprise": 1}, "surprise"),
    ],
)
def test_bad_input_is_422_and_saves_nothing(member, cycle, team, world, payload, field):
    response = Api(member).call("put", _retro(cycle, team), payload)
    assert response.status_code == 422, response.content
    assert any(k == field or k.startswith(field) for k in errors_of(response)), response.json()
    assert not Review.objects.exists()


def test_viewers_are_refused_and_anonymous_is_401(viewer, cycle, team, world):
    response = Api(viewer).call("put", _retro(cycle, team), retro_kwargs())
    assert response.status_code == 403
    assert Api().get(_retro(cycle, team)).status_code == 401
    assert Api().get("/learnings").status_code == 401
    assert Api().get(f"/cycles/{cycle.id}/company-review").status_code == 401


def test_foreign_ids_are_404(outsider, cycle, team, world):
    client = Api(outsider)
    assert client.get(_retro(cycle, team)).status_code == 404
    assert client.call("put", _retro(cycle, team), retro_kwargs()).status_code == 404
    assert client.post(_retro(cycle, team) + "/complete").status_code == 404
    assert client.get(f"/cycles/{cycle.id}/company-review").status_code == 404
    assert client.call("put", f"/cycles/{cycle.id}/company-review", {}).status_code == 404
    assert client.get(f"/learnings?unit_id={team.id}").status_code == 404
    assert client.get(f"/learnings?cycle_id={cycle.id}").status_code == 404
    assert not Review.objects.exists()


def test_company_review_get_and_put(admin, member, cycle, team, world):
    retro_services.retrospective_save(actor=member, cycle=cycle, unit=team, **retro_kwargs())
    client = Api(admin)
    body = client.get(f"/cycles/{cycle.id}/company-review").json()
    assert body["id"] is None
    assert [o["title"] for o in body["company_objectives"]] == ["Customers stay with us"]
    assert body["company_success_rate"] == 1.0
    (product,) = body["teams"]
    assert product["name"] == team.name and product["learnings"] == LEARNINGS
    response = client.call(
        "put",
        f"/cycles/{cycle.id}/company-review",
        {"summary": "Good quarter", "ideas": ["Grow"], "answers": {"company-themes": "Focus"}},
    )
    assert response.status_code == 200
    assert response.json()["ideas"] == ["Grow"] and response.json()["summary"] == "Good quarter"
    response = Api(member).call("put", f"/cycles/{cycle.id}/company-review", {"summary": "x"})
    assert response.status_code == 403
    response = client.call("put", f"/cycles/{cycle.id}/company-review", {"ideas": ["i"] * 11})
    assert response.status_code == 422 and "ideas" in errors_of(response)


def test_learnings_search(admin, member, cycle, team, world):
    retro_services.retrospective_save(actor=member, cycle=cycle, unit=team, **retro_kwargs())
    client = Api(admin)
    body = client.get("/learnings?q=ONBOARDING").json()
    assert [x["text"] for x in body] == ["Measure onboarding from the first login, not the signup"]
    assert body[0]["unit_name"] == team.name and body[0]["cycle_name"] == cycle.name
    assert len(client.get(f"/learnings?unit_id={team.id}&kind=learning").json()) == 3
    assert client.get("/learnings?kind=idea").json() == []
    assert len(client.get("/learnings?limit=2&offset=2").json()) == 1
    assert client.get("/learnings?kind=nonsense").status_code == 422
    assert Learning.objects.count() == 3
