"""Writes for organizations, units, people, memberships and API tokens."""

import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cadence.audit.services import audit_record, changes_between, snapshot
from cadence.orgs import hooks
from cadence.orgs.acting import audit_change, require_admin
from cadence.orgs.models import ApiToken, Organization, Person, Unit
from cadence.orgs.unit_services import (  # noqa: F401 (the unit writes, one namespace)
    membership_remove,
    membership_set,
    unit_archive,
    unit_create,
    unit_delete,
    unit_restore,
    unit_rhythm_update,
    unit_update,
)

TOKEN_PREFIX = "cad_"


@transaction.atomic
def organization_create(
    *,
    name: str,
    admin_email: str,
    admin_name: str,
    admin_password: str | None = None,
    company_name: str | None = None,
    time_zone: str = "UTC",
) -> Organization:
    """A new tenant with its company unit and a first admin."""
    organization = Organization(name=name.strip(), time_zone=time_zone)
    organization.full_clean()
    organization.save()
    company = Unit(
        organization=organization,
        name=(company_name or name).strip(),
        kind=Unit.Kind.COMPANY,
        time_zone=time_zone,
    )
    company.full_clean()
    company.save()
    hooks.organization_created(organization=organization)
    person_create(
        organization=organization,
        email=admin_email,
        name=admin_name,
        role=Person.Role.ADMIN,
        password=admin_password,
    )
    return organization


ORGANIZATION_FIELDS = ("name", "time_zone", "default_cycle_kind")


@transaction.atomic
def organization_update(
    *,
    actor: Person | None,
    organization: Organization,
    name: str | None = None,
    time_zone: str | None = None,
    default_cycle_kind: str | None = None,
) -> Organization:
    """An admin renames the organization or changes its time zone (the company's dates and the
    one new departments start with; the company unit follows it, existing teams keep theirs) or
    the kind of cycle suggested next. ``None`` leaves a field as it is."""
    require_admin(actor, organization.pk, "Only admins change the organization's settings.")
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    before = snapshot(organization, ORGANIZATION_FIELDS)
    if name is not None:
        organization.name = name.strip()
    if time_zone is not None:
        organization.time_zone = time_zone.strip()
    if default_cycle_kind is not None:
        organization.default_cycle_kind = default_cycle_kind
    organization.full_clean()
    changes = changes_between(before, snapshot(organization, ORGANIZATION_FIELDS))
    if not changes:
        return organization
    organization.save(update_fields=[*changes, "updated_at"])
    if "time_zone" in changes:
        Unit.objects.filter(organization=organization, kind=Unit.Kind.COMPANY).update(
            time_zone=organization.time_zone, updated_at=timezone.now()
        )
    audit_change(
        "organization.updated",
        actor=actor,
        target=organization,
        organization=organization,
        changes=changes,
    )
    return organization


@transaction.atomic
def organization_integration_switch(
    *, actor: Person, organization: Organization, integration: str, on: bool
) -> Organization:
    """An admin switches one integration (``Organization.INTEGRATIONS``) on or off for the
    whole organization. Off, it sends and receives nothing; its connections are kept."""
    require_admin(actor, organization.pk, "Only admins switch integrations on or off.")
    if integration not in Organization.INTEGRATIONS:
        raise ValidationError({"integration": "There is no such integration."})
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    field = Organization.INTEGRATIONS[integration]
    if getattr(organization, field) == bool(on):
        return organization
    setattr(organization, field, bool(on))
    organization.save(update_fields=[field, "updated_at"])
    audit_change(
        "organization.integration_switched",
        actor=actor,
        target=organization,
        organization=organization,
        changes={field: [not on, bool(on)]},
    )
    return organization


@transaction.atomic
def person_create(
    *,
    organization: Organization,
    email: str,
    name: str,
    role: str = Person.Role.MEMBER,
    password: str | None = None,
    time_zone: str = "",
) -> Person:
    email = Person.objects.normalize_email(email.strip()).lower()
    if Person.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": "Someone already uses this email address."})
    person = Person(
        organization=organization, email=email, name=name.strip(), role=role, time_zone=time_zone
    )
    if password:
        person.set_password(password)
    else:
        person.set_unusable_password()
    person.full_clean()
    person.save()
    return person


def person_set_password(*, person: Person, password: str) -> None:
    person.set_password(password)
    person.save(update_fields=["password"])


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


# Who acts on a token by default: the person it belongs to.
THEMSELF = object()


def _token_actor(person: Person, actor) -> Person | None:
    return person if actor is THEMSELF else actor


def _token_actor_label(person: Person, actor) -> str | None:
    """None names the actor by the person; the command line has no person."""
    return "command line" if _token_actor(person, actor) is None else None


@transaction.atomic
def api_token_create(
    *, person: Person, name: str = "API token", actor: Person | None = THEMSELF
) -> tuple[ApiToken, str]:
    """A new token; the secret is returned once and only its hash is kept. ``actor``: who made
    it for the audit trail — the person themself, or None for the command line."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        person=person,
        name=name.strip() or "API token",
        token_hash=_hash(secret),
        prefix=secret[:10],
    )
    token.full_clean()
    token.save()
    audit_record(
        organization=person.organization_id,
        kind="token.created",
        actor=_token_actor(person, actor),
        actor_label=_token_actor_label(person, actor),
        target=token,
        target_label=f"{token.name} ({token.prefix}…) of {person.name}",
    )
    return token, secret


def api_token_authenticate(secret: str) -> Person | None:
    """The active person behind a token secret, or None. Records when the token was used."""
    if not secret or not secret.startswith(TOKEN_PREFIX) or len(secret) > 100:
        return None
    token = (
        ApiToken.objects.select_related("person", "person__organization")
        .filter(token_hash=_hash(secret), person__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.person


@transaction.atomic
def api_token_revoke(*, person: Person, token_id, actor: Person | None = THEMSELF) -> None:
    """Delete one of ``person``'s tokens; ``actor`` as for ``api_token_create``."""
    token = ApiToken.objects.select_for_update().filter(person=person, pk=token_id).first()
    if token is None:
        raise ValidationError("No such token.")
    audit_record(
        organization=person.organization_id,
        kind="token.revoked",
        actor=_token_actor(person, actor),
        actor_label=_token_actor_label(person, actor),
        target=token,
        target_label=f"{token.name} ({token.prefix}…) of {person.name}",
    )
    token.delete()
