"""Invitations: the rules of inviting, resending and revoking (nothing saved on refusal), the
email queued for the worker, and accepting end to end with the test client."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import SESSION_KEY
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from cadence.accounts import selectors, services
from cadence.accounts.models import Invitation
from cadence.audit.models import Event
from cadence.core.errors import Conflict
from cadence.mail.models import Delivery
from cadence.orgs.models import Membership, Person
from cadence.orgs.selectors import company_unit
from tests import factories as f
from tests.outbox import send_queued

PASSWORD = "a long and quiet river"


def _invite(admin, email="new.person@example.test", **kw):
    return services.invitation_create(
        actor=admin, organization=admin.organization, email=email, **kw
    )


def _link(message) -> str:
    match = re.search(r"https?://[^/\s]+(/invitations/[^/\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def _kinds(org) -> list[str]:
    return list(
        Event.objects.filter(organization=org).order_by("created_at").values_list("kind", flat=True)
    )


def test_inviting_queues_the_email_and_records_it(admin, team):
    invitation = _invite(admin, email=" New.Person@Example.TEST ", name="Nia New", units=[team])
    assert (invitation.email, invitation.name, invitation.role) == (
        "new.person@example.test",
        "Nia New",
        "member",
    )
    assert invitation.expires_at - invitation.sent_at == timedelta(days=7)
    assert list(invitation.units.all()) == [team]
    delivery = Delivery.objects.get(kind=Delivery.Kind.INVITATION)
    assert delivery.to_address == "new.person@example.test"
    assert delivery.key == f"invitation:{invitation.pk}:1"
    assert delivery.organization_id == admin.organization_id
    [message] = send_queued()
    assert message.to == ["new.person@example.test"]
    assert admin.name in message.subject and admin.organization.name in message.subject
    assert "Product" in message.body
    assert selectors.invitation_by_secret(_link(message).split("/")[2]) == invitation
    event = Event.objects.get(kind="person.invited")
    assert event.actor == admin and event.changes["role"] == "member"
    assert event.changes["units"] == ["Product"]


@pytest.mark.parametrize(
    "kw,field,message",
    [
        ({"email": "not an address"}, "email", "is not a valid email address"),
        ({"email": ""}, "email", "Give the email address"),
        ({"role": "owner"}, "role", "Choose admin, member or viewer."),
        ({"name": "x" * 201}, "name", "200 characters or fewer"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_saved(admin, kw, field, message):
    kw = {"email": "ok@example.test", **kw}
    with pytest.raises(ValidationError) as info:
        _invite(admin, **kw)
    assert message in " ".join(info.value.message_dict[field])
    assert not Invitation.objects.exists() and not Delivery.objects.exists()
    assert not Event.objects.filter(kind="person.invited").exists()


def test_an_address_already_in_use_is_refused_with_a_clear_message(admin, member, outsider):
    with pytest.raises(Conflict) as info:
        _invite(admin, email=member.email.upper())
    assert info.value.message_dict["email"] == [
        f"{member.email} is already in {admin.organization.name}."
    ]
    with pytest.raises(Conflict) as info:
        _invite(admin, email=outsider.email)
    assert info.value.message_dict["email"] == [
        "Someone already signs in to Cadence with this address."
    ]
    assert not Invitation.objects.exists() and not Delivery.objects.exists()


def test_one_open_invitation_per_address(admin):
    _invite(admin)
    with pytest.raises(Conflict, match="resend that invitation instead"):
        _invite(admin, role="viewer")
    assert Invitation.objects.count() == 1 and Delivery.objects.count() == 1


def test_an_expired_invitation_is_renewed_by_inviting_again(admin, _frozen_clock):
    first = _invite(admin)
    _frozen_clock.shift(timedelta(days=8))
    again = _invite(admin, role="viewer")
    assert again.pk == first.pk and again.sends == 2 and again.role == "viewer"
    assert again.expires_at > timezone.now() + timedelta(days=6)
    assert Delivery.objects.count() == 2


def test_units_must_be_teams_of_the_organization(admin, outsider):
    foreign = f.make_unit(outsider.organization, "Their team")
    with pytest.raises(ValidationError, match="teams of this organization"):
        _invite(admin, units=[foreign])
    with pytest.raises(ValidationError, match="everyone is in the company"):
        _invite(admin, units=[company_unit(admin.organization)])
    assert not Invitation.objects.exists()


def test_only_admins_invite_resend_and_revoke(admin, member, viewer, outsider):
    invitation = _invite(admin)
    for person in (member, viewer):
        with pytest.raises(PermissionDenied, match="Only admins"):
            _invite(person, email="x@example.test")
        with pytest.raises(PermissionDenied):
            services.invitation_resend(actor=person, invitation=invitation)
        with pytest.raises(PermissionDenied):
            services.invitation_revoke(actor=person, invitation=invitation)
    with pytest.raises(PermissionDenied, match="not part of this organization"):
        services.invitation_revoke(actor=outsider, invitation=invitation)
    invitation.refresh_from_db()
    assert invitation.is_open and invitation.sends == 1 and Delivery.objects.count() == 1


def test_resending_makes_a_new_link_and_the_old_one_dies(client, admin):
    _invite(admin)
    [first] = send_queued()
    invitation = services.invitation_resend(actor=admin, invitation=Invitation.objects.get())
    assert invitation.sends == 2
    second = send_queued()[-1]
    assert _link(first) != _link(second)
    response = client.get(_link(first))
    assert response.status_code == 404
    assert "This invitation link does not work" in response.content.decode()
    assert client.get(_link(second)).status_code == 200
    assert "invitation.resent" in _kinds(admin.organization)


def test_revoked_and_expired_links_get_a_clear_page(client, admin, _frozen_clock):
    _invite(admin)
    link = _link(send_queued()[0])
    invitation = Invitation.objects.get()
    _frozen_clock.shift(timedelta(days=7, seconds=1))
    response = client.get(link)
    assert response.status_code == 410
    assert "This invitation has expired" in response.content.decode()
    response = client.post(link, {"name": "X", "password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 410 and not Person.objects.filter(name="X").exists()

    services.invitation_revoke(actor=admin, invitation=invitation)
    response = client.get(link)
    assert response.status_code == 410
    assert "This invitation was withdrawn" in response.content.decode()
    with pytest.raises(Conflict, match="already revoked|was revoked"):
        services.invitation_revoke(actor=admin, invitation=invitation)
    with pytest.raises(Conflict, match="was revoked"):
        services.invitation_resend(actor=admin, invitation=invitation)
    assert _kinds(admin.organization)[-1] == "invitation.revoked"
    # Revoked: the address can be invited again.
    assert _invite(admin).pk != invitation.pk


def test_accepting_end_to_end(client, admin, team):
    other_team = f.make_unit(admin.organization, "Design")
    _invite(admin, name="Nia New", role="viewer", units=[team, other_team])
    link = _link(send_queued()[0])

    page = client.get(link)
    assert page.status_code == 200
    body = page.content.decode()
    assert "Join " + admin.organization.name in body and 'value="Nia New"' in body

    weak = client.post(link, {"name": "Nia New", "password1": "password", "password2": "password"})
    assert weak.status_code == 422 and "too common" in weak.content.decode()
    differ = client.post(link, {"name": "Nia New", "password1": PASSWORD, "password2": "other"})
    assert differ.status_code == 422 and "The two passwords differ." in differ.content.decode()
    assert not Person.objects.filter(email="new.person@example.test").exists()

    done = client.post(link, {"name": "Nia Newton", "password1": PASSWORD, "password2": PASSWORD})
    assert done.status_code == 302 and done.url == reverse("dashboard")
    person = Person.objects.get(email="new.person@example.test")
    assert (person.name, person.role, person.organization) == (
        "Nia Newton",
        "viewer",
        admin.organization,
    )
    assert client.session[SESSION_KEY] == str(person.pk)
    assert client.get(reverse("dashboard")).status_code == 200
    assert set(Membership.objects.filter(person=person).values_list("unit__name", "role")) == {
        ("Product", "member"),
        ("Design", "member"),
    }
    assert person.check_password(PASSWORD)
    invitation = Invitation.objects.get()
    assert invitation.accepted_at is not None and invitation.person == person
    # The invitee's own events (the clock is frozen: all at the same moment, so not by order).
    joined = Event.objects.filter(actor=person).exclude(kind__startswith="signin.")
    assert sorted(joined.values_list("kind", flat=True)) == [
        "invitation.accepted",
        "membership.added",
        "membership.added",
    ]
    assert {e.changes["invitation"] for e in joined if e.kind == "membership.added"} == {
        str(invitation.pk)
    }

    # The link works once.
    client.logout()
    used = client.get(link)
    assert used.status_code == 410 and "already used" in used.content.decode()
    # And the new person signs in with their password.
    response = client.post(reverse("login"), {"login": person.email, "password": PASSWORD})
    assert response.status_code == 302


def test_accepting_when_the_address_was_taken_meanwhile(admin):
    invitation = _invite(admin)
    f.make_person(admin.organization)  # another person; then one with the invited address:
    Person.objects.filter(email__startswith="person").update(email="new.person@example.test")
    with pytest.raises(Conflict, match="sign in instead"):
        services.invitation_accept(invitation=invitation, name="Nia", password=PASSWORD)
    invitation.refresh_from_db()
    assert invitation.is_open


def test_single_sign_on_accepts_without_a_password(admin, team):
    """The seam for single sign-on: the invitation of an address, accepted with no password."""
    _invite(admin, units=[team])
    invitation = selectors.invitation_open_for(admin.organization, "NEW.person@example.test")
    person = services.invitation_accept(invitation=invitation, name="Nia", password=None)
    assert not person.has_usable_password()
    assert Membership.objects.filter(person=person, unit=team).exists()
    assert selectors.invitation_open_for(admin.organization, "new.person@example.test") is None


def test_unknown_links_are_404_pages_not_errors(client, db):
    for secret in ("nothing", "x" * 300, "%00"):
        response = client.get(f"/invitations/{secret}/")
        assert response.status_code == 404, secret


def test_a_team_archived_since_the_invitation_is_left_out_and_cannot_be_invited_to(admin):
    from cadence.orgs import services as org_services

    org = admin.organization
    kept, archived = f.make_unit(org, "Kept"), f.make_unit(org, "Gone")
    invitation = services.invitation_create(
        actor=admin,
        organization=admin.organization,
        email="late@example.test",
        role="member",
        units=[kept, archived],
    )
    archived = org_services.unit_archive(actor=admin, unit=archived)
    with pytest.raises(ValidationError) as exc:
        services.invitation_create(
            actor=admin,
            organization=admin.organization,
            email="later@example.test",
            role="member",
            units=[archived],
        )
    assert exc.value.message_dict == {"unit_ids": ["Gone is archived: choose another team."]}
    person = services.invitation_accept(invitation=invitation, name="Lou Late", password=PASSWORD)
    assert list(Membership.objects.filter(person=person).values_list("unit__name", flat=True)) == [
        "Kept"
    ]
