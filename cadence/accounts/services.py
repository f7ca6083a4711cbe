"""Writes for invitations: an admin invites people (one, or many from pasted text or a CSV
file), resends and revokes invitations; an invitee accepts one.

An invitation is an email with a link holding a random secret (only its SHA-256 hash is kept),
valid for ``INVITATION_DAYS`` days. Resending makes a new secret: the old link stops working.
The email is rendered now and queued as a ``cadence.mail`` delivery in the transaction of the
invitation; the worker sends it.

Accepting makes the person (role as invited), with the password they chose (Django's
validators) — or with none for single sign-on (``password=None``: the SSO flow proves the
address) — and makes them a member of the invited teams.

``actor`` as in ``orgs.person_services``: an admin, or ``None`` for the command line. Every
change records its audit event in the same transaction.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cadence.accounts import selectors
from cadence.accounts.invitation_rows import Row
from cadence.accounts.models import Invitation
from cadence.audit.services import audit_record
from cadence.core import emails
from cadence.core.errors import Conflict
from cadence.core.limits import MAX_EMAIL, MAX_NAME
from cadence.mail.models import Delivery
from cadence.mail.services import delivery_enqueue_to_address
from cadence.orgs import services as org_services
from cadence.orgs.acting import audit_change
from cadence.orgs.models import Organization, Person, Unit
from cadence.orgs.person_services import COMMAND_LINE, require_people_admin

INVITATION_DAYS = 7

STATE_MESSAGES = {
    "accepted": "This invitation was already accepted.",
    "revoked": "This invitation was revoked.",
    "expired": "This invitation has expired.",
}


def _label(actor: Person | None) -> str | None:
    return COMMAND_LINE if actor is None else None


def _clean_email(email: str) -> str:
    email = Person.objects.normalize_email((email or "").strip()).lower()
    if not email:
        raise ValidationError({"email": "Give the email address to invite."})
    if len(email) > MAX_EMAIL:
        raise ValidationError({"email": f"An email address has at most {MAX_EMAIL} characters."})
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ValidationError({"email": f"{email!r} is not a valid email address."}) from exc
    return email


def _clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if len(name) > MAX_NAME:
        raise ValidationError({"name": f"Keep the name to {MAX_NAME} characters or fewer."})
    return name


def _check_units(organization: Organization, units: Iterable[Unit]) -> list[Unit]:
    units = list(dict.fromkeys(units))
    for unit in units:
        if unit.organization_id != organization.pk:
            raise ValidationError({"unit_ids": "Choose teams of this organization."})
        if unit.kind == Unit.Kind.COMPANY:
            raise ValidationError(
                {"unit_ids": "Choose teams or departments; everyone is in the company."}
            )
        if unit.archived_at is not None:
            raise ValidationError({"unit_ids": f"{unit.name} is archived: choose another team."})
    return units


def _refuse_taken(organization: Organization, email: str) -> None:
    person = Person.objects.filter(email__iexact=email).only("organization_id").first()
    if person is None:
        return
    if person.organization_id == organization.pk:
        raise Conflict({"email": f"{email} is already in {organization.name}."})
    raise Conflict({"email": "Someone already signs in to Cadence with this address."})


def _issue(invitation: Invitation, now) -> str:
    """A new secret for the link (the old one stops working) and a new expiry."""
    secret = secrets.token_urlsafe(32)
    invitation.token_hash = selectors.invitation_hash(secret)
    invitation.sent_at = now
    invitation.expires_at = now + timedelta(days=INVITATION_DAYS)
    return secret


def _queue_email(invitation: Invitation, secret: str, sender: Person | None) -> None:
    units = sorted(u.name for u in invitation.units.all())
    rendered = emails.render(
        "invitation",
        {
            "invitation": invitation,
            "organization": invitation.organization,
            "sender": sender,
            "units": units,
            "link": emails.absolute_url(reverse("invitation_accept", args=[secret])),
            "days": INVITATION_DAYS,
        },
    )
    delivery_enqueue_to_address(
        kind=Delivery.Kind.INVITATION,
        to=invitation.email,
        key=f"invitation:{invitation.pk}:{invitation.sends}",
        subject=rendered.subject,
        body=rendered.body,
        html=rendered.html,
        organization_id=invitation.organization_id,
    )


@transaction.atomic
def invitation_create(
    *,
    actor: Person | None,
    organization: Organization,
    email: str,
    name: str = "",
    role: str = Person.Role.MEMBER,
    units: Iterable[Unit] = (),
) -> Invitation:
    """Invite ``email`` to ``organization`` as ``role``, joining ``units`` on accepting, and
    queue the email. Refused for an address that is already someone's and for one with an open
    invitation that has not expired (resend that one); an expired one is renewed."""
    require_people_admin(actor, organization.pk)
    email = _clean_email(email)
    name = _clean_name(name)
    if role not in Person.Role.values:
        raise ValidationError({"role": "Choose admin, member or viewer."})
    units = _check_units(organization, units)
    _refuse_taken(organization, email)
    now = timezone.now()
    invitation = (
        selectors.invitations_open(organization).select_for_update().filter(email=email).first()
    )
    if invitation is not None and invitation.expires_at > now:
        raise Conflict(
            {
                "email": f"{email} was invited on {invitation.sent_at:%d %b %Y}; resend that "
                "invitation instead."
            }
        )
    if invitation is None:
        invitation = Invitation(organization=organization, email=email)
    else:
        invitation.sends += 1
    invitation.organization = organization
    invitation.name = name
    invitation.role = role
    invitation.invited_by = actor
    secret = _issue(invitation, now)
    invitation.save()
    invitation.units.set(units)
    _queue_email(invitation, secret, actor)
    audit_change(
        "person.invited",
        actor=actor,
        target=invitation,
        organization=organization,
        changes={
            "email": email,
            "name": name,
            "role": role,
            "units": sorted(u.name for u in units),
        },
    )
    return invitation


@dataclass
class BulkResult:
    invited: list[Invitation] = field(default_factory=list)
    refused: list[Row] = field(default_factory=list)


@transaction.atomic
def invitations_create_from_rows(
    *, actor: Person | None, organization: Organization, rows: list[Row]
) -> BulkResult:
    """Invite every row that is still valid (checked again now: the preview may be old); the
    others come back with their errors, and nothing is saved for them."""
    require_people_admin(actor, organization.pk)
    result = BulkResult()
    units = {u.pk: u for u in Unit.objects.filter(organization=organization)}
    for row in selectors.invitation_rows_check(organization, rows):
        if not row.ok:
            result.refused.append(row)
            continue
        try:
            with transaction.atomic():
                invitation = invitation_create(
                    actor=actor,
                    organization=organization,
                    email=row.email,
                    name=row.name,
                    role=row.role,
                    units=[units[row.unit_id]] if row.unit_id else [],
                )
        except ValidationError as exc:
            result.refused.append(row.refused(" ".join(exc.messages)))
        else:
            result.invited.append(invitation)
    return result


def _locked(invitation: Invitation) -> Invitation:
    return (
        Invitation.objects.select_for_update().select_related("organization").get(pk=invitation.pk)
    )


@transaction.atomic
def invitation_resend(*, actor: Person | None, invitation: Invitation) -> Invitation:
    """Send the invitation again with a new link (valid for another ``INVITATION_DAYS``
    days); the previous link stops working."""
    require_people_admin(actor, invitation.organization_id)
    invitation = _locked(invitation)
    state = selectors.invitation_state(invitation)
    if state in ("accepted", "revoked"):
        raise Conflict({"__all__": STATE_MESSAGES[state]})
    _refuse_taken(invitation.organization, invitation.email)
    invitation.sends += 1
    secret = _issue(invitation, timezone.now())
    invitation.save(update_fields=["token_hash", "sends", "sent_at", "expires_at", "updated_at"])
    _queue_email(invitation, secret, actor)
    audit_change(
        "invitation.resent",
        actor=actor,
        target=invitation,
        changes={"sends": invitation.sends},
    )
    return invitation


@transaction.atomic
def invitation_revoke(*, actor: Person | None, invitation: Invitation) -> Invitation:
    """The link stops working at once; the address can be invited again."""
    require_people_admin(actor, invitation.organization_id)
    invitation = _locked(invitation)
    if not invitation.is_open:
        raise Conflict({"__all__": STATE_MESSAGES[selectors.invitation_state(invitation)]})
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at", "updated_at"])
    audit_change(
        "invitation.revoked",
        actor=actor,
        target=invitation,
    )
    return invitation


@transaction.atomic
def invitation_accept(
    *, invitation: Invitation, name: str, password: str | None, time_zone: str = ""
) -> Person:
    """The invitee joins: a person with the invited role, ``name`` and ``password`` (Django's
    validators; ``None`` for single sign-on, which leaves no password), a member of the invited
    teams. Refused for a link that was accepted, revoked or has expired."""
    invitation = _locked(invitation)
    state = selectors.invitation_state(invitation)
    if state != "open":
        raise Conflict({"__all__": STATE_MESSAGES[state]})
    organization = invitation.organization
    name = _clean_name(name)
    if not name:
        raise ValidationError({"name": "Give your name."})
    if Person.objects.filter(email__iexact=invitation.email).exists():
        raise Conflict(
            {"__all__": "You already have an account with this address: sign in instead."}
        )
    if password is not None:
        try:
            validate_password(
                password, user=Person(email=invitation.email, name=name, organization=organization)
            )
        except ValidationError as exc:
            raise ValidationError({"password": exc.messages}) from exc
    person = org_services.person_create(
        organization=organization,
        email=invitation.email,
        name=name,
        role=invitation.role,
        password=password,
        time_zone=time_zone,
    )
    # Teams archived since the invitation was sent are left out (an archived unit takes nobody).
    for unit in invitation.units.filter(archived_at__isnull=True).order_by("name"):
        # The invitation is the admin's permission; the event names the invitee who joined.
        org_services.membership_set(
            actor=None,
            on_behalf_of=person,
            unit=unit,
            person=person,
            context={"invitation": str(invitation.pk)},
        )
    invitation.accepted_at = timezone.now()
    invitation.person = person
    invitation.save(update_fields=["accepted_at", "person", "updated_at"])
    audit_record(
        organization=organization,
        kind="invitation.accepted",
        actor=person,
        target=invitation,
        changes={"role": invitation.role},
    )
    return person
