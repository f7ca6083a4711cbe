"""/api/v1 scores: POST /cycles/{id}/close, GET /cycles/{id}/summary, PATCH
/objectives/{id}/score, PATCH /key-results/{id}/score, score history, grading scheme; and
``score`` / ``band`` on objectives and key results."""

from datetime import timedelta
from uuid import uuid4

import pytest
from django.utils import timezone

from cadence.api.urls import api as ninja_api
from cadence.okrs import services as okr_services
from cadence.orgs.selectors import company_unit
from cadence.scoring import services as scoring_services
from cadence.scoring.models import ScoreChange
from tests import factories as f
from tests.api.conftest import Api, errors_of


@pytest.fixture
def world(org, admin, team):
    """A cycle in its review phase: a committed objective at 1.0 and an aspirational one at
    0.65 → 0.7 on the team; a company objective at 0.3."""
    today = timezone.localdate()
    cycle = f.make_cycle(
        admin, name="Autumn", start=today - timedelta(days=80), end=today + timedelta(days=5)
    )
    out = {"cycle": cycle}
    for key, unit, value, target, commitment in (
        ("done", team, 10, 10, "committed"),
        ("stretch", team, 13, 20, "aspirational"),
        ("low", company_unit(org), 3, 10, "committed"),
    ):
        o = f.make_objective(
            admin, cycle, unit, title=f"Objective {key}", state="approved", commitment=commitment
        )
        kr = f.make_kr(admin, o, title=f"Result {key} from 0 to {target}", start=0, target=target)
        okr_services.check_in_create(actor=admin, key_result=kr, value=value, confidence="on_track")
        out[key], out[f"{key}_kr"] = o, kr
    return out


@pytest.fixture
def admin_api(admin):
    return Api(admin)


@pytest.fixture
def member_api(member):
    return Api(member)


def test_routes_are_in_the_openapi_document():
    paths = ninja_api.get_openapi_schema(path_prefix="")["paths"]
    assert "post" in paths["/cycles/{cycle_id}/close"]
    assert "get" in paths["/cycles/{cycle_id}/summary"]
    assert "patch" in paths["/objectives/{objective_id}/score"]
    assert "patch" in paths["/key-results/{key_result_id}/score"]
    assert "get" in paths["/objectives/{objective_id}/score-history"]
    assert {"get", "put"} <= set(paths["/grading-scheme"])
    schemas = ninja_api.get_openapi_schema(path_prefix="")["components"]["schemas"]
    assert {"score", "band"} <= set(schemas["ObjectiveOut"]["properties"])
    assert {"score", "band"} <= set(schemas["KeyResultOut"]["properties"])


def test_summary_previews_before_the_close(member_api, world):
    response = member_api.get(f"/cycles/{world['cycle'].pk}/summary")
    assert response.status_code == 200
    body = response.json()
    assert (body["closed"], body["preview"], body["grading_scheme"]) == (False, True, "bands")
    assert body["success_rate"] == pytest.approx(2 / 3)
    assert (body["scored"], body["succeeded"]) == (3, 2)
    rows = {r["id"]: r for r in body["objectives"]}
    assert (rows[str(world["done"].pk)]["score"], rows[str(world["done"].pk)]["success"]) == (
        1.0,
        True,
    )
    assert {k: rows[str(world["stretch"].pk)][k] for k in ("score", "band", "success")} == {
        "score": 0.7,
        "band": "successful",
        "success": True,
    }
    assert {k: rows[str(world["low"].pk)][k] for k in ("score", "band", "success")} == {
        "score": 0.3,
        "band": "none",
        "success": False,
    }
    assert {u["name"]: u["success_rate"] for u in body["units"]}["Product"] == 1.0
    # Objectives carry no score until the cycle is closed.
    o = member_api.get(f"/objectives/{world['stretch'].pk}").json()
    assert (o["score"], o["band"]) == (None, None)
    assert (o["key_results"][0]["score"], o["key_results"][0]["band"]) == (None, None)


def test_close_scores_everything_and_answers_the_summary(admin_api, world):
    response = admin_api.post(f"/cycles/{world['cycle'].pk}/close")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["closed"], body["preview"]) == (True, False)
    assert {r["id"]: r["score"] for r in body["objectives"]} == {
        str(world["done"].pk): 1.0,
        str(world["stretch"].pk): 0.7,
        str(world["low"].pk): 0.3,
    }
    o = admin_api.get(f"/objectives/{world['stretch'].pk}").json()
    assert (o["score"], o["band"], o["state"]) == (0.7, "successful", "closed")
    assert (o["key_results"][0]["score"], o["key_results"][0]["band"]) == (0.7, "successful")
    kr = admin_api.get(f"/key-results/{world['low_kr'].pk}").json()
    assert (kr["score"], kr["band"]) == (0.3, "none")
    # Once closed: check-ins are refused with a clear message, and closing again too.
    response = admin_api.post(
        f"/key-results/{world['low_kr'].pk}/check-ins", {"value": 9, "confidence": "on_track"}
    )
    assert response.status_code == 409
    assert "Autumn is closed" in response.json()["message"]
    response = admin_api.post(f"/cycles/{world['cycle'].pk}/close")
    assert response.status_code == 409
    assert "already closed" in response.json()["message"]


def test_band_follows_the_grading_scheme(admin, admin_api, world):
    scoring_services.cycle_close(actor=admin, cycle=world["cycle"])
    scoring_services.organization_grading_scheme_set(actor=admin, scheme="traffic_light")
    admin.refresh_from_db()
    o = Api(admin).get(f"/objectives/{world['stretch'].pk}").json()
    assert o["band"] == "green"
    body = Api(admin).get(f"/cycles/{world['cycle'].pk}/summary").json()
    assert body["grading_scheme"] == "traffic_light"
    assert {r["id"]: r["band"] for r in body["objectives"]}[str(world["low"].pk)] == "red"


def test_close_is_for_admins(member_api, viewer, world):
    for api in (member_api, Api(viewer)):
        response = api.post(f"/cycles/{world['cycle'].pk}/close")
        assert response.status_code == 403
        assert errors_of(response) == {}
    world["cycle"].refresh_from_db()
    assert world["cycle"].closed_at is None


def test_adjust_objective_score(admin_api, world):
    o = world["stretch"]
    response = admin_api.patch(
        f"/objectives/{o.pk}/score", {"score": 0.85, "reason": "A partner signed on day one."}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["id"], body["score"], body["band"]) == (str(o.pk), 0.9, "outstanding")
    history = admin_api.get(f"/objectives/{o.pk}/score-history").json()
    assert [
        (h["computed_score"], h["old_score"], h["new_score"], h["reason"]) for h in history
    ] == [(0.7, 0.7, 0.9, "A partner signed on day one.")]
    summary = admin_api.get(f"/cycles/{world['cycle'].pk}/summary").json()
    row = {r["id"]: r for r in summary["objectives"]}[str(o.pk)]
    assert (row["score"], row["computed_score"], row["adjusted"]) == (0.9, 0.7, True)


def test_adjust_key_result_score(admin_api, world):
    kr = world["low_kr"]
    response = admin_api.patch(
        f"/key-results/{kr.pk}/score", {"score": 0.5, "reason": "Two offers were accepted late."}
    )
    assert response.status_code == 200, response.content
    assert (response.json()["score"], response.json()["band"]) == (0.5, "partial")
    assert ScoreChange.objects.get(key_result=kr).computed_score == 0.3


@pytest.mark.parametrize(
    "body,field",
    [
        ({"score": 0.9}, "reason"),
        ({"score": 0.9, "reason": ""}, "reason"),
        ({"score": 0.9, "reason": "x" * 2001}, "reason"),
        ({"reason": "Why"}, "score"),
        ({"score": 1.5, "reason": "Too much"}, "score"),
        ({"score": -1, "reason": "Too little"}, "score"),
        ({"score": "0.9", "reason": "A string"}, "score"),
        ({"score": 0.9, "reason": "Fine", "extra": 1}, "extra"),
    ],
)
def test_adjust_refuses_bad_input(admin_api, world, body, field):
    for path in (
        f"/objectives/{world['stretch'].pk}/score",
        f"/key-results/{world['stretch_kr'].pk}/score",
    ):
        response = admin_api.patch(path, body)
        assert response.status_code == 422, (path, body, response.content)
        assert field in errors_of(response), response.json()
    assert not ScoreChange.objects.exists()


def test_adjust_is_for_leads_and_admins(member_api, world):
    response = member_api.patch(
        f"/objectives/{world['stretch'].pk}/score", {"score": 0.9, "reason": "Mine"}
    )
    assert response.status_code == 403
    response = member_api.patch(
        f"/key-results/{world['stretch_kr'].pk}/score", {"score": 0.9, "reason": "Mine"}
    )
    assert response.status_code == 403
    assert not ScoreChange.objects.exists()


def test_adjust_waits_for_the_review_phase(admin, admin_api, cycle, team):
    o = f.make_objective(admin, cycle, team, title="Not yet in review", state="approved")
    response = admin_api.patch(f"/objectives/{o.pk}/score", {"score": 0.5, "reason": "Early"})
    assert response.status_code == 409
    assert "review phase" in response.json()["message"]


def test_grading_scheme(admin_api, member_api, org):
    assert admin_api.get("/grading-scheme").json() == {"scheme": "bands"}
    response = admin_api.call("put", "/grading-scheme", {"scheme": "percent"})
    assert (response.status_code, response.json()) == (200, {"scheme": "percent"})
    assert member_api.call("put", "/grading-scheme", {"scheme": "bands"}).status_code == 403
    response = admin_api.call("put", "/grading-scheme", {"scheme": "stars"})
    assert response.status_code == 422
    assert "scheme" in errors_of(response)
    org.refresh_from_db()
    assert org.grading_scheme == "percent"


def test_anonymous_callers_get_401(world):
    anonymous = Api()
    for method, path, body in (
        ("post", f"/cycles/{world['cycle'].pk}/close", None),
        ("get", f"/cycles/{world['cycle'].pk}/summary", None),
        ("patch", f"/objectives/{world['done'].pk}/score", {"score": 0.5, "reason": "x"}),
        ("patch", f"/key-results/{world['done_kr'].pk}/score", {"score": 0.5, "reason": "x"}),
        ("get", f"/objectives/{world['done'].pk}/score-history", None),
        ("get", "/grading-scheme", None),
        ("put", "/grading-scheme", {"scheme": "percent"}),
    ):
        response = anonymous.call(method, path, body)
        assert response.status_code == 401, (method, path)
    world["cycle"].refresh_from_db()
    assert world["cycle"].closed_at is None


def test_foreign_and_unknown_ids_are_404(outsider, world):
    intruder = Api(outsider)
    for method, path, body in (
        ("post", f"/cycles/{world['cycle'].pk}/close", None),
        ("get", f"/cycles/{world['cycle'].pk}/summary", None),
        ("patch", f"/objectives/{world['done'].pk}/score", {"score": 0.5, "reason": "x"}),
        ("patch", f"/key-results/{world['done_kr'].pk}/score", {"score": 0.5, "reason": "x"}),
        ("get", f"/objectives/{world['done'].pk}/score-history", None),
        ("get", f"/cycles/{uuid4()}/summary", None),
        ("get", "/cycles/not-a-uuid/summary", None),
    ):
        response = intruder.call(method, path, body)
        assert response.status_code == 404, (method, path, response.content)
        assert response.json() == {"message": "Not found.", "errors": {}}
    world["cycle"].refresh_from_db()
    assert world["cycle"].closed_at is None
    assert not ScoreChange.objects.exists()
