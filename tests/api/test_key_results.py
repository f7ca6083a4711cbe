"""POST /api/v1/objectives/{id}/key-results and GET|PATCH|DELETE /api/v1/key-results/{id}."""

from uuid import uuid4

import pytest

from cadence.okrs import services as okr_services
from cadence.okrs.models import KeyResult
from tests import factories as f
from tests.api.conftest import errors_of

METRIC = {"title": "Activation from 40% to 60%", "kind": "metric", "start": 40, "target": 60}


def _create(api, objective, body):
    return api.post(f"/objectives/{objective.pk}/key-results", body)


# Create -----------------------------------------------------------------------------------


def test_create_a_metric(member, member_api, objective):
    response = _create(member_api, objective, {**METRIC, "unit": "%", "weight": 2.5})
    assert response.status_code == 201, response.content
    body = response.json()
    kr = KeyResult.objects.get(pk=body["id"])
    assert kr.objective == objective and kr.organization_id == objective.organization_id
    assert body["objective_id"] == str(objective.pk)
    assert body["title"] == METRIC["title"] and body["kind"] == "metric"
    assert body["start"] == 40 and body["target"] == 60 and body["current"] is None
    assert body["unit"] == "%" and body["weight"] == 2.5 and body["direction"] is None
    assert body["progress"] == 0 and body["confidence"] is None
    assert body["objective"]["id"] == str(objective.pk)
    assert body["objective"]["progress"] == 0


def test_create_a_threshold_defaults_to_at_least(admin_api, objective):
    body = {"title": "Uptime stays at 99.9%", "kind": "threshold", "target": 99.9}
    response = _create(admin_api, objective, body)
    assert response.status_code == 201
    assert response.json()["direction"] == "at_least"
    at_most = {"title": "Bugs stay under 5", "kind": "threshold", "target": 5}
    response = _create(admin_api, objective, {**at_most, "direction": "at_most"})
    assert response.json()["direction"] == "at_most"


def test_create_a_milestone_with_owner(admin_api, member, objective):
    body = {"title": "Launch the new pricing", "kind": "milestone", "owner_id": str(member.pk)}
    response = _create(admin_api, objective, body)
    assert response.status_code == 201
    body = response.json()
    assert body["start"] == 0 and body["target"] == 1 and body["progress"] == 0
    assert body["owner_id"] == str(member.pk) and body["weight"] == 1


BAD_NUMBERS = ['"ten"', "true", "NaN", "Infinity", "-Infinity", "1e400", "[1]", '{"v": 1}']


@pytest.mark.parametrize("raw", BAD_NUMBERS)
@pytest.mark.parametrize("field", ["start", "target", "weight"])
def test_numbers_must_be_finite_json_numbers(admin_api, objective, field, raw):
    base = '"title": "Bad number", "kind": "metric", "start": 0, "target": 10'
    body = "{" + base + f', "{field}": {raw}' + "}"
    response = admin_api.post(f"/objectives/{objective.pk}/key-results", raw=body)
    assert response.status_code == 422, response.content
    assert field in errors_of(response)
    assert not KeyResult.objects.exists()


@pytest.mark.parametrize(
    "change,field",
    [
        ({"target": 40}, "target"),  # start == target
        ({"target": None}, "target"),
        ({"weight": -1}, "weight"),
        ({"weight": 0}, "weight"),
        ({"weight": 101}, "weight"),
        ({"start": 1e16}, "start"),
        ({"kind": "vibe"}, "kind"),
        ({"kind": None}, "kind"),
        ({"direction": "sideways"}, "direction"),
        ({"title": "t" * 201}, "title"),
        ({"title": ""}, "title"),
        ({"unit": "u" * 31}, "unit"),
        ({"owner_id": str(uuid4())}, "owner_id"),
        ({"commitment": "sort of"}, "commitment"),
        ({"current": 5}, "current"),
    ],
)
def test_bad_key_results_are_422(admin_api, objective, change, field):
    response = _create(admin_api, objective, {**METRIC, **change})
    assert response.status_code == 422, response.content
    assert field in errors_of(response)
    assert not KeyResult.objects.exists()


def test_threshold_needs_its_bound(admin_api, objective):
    response = _create(admin_api, objective, {"title": "Stay above", "kind": "threshold"})
    assert response.status_code == 422
    assert "target" in errors_of(response)


def test_foreign_owner_is_422(admin_api, objective, outsider):
    response = _create(admin_api, objective, {**METRIC, "owner_id": str(outsider.pk)})
    assert response.status_code == 422
    assert "owner_id" in errors_of(response)
    assert not KeyResult.objects.exists()


def test_abandoned_objective_takes_no_new_key_results(admin, admin_api, objective):
    okr_services.objective_set_state(
        actor=admin, objective=objective, state="abandoned", reason="Dropped"
    )
    response = _create(admin_api, objective, METRIC)
    assert response.status_code == 409
    assert not KeyResult.objects.exists()


def test_viewer_cannot_add_key_results(viewer_api, objective):
    assert _create(viewer_api, objective, METRIC).status_code == 403
    assert not KeyResult.objects.exists()


# Read -------------------------------------------------------------------------------------


def test_get_a_key_result_with_its_objective(admin, viewer_api, objective, kr):
    okr_services.check_in_create(actor=admin, key_result=kr, value=25, confidence="at_risk")
    response = viewer_api.get(f"/key-results/{kr.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == str(kr.pk) and body["current"] == 25
    assert body["progress"] == pytest.approx(0.25)
    assert body["confidence"] == "at_risk"
    assert body["objective"]["progress"] == pytest.approx(0.25)
    assert body["objective"]["title"] == objective.title


# Update -----------------------------------------------------------------------------------


def test_patch_a_key_result(member, member_api, kr):
    response = member_api.patch(
        f"/key-results/{kr.pk}",
        {"title": "NPS from 20 to 50", "target": 50, "weight": 3, "owner_id": str(member.pk)},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["title"] == "NPS from 20 to 50" and body["target"] == 50
    assert body["weight"] == 3 and body["owner_id"] == str(member.pk)
    assert body["start"] == 20  # untouched
    kr.refresh_from_db()
    assert kr.target == 50 and kr.owner == member

    reset = member_api.patch(f"/key-results/{kr.pk}", {"weight": None, "owner_id": None}).json()
    assert reset["weight"] == 1 and reset["owner_id"] is None


def test_patch_kind_to_milestone(admin_api, kr):
    body = admin_api.patch(f"/key-results/{kr.pk}", {"kind": "milestone"}).json()
    assert body["kind"] == "milestone" and body["start"] == 0 and body["target"] == 1


@pytest.mark.parametrize(
    "body,field",
    [
        ({"target": 20}, "target"),  # equal to the start
        ({"start": 40}, "target"),  # equal to the target
        ({"weight": -0.5}, "weight"),
        ({"target": "forty"}, "target"),
        ({"title": None}, "title"),
        ({"kind": "other"}, "kind"),
        ({"owner_id": str(uuid4())}, "owner_id"),
    ],
)
def test_bad_key_result_patches_are_422(admin_api, kr, body, field):
    response = admin_api.patch(f"/key-results/{kr.pk}", body)
    assert response.status_code == 422, response.content
    assert field in errors_of(response)
    kr.refresh_from_db()
    assert (kr.start, kr.target, kr.weight, kr.title) == (20, 40, 1, "NPS from 20 to 40")


def test_nan_in_a_patch_is_422(admin_api, kr):
    response = admin_api.patch(f"/key-results/{kr.pk}", raw='{"target": NaN}')
    assert response.status_code == 422
    assert "target" in errors_of(response)


@pytest.mark.parametrize("body", [{"title": "Viewer edit"}, {}])
def test_viewer_cannot_patch(viewer_api, kr, body):
    assert viewer_api.patch(f"/key-results/{kr.pk}", body).status_code == 403
    kr.refresh_from_db()
    assert kr.title == "NPS from 20 to 40"


def test_member_of_another_team_cannot_patch(org, api_as, kr):
    stranger = f.make_person(org, name="Sam Sales")
    f.join(f.make_unit(org, "Sales"), stranger)
    assert api_as(stranger).patch(f"/key-results/{kr.pk}", {"target": 90}).status_code == 403


# Delete -----------------------------------------------------------------------------------


def test_delete_a_key_result(admin, admin_api, kr):
    okr_services.check_in_create(actor=admin, key_result=kr, value=30, confidence="on_track")
    response = admin_api.delete(f"/key-results/{kr.pk}")
    assert response.status_code == 204
    assert not KeyResult.objects.filter(pk=kr.pk).exists()
    assert admin_api.get(f"/key-results/{kr.pk}").status_code == 404


def test_viewer_cannot_delete(viewer_api, kr):
    assert viewer_api.delete(f"/key-results/{kr.pk}").status_code == 403
    assert KeyResult.objects.filter(pk=kr.pk).exists()


# Unknown, malformed and foreign ids -------------------------------------------------------


@pytest.mark.parametrize("bad", ["not-a-uuid", "42", pytest.param(str(uuid4()), id="unknown-uuid")])
def test_unknown_or_malformed_ids_are_404(admin_api, kr, bad):
    for method, path in [
        ("get", f"/key-results/{bad}"),
        ("patch", f"/key-results/{bad}"),
        ("delete", f"/key-results/{bad}"),
        ("get", f"/key-results/{bad}/check-ins"),
        ("post", f"/key-results/{bad}/check-ins"),
        ("post", f"/objectives/{bad}/key-results"),
    ]:
        response = admin_api.call(method, path, {})
        assert response.status_code == 404, (method, path, response.status_code)


def test_every_key_result_route_is_404_for_an_outsider(admin, outsider_api, kr):
    okr_services.check_in_create(actor=admin, key_result=kr, value=30, confidence="on_track")
    path = f"/key-results/{kr.pk}"
    calls = [
        ("get", path, None),
        ("patch", path, {"target": 1000}),
        ("patch", path, {"target": "bad"}),
        ("delete", path, None),
        ("get", path + "/check-ins", None),
        ("post", path + "/check-ins", {"value": 40, "confidence": "on_track"}),
        ("post", path + "/check-ins", {"value": "NaN-ish"}),
    ]
    for method, p, body in calls:
        response = outsider_api.call(method, p, body)
        assert response.status_code == 404, (method, p, response.status_code)
        assert "NPS" not in response.content.decode()
    kr.refresh_from_db()
    assert kr.target == 40 and kr.current == 30
    assert kr.check_ins.count() == 1
