"""Settings → People, Invite people (one, pasted, CSV with a preview) and Your profile."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cadence.accounts import services as invitation_services
from cadence.accounts.models import Invitation
from cadence.audit.models import Event
from cadence.mail.models import Delivery
from cadence.okrs import services as okr_services
from cadence.orgs.models import Person
from tests import factories as f


@pytest.fixture
def admin_client(client, admin):
    client.force_login(admin)
    return client


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_the_settings_index_leads_to_people_and_your_profile(admin_client):
    body = admin_client.get(reverse("settings")).content.decode()
    assert f'href="{reverse("people")}"' in body and f'href="{reverse("profile")}"' in body


def test_an_admin_sees_people_invitations_and_controls(admin_client, admin, member, viewer):
    invitation_services.invitation_create(
        actor=admin, organization=admin.organization, email="waiting@example.test"
    )
    body = admin_client.get(reverse("people")).content.decode()
    assert "Mia Member" in body and "Vera Viewer" in body
    assert "Active (3)" in body and "Invited (1)" in body and "Deactivated (0)" in body
    assert reverse("person_role", args=[member.pk]) in body
    assert reverse("person_active", args=[member.pk]) in body
    assert reverse("person_active", args=[admin.pk]) not in body  # not yourself
    invited = admin_client.get(reverse("people") + "?status=invited").content.decode()
    assert "waiting@example.test" in invited and "Resend" in invited and "Revoke" in invited
    found = admin_client.get(reverse("people") + "?q=vera").content.decode()
    assert "Vera Viewer" in found and "Mia Member" not in found


def test_members_read_the_list_without_controls_or_invitations(client, admin, member):
    invitation_services.invitation_create(
        actor=admin, organization=admin.organization, email="waiting@example.test"
    )
    client.force_login(member)
    body = client.get(reverse("people") + "?status=invited").content.decode()
    assert "Mia Member" in body and "waiting@example.test" not in body
    assert reverse("person_role", args=[member.pk]) not in body
    for url in (
        reverse("person_role", args=[admin.pk]),
        reverse("person_active", args=[admin.pk]),
        reverse("invitation_revoke", args=[Invitation.objects.get().pk]),
        reverse("people_invite"),
    ):
        assert client.post(url, {"role": "viewer", "active": "0"}).status_code == 403, url
    admin.refresh_from_db()
    assert (admin.role, admin.is_active) == ("admin", True)
    assert Invitation.objects.get().is_open


def test_the_people_page_reads_a_fixed_number_of_queries(admin_client, admin, team):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert admin_client.get(reverse("people")).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    for i in range(40):
        f.join(team, f.make_person(admin.organization, name=f"Person {i:02}"))
    assert count() == few
    assert few <= 15


def test_the_people_page_is_paginated(admin_client, admin):
    for i in range(55):
        f.make_person(admin.organization, name=f"Person {i:02}")
    first = admin_client.get(reverse("people")).content.decode()
    assert "Page 1 of 2" in first and "Person 48" in first and "Person 49" not in first
    second = admin_client.get(reverse("people") + "?page=2").content.decode()
    assert "Person 49" in second


def test_changing_roles_and_the_last_admin_message(admin_client, admin, member):
    response = admin_client.post(
        reverse("person_role", args=[member.pk]), {"role": "viewer"}, follow=True
    )
    assert "Mia Member is now viewer." in _messages(response)
    member.refresh_from_db()
    assert member.role == "viewer"
    response = admin_client.post(
        reverse("person_role", args=[admin.pk]), {"role": "member"}, follow=True
    )
    assert any("is the last active admin" in m for m in _messages(response))
    admin.refresh_from_db()
    assert admin.role == "admin"
    assert admin_client.get(reverse("person_role", args=[member.pk])).status_code == 405


def test_deactivating_lists_open_key_results_for_reassignment(
    admin_client, admin, member, cycle, team
):
    objective = f.make_objective(member, cycle, team, title="Members' objective")
    kr = f.make_kr(member, objective, title="Ship the member thing", owner=member)
    response = admin_client.post(
        reverse("person_active", args=[member.pk]), {"active": "0"}, follow=True
    )
    assert any("Mia Member is deactivated" in m for m in _messages(response))
    body = response.content.decode()
    assert "Open key results of people who left" in body
    assert reverse("key_result_edit", args=[kr.pk]) in body and "Ship the member thing" in body
    deactivated = admin_client.get(reverse("people") + "?status=deactivated").content.decode()
    assert "Mia Member" in deactivated and "Reactivate" in deactivated
    # Reassigned: no longer listed.
    okr_services.key_result_update(actor=admin, key_result=kr, owner=admin)
    assert "Ship the member thing" not in admin_client.get(reverse("people")).content.decode()
    admin_client.post(reverse("person_active", args=[member.pk]), {"active": "1"})
    member.refresh_from_db()
    assert member.is_active


def test_resend_and_revoke_from_the_page(admin_client, admin):
    invitation = invitation_services.invitation_create(
        actor=admin, organization=admin.organization, email="waiting@example.test"
    )
    response = admin_client.post(reverse("invitation_resend", args=[invitation.pk]), follow=True)
    assert "A new invitation is on its way to waiting@example.test." in _messages(response)
    response = admin_client.post(reverse("invitation_revoke", args=[invitation.pk]), follow=True)
    assert "The invitation of waiting@example.test is revoked." in _messages(response)
    response = admin_client.post(reverse("invitation_revoke", args=[invitation.pk]), follow=True)
    assert "This invitation was revoked." in _messages(response)
    assert Delivery.objects.count() == 2


def test_inviting_one_person(admin_client, team):
    assert admin_client.get(reverse("people_invite")).status_code == 200
    response = admin_client.post(
        reverse("people_invite"),
        {
            "action": "one",
            "email": "one@example.test",
            "name": "Una",
            "role": "member",
            "units": [str(team.pk)],
        },
    )
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert list(invitation.units.all()) == [team]
    again = admin_client.post(
        reverse("people_invite"), {"action": "one", "email": "one@example.test", "role": "member"}
    )
    assert again.status_code == 422 and "resend that invitation" in again.content.decode()


def test_pasted_addresses_are_previewed_then_only_valid_ones_invited(admin_client, member, team):
    response = admin_client.post(
        reverse("people_invite"),
        {
            "action": "paste",
            "addresses": f"a@example.test, Bea <b@example.test>, nonsense, {member.email}",
            "role": "viewer",
            "team": "Product",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "2 of 4 people can be invited" in body
    assert "is already in" in body and "not a valid email address" in body
    assert not Invitation.objects.exists()  # nothing until confirmed
    confirm = response.context["confirm"].initial["rows"]
    done = admin_client.post(
        reverse("people_invite"), {"action": "confirm", "rows": confirm}, follow=True
    )
    assert "Invited 2 people." in _messages(done)
    assert set(Invitation.objects.values_list("email", "role")) == {
        ("a@example.test", "viewer"),
        ("b@example.test", "viewer"),
    }
    assert all(list(i.units.all()) == [team] for i in Invitation.objects.all())
    assert Delivery.objects.filter(kind="invitation").count() == 2
    assert Event.objects.filter(kind="person.invited").count() == 2


def test_a_csv_upload_with_bad_rows_previews_each_rows_errors(admin_client, admin, team):
    csv = (
        "email,name,team,role\n"
        "good@example.test,Good One,Product,member\n"
        "nobody-team@example.test,No Team,Marketing,member\n"
        "bad-role@example.test,Bad Role,,owner\n"
        "good@example.test,Twice,,\n"
    )
    upload = SimpleUploadedFile("people.csv", csv.encode(), content_type="text/csv")
    response = admin_client.post(reverse("people_invite"), {"action": "upload", "file": upload})
    body = response.content.decode()
    assert "1 of 4 people can be invited" in body
    assert "There is no team called &#x27;Marketing&#x27;." in body
    assert "not one of admin, member or viewer" in body
    assert "listed already, on line 2" in body
    assert not Invitation.objects.exists()
    # A row that became invalid after the preview is refused at confirmation, with its reason.
    invitation_services.invitation_create(
        actor=admin, organization=admin.organization, email="good@example.test"
    )
    done = admin_client.post(
        reverse("people_invite"),
        {"action": "confirm", "rows": response.context["confirm"].initial["rows"]},
        follow=True,
    )
    assert "Invited 0 people." in _messages(done)
    assert any("good@example.test: " in m and "resend" in m for m in _messages(done))


@pytest.mark.parametrize(
    "content,message",
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00", "not a CSV text file"),
        ("email\nzoë@example.test\n".encode("utf-16"), "CSV text file"),
        ("email\nzoë@example.test\n".encode("latin-1"), "not UTF-8"),
        (b"email\n" + b"x" * 1_000_001, "larger than 1 MB"),
        (b"name\nZoe\n", "The first line must be the header"),
    ],
)
def test_hostile_files_are_refused_with_a_clear_message(admin_client, content, message):
    upload = SimpleUploadedFile("people.csv", content, content_type="text/csv")
    response = admin_client.post(reverse("people_invite"), {"action": "upload", "file": upload})
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Invitation.objects.exists()


def test_your_profile(client, member):
    client.force_login(member)
    page = client.get(reverse("profile")).content.decode()
    for url in ("account_change_password", "account_email", "mfa_index"):
        assert f'href="{reverse(url)}"' in page
    response = client.post(
        reverse("profile"),
        {"name": "Mia Moreau", "time_zone": "Europe/Paris", "weekly_digests": "on"},
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.name, member.time_zone, member.weekly_reminders, member.weekly_digests) == (
        "Mia Moreau",
        "Europe/Paris",
        False,
        True,
    )
    bad = client.post(reverse("profile"), {"name": "", "time_zone": "Mars/Base"})
    assert bad.status_code == 422
    member.refresh_from_db()
    assert member.name == "Mia Moreau"


def test_the_notification_settings_page_records_the_change_too(client, member):
    client.force_login(member)
    client.post(reverse("notification_settings"), {"weekly_reminders": "on", "time_zone": ""})
    assert Event.objects.get(kind="person.updated").changes == {"weekly_digests": [True, False]}
    assert Person.objects.get(pk=member.pk).weekly_digests is False
