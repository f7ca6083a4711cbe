"""GET /api/v1/me, /api/v1/units and /api/v1/units/{id}."""

from tests import factories as f
from tests.api.conftest import errors_of


def test_me_is_the_tokens_person(org, member, member_api):
    response = member_api.get("/me")
    assert response.status_code == 200
    assert response.json() == {
        "id": str(member.pk),
        "name": "Mia Member",
        "email": member.email,
        "role": "member",
        "organization": {"id": str(org.pk), "name": org.name},
    }


def test_me_for_a_viewer_says_viewer(viewer_api):
    assert viewer_api.get("/me").json()["role"] == "viewer"


def test_units_are_the_tree_of_the_callers_organization(org, team, member_api, outsider):
    department = f.make_unit(org, "Engineering", kind="department")
    squad = f.make_unit(org, "Platform", parent=department)
    f.make_unit(outsider.organization, "Not ours")
    response = member_api.get("/units")
    assert response.status_code == 200
    units = response.json()
    company = units[0]
    assert company["kind"] == "company" and company["parent_id"] is None
    by_name = {u["name"]: u for u in units}
    assert set(by_name) == {company["name"], "Engineering", "Platform", "Product"}
    assert by_name["Engineering"] == {
        "id": str(department.pk),
        "name": "Engineering",
        "kind": "department",
        "parent_id": company["id"],
        "archived": False,
        "checkin_weekday": 4,
        "checkin_time": "17:00",
        "time_zone": "UTC",
    }
    assert by_name["Platform"]["parent_id"] == str(department.pk)
    assert by_name["Platform"]["id"] == str(squad.pk)
    assert by_name["Product"]["kind"] == "team"


def test_unit_detail(team, viewer_api):
    response = viewer_api.get(f"/units/{team.pk}")
    assert response.status_code == 200
    assert response.json()["name"] == "Product"


def test_unit_detail_of_another_organization_is_404(team, outsider_api):
    response = outsider_api.get(f"/units/{team.pk}")
    assert response.status_code == 404
    assert response.json() == {"message": "Not found.", "errors": {}}
    assert "Product" not in response.content.decode()


def test_unit_detail_with_a_malformed_id_is_404(admin_api):
    for bad in ("not-a-uuid", "123", "%00", "00000000-0000-0000-0000-000000000000"):
        response = admin_api.get(f"/units/{bad}")
        assert response.status_code == 404, bad
        errors_of(response)
