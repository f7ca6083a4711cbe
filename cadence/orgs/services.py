"""Writes for organizations, units, people, memberships and API tokens."""

import hashlib
import secrets
from datetime import time

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from cadence.orgs.models import ApiToken, Membership, Organization, Person, Unit
from cadence.orgs.selectors import Access
from cadence.weekly.services import categories_create_defaults

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
    categories_create_defaults(organization=organization)
    person_create(
        organization=organization,
        email=admin_email,
        name=admin_name,
        role=Person.Role.ADMIN,
        password=admin_password,
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


@transaction.atomic
def unit_create(
    *,
    organization: Organization,
    parent: Unit,
    name: str,
    kind: str,
    time_zone: str | None = None,
) -> Unit:
    if parent.organization_id != organization.id:
        raise ValidationError({"parent": "Choose a unit of this organization."})
    if kind == Unit.Kind.COMPANY:
        raise ValidationError({"kind": "An organization has exactly one company unit."})
    if parent.kind == Unit.Kind.TEAM:
        raise ValidationError({"parent": "Teams cannot contain other units."})
    unit = Unit(
        organization=organization,
        parent=parent,
        name=name.strip(),
        kind=kind,
        time_zone=time_zone or parent.time_zone,
    )
    unit.full_clean()
    unit.save()
    return unit


@transaction.atomic
def unit_rhythm_update(
    *,
    actor: Person,
    unit: Unit,
    checkin_weekday: int,
    checkin_time: time | str,
    time_zone: str,
) -> Unit:
    """A unit's weekly rhythm: the weekday and time its weekly updates are due, in its time zone
    (method.md §1). Teams have one; the company's applies to people in no team. Admins and
    leads of the unit or of a unit above it may change it; its ordinary members may not."""
    if not Access(actor).can_lead_unit(unit):
        if unit.organization_id != actor.organization_id:
            raise PermissionDenied("You are not part of this organization.")
        raise PermissionDenied(f"Only leads of {unit.name} or above and admins may do this.")
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    if unit.kind == Unit.Kind.DEPARTMENT:
        raise ValidationError({"__all__": "Departments have no weekly rhythm; their teams do."})
    unit.checkin_weekday = checkin_weekday
    unit.checkin_time = checkin_time
    unit.time_zone = (time_zone or "").strip()
    unit.full_clean(exclude=["organization", "parent", "name", "kind"])
    unit.save(update_fields=["checkin_weekday", "checkin_time", "time_zone", "updated_at"])
    return unit


@transaction.atomic
def membership_set(*, unit: Unit, person: Person, role: str = Membership.Role.MEMBER) -> Membership:
    if unit.organization_id != person.organization_id:
        raise ValidationError({"person": "Choose a person of this organization."})
    membership, _ = Membership.objects.update_or_create(
        unit=unit, person=person, defaults={"role": role}
    )
    return membership


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, person: Person, name: str = "API token") -> tuple[ApiToken, str]:
    """A new token; the secret is returned once and only its hash is kept."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        person=person,
        name=name.strip() or "API token",
        token_hash=_hash(secret),
        prefix=secret[:10],
    )
    token.full_clean()
    token.save()
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
def api_token_revoke(*, person: Person, token_id) -> None:
    deleted, _ = ApiToken.objects.filter(person=person, pk=token_id).delete()
    if not deleted:
        raise ValidationError("No such token.")
