"""What the okrs services write to the audit trail: an objective's, a key result's or a cycle's
readable facts (people, units and parent objectives by name, as they were at the time), and the
events that record their changes, inside the service's transaction."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from cadence.audit.services import audit_record, changes_between
from cadence.okrs import hooks
from cadence.okrs.models import Cycle, KeyResult, Objective
from cadence.orgs.models import Person

OBJECTIVE_FACTS = (
    "title",
    "why",
    "commitment",
    "owner",
    "standalone_reason",
    "parent",
    "unit",
    "cycle",
    "state",
    "visibility",
)
# Changing these moves the objective in the tree: recorded as objective.realigned.
ALIGNMENT_FACTS = ("parent", "unit")
KEY_RESULT_FACTS = (
    "title",
    "kind",
    "start",
    "target",
    "unit",
    "direction",
    "weight",
    "owner",
    "commitment",
)
TARGET_FACTS = ("start", "target")
CYCLE_FACTS = ("name", "kind", "start", "end")


def _named(value: Any) -> Any:
    """A related row by its name (a person, a unit, a cycle) or title (an objective)."""
    if value is None:
        return None
    return getattr(value, "title", None) or getattr(value, "name", None) or str(value)


def objective_facts(objective: Objective, fields: Iterable[str] = OBJECTIVE_FACTS) -> dict:
    facts = {}
    for name in fields:
        if name in ("owner", "parent", "unit", "cycle"):
            facts[name] = _named(getattr(objective, name))
        else:
            facts[name] = getattr(objective, name)
    return facts


def key_result_facts(kr: KeyResult, fields: Iterable[str] = KEY_RESULT_FACTS) -> dict:
    return {name: _named(kr.owner) if name == "owner" else getattr(kr, name) for name in fields}


def cycle_facts(cycle: Cycle) -> dict:
    return {name: getattr(cycle, name) for name in CYCLE_FACTS}


def record(*, actor: Person | None, kind: str, target, changes: dict, organization_id=None) -> None:
    audit_record(
        organization=organization_id or target.organization_id,
        kind=kind,
        actor=actor,
        target=target,
        changes=changes,
    )


def record_created(*, actor: Person, kind: str, target, facts: dict) -> None:
    record(actor=actor, kind=kind, target=target, changes=changes_between({}, facts))


def record_deleted(*, actor: Person, kind: str, target, facts: dict) -> None:
    record(actor=actor, kind=kind, target=target, changes=changes_between(facts, {}))


def record_changes(*, actor: Person, kind: str, target, before: dict, after: dict) -> None:
    """One event when something differs; nothing for a save that changed nothing."""
    changes = changes_between(before, after)
    if changes:
        record(actor=actor, kind=kind, target=target, changes=changes)


def record_state(
    *, actor: Person, objective: Objective, before: str, comment: str = "", reason: str = ""
) -> None:
    """An objective's move from state ``before`` to its current one (with the approval comment
    or the reason for abandoning, when there is one); the apps listening are told of it."""
    changes = changes_between({"state": before}, {"state": objective.state})
    if comment:
        changes["comment"] = comment
    if reason:
        changes["reason"] = reason
    record(actor=actor, kind="objective.state_changed", target=objective, changes=changes)
    hooks.objective_state_changed(actor=actor, objective=objective, before=before)


def record_target_change(
    *,
    actor: Person,
    key_result: KeyResult,
    old_start: float | None,
    old_target: float | None,
    reason: str = "",
) -> None:
    """A key result's start or target moved (an edit, or a review's change)."""
    changes = changes_between(
        {"start": old_start, "target": old_target},
        {"start": key_result.start, "target": key_result.target},
    )
    if reason:
        changes["reason"] = reason
    record(actor=actor, kind="key_result.target_changed", target=key_result, changes=changes)
