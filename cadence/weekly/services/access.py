"""Who may write what in the weekly updates (see the package's docstring)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from cadence.orgs.models import Organization, Person, Unit
from cadence.orgs.selectors import Access


def _require_member(actor: Person, organization_id) -> None:
    if actor.organization_id != organization_id or not actor.is_active:
        raise PermissionDenied("You are not part of this organization.")


def can_write_update(actor: Person, person: Person) -> bool:
    """Whether ``actor`` may write ``person``'s weekly update: the rule ``_require_update_writer``
    enforces, for pages to show or hide the forms."""
    if not actor.is_active or actor.organization_id != person.organization_id:
        return False
    if actor.is_viewer or person.is_viewer:
        return False
    return actor.pk == person.pk or actor.is_admin


def _require_update_writer(actor: Person, person: Person) -> None:
    """Only the person themself, or an admin of their organization, writes their update (the
    rule of ``can_write_update``, refused with the reason)."""
    _require_member(actor, person.organization_id)
    if actor.is_viewer:
        raise PermissionDenied("Viewers read weekly updates; they do not write them.")
    if actor.pk != person.pk and not actor.is_admin:
        raise PermissionDenied("Only the person themself or an admin may change this update.")
    if person.is_viewer:
        raise PermissionDenied("Viewers do not keep weekly updates.")


def _require_category_editor(actor: Person, organization: Organization, unit: Unit | None) -> None:
    _require_member(actor, organization.pk)
    if actor.is_viewer:
        raise PermissionDenied("Viewers cannot change categories.")
    if unit is None:
        if not actor.is_admin:
            raise PermissionDenied("Only organization admins change organization-wide categories.")
    elif not Access(actor).can_edit_unit(unit):
        raise PermissionDenied(f"Only members of {unit.name}, its leads and admins may do this.")
