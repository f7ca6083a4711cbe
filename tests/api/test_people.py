"""/api/v1/people and /api/v1/invitations: everyone in the organization reads; admins change
roles, deactivate, reactivate and invite; members and viewers get 403; other organizations 404."""

import pytest

from cadence.accounts.models import Invitation
from cadence.audit.models import Event
from cadence.mail.models import Delivery
from cadence.orgs.models import Person
from tests import factories as f
from tests.api.conftest import Api, errors_of
from tests.outbox import send_queued


def test_everyone_reads_the_people_with_their_units(admin, member, viewer, team, api_as):
    for person in (admin, member, viewer):
        response = api_as(person).get("/people")
        assert response.status_code == 200
        assert response["X-Total-Count"] == "3"
        rows = {row["email"]: row for row in response.json()}
        assert rows[member.email] == {
            "id": str(member.pk),
            "name": "Mia Member",
            "email": member.email,
            "role": "member",
            "active": True,
            "unit_ids": [str(team.pk)],
        }
        assert rows[admin.email]["unit_ids"] == []


def test_the_list_pages_and_filters(admin_api, admin, member):
    for i in range(4):
        f.make_person(admin.organization, name=f"Zed {i}")
    Api(member)  # a token for the member; then the member leaves
    admin_api.patch(f"/people/{member.pk}", {"active": False})
    page = admin_api.get("/people?limit=2")
    assert [p["name"] for p in page.json()] == [admin.name, "Mia Member"]
    assert page["X-Total-Count"] == "6" and 'rel="next"' in page["Link"]
    assert [p["email"] for p in admin_api.get("/people?active=false").json()] == [member.email]
    assert admin_api.get("/people?limit=501").status_code == 422


def test_the_list_reads_a_fixed_number_of_queries(
    admin_api, admin, team, django_assert_max_num_queries
):
    for _ in range(30):
        f.join(team, f.make_person(admin.organization))
    with django_assert_max_num_queries(8):
        assert len(admin_api.get("/people").json()) == 31


def test_an_admin_changes_a_role_and_deactivates(admin_api, admin, member):
    response = admin_api.patch(f"/people/{member.pk}", {"role": "viewer"})
    assert response.status_code == 200 and response.json()["role"] == "viewer"
    response = admin_api.patch(f"/people/{member.pk}", {"active": False})
    assert response.status_code == 200 and response.json()["active"] is False
    member.refresh_from_db()
    assert (member.role, member.is_active) == ("viewer", False)
    assert admin_api.get(f"/people/{member.pk}").json()["active"] is False
    response = admin_api.patch(f"/people/{member.pk}", {"active": True, "role": "member"})
    assert response.json()["active"] is True and response.json()["role"] == "member"
    assert list(
        Event.objects.order_by("created_at")
        .filter(kind__startswith="person.")
        .values_list("kind", flat=True)
    ) == ["person.role_changed", "person.deactivated", "person.role_changed", "person.reactivated"]


def test_a_deactivated_persons_token_stops_working(admin_api, member):
    members_api = Api(member)
    assert members_api.get("/me").status_code == 200
    admin_api.patch(f"/people/{member.pk}", {"active": False})
    assert members_api.get("/me").status_code == 401


def test_the_last_admin_is_kept_and_bad_input_refused(admin_api, admin, member):
    response = admin_api.patch(f"/people/{admin.pk}", {"role": "member"})
    assert response.status_code == 409
    assert "last active admin" in response.json()["message"]
    response = admin_api.patch(f"/people/{admin.pk}", {"active": False})
    assert response.status_code == 422 and "yourself" in response.json()["message"]
    for body in ({"role": "owner"}, {"active": "no"}, {"active": None}, {"name": "X"}):
        response = admin_api.patch(f"/people/{member.pk}", body)
        assert response.status_code == 422, body
        assert errors_of(response)
    admin.refresh_from_db()
    member.refresh_from_db()
    assert (admin.role, member.role, member.is_active) == ("admin", "member", True)


def test_members_and_viewers_get_403_on_writes(member_api, viewer_api, admin, member, team):
    invitation = Api(admin).post("/invitations", {"email": "x@example.test", "role": "member"})
    invitation_id = invitation.json()["id"]
    for api in (member_api, viewer_api):
        assert api.patch(f"/people/{admin.pk}", {"role": "viewer"}).status_code == 403
        assert api.patch(f"/people/{member.pk}", {"active": False}).status_code == 403
        response = api.post("/invitations", {"email": "y@example.test", "role": "admin"})
        assert response.status_code == 403
        assert api.delete(f"/invitations/{invitation_id}").status_code == 403
        assert api.post(f"/invitations/{invitation_id}/resend").status_code == 403
        assert api.get("/invitations").status_code == 200
    admin.refresh_from_db()
    assert admin.role == "admin"
    assert Invitation.objects.count() == 1 and Invitation.objects.get().is_open


def test_inviting_queues_the_email_for_the_worker(admin_api, admin, team):
    response = admin_api.post(
        "/invitations",
        {"email": "New@Example.test", "name": "Nia", "role": "viewer", "unit_ids": [str(team.pk)]},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    invitation = Invitation.objects.get()
    assert body["id"] == str(invitation.pk) and body["email"] == "new@example.test"
    assert body["unit_ids"] == [str(team.pk)] and body["expires_at"]
    [message] = send_queued()
    assert message.to == ["new@example.test"] and "/invitations/" in message.body
    assert Delivery.objects.get().sent_at is not None
    listed = admin_api.get("/invitations").json()
    assert [i["email"] for i in listed] == ["new@example.test"]

    again = admin_api.post("/invitations", {"email": "new@example.test", "role": "member"})
    assert again.status_code == 409 and "resend" in again.json()["message"]
    resent = admin_api.post(f"/invitations/{invitation.pk}/resend")
    assert resent.status_code == 200 and len(send_queued()) == 2
    assert admin_api.delete(f"/invitations/{invitation.pk}").status_code == 204
    assert admin_api.delete(f"/invitations/{invitation.pk}").status_code == 409
    assert admin_api.get("/invitations").json() == []


@pytest.mark.parametrize(
    "body,field",
    [
        ({"email": "not an address", "role": "member"}, "email"),
        ({"email": "", "role": "member"}, "email"),
        ({"email": "a@example.test", "role": "owner"}, "role"),
        ({"email": "a@example.test", "unit_ids": ["nope"]}, "unit_ids.0"),
        ({"email": "a@example.test", "name": "x" * 201}, "name"),
        ({"email": "a@example.test", "extra": 1}, "extra"),
    ],
)
def test_bad_invitations_are_422_and_save_nothing(admin_api, body, field):
    response = admin_api.post("/invitations", body)
    assert response.status_code == 422, response.content
    assert field in errors_of(response)
    assert not Invitation.objects.exists() and not Delivery.objects.exists()


def test_invitations_to_existing_people_and_foreign_teams_are_refused(admin_api, member, outsider):
    response = admin_api.post("/invitations", {"email": member.email, "role": "member"})
    assert response.status_code == 409 and "already in" in response.json()["message"]
    foreign = f.make_unit(outsider.organization, "Their team")
    response = admin_api.post(
        "/invitations", {"email": "a@example.test", "unit_ids": [str(foreign.pk)]}
    )
    assert response.status_code == 422 and "unit_ids" in errors_of(response)
    assert not Invitation.objects.exists()


def test_another_organizations_people_are_404(outsider_api, admin, member):
    assert outsider_api.get(f"/people/{member.pk}").status_code == 404
    assert outsider_api.patch(f"/people/{member.pk}", {"active": False}).status_code == 404
    assert outsider_api.patch(f"/people/{admin.pk}", {"role": "bogus"}).status_code == 404
    assert all(p["email"] != member.email for p in outsider_api.get("/people").json())
    member.refresh_from_db()
    assert member.is_active and Person.objects.filter(role="admin").count() == 2
