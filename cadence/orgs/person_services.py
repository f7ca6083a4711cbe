"""Writes for people once they are in: an admin changes a person's role, deactivates a leaver
and reactivates them, erases a leaver's personal data; a person edits their own profile (name,
time zone, notification preferences).

``actor`` is the person making the change, whose rights are checked, or ``None`` for the
command line, which checks no rights and is named "command line" in the audit trail. Every
change records its audit event in its own transaction (``person.*``, ``token.revoked``).

The organization keeps at least one active admin: the last one can be neither demoted nor
deactivated. Two admins demoting each other at the same moment cannot both succeed: the
organization's row is locked first (``select_for_update``, PostgreSQL), so the second change
waits, then counts the admins again after the first commits.
"""

from __future__ import annotations

import re
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from cadence.audit.models import Event
from cadence.audit.services import audit_anonymise, audit_record, changes_between, snapshot
from cadence.core.errors import Conflict
from cadence.core.limits import MAX_NAME
from cadence.orgs import acting
from cadence.orgs.acting import audit_change
from cadence.orgs.hooks import person_erased
from cadence.orgs.models import ApiToken, Organization, Person, validate_time_zone
from cadence.orgs.services import api_token_revoke

COMMAND_LINE = acting.COMMAND_LINE
LAST_ADMIN = (
    "{name} is the last active admin of the organization. Make someone else an admin first."
)


def _label(actor: Person | None) -> str | None:
    return acting.system_label(actor)


def require_people_admin(actor: Person | None, organization_id) -> None:
    """Admins of the organization (or the command line: ``None``) manage its people."""
    acting.require_admin(actor, organization_id, "Only admins manage people.")


def _locked(person: Person, *, organization: bool = False) -> Person:
    """Lock ``person``'s row. A change that may leave the organization without an admin
    (``organization=True``) first locks the organization's row: such changes then queue one
    behind the other in the same order, and two admins demoting each other wait rather than
    deadlock on each other's rows."""
    if organization:
        Organization.objects.select_for_update().filter(pk=person.organization_id).exists()
    return (
        Person.objects.select_for_update(of=("self",))
        .select_related("organization")
        .get(pk=person.pk)
    )


def _keep_an_admin(person: Person) -> None:
    """Refuse when ``person`` is the organization's last active admin (they are about to stop
    being one). Locks the organization's active admins first, so two such changes at once are
    counted one after the other."""
    admins = list(
        Person.objects.select_for_update()
        .filter(organization_id=person.organization_id, role=Person.Role.ADMIN, is_active=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if admins == [person.pk]:
        raise Conflict({"__all__": LAST_ADMIN.format(name=person.name)})


@transaction.atomic
def person_role_change(*, actor: Person | None, person: Person, role: str) -> Person:
    """Make ``person`` an admin, a member or a viewer."""
    require_people_admin(actor, person.organization_id)
    if role not in Person.Role.values:
        raise ValidationError({"role": "Choose admin, member or viewer."})
    person = _locked(person, organization=True)
    if person.role == role:
        return person
    if person.role == Person.Role.ADMIN and person.is_active:
        _keep_an_admin(person)
    before = snapshot(person, ["role"])
    person.role = role
    person.save(update_fields=["role", "updated_at"])
    audit_change(
        "person.role_changed",
        actor=actor,
        target=person,
        changes=changes_between(before, snapshot(person, ["role"])),
    )
    return person


def _tokens_revoke(tokens: list[ApiToken], person: Person, actor: Person | None) -> int:
    """Revoke these tokens of ``person``, each through the one token service (and its audit)."""
    for token in tokens:
        api_token_revoke(person=person, token_id=token.pk, actor=actor)
    return len(tokens)


@transaction.atomic
def api_token_revoke_by_operator(*, token: ApiToken) -> None:
    """The command line revokes one token (``cadence token revoke``)."""
    token = ApiToken.objects.select_for_update().select_related("person").get(pk=token.pk)
    _tokens_revoke([token], token.person, None)


@transaction.atomic
def person_deactivate(*, actor: Person | None, person: Person) -> Person:
    """A leaver: they can no longer sign in (a signed-in browser is signed out at its next
    request), their API tokens are revoked, and everything they wrote stays. Their open key
    results are theirs until someone reassigns them (the people page lists them)."""
    require_people_admin(actor, person.organization_id)
    if actor is not None and actor.pk == person.pk:
        raise ValidationError({"__all__": "You cannot deactivate yourself; ask another admin."})
    person = _locked(person, organization=True)
    if not person.is_active:
        return person
    if person.is_admin:
        _keep_an_admin(person)
    person.is_active = False
    person.save(update_fields=["is_active", "updated_at"])
    tokens = list(ApiToken.objects.select_for_update().filter(person=person).order_by("pk"))
    revoked = _tokens_revoke(tokens, person, actor)
    audit_change(
        "person.deactivated",
        actor=actor,
        target=person,
        changes={"active": [True, False], "tokens_revoked": revoked},
    )
    return person


@transaction.atomic
def person_reactivate(*, actor: Person | None, person: Person) -> Person:
    """Let a deactivated person sign in again (with their old password; no tokens come back)."""
    require_people_admin(actor, person.organization_id)
    person = _locked(person)
    if person.is_active:
        return person
    if person.is_erased:
        raise Conflict(
            {"__all__": f"{person.name} was erased and cannot sign in again: invite them anew."}
        )
    person.is_active = True
    person.save(update_fields=["is_active", "updated_at"])
    audit_change(
        "person.reactivated",
        actor=actor,
        target=person,
        changes={"active": [False, True]},
    )
    return person


@transaction.atomic
def person_update(
    *, actor: Person | None, person: Person, role: str | None = None, active: bool | None = None
) -> Person:
    """An admin's change of role and/or active state, all or nothing (the API's PATCH).
    Deactivating comes after the role change, so that demoting and deactivating the last admin
    is refused as a whole."""
    require_people_admin(actor, person.organization_id)
    if role is not None:
        person = person_role_change(actor=actor, person=person, role=role)
    if active is True:
        person = person_reactivate(actor=actor, person=person)
    elif active is False:
        person = person_deactivate(actor=actor, person=person)
    return person


PROFILE_FIELDS = ["name", "time_zone", "weekly_reminders", "weekly_digests"]


@transaction.atomic
def person_profile_update(
    *,
    actor: Person,
    person: Person,
    name: str | None = None,
    time_zone: str | None = None,
    weekly_reminders: bool | None = None,
    weekly_digests: bool | None = None,
) -> Person:
    """A person's own name, time zone (blank: their team's) and notification preferences.
    Fields left ``None`` are kept."""
    if actor.pk != person.pk or not actor.is_active:
        raise PermissionDenied("People change their own profile.")
    errors = {}
    if name is not None:
        name = " ".join(name.split())
        if not name:
            errors["name"] = "Give your name."
        elif len(name) > MAX_NAME:
            errors["name"] = f"Keep your name to {MAX_NAME} characters or fewer."
    if time_zone is not None:
        time_zone = time_zone.strip()
        if time_zone:
            try:
                validate_time_zone(time_zone)
            except ValidationError:
                errors["time_zone"] = "Choose a time zone from the list."
    if errors:
        raise ValidationError(errors)
    person = _locked(person)
    before = snapshot(person, PROFILE_FIELDS)
    values = {
        "name": name,
        "time_zone": time_zone,
        "weekly_reminders": weekly_reminders,
        "weekly_digests": weekly_digests,
    }
    for field, value in values.items():
        if value is not None:
            setattr(person, field, bool(value) if field.startswith("weekly_") else value)
    changes = changes_between(before, snapshot(person, PROFILE_FIELDS))
    if changes:
        person.save(update_fields=[*changes, "updated_at"])
        audit_record(
            organization=person.organization,
            kind="person.updated",
            actor=actor,
            target=person,
            changes=changes,
        )
    return person


ERASED_NAME = "Former member {n}"
_ERASED_NAME = re.compile(r"^Former member (\d+)$")
ERASED_DOMAIN = "invalid"  # RFC 2606: a name that can never route mail (``Person.is_erased``)


def _erased_name(organization_id) -> str:
    """ "Former member N": N one more than any such name in the organization (the organization's
    row is locked, so two erasures at once count one after the other)."""
    numbers = [
        int(match.group(1))
        for name in Person.objects.filter(
            organization_id=organization_id, name__startswith="Former member "
        ).values_list("name", flat=True)
        if (match := _ERASED_NAME.match(name))
    ]
    return ERASED_NAME.format(n=max(numbers, default=0) + 1)


def _former_texts(person: Person) -> set[str]:
    """The person's name and email now and as the audit trail knows them from before (a profile
    name change, an email change): what the trail's rewrite looks for."""
    texts = {person.name, person.email}
    changed = Event.objects.filter(
        organization_id=person.organization_id, target_type="orgs.person", target_id=str(person.pk)
    ).values_list("changes", flat=True)
    for changes in changed:
        for key in ("name", "email"):
            values = (changes or {}).get(key)
            if isinstance(values, list):
                texts.update(v for v in values if isinstance(v, str) and v.strip())
    return texts


@transaction.atomic
def person_erase(*, actor: Person | None, person: Person) -> Person:
    """Erase a leaver's personal data (GDPR's right to erasure) and keep the organization's
    history: their name becomes "Former member N", their email an address that routes nowhere;
    they can never sign in (unusable password, sign-in records, two-factor, single sign-on links
    and sessions removed, API tokens deleted); invitations to their address are revoked and
    anonymised, subscriptions of their address removed, emails to them deleted. Their
    objectives, key results, check-ins, weekly items and comments stay, by the anonymised person.
    The audit trail's events that name them are rewritten to the anonymised name; the
    ``person.erased`` event holds no personal data. Only for a deactivated person."""
    require_people_admin(actor, person.organization_id)
    person = _locked(person, organization=True)
    if person.is_active:
        raise Conflict(
            {"__all__": f"{person.name} is still active. Deactivate them first, then erase them."}
        )
    if person.is_erased:
        raise Conflict({"__all__": f"{person.name} is erased already."})
    texts = _former_texts(person)
    old_email = person.email
    person.name = _erased_name(person.organization_id)
    person.email = f"erased-{uuid.uuid4().hex}@{ERASED_DOMAIN}"
    person.set_unusable_password()
    person.time_zone = ""
    person.weekly_reminders = False
    person.weekly_digests = False
    person.last_login = None
    person.save()
    tokens = ApiToken.objects.filter(person=person).delete()[0]
    for extra in person_erased(person=person, email=old_email, name=person.name):
        texts.update(extra or ())
    rewritten = audit_anonymise(
        organization=person.organization_id,
        person_id=person.pk,
        texts=texts,
        replacement=person.name,
        email_replacement=person.email,
    )
    audit_change(
        "person.erased",
        actor=actor,
        target=person,
        changes={"erased": True, "tokens_deleted": tokens, "events_rewritten": rewritten},
    )
    return person
