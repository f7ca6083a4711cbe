"""Writes for the unit tree and its memberships: create, rename, move, archive, restore and
delete departments and teams, their weekly deadline, and who is a lead or a member.

Every write takes ``actor``: the person making the change, whose rights are checked, or
``None`` for the system itself (the command line, the demo loader), which checks no rights and
names itself in the audit trail with ``actor_label``. Passing ``None`` is always explicit. Every
change records an audit event in its own transaction (``unit.*``, ``membership.*``).

The rules (docs/decisions.md, "Units"): one company unit per organization, at the root, which
cannot be moved, archived or deleted; departments hold departments and teams, teams hold
nothing; no cycles; names are 1–MAX_NAME characters and unique among their siblings; a unit with
sub-units that are not archived cannot be archived; only an empty unit (no sub-units and no
history: objectives, reviews, categories, notes, dependencies) can be deleted.
"""

from __future__ import annotations

from datetime import time

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from cadence.audit.services import audit_record, changes_between
from cadence.core.errors import Conflict
from cadence.core.limits import MAX_NAME
from cadence.orgs.acting import audit_change, require_admin
from cadence.orgs.models import Membership, Organization, Person, Unit
from cadence.orgs.selectors import Access, UnitTree
from cadence.orgs.unit_selectors import unit_holdings


def _require_admin(actor: Person | None, organization_id) -> None:
    require_admin(actor, organization_id, "Only admins change departments and teams.")


def _require_lead(actor: Person | None, unit: Unit) -> None:
    if actor is None or Access(actor).can_lead_unit(unit):
        return
    if unit.organization_id != actor.organization_id:
        raise PermissionDenied("You are not part of this organization.")
    raise PermissionDenied(f"Only leads of {unit.name} or above and admins may do this.")


def _clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": "Give the unit a name."})
    if len(name) > MAX_NAME:
        raise ValidationError({"name": f"Keep the name to {MAX_NAME} characters or fewer."})
    return name


def _check_parent(parent: Unit, *, organization_id, kind: str) -> None:
    """``parent`` may hold a unit of ``kind``."""
    if parent.organization_id != organization_id:
        raise ValidationError({"parent": "Choose a unit of this organization."})
    if parent.kind == Unit.Kind.TEAM:
        raise ValidationError(
            {"parent": f"{parent.name} is a team, and teams cannot contain other units."}
        )
    if parent.archived_at is not None:
        raise ValidationError({"parent": f"{parent.name} is archived: choose another unit."})


def _check_sibling_name(name: str, parent: Unit, exclude: Unit | None = None) -> None:
    siblings = Unit.objects.filter(parent=parent, name__iexact=name)
    if exclude is not None:
        siblings = siblings.exclude(pk=exclude.pk)
    if siblings.exists():
        raise ValidationError({"name": f"{parent.name} already has a unit called {name}."})


def _unit_values(unit: Unit, parent_name: str | None) -> dict:
    """What the audit trail shows of a unit: names, not ids, for people to read."""
    return {
        "name": unit.name,
        "kind": unit.kind,
        "parent": parent_name,
        "checkin_weekday": Unit.Weekday(unit.checkin_weekday).label,
        "checkin_time": unit.checkin_time,
        "time_zone": unit.time_zone,
    }


@transaction.atomic
def unit_create(
    *,
    actor: Person | None,
    organization: Organization,
    parent: Unit,
    name: str,
    kind: str,
    time_zone: str | None = None,
    actor_label: str | None = None,
) -> Unit:
    """A new department or team under ``parent`` (admins). It takes its parent's time zone
    unless given one, and the default weekly deadline."""
    _require_admin(actor, organization.id)
    if kind == Unit.Kind.COMPANY:
        raise ValidationError({"kind": "An organization has exactly one company unit."})
    if kind not in (Unit.Kind.DEPARTMENT, Unit.Kind.TEAM):
        raise ValidationError({"kind": "Choose department or team."})
    name = _clean_name(name)
    # As stored, and kept so until this commits (not archived meanwhile).
    parent = Unit.objects.select_for_update().get(pk=parent.pk)
    _check_parent(parent, organization_id=organization.id, kind=kind)
    _check_sibling_name(name, parent)
    unit = Unit(
        organization=organization,
        parent=parent,
        name=name,
        kind=kind,
        time_zone=(time_zone or parent.time_zone).strip(),
    )
    unit.full_clean()
    unit.save()
    audit_change(
        "unit.created",
        actor=actor,
        actor_label=actor_label,
        target=unit,
        organization=organization,
        changes=changes_between({}, _unit_values(unit, parent.name)),
    )
    return unit


def _check_move(unit: Unit, parent: Unit) -> None:
    if unit.kind == Unit.Kind.COMPANY:
        raise Conflict({"parent": "The company is the root of the tree: it cannot be moved."})
    _check_parent(parent, organization_id=unit.organization_id, kind=unit.kind)
    tree = UnitTree.load(unit.organization)
    if parent.pk == unit.pk or parent.pk in {u.pk for u in tree.descendants(unit.pk)}:
        raise ValidationError(
            {"parent": f"{unit.name} cannot move into itself or into one of its own sub-units."}
        )


@transaction.atomic
def unit_update(
    *,
    actor: Person | None,
    unit: Unit,
    name: str | None = None,
    parent: Unit | None = None,
    checkin_weekday: int | None = None,
    checkin_time: time | str | None = None,
    time_zone: str | None = None,
    archived: bool | None = None,
    actor_label: str | None = None,
) -> Unit:
    """Rename, move, set the weekly deadline of, archive or restore a unit (admins). Only the
    arguments given change; archiving or restoring is recorded as its own event."""
    _require_admin(actor, unit.organization_id)
    unit = Unit.objects.select_for_update(of=("self",)).select_related("parent").get(pk=unit.pk)
    before = _unit_values(unit, unit.parent.name if unit.parent else None)
    moved = parent is not None and parent.pk != unit.parent_id
    if moved:
        parent = Unit.objects.select_for_update().get(pk=parent.pk)
        _check_move(unit, parent)
        unit.parent = parent
    if name is not None:
        unit.name = _clean_name(name)
    if unit.parent is not None and (moved or name is not None):
        _check_sibling_name(unit.name, unit.parent, exclude=unit)
    new_parent = unit.parent
    rhythm = (checkin_weekday, checkin_time, time_zone)
    if any(v is not None for v in rhythm) and unit.kind == Unit.Kind.DEPARTMENT:
        raise ValidationError({"__all__": "Departments have no weekly deadline; their teams do."})
    if checkin_weekday is not None:
        unit.checkin_weekday = checkin_weekday
    if checkin_time is not None:
        unit.checkin_time = checkin_time
    if time_zone is not None:
        unit.time_zone = time_zone.strip()
    unit.full_clean(exclude=["organization"])
    # full_clean leaves a time given as text as it is; the audit trail wants the time.
    unit.checkin_time = Unit._meta.get_field("checkin_time").to_python(unit.checkin_time)
    archive_kind = None
    if archived is not None and archived != (unit.archived_at is not None):
        archive_kind = _check_archive(unit, archived)
        unit.archived_at = timezone.now() if archived else None
    unit.save()
    changes = changes_between(before, _unit_values(unit, new_parent.name if new_parent else None))
    if changes:
        audit_change(
            "unit.updated",
            actor=actor,
            actor_label=actor_label,
            target=unit,
            changes=changes,
        )
    if archive_kind:
        audit_record(
            organization=unit.organization,
            kind=archive_kind,
            actor=actor,
            actor_label=actor_label,
            target=unit,
        )
    return unit


def _check_archive(unit: Unit, archived: bool) -> str:
    """The event kind of archiving or restoring ``unit``, once the rules allow it."""
    if unit.kind == Unit.Kind.COMPANY:
        raise Conflict({"archived": "The company unit cannot be archived."})
    if archived:
        live = list(
            Unit.objects.filter(parent=unit, archived_at__isnull=True).values_list(
                "name", flat=True
            )
        )
        if live:
            names = ", ".join(sorted(live)[:5]) + (", …" if len(live) > 5 else "")
            raise Conflict({"archived": f"Archive the units inside {unit.name} first ({names})."})
        return "unit.archived"
    if unit.parent is not None and unit.parent.archived_at is not None:
        raise Conflict(
            {"archived": f"{unit.parent.name} is archived: restore it before {unit.name}."}
        )
    return "unit.restored"


def unit_archive(*, actor: Person | None, unit: Unit, actor_label: str | None = None) -> Unit:
    """Archive a unit: its objectives, weekly updates and scores stay readable; it leaves the
    lists where new work is assigned, and its reminders and digests stop."""
    return unit_update(actor=actor, unit=unit, archived=True, actor_label=actor_label)


def unit_restore(*, actor: Person | None, unit: Unit, actor_label: str | None = None) -> Unit:
    return unit_update(actor=actor, unit=unit, archived=False, actor_label=actor_label)


@transaction.atomic
def unit_delete(*, actor: Person | None, unit: Unit, actor_label: str | None = None) -> None:
    """Delete an empty unit (a mistake, say): one with no sub-units and no history. A unit with
    history is archived instead, which keeps it readable."""
    _require_admin(actor, unit.organization_id)
    unit = Unit.objects.select_for_update(of=("self",)).select_related("parent").get(pk=unit.pk)
    if unit.kind == Unit.Kind.COMPANY:
        raise Conflict({"__all__": "The company unit cannot be deleted."})
    held = unit_holdings(unit)
    if held:
        raise Conflict(
            {
                "__all__": f"{unit.name} holds {', '.join(held)}: archive it instead, "
                "which keeps its history."
            }
        )
    members = list(
        Membership.objects.filter(unit=unit)
        .order_by("person__name")
        .values_list("person__name", flat=True)
    )
    values = _unit_values(unit, unit.parent.name if unit.parent else None)
    audit_change(
        "unit.deleted",
        actor=actor,
        actor_label=actor_label,
        target=unit,
        changes=changes_between({**values, "members": members}, {}),
    )
    unit.delete()


def _membership_label(unit: Unit, person: Person) -> str:
    return f"{person.name} in {unit.name}"


@transaction.atomic
def membership_set(
    *,
    actor: Person | None,
    unit: Unit,
    person: Person,
    role: str = Membership.Role.MEMBER,
    actor_label: str | None = None,
    on_behalf_of: Person | None = None,
    context: dict | None = None,
) -> Membership:
    """Add ``person`` to ``unit`` as a lead or member, or change their role there (admins, and
    leads of the unit or of a unit above it). With ``actor=None``, ``on_behalf_of`` names the
    person the system acts for in the audit trail (an invitee joining the invited teams), and
    ``context`` adds to the event's changes (the invitation's id)."""
    _require_lead(actor, unit)
    if unit.organization_id != person.organization_id:
        raise ValidationError({"person": "Choose a person of this organization."})
    if role not in Membership.Role.values:
        raise ValidationError({"role": "Choose lead or member."})
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    if unit.archived_at is not None:
        raise Conflict({"__all__": f"{unit.name} is archived: restore it to change its people."})
    if not person.is_active:
        raise ValidationError({"person": f"{person.name} is deactivated."})
    current = Membership.objects.select_for_update().filter(unit=unit, person=person).first()
    if current is not None and current.role == role:
        return current
    if current is None:
        membership = Membership(unit=unit, person=person, role=role)
        membership.save()
        kind, changes = "membership.added", {"unit": unit.name, "role": [None, role]}
    else:
        kind, changes = "membership.changed", {"unit": unit.name, "role": [current.role, role]}
        current.role = role
        current.save(update_fields=["role", "updated_at"])
        membership = current
    audit_record(
        organization=unit.organization,
        kind=kind,
        actor=actor or on_behalf_of,
        actor_label=actor_label,
        target=membership,
        target_label=_membership_label(unit, person),
        changes={**changes, **(context or {})},
    )
    return membership


@transaction.atomic
def membership_remove(
    *, actor: Person | None, unit: Unit, person: Person, actor_label: str | None = None
) -> None:
    """Take ``person`` out of ``unit`` (same rights as ``membership_set``). Their objectives,
    check-ins and weekly updates stay."""
    _require_lead(actor, unit)
    membership = Membership.objects.select_for_update().filter(unit=unit, person=person).first()
    if membership is None:
        raise ValidationError({"person": f"{person.name} is not in {unit.name}."})
    audit_change(
        "membership.removed",
        actor=actor,
        actor_label=actor_label,
        target=membership,
        organization=unit.organization,
        target_label=_membership_label(unit, person),
        changes={"unit": unit.name, "role": [membership.role, None]},
    )
    membership.delete()


@transaction.atomic
def unit_rhythm_update(
    *,
    actor: Person | None,
    unit: Unit,
    checkin_weekday: int,
    checkin_time: time | str,
    time_zone: str,
    actor_label: str | None = None,
) -> Unit:
    """A unit's weekly rhythm: the weekday and time its weekly updates are due, in its time zone
    (docs/method.md §1). Teams have one; the company's applies to people in no team. Admins and
    leads of the unit or of a unit above it may change it; its ordinary members may not."""
    _require_lead(actor, unit)
    unit = Unit.objects.select_for_update(of=("self",)).select_related("parent").get(pk=unit.pk)
    if unit.kind == Unit.Kind.DEPARTMENT:
        raise ValidationError({"__all__": "Departments have no weekly rhythm; their teams do."})
    parent_name = unit.parent.name if unit.parent else None
    before = _unit_values(unit, parent_name)
    unit.checkin_weekday = checkin_weekday
    unit.checkin_time = checkin_time
    unit.time_zone = (time_zone or "").strip()
    unit.full_clean(exclude=["organization", "parent", "name", "kind"])
    unit.checkin_time = Unit._meta.get_field("checkin_time").to_python(unit.checkin_time)
    unit.save(update_fields=["checkin_weekday", "checkin_time", "time_zone", "updated_at"])
    changes = changes_between(before, _unit_values(unit, parent_name))
    if changes:
        audit_change(
            "unit.updated",
            actor=actor,
            actor_label=actor_label,
            target=unit,
            changes=changes,
        )
    return unit
