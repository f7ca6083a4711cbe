"""/api/v1 coach routes: the text check, the catalogue and settings, findings, quality,
dismissals; and the error-level gate on the objectives and key results routes."""

import pytest

from cadence.coach import services
from cadence.coach.models import CheckSetting, Dismissal
from tests import factories as f
from tests.api.conftest import Api, errors_of


@pytest.fixture
def objective(member, cycle, team):
    objective = f.make_objective(member, cycle, team, title="Onboarding people finish")
    f.make_kr(member, objective, title="Completion from 13% to 45%", start=13, target=45)
    return objective


@pytest.fixture
def api(member):
    return Api(member)


@pytest.fixture
def admin_api(admin):
    return Api(admin)


def test_check_done_when(api):
    response = api.post("/coach/check", {"kind": "key_result", "text": "Launch the new website"})
    assert response.status_code == 200
    findings = response.json()["findings"]
    assert {"check", "level", "message"} == set(findings[0])
    assert "kr-output-verb" in [x["check"] for x in findings]
    response = api.post(
        "/coach/check",
        {
            "kind": "key_result",
            "text": "Increase organic signups from 200 to 300 a month",
            "start": 200,
            "target": 300,
            "unit": "signups",
        },
    )
    assert response.json() == {"findings": []}


def test_check_objective_and_settings(api, admin):
    response = api.post("/coach/check", {"kind": "objective", "text": "Grow revenue by 20%"})
    assert [x["check"] for x in response.json()["findings"]] == ["obj-has-metric"]
    services.check_setting_update(actor=admin, check_id="obj-has-metric", enabled=False)
    response = api.post("/coach/check", {"kind": "objective", "text": "Grow revenue by 20%"})
    assert response.json()["findings"] == []


def test_check_bad_input_is_422(api):
    for body in (
        {"kind": "task", "text": "x"},
        {"kind": "key_result"},
        {"kind": "key_result", "text": "x", "start": "ten"},
        {"kind": "key_result", "text": "x", "surprise": 1},
        {"kind": "key_result", "text": "x", "key_result_kind": "vibes"},
    ):
        response = api.post("/coach/check", body)
        assert response.status_code == 422, body
        assert errors_of(response)


def test_coach_routes_need_credentials(objective, cycle):
    anonymous = Api()
    assert anonymous.post("/coach/check", {"kind": "objective", "text": "x"}).status_code == 401
    assert anonymous.get("/coach/checks").status_code == 401
    assert anonymous.get(f"/objectives/{objective.id}/findings").status_code == 401
    assert anonymous.get(f"/cycles/{cycle.id}/quality").status_code == 401
    assert anonymous.call("put", "/coach/settings", {}).status_code == 401


def test_catalogue_and_settings(api, admin_api):
    checks = api.get("/coach/checks").json()
    entry = next(c for c in checks if c["id"] == "kr-no-number")
    assert (entry["level"], entry["default_level"], entry["enabled"]) == ("warn", "warn", True)
    body = {"check": "kr-no-number", "enabled": True, "level": "error"}
    assert api.call("put", "/coach/settings", body).status_code == 403
    response = admin_api.call("put", "/coach/settings", body)
    assert response.status_code == 200 and response.json()["level"] == "error"
    listed = {c["id"]: c for c in api.get("/coach/settings").json()}
    assert listed["kr-no-number"]["level"] == "error"
    response = admin_api.call("put", "/coach/settings", {"check": "nope", "enabled": False})
    assert response.status_code == 422 and "check" in errors_of(response)
    response = admin_api.call("put", "/coach/settings", {"check": "kr-binary", "enabled": "maybe"})
    assert response.status_code == 422
    assert CheckSetting.objects.count() == 1


def test_error_level_refuses_api_writes(admin, api, objective, cycle, team):
    services.check_setting_update(actor=admin, check_id="kr-no-number", enabled=True, level="error")
    response = api.post(
        f"/objectives/{objective.id}/key-results",
        {"title": "Improve onboarding", "kind": "milestone"},
    )
    assert response.status_code == 422, response.content
    assert "Key result without a number" in errors_of(response)["title"][0]
    kr = objective.key_results.get()
    response = api.patch(
        f"/key-results/{kr.id}", {"title": "Improve onboarding", "kind": "milestone"}
    )
    assert response.status_code == 422
    services.check_setting_update(
        actor=admin, check_id="obj-has-metric", enabled=True, level="error"
    )
    response = api.post(
        "/objectives",
        {"cycle_id": str(cycle.id), "unit_id": str(team.id), "title": "Grow revenue by 20%"},
    )
    assert response.status_code == 422 and "title" in errors_of(response)


def test_objective_findings_and_dismissals(api, member, objective):
    response = api.get(f"/objectives/{objective.id}/findings")
    assert response.status_code == 200
    body = response.json()
    # One key result (warn) and a team objective aligned to nothing (info).
    assert [x["check"] for x in body["findings"]] == ["obj-kr-count", "obj-not-aligned"]
    assert body["dismissed"] == []
    response = api.post(
        "/dismissals",
        {"check": "obj-kr-count", "objective_id": str(objective.id), "reason": "Pilot first"},
    )
    assert response.status_code == 201, response.content
    dismissal = response.json()
    assert dismissal["reason"] == "Pilot first" and dismissal["dismissed_by_id"] == str(member.id)
    body = api.get(f"/objectives/{objective.id}/findings").json()
    assert [x["check"] for x in body["findings"]] == ["obj-not-aligned"]
    assert body["dismissed"][0]["dismissal"]["id"] == dismissal["id"]
    assert api.delete(f"/dismissals/{dismissal['id']}").status_code == 204
    assert not Dismissal.objects.exists()


def test_dismissal_bad_input(api, objective):
    kr = objective.key_results.get()
    for body, field in (
        ({"check": "obj-kr-count", "objective_id": str(objective.id), "reason": ""}, "reason"),
        ({"check": "obj-kr-count", "reason": "x"}, "__all__"),
        ({"check": "no-such-check", "key_result_id": str(kr.id), "reason": "x"}, "check"),
        ({"check": "obj-kr-count", "objective_id": "nope", "reason": "x"}, "objective_id"),
    ):
        response = api.post("/dismissals", body)
        assert response.status_code == 422, body
        assert field in errors_of(response), (body, errors_of(response))
    # Well formed, but the coach does not say this about that key result: nothing to dismiss.
    body = {"check": "kr-no-number", "key_result_id": str(kr.id), "reason": "x"}
    response = api.post("/dismissals", body)
    assert response.status_code == 409 and "check" in errors_of(response)
    assert not Dismissal.objects.exists()


def test_foreign_ids_are_404_or_refused(objective, cycle, member, outsider):
    intruder = Api(outsider)
    assert intruder.get(f"/objectives/{objective.id}/findings").status_code == 404
    assert intruder.get(f"/cycles/{cycle.id}/quality").status_code == 404
    d = services.finding_dismiss(
        actor=member, check_id="obj-kr-count", reason="mine", objective=objective
    )
    assert intruder.delete(f"/dismissals/{d.id}").status_code == 404
    response = intruder.post(
        "/dismissals", {"check": "obj-kr-count", "objective_id": str(objective.id), "reason": "x"}
    )
    assert response.status_code == 422 and "objective_id" in errors_of(response)
    assert Dismissal.objects.count() == 1


def test_cycle_quality(api, member, cycle, team, objective):
    weak = f.make_objective(member, cycle, team, title="Grow revenue by 20%")
    f.make_kr(member, weak, title="Launch the new website", kind="milestone")
    body = api.get(f"/cycles/{cycle.id}/quality").json()
    (unit,) = body["units"]
    assert unit["name"] == "Product" and unit["objective_count"] == 2
    assert 0 <= unit["score"] < 100
    counts = {c["check"]: c["open"] for c in body["counts"]}
    assert counts["obj-has-metric"] == 1 and counts["kr-output-verb"] == 1


def test_openapi_lists_the_coach_routes(api):
    paths = api.get("/openapi.json").json()["paths"]
    for path in (
        "/api/v1/coach/check",
        "/api/v1/coach/checks",
        "/api/v1/coach/settings",
        "/api/v1/objectives/{objective_id}/findings",
        "/api/v1/cycles/{cycle_id}/quality",
        "/api/v1/dismissals",
        "/api/v1/dismissals/{dismissal_id}",
    ):
        assert path in paths
