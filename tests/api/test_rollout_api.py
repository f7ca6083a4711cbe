"""/api/v1/rollout and /api/v1/rollout/checklist: everyone reads, admins change, bad input is
422 with nothing saved, another organization's units are bad input, no token is 401."""

import pytest

from cadence.audit.models import Event
from cadence.orgs.models import Organization
from cadence.orgs.selectors import company_unit
from tests import factories as f
from tests.api.conftest import errors_of

pytestmark = pytest.mark.django_db


def put(api, body):
    return api.call("put", "/rollout", body)


def test_everyone_reads_the_default(member_api, viewer_api):
    for api in (member_api, viewer_api):
        response = api.get("/rollout")
        assert response.status_code == 200
        assert response.json() == {"mode": "everyone", "pilot_unit_ids": []}


def test_an_admin_chooses_the_pilot(admin_api, org, team):
    response = put(admin_api, {"mode": "pilot", "pilot_unit_ids": [str(team.pk)]})
    assert response.status_code == 200, response.content
    assert response.json() == {"mode": "pilot", "pilot_unit_ids": [str(team.pk)]}
    assert admin_api.get("/rollout").json()["mode"] == "pilot"
    assert Event.objects.filter(kind="organization.rollout_changed").count() == 1


def test_members_and_viewers_may_not_change_it(member_api, viewer_api, org):
    for api in (member_api, viewer_api):
        assert put(api, {"mode": "leads", "pilot_unit_ids": []}).status_code == 403
    assert Organization.objects.get(pk=org.pk).rollout_mode == "everyone"


def test_no_token_is_401(anonymous_api):
    assert anonymous_api.get("/rollout").status_code == 401
    assert anonymous_api.get("/rollout/checklist").status_code == 401
    assert put(anonymous_api, {"mode": "leads", "pilot_unit_ids": []}).status_code == 401


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"mode": "some", "pilot_unit_ids": []}, "mode"),
        ({"mode": "pilot", "pilot_unit_ids": []}, "pilot_unit_ids"),
        ({"mode": "pilot", "pilot_unit_ids": ["not-an-id"]}, "pilot_unit_ids.0"),
        ({"mode": "leads"}, "pilot_unit_ids"),
        ({"pilot_unit_ids": []}, "mode"),
        ({"mode": "leads", "pilot_unit_ids": [], "extra": 1}, "extra"),
    ],
)
def test_bad_input_is_422_and_saves_nothing(admin_api, org, body, field):
    response = put(admin_api, body)
    assert response.status_code == 422
    assert field in errors_of(response)
    assert Organization.objects.get(pk=org.pk).rollout_mode == "everyone"


def test_the_company_and_another_organizations_units_are_bad_input(admin_api, org, outsider):
    theirs = f.make_unit(outsider.organization, "Theirs")
    for unit in (theirs, company_unit(org)):
        response = put(admin_api, {"mode": "pilot", "pilot_unit_ids": [str(unit.pk)]})
        assert response.status_code == 422
        assert "pilot_unit_ids" in errors_of(response)


def test_another_organizations_admin_sees_only_their_own(outsider_api, admin_api, team):
    put(admin_api, {"mode": "pilot", "pilot_unit_ids": [str(team.pk)]})
    assert outsider_api.get("/rollout").json() == {"mode": "everyone", "pilot_unit_ids": []}


def test_the_checklist(admin_api, member_api, admin, org, team):
    from cadence.onboarding import services as onboarding_services

    onboarding_services.rollout_step_tick(actor=admin, step="learn")
    response = member_api.get("/rollout/checklist")
    assert response.status_code == 200
    body = response.json()
    steps = {s["id"]: s for s in body["steps"]}
    assert list(steps) == [
        "learn",
        "levels",
        "company_objectives",
        "teams_drafted",
        "aligned",
        "alignment_session",
        "weekly_slot",
        "reviews",
    ]
    assert steps["learn"]["done"] is True and steps["learn"]["done_by"] == str(admin.pk)
    assert steps["learn"]["ticked_at"]
    assert steps["levels"] == {
        "id": "levels",
        "title": "Decide the levels",
        "done": True,
        "done_by": "auto",
        "ticked_at": None,
        "link": "/settings/units/",
    }
    assert steps["alignment_session"]["done"] is False
    assert steps["alignment_session"]["done_by"] is None
    assert body["done_count"] == 2
    assert body["cycle_id"] is None
