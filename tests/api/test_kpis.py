"""/api/v1/kpis: create and list KPIs, enter values, read the status they give."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cadence.kpis.models import Kpi, KpiCrossing
from cadence.mail.models import Delivery
from cadence.orgs.models import Membership
from tests import factories as f
from tests.api.conftest import errors_of

pytestmark = pytest.mark.django_db


def _create(api, team, **extra):
    body = {"name": "Uptime", "unit_id": str(team.id), "unit_of_measure": "%"}
    body |= {"band": {"min": 99.5}, "frequency": "daily"} | extra
    return api.post("/kpis", body)


def test_create_list_and_values(org, team, member, member_api):
    lead = f.make_person(org, name="Lena Lead")
    f.join(team, lead, Membership.Role.LEAD)
    created = _create(member_api, team)
    assert created.status_code == 201, created.content
    kpi = created.json()
    assert kpi["band"] == {"min": 99.5, "max": None} and kpi["status"] == ""
    assert kpi["frequency"] == "daily" and kpi["unit_id"] == str(team.id)
    listed = member_api.get(f"/kpis?unit_id={team.id}")
    assert listed.status_code == 200 and [k["id"] for k in listed.json()] == [kpi["id"]]
    assert listed["X-Total-Count"] == "1"

    today = timezone.localdate()
    answer = member_api.post(f"/kpis/{kpi['id']}/values", {"value": 99.9})
    assert answer.status_code == 201, answer.content
    assert answer.json()["status"] == "healthy" and answer.json()["current_value"] == 99.9
    out = member_api.post(f"/kpis/{kpi['id']}/values", {"value": 97, "at": str(today)})
    assert out.json()["status"] == "unhealthy"
    # An older value keeps the status of the latest.
    older = (today - timedelta(days=3)).isoformat()
    kept = member_api.post(f"/kpis/{kpi['id']}/values", {"value": 99.9, "at": older})
    assert kept.json()["status"] == "unhealthy" and kept.json()["current_value"] == 97
    assert KpiCrossing.objects.count() == 1
    assert Delivery.objects.filter(kind="kpi", person=lead).count() == 1
    values = member_api.get(f"/kpis/{kpi['id']}/values")
    assert [v["value"] for v in values.json()] == [99.9, 99.9, 97]
    assert member_api.get(f"/kpis/{kpi['id']}").json()["status"] == "unhealthy"
    later = (today + timedelta(days=1)).isoformat()
    future = member_api.post(f"/kpis/{kpi['id']}/values", {"value": 1, "at": later})
    assert future.status_code == 422 and "at" in errors_of(future)


@pytest.mark.parametrize(
    "band,field",
    [({}, "band"), ({"min": 5, "max": 1}, "band.max"), ({"min": None, "max": None}, "band")],
)
def test_bad_bands_are_422(team, member_api, band, field):
    response = _create(member_api, team, band=band)
    assert response.status_code == 422, response.content
    assert field in errors_of(response)
    assert not Kpi.objects.exists()


def test_bad_input_is_422(team, member_api):
    assert _create(member_api, team, frequency="hourly").status_code == 422
    assert _create(member_api, team, band={"min": "NaN"}).status_code == 422
    assert _create(member_api, team, name="").status_code == 422
    kpi = _create(member_api, team).json()
    assert member_api.post(f"/kpis/{kpi['id']}/values", {"value": "1"}).status_code == 422
    assert member_api.post(f"/kpis/{kpi['id']}/values", {}).status_code == 422


def test_anonymous_viewer_and_outsider(team, member_api, viewer_api, outsider_api, anonymous_api):
    kpi = _create(member_api, team).json()
    assert anonymous_api.get("/kpis").status_code == 401
    assert viewer_api.get(f"/kpis/{kpi['id']}").status_code == 200  # viewers read
    assert _create(viewer_api, team).status_code == 403
    assert viewer_api.post(f"/kpis/{kpi['id']}/values", {"value": 1}).status_code == 403
    assert outsider_api.get(f"/kpis/{kpi['id']}").status_code == 404
    assert outsider_api.get(f"/kpis?unit_id={team.id}").status_code == 404
    assert outsider_api.get("/kpis").json() == []
    # Another organization's unit named in a body is bad input for that field.
    foreign = _create(outsider_api, team)
    assert foreign.status_code == 422 and "unit_id" in errors_of(foreign)
    assert Kpi.objects.count() == 1
