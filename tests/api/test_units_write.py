"""POST/PATCH/DELETE /api/v1/units and PUT/DELETE /api/v1/units/{id}/members/{person_id}:
admins change the tree, leads the members of their units; everyone else is 403."""

import pytest

from cadence.audit.models import Event
from cadence.orgs.models import Membership, Unit
from cadence.orgs.selectors import company_unit
from tests import factories as f
from tests.api.conftest import Api, errors_of

pytestmark = pytest.mark.django_db


def test_an_admin_creates_a_department_and_a_team(org, admin_api):
    company = company_unit(org)
    response = admin_api.post(
        "/units", {"name": "Sales", "kind": "department", "parent_id": str(company.pk)}
    )
    assert response.status_code == 201, response.content
    sales = response.json()
    assert (sales["name"], sales["kind"], sales["parent_id"], sales["archived"]) == (
        "Sales",
        "department",
        str(company.pk),
        False,
    )
    response = admin_api.post(
        "/units",
        {"name": "EMEA", "kind": "team", "parent_id": sales["id"], "time_zone": "Europe/Paris"},
    )
    assert response.status_code == 201
    assert response.json()["time_zone"] == "Europe/Paris"
    assert response.json()["checkin_time"] == "17:00"
    listed = {u["name"]: u for u in admin_api.get("/units").json()}
    assert listed["EMEA"]["parent_id"] == sales["id"]
    assert Event.objects.filter(kind="unit.created", actor=admin_api.person).count() == 2


def test_bad_unit_input_is_422_or_409_and_saves_nothing(org, team, admin_api, outsider):
    company = company_unit(org)
    before = Unit.objects.count()
    cases = [
        ({"name": "", "kind": "team", "parent_id": str(company.pk)}, "name"),
        ({"name": "X", "kind": "company", "parent_id": str(company.pk)}, "kind"),
        ({"name": "X", "kind": "team", "parent_id": str(team.pk)}, "parent_id"),
        (
            {"name": "X", "kind": "team", "parent_id": str(company_unit(outsider.organization).pk)},
            "parent_id",
        ),
        ({"name": "X", "kind": "team", "parent_id": str(company.pk), "lead": "me"}, "lead"),
    ]
    for body, field in cases:
        response = admin_api.post("/units", body)
        assert response.status_code == 422, (body, response.content)
        assert field in errors_of(response), (body, response.json())
    assert errors_of(admin_api.post("/units", cases[2][0]))["parent_id"] == [
        "Product is a team, and teams cannot contain other units."
    ]
    response = admin_api.patch(f"/units/{company.pk}", {"archived": True})
    assert response.status_code == 409
    assert errors_of(response) == {"archived": ["The company unit cannot be archived."]}
    response = admin_api.patch(f"/units/{team.pk}", {"checkin_time": "25:00"})
    assert response.status_code == 422
    # JSON types as the document says: a boolean is true or false, a weekday a whole number.
    response = admin_api.patch(f"/units/{team.pk}", {"archived": 0.0, "checkin_weekday": False})
    assert response.status_code == 422
    assert set(errors_of(response)) == {"archived", "checkin_weekday"}
    team.refresh_from_db()
    assert team.archived_at is None
    response = admin_api.patch(f"/units/{team.pk}", {"checkin_weekday": 2.0})
    assert response.status_code == 200 and response.json()["checkin_weekday"] == 2
    assert Unit.objects.count() == before


def test_an_admin_renames_moves_archives_and_restores(org, team, admin_api):
    department = f.make_unit(org, "Engineering", kind="department")
    response = admin_api.patch(
        f"/units/{team.pk}",
        {
            "name": "Product Design",
            "parent_id": str(department.pk),
            "checkin_weekday": 0,
            "checkin_time": "09:00",
            "time_zone": "Asia/Tokyo",
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["name"], body["parent_id"], body["checkin_weekday"], body["checkin_time"]) == (
        "Product Design",
        str(department.pk),
        0,
        "09:00",
    )
    assert admin_api.patch(f"/units/{team.pk}", {"archived": True}).json()["archived"] is True
    assert admin_api.get(f"/units/{team.pk}").json()["archived"] is True
    assert admin_api.patch(f"/units/{team.pk}", {"archived": False}).json()["archived"] is False
    inner = f.make_unit(org, "Platform", kind="department", parent=department)
    response = admin_api.patch(f"/units/{department.pk}", {"parent_id": str(inner.pk)})
    assert response.status_code == 422
    assert errors_of(response) == {
        "parent_id": ["Engineering cannot move into itself or into one of its own sub-units."]
    }


def test_delete_only_an_empty_unit(org, admin, cycle, team, admin_api):
    empty = f.make_unit(org, "Mistake")
    assert admin_api.delete(f"/units/{empty.pk}").status_code == 204
    assert not Unit.objects.filter(pk=empty.pk).exists()
    f.make_objective(admin, cycle, team, title="Customers love the product")
    response = admin_api.delete(f"/units/{team.pk}")
    assert response.status_code == 409
    assert "archive it instead" in errors_of(response)["__all__"][0]
    assert Unit.objects.filter(pk=team.pk).exists()


def test_members_and_viewers_cannot_write_units(org, team, member_api, viewer_api, member):
    company = company_unit(org)
    person = f.make_person(org)
    for api in (member_api, viewer_api):
        calls = [
            api.post("/units", {"name": "X", "kind": "team", "parent_id": str(company.pk)}),
            api.patch(f"/units/{team.pk}", {"name": "Mine"}),
            api.patch(f"/units/{team.pk}", {}),
            api.delete(f"/units/{team.pk}"),
            api.call("put", f"/units/{team.pk}/members/{person.pk}", {"role": "member"}),
            api.delete(f"/units/{team.pk}/members/{member.pk}"),
        ]
        assert [r.status_code for r in calls] == [403] * 6, [r.content for r in calls]
    team.refresh_from_db()
    assert team.name == "Product" and Membership.objects.filter(unit=team).count() == 1


def test_a_lead_sets_the_members_of_their_own_units_only(org, team, member):
    lead = f.make_person(org, name="Lee Lead")
    f.join(team, lead, Membership.Role.LEAD)
    other = f.make_unit(org, "Other")
    person = f.make_person(org, name="Nina New")
    api = Api(lead)
    response = api.call("put", f"/units/{team.pk}/members/{person.pk}", {"role": "member"})
    assert response.status_code == 200, response.content
    assert response.json() == {
        "unit_id": str(team.pk),
        "person_id": str(person.pk),
        "role": "member",
    }
    response = api.call("put", f"/units/{team.pk}/members/{person.pk}", {"role": "lead"})
    assert response.json()["role"] == "lead"
    assert api.delete(f"/units/{team.pk}/members/{member.pk}").status_code == 204
    assert not Membership.objects.filter(unit=team, person=member).exists()
    response = api.call("put", f"/units/{other.pk}/members/{person.pk}", {"role": "member"})
    assert response.status_code == 403
    assert api.patch(f"/units/{team.pk}", {"name": "Ours"}).status_code == 403
    assert not Membership.objects.filter(unit=other).exists()
    response = api.call("put", f"/units/{team.pk}/members/{person.pk}", {"role": "boss"})
    assert response.status_code == 422


def test_another_organizations_person_is_404(team, admin_api, outsider):
    response = admin_api.call("put", f"/units/{team.pk}/members/{outsider.pk}", {"role": "member"})
    assert response.status_code == 404
    assert not Membership.objects.filter(unit=team, person=outsider).exists()


def test_unit_writes_need_a_token(team, anonymous_api):
    assert anonymous_api.patch(f"/units/{team.pk}", {"name": "X"}).status_code == 401
    assert anonymous_api.post("/units", {}).status_code == 401
