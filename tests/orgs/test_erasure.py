"""Erasing a person who left (issue 14): their name and email are replaced, every way to sign in
as them goes, their OKR history stays under "Former member N", and the audit trail keeps no
personal data of theirs. The service, then the page, the API and the command line."""

import json
from datetime import date

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from cadence.accounts import services as invitation_services
from cadence.accounts.models import Invitation
from cadence.audit.models import Event
from cadence.cli import main
from cadence.core.errors import Conflict
from cadence.feed import services as feed_services
from cadence.mail.models import Delivery
from cadence.okrs import services as okr_services
from cadence.okrs.models import CheckIn, Objective
from cadence.orgs import person_services
from cadence.orgs import services as org_services
from cadence.orgs.models import ApiToken, Person
from cadence.scheduling import subscriber_services
from cadence.scheduling.models import ExternalSubscriber
from cadence.weekly import services as weekly_services
from cadence.weekly.models import Item
from tests import factories as f

WEEK = date(2026, 11, 16)  # 2026-W47, before the suite's clock


@pytest.fixture
def leaver(org, admin, cycle, team):
    """Lea Leaver, who joined by invitation, wrote OKRs, check-ins, a weekly update and a
    comment, signed in with two-factor and a token, changed her name once, then left."""
    invitation = invitation_services.invitation_create(
        actor=admin, organization=org, email="lea.leaver@example.test", units=[team]
    )
    person = invitation_services.invitation_accept(
        invitation=invitation, name="Lea Early", password=f.PASSWORD
    )
    person_services.person_profile_update(actor=person, person=person, name="Lea Leaver")
    objective = f.make_objective(person, cycle, team, title="Ship the onboarding", owner=person)
    kr = f.make_kr(person, objective, title="Activation rate", owner=person)
    okr_services.check_in_create(actor=person, key_result=kr, value=40, confidence="on_track")
    weekly_services.item_create(
        actor=person, person=person, week=WEEK, category="progress", text="Wrote the guide"
    )
    feed_services.comment_create(actor=person, target=objective, text="Halfway there")
    org_services.api_token_create(person=person)
    EmailAddress.objects.create(user=person, email=person.email, primary=True, verified=True)
    RecoveryCodes.activate(person)
    person_services.person_deactivate(actor=admin, person=person)
    return person


def _erase(admin, person) -> Person:
    return person_services.person_erase(actor=admin, person=person)


def test_erasure_replaces_name_and_email_and_removes_every_way_to_sign_in(
    client, org, admin, leaver
):
    client.force_login(leaver)  # a browser still signed in as her
    sessions = Session.objects.count()
    assert sessions >= 1
    old_email = leaver.email

    erased = _erase(admin, leaver)

    erased.refresh_from_db()
    assert erased.name == "Former member 1"
    assert erased.email.startswith("erased-") and erased.email.endswith("@invalid")
    assert erased.is_erased and not erased.is_active
    assert not erased.has_usable_password()
    assert erased.time_zone == ""
    assert (erased.weekly_reminders, erased.weekly_digests) == (False, False)
    assert not ApiToken.objects.filter(person=erased).exists()
    assert not EmailAddress.objects.filter(user=erased).exists()
    assert not EmailAddress.objects.filter(email__iexact=old_email).exists()
    assert not Authenticator.objects.filter(user=erased).exists()
    assert Session.objects.count() == sessions - 1
    assert not Delivery.objects.filter(person=erased).exists()
    assert not Delivery.objects.filter(to_address__iexact=old_email).exists()
    accepted = Invitation.objects.get(person=erased)
    assert (accepted.email, accepted.name) == (erased.email, "Former member 1")
    assert not Person.objects.filter(email__iexact=old_email).exists()


def test_signing_in_with_the_old_email_fails(client, admin, leaver):
    old_email = leaver.email
    person_services.person_reactivate(actor=admin, person=leaver)
    ok = client.post(reverse("login"), {"login": old_email, "password": f.PASSWORD})
    assert ok.status_code == 302  # the account worked until now
    client.post(reverse("logout"))
    person_services.person_deactivate(actor=admin, person=leaver)
    _erase(admin, leaver)
    refused = client.post(reverse("login"), {"login": old_email, "password": f.PASSWORD})
    assert refused.status_code == 200 and "_auth_user_id" not in client.session


def test_history_stays_and_renders_under_the_anonymised_name(client, admin, leaver, team):
    _erase(admin, leaver)
    objective = Objective.objects.get(title="Ship the onboarding")
    assert objective.owner_id == leaver.pk
    assert CheckIn.objects.get(key_result__objective=objective).author_id == leaver.pk
    client.force_login(admin)
    page = client.get(reverse("objective_detail", args=[objective.pk])).content.decode()
    assert "Former member 1" in page and "Halfway there" in page
    assert "Lea Leaver" not in page and "lea.leaver" not in page
    # Her weekly item stays hers (the weekly pages list active people only, as for any
    # deactivated person); the activity feed names her by the new name.
    assert Item.objects.get(text="Wrote the guide").update.person_id == leaver.pk
    feed = client.get(reverse("feed"))
    body = feed.content.decode()
    assert feed.status_code == 200
    assert "Former member 1" in body and "Lea Leaver" not in body


def test_the_audit_trail_keeps_no_personal_data(admin, leaver, org):
    old_texts = ("Lea Leaver", "Lea Early", "lea.leaver@example.test")
    before = Event.objects.filter(organization=org)
    assert any(
        t in json.dumps([e.actor_label, e.target_label, e.changes])
        for e in before
        for t in old_texts
    )
    _erase(admin, leaver)
    events = list(Event.objects.filter(organization=org))
    for event in events:
        text = json.dumps([event.actor_label, event.target_label, event.changes])
        for old in old_texts:
            assert old not in text, (event.kind, text)
    erased = Event.objects.get(kind="person.erased")
    assert erased.target_id == str(leaver.pk) and erased.target_label == "Former member 1"
    assert erased.actor_id == admin.pk
    assert erased.changes["erased"] is True
    # Her own acts are still hers, under the new name.
    assert Event.objects.filter(actor=leaver, actor_label="Former member 1").exists()


def test_a_namesakes_own_events_keep_their_name(org, admin, leaver):
    namesake = f.make_person(org, name="Lea Leaver")
    person_services.person_profile_update(actor=namesake, person=namesake, time_zone="UTC")
    _erase(admin, leaver)
    event = Event.objects.get(kind="person.updated", actor=namesake)
    assert event.actor_label == f"Lea Leaver <{namesake.email}>"
    assert event.target_label == "Lea Leaver"
    namesake.refresh_from_db()
    assert namesake.name == "Lea Leaver"


def test_numbers_are_unique_and_stable(org, admin, leaver):
    other = f.make_person(org, name="Oscar Other")
    person_services.person_deactivate(actor=admin, person=other)
    assert _erase(admin, leaver).name == "Former member 1"
    assert _erase(admin, other).name == "Former member 2"
    leaver.refresh_from_db()
    assert leaver.name == "Former member 1"


def test_subscriptions_and_open_invitations_of_the_address_go(org, admin, team):
    invitation = invitation_services.invitation_create(
        actor=admin, organization=org, email="olaf@example.test"
    )
    person = org_services.person_create(
        organization=org, email="olaf@example.test", name="Olaf", role="member", password=None
    )
    person_services.person_deactivate(actor=admin, person=person)
    subscriber_services.subscriber_add(
        actor=admin, email="olaf@example.test", what="team_digest", unit=team
    )
    _erase(admin, person)
    person.refresh_from_db()
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None and invitation.email == person.email
    assert not ExternalSubscriber.objects.filter(email__iexact="olaf@example.test").exists()


def test_an_active_person_is_refused(admin, member):
    with pytest.raises(Conflict, match="Deactivate them first"):
        _erase(admin, member)
    member.refresh_from_db()
    assert member.name == "Mia Member"


def test_erasing_twice_and_reactivating_an_erased_person_are_refused(admin, leaver):
    _erase(admin, leaver)
    with pytest.raises(Conflict, match="erased already"):
        _erase(admin, leaver)
    with pytest.raises(Conflict, match="cannot sign in again"):
        person_services.person_reactivate(actor=admin, person=leaver)
    leaver.refresh_from_db()
    assert not leaver.is_active


def test_only_admins_erase(org, admin, member, leaver, outsider):
    for actor in (member, outsider):
        with pytest.raises(PermissionDenied):
            _erase(actor, leaver)
    leaver.refresh_from_db()
    assert leaver.name == "Lea Leaver"


# The page -----------------------------------------------------------------------------------


def test_the_people_page_offers_erase_for_deactivated_people(client, admin, leaver):
    client.force_login(admin)
    page = client.get(reverse("people") + "?status=deactivated").content.decode()
    url = reverse("person_erase", args=[leaver.pk])
    assert url in page
    confirm = client.get(url)
    assert confirm.status_code == 200
    text = confirm.content.decode()
    assert "Former member N" in text and "cannot be undone" in text
    leaver.refresh_from_db()
    assert leaver.name == "Lea Leaver"  # GET changes nothing
    done = client.post(url)
    assert done.status_code == 302
    leaver.refresh_from_db()
    assert leaver.name == "Former member 1"
    after = client.get(reverse("people") + "?status=deactivated").content.decode()
    assert "Former member 1" in after and url not in after and "erased" in after


def test_the_page_refuses_an_active_person_and_non_admins(client, admin, member, leaver):
    client.force_login(admin)
    refused = client.post(reverse("person_erase", args=[member.pk]))
    assert refused.status_code == 422
    assert "Deactivate them first" in refused.content.decode()
    client.force_login(member)
    for method in ("get", "post"):
        response = getattr(client, method)(reverse("person_erase", args=[leaver.pk]))
        assert response.status_code == 403
    leaver.refresh_from_db()
    assert leaver.name == "Lea Leaver"


def test_the_page_is_404_for_another_organizations_person(client, outsider, leaver):
    client.force_login(outsider)
    assert client.post(reverse("person_erase", args=[leaver.pk])).status_code == 404


# The API ------------------------------------------------------------------------------------


def _api(client, person, path):
    token = org_services.api_token_create(person=person)[1]
    return client.post(path, HTTP_AUTHORIZATION=f"Bearer {token}")


def test_the_api_erases_a_deactivated_person(client, admin, leaver):
    response = _api(client, admin, f"/api/v1/people/{leaver.pk}/erase")
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "Former member 1" and body["email"].endswith("@invalid")
    assert body["active"] is False


def test_the_api_refuses_active_people_non_admins_and_foreign_ids(
    client, admin, member, leaver, outsider
):
    conflict = _api(client, admin, f"/api/v1/people/{member.pk}/erase")
    assert conflict.status_code == 409 and "Deactivate them first" in conflict.json()["message"]
    assert _api(client, member, f"/api/v1/people/{leaver.pk}/erase").status_code == 403
    assert _api(client, outsider, f"/api/v1/people/{leaver.pk}/erase").status_code == 404
    assert client.post(f"/api/v1/people/{leaver.pk}/erase").status_code == 401
    leaver.refresh_from_db()
    assert leaver.name == "Lea Leaver"


# The command line -------------------------------------------------------------------------------


def test_the_command_line_erases_by_email(capsys, org, admin, leaver):
    assert main(["people", "erase", "lea.leaver@example.test", "--organization", org.name]) == 0
    assert "Former member 1" in capsys.readouterr().out
    event = Event.objects.get(kind="person.erased")
    assert event.actor is None and event.actor_label == "command line"


def test_the_command_line_refuses_an_active_person_or_an_unknown_address(capsys, org, member):
    for argv, words in (
        (["people", "erase", member.email], "Deactivate them first"),
        (["people", "erase", "nobody@example.test"], "Nobody in"),
    ):
        assert main([*argv, "--organization", org.name]) == 1
        err = capsys.readouterr().err.strip()
        assert "\n" not in err and words in err, err
