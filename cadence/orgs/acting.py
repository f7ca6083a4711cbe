"""Who acts on the organization's settings, people and units, and how the audit trail names them.

``actor`` is the person making a change, whose rights are checked, or ``None`` for the system
itself (the command line, the demo loader, test factories), which checks no rights and names
itself in the audit trail ("command line" unless the caller says otherwise).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models

from cadence.audit.services import audit_record
from cadence.orgs.models import Person

COMMAND_LINE = "command line"


def require_admin(actor: Person | None, organization_id, message: str) -> None:
    """Let an active admin of the organization, or the system (``None``), through; refuse
    someone of another organization (or deactivated) as not part of it, anyone else with
    ``message`` ("Only admins …")."""
    if actor is None:
        return
    if actor.organization_id != organization_id or not actor.is_active:
        raise PermissionDenied("You are not part of this organization.")
    if not actor.is_admin:
        raise PermissionDenied(message)


def system_label(actor: Person | None, label: str | None = None) -> str | None:
    """The audit trail's name for the actor: ``label`` if given, "command line" for the system,
    else none (the person's own name and email are recorded)."""
    if label is not None:
        return label
    return COMMAND_LINE if actor is None else None


def audit_change(
    kind: str,
    *,
    actor: Person | None,
    target: models.Model,
    changes: dict[str, Any] | None = None,
    actor_label: str | None = None,
    target_label: str = "",
    organization=None,
) -> None:
    """Record a change to ``target`` (of ``target.organization`` unless ``organization`` is
    given) in the audit trail, in the caller's transaction."""
    audit_record(
        organization=organization if organization is not None else target.organization,
        kind=kind,
        actor=actor,
        actor_label=system_label(actor, actor_label),
        target=target,
        target_label=target_label,
        changes=changes,
    )
