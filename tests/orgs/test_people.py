"""An admin changes roles, deactivates and reactivates people; the last active admin stays;
people edit their own profile. Every change is in the audit trail."""

import threading

import pytest
from django.contrib.auth import SESSION_KEY
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse

from cadence.audit.models import Event
from cadence.core.errors import Conflict
from cadence.orgs import person_services
from cadence.orgs import services as org_services
from cadence.orgs.models import ApiToken, Person
from tests import factories as f


def test_an_admin_changes_a_role_and_it_is_recorded(admin, member):
    person_services.person_role_change(actor=admin, person=member, role="viewer")
    member.refresh_from_db()
    assert member.role == "viewer"
    event = Event.objects.get(kind="person.role_changed")
    assert (event.actor, event.target_id, event.changes) == (
        admin,
        str(member.pk),
        {"role": ["member", "viewer"]},
    )


def test_members_and_viewers_cannot_manage_people(admin, member, viewer, outsider):
    for actor in (member, viewer):
        with pytest.raises(PermissionDenied, match="Only admins manage people."):
            person_services.person_role_change(actor=actor, person=admin, role="viewer")
        with pytest.raises(PermissionDenied):
            person_services.person_deactivate(actor=actor, person=admin)
    with pytest.raises(PermissionDenied, match="not part of this organization"):
        person_services.person_deactivate(actor=outsider, person=member)
    admin.refresh_from_db()
    member.refresh_from_db()
    assert (admin.role, admin.is_active, member.is_active) == ("admin", True, True)
    assert not Event.objects.filter(kind__startswith="person.").exists()


def test_a_bad_role_is_refused(admin, member):
    with pytest.raises(ValidationError, match="Choose admin, member or viewer."):
        person_services.person_role_change(actor=admin, person=member, role="owner")


def test_the_last_active_admin_can_be_neither_demoted_nor_deactivated(admin, member):
    second = f.make_person(admin.organization, role="admin", name="Second Admin")
    with pytest.raises(ValidationError, match="cannot deactivate yourself"):
        person_services.person_deactivate(actor=admin, person=admin)
    person_services.person_deactivate(actor=admin, person=second)
    with pytest.raises(Conflict) as info:
        person_services.person_role_change(actor=admin, person=admin, role="member")
    assert info.value.messages == [
        f"{admin.name} is the last active admin of the organization. "
        "Make someone else an admin first."
    ]
    with pytest.raises(Conflict, match="last active admin"):
        person_services.person_deactivate(actor=None, person=admin)
    with pytest.raises(Conflict, match="last active admin"):
        person_services.person_update(actor=admin, person=admin, role="viewer", active=False)
    admin.refresh_from_db()
    assert (admin.role, admin.is_active) == ("admin", True)
    # Another admin first, then the first may step down.
    person_services.person_role_change(actor=admin, person=member, role="admin")
    person_services.person_role_change(actor=admin, person=admin, role="member")
    admin.refresh_from_db()
    assert admin.role == "member"


def test_deactivating_ends_sign_in_sessions_and_tokens_keeps_history(admin, member, cycle, team):
    objective = f.make_objective(member, cycle, team, title="Members' objective")
    kr = f.make_kr(member, objective, title="Ship the member thing", owner=member)
    _token, secret = org_services.api_token_create(person=member)
    browser = Client()
    browser.force_login(member)
    assert browser.get(reverse("dashboard")).status_code == 200
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.get("/api/v1/me").status_code == 200

    person_services.person_deactivate(actor=admin, person=member)

    member.refresh_from_db()
    assert not member.is_active
    response = browser.get(reverse("dashboard"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert api.get("/api/v1/me").status_code == 401
    assert not ApiToken.objects.filter(person=member).exists()
    stranger = Client()
    response = stranger.post(reverse("login"), {"login": member.email, "password": f.PASSWORD})
    assert response.url == reverse("account_inactive") and SESSION_KEY not in stranger.session
    assert "inactive" in stranger.get(response.url).content.decode().lower()
    kr.refresh_from_db()
    assert kr.owner == member  # history stays: the key result is theirs until reassigned
    kinds = list(
        Event.objects.exclude(kind__startswith="signin.")
        .order_by("created_at")
        .values_list("kind", flat=True)
    )
    assert kinds[-2:] == ["token.revoked", "person.deactivated"]
    assert Event.objects.get(kind="person.deactivated").changes["tokens_revoked"] == 1

    person_services.person_reactivate(actor=admin, person=member)
    member.refresh_from_db()
    assert member.is_active
    assert Event.objects.filter(kind="person.reactivated").count() == 1
    response = Client().post(reverse("login"), {"login": member.email, "password": f.PASSWORD})
    assert response.status_code == 302


def test_deactivating_twice_or_reactivating_an_active_person_changes_nothing(admin, member):
    person_services.person_reactivate(actor=admin, person=member)
    person_services.person_deactivate(actor=admin, person=member)
    person_services.person_deactivate(actor=admin, person=member)
    assert Event.objects.filter(kind__startswith="person.").count() == 1


def test_the_command_line_is_named_in_the_trail(admin, member):
    person_services.person_deactivate(actor=None, person=member)
    event = Event.objects.get(kind="person.deactivated")
    assert (event.actor, event.actor_label) == (None, "command line")


def test_people_edit_their_own_profile(member, admin):
    person_services.person_profile_update(
        actor=member,
        person=member,
        name="  Mia   Mendes ",
        time_zone="Europe/Lisbon",
        weekly_reminders=False,
        weekly_digests=True,
    )
    member.refresh_from_db()
    assert (member.name, member.time_zone, member.weekly_reminders) == (
        "Mia Mendes",
        "Europe/Lisbon",
        False,
    )
    event = Event.objects.get(kind="person.updated")
    assert event.changes == {
        "name": ["Mia Member", "Mia Mendes"],
        "time_zone": ["", "Europe/Lisbon"],
        "weekly_reminders": [True, False],
    }
    with pytest.raises(PermissionDenied):
        person_services.person_profile_update(actor=admin, person=member, name="Hacked")
    with pytest.raises(ValidationError) as info:
        person_services.person_profile_update(
            actor=member, person=member, name=" ", time_zone="Mars/Base"
        )
    assert info.value.message_dict == {
        "name": ["Give your name."],
        "time_zone": ["Choose a time zone from the list."],
    }
    member.refresh_from_db()
    assert member.name == "Mia Mendes"
    # Saving the same values records nothing.
    person_services.person_profile_update(actor=member, person=member, name="Mia Mendes")
    assert Event.objects.filter(kind="person.updated").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_admins_demoting_each_other_at_once_leave_one_admin():
    """Each change locks the organization's admins before counting them: one of the two waits
    for the other and then sees it is the last admin."""
    org, first = f.make_org("Race")
    second = f.make_person(org, role="admin", name="Second")
    barrier = threading.Barrier(2)
    outcomes = []

    def demote(actor, person):
        try:
            barrier.wait()
            person_services.person_role_change(actor=actor, person=person, role="member")
            outcomes.append("done")
        except Conflict:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=demote, args=(first, second)),
        threading.Thread(target=demote, args=(second, first)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["done", "refused"]
    assert Person.objects.filter(organization=org, role="admin", is_active=True).count() == 1
