"""Objectives: create, change, move between states, delete."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from cadence.core.errors import Conflict
from cadence.core.limits import MAX_TEXT
from cadence.okrs import hooks, permissions, states
from cadence.okrs.models import Cycle, KeyResult, Objective
from cadence.okrs.services import trail
from cadence.okrs.services.common import (
    OBJECTIVE_FIELDS,
    TRANSITIONS,
    coach_gate,
    external_id_refusal,
    require_objective_editor,
    require_open_cycle,
    require_unit_editor,
)
from cadence.okrs.services.stored_progress import progress_refresh
from cadence.okrs.visibility import sight_of
from cadence.orgs.models import Person, Unit

# Approval (docs/method.md §7): the moves between draft, proposed and approved belong to the
# approval conversation (states.APPROVAL_MOVES), and go through alignment.services (which writes
# the approval trail): objective_set_state hands each to its step through okrs.hooks.
_APPROVAL_HOOKS = {
    states.PROPOSE: hooks.objective_propose,
    states.APPROVE: hooks.objective_approve,
    states.REOPEN: hooks.objective_reopen,
}
# An approved objective whose parent or unit changes is proposed again.
_ALIGNMENT_FIELDS = ("parent_id", "unit_id")


# Objectives -------------------------------------------------------------------------------


def _refuse_archived_unit(unit: Unit) -> None:
    """New work goes to units that are not archived (an archived unit's objectives stay)."""
    if unit.archived_at is not None:
        raise ValidationError({"unit": f"{unit.name} is archived: choose another unit."})


def _refuse_hidden_parent(actor: Person, parent: Objective | None) -> None:
    """An objective aligns only to one its author may see (okrs.visibility): a hidden one is
    refused like a foreign one, saying nothing of it."""
    if parent is not None and not sight_of(actor).sees(parent):
        raise ValidationError({"parent": "Choose an objective of this organization."})


def _validate_objective(objective: Objective) -> None:
    """Rules across fields and rows: organization, alignment, cycle kinds."""
    objective.full_clean(
        exclude=["organization", "cycle", "unit", "parent", "owner", "owner_person", "created_by"]
    )
    errors: dict[str, str] = {}
    if len(objective.why) > MAX_TEXT:
        # TextField's max_length is not checked by full_clean.
        errors["why"] = f"Keep it under {MAX_TEXT} characters."
    org_id = objective.organization_id
    unit, person = objective.unit, objective.owner_person
    if objective.cycle.organization_id != org_id:
        errors["cycle"] = "Choose a cycle of this organization."
    if (unit is None) == (person is None):
        errors["unit"] = "An objective is a unit's or one person's own."
    elif unit is not None and unit.organization_id != org_id:
        errors["unit"] = "Choose a unit of this organization."
    elif person is not None and person.organization_id != org_id:
        errors["owner_person"] = "Choose a person of this organization."
    if objective.cycle.kind == Cycle.Kind.YEAR and "unit" not in errors:
        if unit is None:
            errors["cycle"] = "Personal objectives follow the quarterly cycles, not the year."
        elif unit.kind != Unit.Kind.COMPANY:
            errors["cycle"] = "Annual objectives are set at company level only."
    if objective.counts_in_parent and person is None:
        errors["counts_in_parent"] = "Only a personal objective chooses whether it counts."
    elif objective.counts_in_parent and objective.parent_id is None:
        errors["counts_in_parent"] = "Choose the team objective it supports first."
    if objective.owner is not None and objective.owner.organization_id != org_id:
        errors["owner"] = "Choose a person of this organization."
    parent = objective.parent
    if parent is not None:
        # Judge the parent as stored, not the caller's copy (it may since have been abandoned
        # or realigned).
        parent = Objective.objects.select_related("cycle").filter(pk=parent.pk).first()
        if parent is None:
            errors["parent"] = "That objective no longer exists."
        elif parent.organization_id != org_id:
            errors["parent"] = "Choose an objective of this organization."
        elif parent.pk == objective.pk:
            errors["parent"] = "An objective cannot align to itself."
        elif not parent.cycle.contains(objective.cycle):
            errors["parent"] = (
                f"The parent objective belongs to {parent.cycle.name}, which does not cover "
                f"{objective.cycle.name}."
            )
        elif parent.state == Objective.State.ABANDONED:
            errors["parent"] = "That objective was abandoned; align to a live one."
        elif parent.owner_person_id is not None:
            errors["parent"] = "Align to a team's objective: a personal objective has no others."
        elif objective.pk and _is_descendant(parent, objective):
            errors["parent"] = "That objective is aligned below this one: it would make a loop."
    if "external_id" not in errors and (
        refusal := external_id_refusal(Objective, org_id, objective.external_id, objective.pk)
    ):
        errors["external_id"] = refusal
    if errors:
        raise ValidationError(errors)


def _is_descendant(candidate: Objective, ancestor: Objective) -> bool:
    """Whether ``ancestor`` is on ``candidate``'s chain of parents, as stored."""
    node_id = candidate.pk
    seen = set()
    while node_id is not None and node_id not in seen:
        if node_id == ancestor.pk:
            return True
        seen.add(node_id)
        node_id = Objective.objects.filter(pk=node_id).values_list("parent_id", flat=True).first()
    return False


@transaction.atomic
def objective_create(
    *,
    actor: Person,
    cycle: Cycle,
    unit: Unit,
    title: str,
    why: str = "",
    commitment: str = Objective.Commitment.COMMITTED,
    parent: Objective | None = None,
    owner: Person | None = None,
    state: str = Objective.State.DRAFT,
    standalone_reason: str = "",
    external_id: str = "",
    visibility: str = Objective.Visibility.ORGANIZATION,
) -> Objective:
    require_unit_editor(actor, unit)
    _refuse_hidden_parent(actor, parent)
    require_open_cycle(cycle)
    _refuse_archived_unit(unit)
    objective = Objective(
        organization=actor.organization,
        cycle=cycle,
        unit=unit,
        title=(title or "").strip(),
        why=(why or "").strip(),
        commitment=commitment,
        parent=parent,
        owner=owner,
        created_by=actor,
        state=state,
        standalone_reason=(standalone_reason or "").strip(),
        external_id=(external_id or "").strip(),
        visibility=visibility,
    )
    if state not in (Objective.State.DRAFT, Objective.State.PROPOSED, Objective.State.APPROVED):
        raise ValidationError({"state": "A new objective starts as draft, proposed or approved."})
    if state == Objective.State.APPROVED and not actor.is_admin:
        # A choice this person may not make: said at the field, like any other bad input.
        raise ValidationError(
            {
                "state": "Only organization admins start an objective as approved. Start it as "
                "a draft, add its key results and propose it instead."
            }
        )
    _validate_objective(objective)
    coach_gate(objective)
    objective.position = Objective.objects.filter(cycle=cycle, unit=unit).count()
    objective.save()
    if state != Objective.State.DRAFT:
        # Proposed: it must pass the checks of proposing; approved: an admin's own proposal.
        # Either way the approval trail starts here.
        hooks.objective_started(actor=actor, objective=objective)
    return _created(actor, objective)


def _created(actor: Person, objective: Objective) -> Objective:
    """What follows every new objective's save: its stored progress (and its parent's), and
    the audit trail."""
    progress_refresh(objective.pk)
    trail.record_created(
        actor=actor,
        kind="objective.created",
        target=objective,
        facts=trail.objective_facts(objective),
    )
    return objective


@transaction.atomic
def personal_objective_create(
    *,
    actor: Person,
    cycle: Cycle,
    title: str,
    why: str = "",
    commitment: str = Objective.Commitment.COMMITTED,
    parent: Objective | None = None,
    counts_in_parent: bool = False,
    visibility: str = Objective.Visibility.UNIT,
    external_id: str = "",
) -> Objective:
    """One person's own development objective (docs/decisions.md: personal objectives): theirs
    alone to write, seen by them, their leads and admins unless they share it ("organization"),
    live at once (no approval), never on a unit's board nor in any score. Aligned to a team
    objective, it counts in that objective's progress only if ``counts_in_parent``."""
    refusal = permissions.member_refusal(actor, cycle.organization_id)
    if refusal is None and actor.is_viewer:
        refusal = PermissionDenied("Viewers keep no objectives.")
    if refusal is not None:
        raise refusal
    _refuse_hidden_parent(actor, parent)
    require_open_cycle(cycle)
    objective = Objective(
        organization=actor.organization,
        cycle=cycle,
        unit=None,
        owner_person=actor,
        owner=actor,
        title=(title or "").strip(),
        why=(why or "").strip(),
        commitment=commitment,
        parent=parent,
        counts_in_parent=bool(counts_in_parent),
        created_by=actor,
        state=Objective.State.APPROVED,
        external_id=(external_id or "").strip(),
        visibility=visibility,
    )
    _validate_objective(objective)
    coach_gate(objective)
    objective.position = Objective.objects.filter(cycle=cycle, owner_person=actor).count()
    objective.save()
    return _created(actor, objective)


# What a personal objective's owner may change (its unit and owner are not theirs to move).
_PERSONAL_FIELDS = frozenset(
    {"title", "why", "commitment", "parent", "visibility", "counts_in_parent", "external_id"}
)


@transaction.atomic
def objective_update(*, actor: Person, objective: Objective, **changes) -> Objective:
    """Change any of title, why, commitment, parent, owner, unit, standalone_reason,
    external_id, visibility. An approved objective whose
    parent or unit changes is proposed again (its approval was for the old alignment)."""
    unknown = set(changes) - set(OBJECTIVE_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown fields: {', '.join(sorted(unknown))}.")
    objective = Objective.objects.select_for_update().get(pk=objective.pk)
    require_objective_editor(actor, objective)
    require_open_cycle(objective.cycle)
    if objective.owner_person_id is not None and (fixed := set(changes) - _PERSONAL_FIELDS):
        raise ValidationError(
            {name: "A personal objective stays its owner's own." for name in sorted(fixed)}
        )
    if changes.get("parent") is not None:
        _refuse_hidden_parent(actor, changes["parent"])
    if "unit" in changes and changes["unit"] != objective.unit:
        require_unit_editor(actor, changes["unit"])
        _refuse_archived_unit(changes["unit"])
    old_parent_id = objective.parent_id
    old_counted = objective.counts_in_roll_up
    old_alignment = [getattr(objective, name) for name in _ALIGNMENT_FIELDS]
    before = trail.objective_facts(objective, changes)
    for name, value in changes.items():
        if isinstance(value, str):
            value = value.strip()
        setattr(objective, name, value)
    if objective.parent_id is None and "counts_in_parent" not in changes:
        objective.counts_in_parent = False  # no longer aligned: counted in nothing
    _validate_objective(objective)
    coach_gate(objective)
    objective.save()
    after = trail.objective_facts(objective, changes)
    for kind, fields in (
        ("objective.updated", [f for f in changes if f not in trail.ALIGNMENT_FACTS]),
        ("objective.realigned", [f for f in changes if f in trail.ALIGNMENT_FACTS]),
    ):
        trail.record_changes(
            actor=actor,
            kind=kind,
            target=objective,
            before={f: before[f] for f in fields},
            after={f: after[f] for f in fields},
        )
    if objective.parent_id != old_parent_id:
        progress_refresh(old_parent_id, objective.pk)
    elif objective.counts_in_roll_up != old_counted:
        progress_refresh(objective.pk)
    realigned = old_alignment != [getattr(objective, name) for name in _ALIGNMENT_FIELDS]
    if realigned and objective.state == Objective.State.APPROVED and not objective.is_personal:
        objective = hooks.objective_realigned(actor=actor, objective=objective)
    return objective


@transaction.atomic
def objective_set_state(
    *, actor: Person, objective: Objective, state: str, reason: str = ""
) -> Objective:
    """Abandon (with a reason), revive, close or reopen a closed objective. Proposing,
    approving and taking back to draft are handed to alignment.services, which check who may
    and write the approval trail."""
    objective = Objective.objects.select_for_update().get(pk=objective.pk)
    if state not in Objective.State.values:
        raise ValidationError({"state": f"Unknown state {state!r}."})
    step = states.approval_step(objective.state, state)
    if step is not None and objective.owner_person_id is not None:
        require_objective_editor(actor, objective)
        raise Conflict({"state": "A personal objective needs no approval: it is live."})
    if step is not None:
        return _APPROVAL_HOOKS[step](actor=actor, objective=objective)
    require_objective_editor(actor, objective)
    require_open_cycle(objective.cycle)
    if state == objective.state:
        return objective
    if state not in TRANSITIONS[objective.state]:
        now = objective.get_state_display().lower()
        article = "An" if now[0] in "aeiou" else "A"
        raise Conflict(
            {
                "state": f"{article} {now} objective cannot become "
                f"{Objective.State(state).label.lower()}."
            }
        )
    reason = (reason or "").strip()
    if state == Objective.State.ABANDONED:
        if not reason:
            raise ValidationError({"reason": "Say why the objective is abandoned."})
        if len(reason) > MAX_TEXT:
            raise ValidationError({"reason": f"Keep the reason under {MAX_TEXT} characters."})
        objective.abandon_reason = reason
    elif objective.state == Objective.State.ABANDONED:
        objective.abandon_reason = ""
    was_abandoned = objective.state == Objective.State.ABANDONED
    before = objective.state
    objective.state = state
    objective.save(update_fields=["state", "abandon_reason", "updated_at"])
    trail.record_state(actor=actor, objective=objective, before=before, reason=reason)
    if (was_abandoned or state == Objective.State.ABANDONED) and objective.counts_in_roll_up:
        # An abandoned objective leaves its parent's mean (and comes back when revived).
        progress_refresh(objective.parent_id)
    return objective


def review_state_write(objective: Objective, state: str) -> Objective:
    """Write a move between draft, proposed and approved, for alignment.services (which lock
    the objective, check who may and what is missing, and write the trail)."""
    objective.state = state
    objective.save(update_fields=["state", "updated_at"])
    return objective


@transaction.atomic
def objective_delete(*, actor: Person, objective: Objective) -> None:
    """Delete an objective with its key results and check-ins. Objectives aligned to it stay,
    unaligned. (Abandoning keeps the history and is usually the better choice.)"""
    # Key results first, then the objective: the order a check-in takes them in.
    list(
        KeyResult.objects.select_for_update()
        .filter(objective_id=objective.pk)
        .values_list("pk", flat=True)
    )
    objective = Objective.objects.select_for_update().get(pk=objective.pk)
    require_objective_editor(actor, objective)
    require_open_cycle(objective.cycle)
    parent_id = objective.parent_id
    trail.record_deleted(
        actor=actor,
        kind="objective.deleted",
        target=objective,
        facts=trail.objective_facts(objective),
    )
    objective.delete()
    progress_refresh(parent_id)
