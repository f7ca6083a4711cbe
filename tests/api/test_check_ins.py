"""GET|POST /api/v1/key-results/{id}/check-ins."""

import pytest

from cadence.okrs import services as okr_services
from cadence.okrs.models import CheckIn
from cadence.orgs.selectors import company_unit
from tests import factories as f
from tests.api.conftest import errors_of


def _check_in(api, kr, body=None, **kw):
    return api.post(f"/key-results/{kr.pk}/check-ins", body, **kw)


def test_check_in_updates_the_key_result_and_the_rolled_up_progress(
    admin, member, member_api, org, cycle, objective, kr
):
    top = f.make_objective(admin, cycle, company_unit(org), title="Customers stay with us")
    okr_services.objective_update(actor=admin, objective=objective, parent=top)
    other = f.make_kr(admin, objective, title="Tickets from 100 to 50", start=100, target=50)
    okr_services.check_in_create(actor=admin, key_result=other, value=50, confidence="on_track")

    response = _check_in(
        member_api, kr, {"value": 35, "confidence": "at_risk", "note": "Good week"}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["id"] == str(kr.pk)
    assert body["current"] == 35
    assert body["progress"] == pytest.approx(0.75)
    assert body["confidence"] == "at_risk"
    assert body["last_check_in_at"] is not None
    # The objective rolls up both key results: (0.75 + 1.0) / 2.
    assert body["objective"]["id"] == str(objective.pk)
    assert body["objective"]["progress"] == pytest.approx(0.875)
    # ... and the company objective it is aligned to sees it at once.
    assert member_api.get(f"/objectives/{top.pk}").json()["progress"] == pytest.approx(0.875)

    check_in = CheckIn.objects.get(key_result=kr)
    assert (check_in.value, check_in.confidence, check_in.note) == (35, "at_risk", "Good week")
    assert check_in.author == member


def test_check_ins_are_listed_oldest_first(admin, viewer_api, kr):
    for value in (25, 30):
        okr_services.check_in_create(actor=admin, key_result=kr, value=value, confidence="on_track")
    response = viewer_api.get(f"/key-results/{kr.pk}/check-ins")
    assert response.status_code == 200
    body = response.json()
    assert [c["value"] for c in body] == [25, 30]
    assert body[0]["author_id"] == str(admin.pk) and body[0]["author_name"] == admin.name
    assert body[0]["key_result_id"] == str(kr.pk)
    assert body[0]["confidence"] == "on_track" and body[0]["note"] == ""
    assert body[0]["at"] <= body[1]["at"]


def test_no_check_ins_yet_is_an_empty_list(viewer_api, kr):
    assert viewer_api.get(f"/key-results/{kr.pk}/check-ins").json() == []


@pytest.mark.parametrize("value,progress", [(1, 1.0), (0, 0.0), (1.0, 1.0)])
def test_a_milestone_takes_1_or_0(admin_api, milestone, value, progress):
    response = _check_in(admin_api, milestone, {"value": value, "confidence": "on_track"})
    assert response.status_code == 201, response.content
    assert response.json()["progress"] == progress
    assert response.json()["current"] == value


@pytest.mark.parametrize("value", [0.5, 2, -1, 100])
def test_a_milestone_refuses_other_values(admin_api, milestone, value):
    response = _check_in(admin_api, milestone, {"value": value, "confidence": "on_track"})
    # A well-formed number this key result's kind refuses: a conflict with what it is (409).
    assert response.status_code == 409
    assert "value" in errors_of(response)
    assert not CheckIn.objects.exists()


@pytest.mark.parametrize(
    "raw,field",
    [
        ('{"value": NaN, "confidence": "on_track"}', "value"),
        ('{"value": Infinity, "confidence": "on_track"}', "value"),
        ('{"value": -Infinity, "confidence": "on_track"}', "value"),
        ('{"value": 1e999, "confidence": "on_track"}', "value"),
        ('{"value": 1e16, "confidence": "on_track"}', "value"),
        ('{"value": "30", "confidence": "on_track"}', "value"),
        ('{"value": "thirty", "confidence": "on_track"}', "value"),
        ('{"value": true, "confidence": "on_track"}', "value"),
        ('{"value": null, "confidence": "on_track"}', "value"),
        ('{"confidence": "on_track"}', "value"),
        ('{"value": 30, "confidence": "great"}', "confidence"),
        ('{"value": 30}', "confidence"),
        ('{"value": 30, "confidence": "on_track", "note": 5}', "note"),
        ('{"value": 30, "confidence": "on_track", "at": "2026-01-01T00:00:00Z"}', "at"),
    ],
)
def test_bad_check_ins_are_422_and_save_nothing(admin_api, kr, raw, field):
    response = _check_in(admin_api, kr, raw=raw)
    assert response.status_code == 422, response.content
    assert field in errors_of(response)
    assert not CheckIn.objects.exists()
    kr.refresh_from_db()
    assert kr.current is None and kr.last_check_in_at is None


def test_oversized_note_is_422(admin_api, kr):
    body = {"value": 30, "confidence": "on_track", "note": "n" * 2001}
    response = _check_in(admin_api, kr, body)
    assert response.status_code == 422
    assert errors_of(response)["note"] == ["Keep this to 2000 characters or fewer."]
    assert _check_in(admin_api, kr, {**body, "note": "n" * 2000}).status_code == 201


def test_html_in_a_note_is_stored_as_typed(admin_api, kr):
    note = "<img src=x onerror=alert(1)>"
    response = _check_in(admin_api, kr, {"value": 30, "confidence": "on_track", "note": note})
    assert response.status_code == 201
    assert CheckIn.objects.get().note == note


def test_viewer_cannot_check_in(viewer_api, kr):
    response = _check_in(viewer_api, kr, {"value": 30, "confidence": "on_track"})
    assert response.status_code == 403
    assert not CheckIn.objects.exists()


def test_the_owner_may_check_in_outside_their_team(admin, org, api_as, kr):
    owner = f.make_person(org, name="Olga Owner")
    okr_services.key_result_update(actor=admin, key_result=kr, owner=owner)
    response = _check_in(api_as(owner), kr, {"value": 40, "confidence": "on_track"})
    assert response.status_code == 201
    assert response.json()["progress"] == 1


def test_abandoned_objective_takes_no_check_ins(admin, admin_api, objective, kr):
    okr_services.objective_set_state(
        actor=admin, objective=objective, state="abandoned", reason="Dropped"
    )
    response = _check_in(admin_api, kr, {"value": 30, "confidence": "on_track"})
    assert response.status_code == 409
    assert not CheckIn.objects.exists()


def test_first_measurement_equal_to_the_target_is_409(admin, admin_api, objective):
    kr = f.make_kr(admin, objective, title="No baseline yet", start=None, target=10)
    response = _check_in(admin_api, kr, {"value": 10, "confidence": "on_track"})
    assert response.status_code == 409
    assert "value" in errors_of(response)
    assert not CheckIn.objects.exists()
    kr.refresh_from_db()
    assert kr.start is None and kr.current is None
