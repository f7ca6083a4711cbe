"""Who may do what to cycles, objectives, key results and check-ins.

One place for each rule: the services raise what these find (``*_refusal`` returns the error to
raise, or None), and the pages ask the ``can_*`` predicates to show or hide a control, so a page
never offers what its service refuses. No queries beyond what ``Access`` has loaded.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from cadence.core.errors import Conflict
from cadence.okrs.models import Cycle, KeyResult, Objective
from cadence.orgs.models import Person, Unit
from cadence.orgs.selectors import Access

# The states in which an objective takes check-ins and changes (and new key results).
OPEN_STATES = (Objective.State.DRAFT, Objective.State.PROPOSED, Objective.State.APPROVED)


def member_refusal(actor: Person, organization_id) -> PermissionDenied | None:
    if actor.organization_id != organization_id or not actor.is_active:
        return PermissionDenied("You are not part of this organization.")
    return None


def unit_editor_refusal(
    actor: Person, unit: Unit, access: Access | None = None
) -> PermissionDenied | None:
    """The unit's members, the leads of the units above it and admins change its OKRs."""
    refusal = member_refusal(actor, unit.organization_id)
    if refusal is None and not (access or Access(actor)).can_edit_unit(unit):
        refusal = PermissionDenied(
            f"Only members of {unit.name}, its leads and admins may do this."
        )
    return refusal


def objective_editor_refusal(
    actor: Person, objective: Objective, access: Access | None = None
) -> PermissionDenied | None:
    """A unit's objective: its unit's editors (``unit_editor_refusal``). A personal objective:
    its owner only (their leads and admins see it, and change nothing of it)."""
    if objective.owner_person_id is None:
        return unit_editor_refusal(actor, objective.unit, access)
    refusal = member_refusal(actor, objective.organization_id)
    if refusal is None and actor.pk != objective.owner_person_id:
        refusal = PermissionDenied("Only its owner changes a personal objective.")
    return refusal


def closed_cycle_refusal(cycle: Cycle) -> Conflict | None:
    if cycle.closed_at:
        return Conflict(f"{cycle.name} is closed: its OKRs can no longer change.")
    return None


def check_in_refusal(
    actor: Person, objective: Objective, kr: KeyResult, access: Access | None = None
) -> PermissionDenied | Conflict | None:
    """A key result's owner and its unit's editors check in (viewers never), while the cycle is
    open and the objective is neither abandoned nor closed."""
    if kr.owner_id != actor.id or objective.owner_person_id is not None:
        refusal = objective_editor_refusal(actor, objective, access)
    else:
        refusal = member_refusal(actor, kr.organization_id)
        if refusal is None and actor.is_viewer:
            refusal = PermissionDenied("Viewers cannot check in.")
    if refusal is None:
        refusal = closed_cycle_refusal(objective.cycle)
    if refusal is None and objective.state not in OPEN_STATES:
        refusal = Conflict(
            f"This objective is {objective.get_state_display().lower()}: it takes no check-ins."
        )
    return refusal


def can_check_in(
    actor: Person, objective: Objective, kr: KeyResult, access: Access | None = None
) -> bool:
    return check_in_refusal(actor, objective, kr, access) is None


def objective_is_open(objective: Objective) -> bool:
    """Live and in an open cycle: it takes check-ins and changes."""
    return objective.state in OPEN_STATES and not objective.cycle.closed_at


def can_edit_unit_okrs(actor: Person, unit: Unit, access: Access | None = None) -> bool:
    """Whether the person may create and change the unit's objectives and key results."""
    return unit_editor_refusal(actor, unit, access) is None


def can_edit_objective(actor: Person, objective: Objective, access: Access | None = None) -> bool:
    """Whether the objective's edit controls are offered: its unit's editors, in an open cycle."""
    return (
        not objective.cycle.closed_at and objective_editor_refusal(actor, objective, access) is None
    )


def can_manage_cycles(actor: Person) -> bool:
    """Organization admins create, change and delete cycles."""
    return actor.is_admin and actor.is_active
