"""Alignment writes: propose → approve (or return) an objective, and sideways dependencies.

Every step of the approval conversation appends an ApprovalEvent. These services are the only
way between draft, proposed and approved: ``okrs.services.objective_set_state`` hands those
moves to them, and writes the state through ``okrs.services.review_state_write`` after the
checks here.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from cadence.alignment import hooks
from cadence.alignment.models import ApprovalEvent, Dependency
from cadence.alignment.selectors import (
    DEPENDENCY_TRANSITIONS,
    can_approve,
    can_change_dependency,
    can_edit_objectives,
    is_approver,
    is_own_proposal,
    propose_errors,
)
from cadence.core.errors import Conflict
from cadence.core.limits import MAX_SHORT_TEXT, MAX_TEXT
from cadence.okrs import services as okr_services
from cadence.okrs.models import Objective
from cadence.okrs.services import trail
from cadence.okrs.visibility import sight_of
from cadence.orgs.models import Person, Unit
from cadence.orgs.selectors import Access

MAX_COMMENT = MAX_TEXT
MAX_NOTE = MAX_SHORT_TEXT


def _clean(text: str, field: str, limit: int) -> str:
    text = (text or "").strip()
    if len(text) > limit:
        raise ValidationError({field: f"Keep it under {limit} characters."})
    return text


def _locked(objective: Objective) -> Objective:
    """The objective, locked, for a move of the approval conversation (which a personal
    objective, live from the start and its owner's alone, never has)."""
    objective = (
        Objective.objects.select_for_update(of=("self",))
        .select_related("unit", "cycle", "parent", "parent__owner", "parent__unit")
        .get(pk=objective.pk)
    )
    if objective.owner_person_id is not None:
        raise Conflict({"state": "A personal objective needs no approval: it is live."})
    return objective


def _require_member(actor: Person, organization_id) -> None:
    if actor.organization_id != organization_id or not actor.is_active:
        raise PermissionDenied("You are not part of this organization.")


def _require_approver(actor: Person, objective: Objective) -> None:
    _require_member(actor, objective.organization_id)
    access = Access(actor)
    if not is_approver(access, objective):
        raise PermissionDenied(
            "Only the owner of the objective it aligns to (or, without one, a lead above the "
            "team) and organization admins approve or return objectives."
        )
    if not can_approve(access, objective):
        raise PermissionDenied(
            "You proposed this objective: someone else approves or returns it (the owner of "
            "the objective it aligns to, a lead above the team, or an admin)."
        )


def _event(
    actor: Person, objective: Objective, action: str, comment: str, *, own_proposal: bool = False
) -> ApprovalEvent:
    return ApprovalEvent.objects.create(
        organization_id=objective.organization_id,
        objective=objective,
        actor=actor,
        action=action,
        comment=comment,
        parent_id=objective.parent_id,
        own_proposal=own_proposal,
    )


def _require_team_editor(actor: Person, objective: Objective, what: str) -> None:
    _require_member(actor, objective.organization_id)
    if not can_edit_objectives(Access(actor), objective.unit):
        raise PermissionDenied(
            f"Only members of {objective.unit.name}, its leads and admins {what} its objectives."
        )


# Propose → approve ---------------------------------------------------------------------------


@transaction.atomic
def objective_propose(*, actor: Person, objective: Objective, comment: str = "") -> Objective:
    """The team proposes its draft: it must align to a higher objective or say why it stands
    alone (team objectives), and have a key result (below company level)."""
    objective = _locked(objective)
    _require_team_editor(actor, objective, "propose")
    okr_services.require_open_cycle(objective.cycle)
    comment = _clean(comment, "comment", MAX_COMMENT)
    if objective.state != Objective.State.DRAFT:
        raise Conflict(
            {"state": f"Only a draft can be proposed; this one is {objective.get_state_display()}."}
        )
    errors = propose_errors(objective)
    if errors:
        # The request is fine; the objective is not ready to be proposed yet.
        raise Conflict(errors)
    objective = okr_services.review_state_write(objective, Objective.State.PROPOSED)
    hooks.approval_asked(event=_event(actor, objective, ApprovalEvent.Action.PROPOSED, comment))
    trail.record_state(
        actor=actor, objective=objective, before=Objective.State.DRAFT, comment=comment
    )
    return objective


@transaction.atomic
def objective_approve(
    *, actor: Person, objective: Objective, comment: str = "", notify: bool = True
) -> Objective:
    """An approver approves a proposed objective that still passes the checks of proposing.
    Nobody approves their own proposal, except an admin (the trail says so). The objective's
    owner and author get an email (unless ``notify`` is False, as for the demo's history)."""
    objective = _locked(objective)
    _require_approver(actor, objective)
    okr_services.require_open_cycle(objective.cycle)
    comment = _clean(comment, "comment", MAX_COMMENT)
    if objective.state != Objective.State.PROPOSED:
        state = objective.get_state_display().lower()
        hint = ": the team proposes it first" if objective.state == Objective.State.DRAFT else ""
        raise Conflict(
            {"state": f"Only a proposed objective can be approved; this one is {state}{hint}."}
        )
    errors = propose_errors(objective)
    if errors:
        raise Conflict(errors)
    # Only an admin approves their own proposal (``_require_approver`` refused anyone else's).
    own = actor.is_admin and is_own_proposal(actor, objective)
    objective = okr_services.review_state_write(objective, Objective.State.APPROVED)
    event = _event(actor, objective, ApprovalEvent.Action.APPROVED, comment, own_proposal=own)
    trail.record_state(
        actor=actor, objective=objective, before=Objective.State.PROPOSED, comment=comment
    )
    if notify:
        review_emails_enqueue(event=event)
    return objective


@transaction.atomic
def objective_return(
    *, actor: Person, objective: Objective, comment: str, notify: bool = True
) -> Objective:
    """An approver sends a proposed objective back to draft, saying what to change; the owner
    and author get an email (unless ``notify`` is False)."""
    objective = _locked(objective)
    _require_approver(actor, objective)
    okr_services.require_open_cycle(objective.cycle)
    comment = _clean(comment, "comment", MAX_COMMENT)
    if not comment:
        raise ValidationError(
            {"comment": "Say what the team should change before proposing again."}
        )
    if objective.state != Objective.State.PROPOSED:
        raise Conflict(
            {
                "state": f"Only a proposed objective can be returned; this one is "
                f"{objective.get_state_display().lower()}."
            }
        )
    objective = okr_services.review_state_write(objective, Objective.State.DRAFT)
    event = _event(actor, objective, ApprovalEvent.Action.RETURNED, comment)
    trail.record_state(
        actor=actor, objective=objective, before=Objective.State.PROPOSED, comment=comment
    )
    if notify:
        review_emails_enqueue(event=event)
    return objective


@transaction.atomic
def objective_reopen(*, actor: Person, objective: Objective, comment: str = "") -> Objective:
    """The team takes a proposed (withdraw) or approved objective back to draft to rework it."""
    objective = _locked(objective)
    _require_team_editor(actor, objective, "reopen")
    okr_services.require_open_cycle(objective.cycle)
    comment = _clean(comment, "comment", MAX_COMMENT)
    if objective.state not in (Objective.State.PROPOSED, Objective.State.APPROVED):
        raise Conflict({"state": "Only a proposed or approved objective can go back to draft."})
    before = objective.state
    objective = okr_services.review_state_write(objective, Objective.State.DRAFT)
    _event(actor, objective, ApprovalEvent.Action.REOPENED, comment)
    trail.record_state(actor=actor, objective=objective, before=before, comment=comment)
    return objective


def objective_started(*, actor: Person, objective: Objective) -> None:
    """Called by ``okrs.services.objective_create`` inside its transaction when a new objective
    starts as proposed (it must pass the checks of proposing) or approved (organization admins
    only; their own proposal, so said in the trail)."""
    if objective.state == Objective.State.PROPOSED:
        errors = propose_errors(objective)
        if "key_results" in errors:
            errors["state"] = (
                "A new objective has no key results yet: start it as a draft, add them, then "
                "propose it."
            )
            del errors["key_results"]
        if errors:
            raise ValidationError(errors)
        hooks.approval_asked(event=_event(actor, objective, ApprovalEvent.Action.PROPOSED, ""))
    elif objective.state == Objective.State.APPROVED:
        if not actor.is_admin:
            raise ValidationError(
                {
                    "state": "Only organization admins start an objective as approved. Start "
                    "it as a draft, add its key results and propose it instead."
                }
            )
        _event(actor, objective, ApprovalEvent.Action.APPROVED, "", own_proposal=True)


def objective_realigned(*, actor: Person, objective: Objective) -> Objective:
    """Called by ``okrs.services.objective_update`` inside its transaction when an approved
    objective's parent or unit changed: its approval was given for the old alignment, so it is
    proposed again (passing the checks of proposing), by the person who changed it."""
    errors = propose_errors(objective)
    if errors:
        raise ValidationError(errors)
    objective = okr_services.review_state_write(objective, Objective.State.PROPOSED)
    hooks.approval_asked(event=_event(actor, objective, ApprovalEvent.Action.REALIGNED, ""))
    trail.record_state(actor=actor, objective=objective, before=Objective.State.APPROVED)
    return objective


def review_emails_enqueue(*, event: ApprovalEvent) -> None:
    """Tell the objective's owner and its author (not the approver) that it was approved or
    returned, in the review's transaction: the feed notifies them on the channels they chose
    (by email unless they said otherwise; ``hooks.objective_reviewed``)."""
    hooks.objective_reviewed(event=event)


# Dependencies --------------------------------------------------------------------------------


def _require_editor(actor: Person, unit: Unit, what: str) -> None:
    _require_member(actor, unit.organization_id)
    if not can_edit_objectives(Access(actor), unit):
        raise PermissionDenied(f"Only members of {unit.name}, its leads and admins {what}.")


def _check_provider_objective(dependency: Dependency, provider_objective: Objective | None):
    if provider_objective is None:
        return
    if provider_objective.organization_id != dependency.organization_id:
        raise ValidationError({"provider_objective": "Choose an objective of this organization."})
    if provider_objective.unit_id != dependency.provider_id:
        raise ValidationError(
            {"provider_objective": f"Choose one of {dependency.provider.name}'s objectives."}
        )
    if provider_objective.pk == dependency.objective_id:
        raise ValidationError({"provider_objective": "An objective cannot depend on itself."})


@transaction.atomic
def dependency_create(
    *,
    actor: Person,
    objective: Objective,
    provider: Unit,
    description: str,
    provider_objective: Objective | None = None,
) -> Dependency:
    """The objective's team asks another unit for something (state: requested)."""
    objective = Objective.objects.select_related("unit", "cycle").get(pk=objective.pk)
    if objective.owner_person_id is not None:
        raise ValidationError(
            {"objective": "A personal objective asks no team for help: ask in your 1:1 instead."}
        )
    _require_editor(actor, objective.unit, "record what its objectives need")
    if objective.cycle.closed_at:
        raise Conflict(f"{objective.cycle.name} is closed: its OKRs can no longer change.")
    if objective.state == Objective.State.ABANDONED:
        raise Conflict("This objective was abandoned: it needs nothing any more.")
    description = _clean(description, "description", MAX_NOTE)
    errors = {}
    if not description:
        errors["description"] = "Say what you need from them."
    if provider.organization_id != objective.organization_id:
        errors["provider"] = "Choose a unit of this organization."
    elif provider.pk == objective.unit_id:
        errors["provider"] = "Choose another unit: a team does not depend on itself."
    elif objective.visibility != Objective.Visibility.ORGANIZATION:
        errors["provider"] = (
            "This objective is private to its team: another unit could not see what it asks. "
            "Make it visible to the organization first."
        )
    if provider_objective is not None and not sight_of(actor).sees(provider_objective):
        errors["provider_objective"] = "Choose an objective of this organization."
    if errors:
        raise ValidationError(errors)
    dependency = Dependency(
        organization_id=objective.organization_id,
        objective=objective,
        provider=provider,
        description=description,
        requested_by=actor,
    )
    _check_provider_objective(dependency, provider_objective)
    dependency.provider_objective = provider_objective
    dependency.save()
    hooks.dependency_asked(dependency=dependency)
    return dependency


def _locked_dependency(dependency: Dependency) -> Dependency:
    return (
        Dependency.objects.select_for_update(of=("self",))
        .select_related("objective", "objective__unit", "objective__cycle", "provider")
        .get(pk=dependency.pk)
    )


@transaction.atomic
def dependency_acknowledge(
    *,
    actor: Person,
    dependency: Dependency,
    provider_objective: Objective | None = None,
    note: str = "",
) -> Dependency:
    """The team asked says it has seen the request and will help (requested → acknowledged),
    optionally naming its objective that covers it."""
    dependency = _locked_dependency(dependency)
    _require_editor(actor, dependency.provider, "acknowledge what is asked of it")
    note = _clean(note, "note", MAX_NOTE)
    if dependency.state != Dependency.State.REQUESTED:
        raise Conflict({"state": f"It is already {dependency.get_state_display().lower()}."})
    _check_provider_objective(dependency, provider_objective)
    dependency.state = Dependency.State.ACKNOWLEDGED
    dependency.acknowledged_by = actor
    dependency.acknowledged_at = timezone.now()
    if provider_objective is not None:
        dependency.provider_objective = provider_objective
    if note:
        dependency.note = note
    dependency.save()
    return dependency


@transaction.atomic
def dependency_set_state(
    *, actor: Person, dependency: Dependency, state: str, note: str = ""
) -> Dependency:
    """Either side moves an acknowledged dependency between acknowledged, at risk and done
    (selectors.DEPENDENCY_TRANSITIONS); only the asked team acknowledges a request."""
    dependency = _locked_dependency(dependency)
    _require_member(actor, dependency.organization_id)
    if not can_change_dependency(Access(actor), dependency):
        raise PermissionDenied(
            f"Only {dependency.objective.unit.name} and {dependency.provider.name} (their members, "
            "leads and admins) change this dependency."
        )
    note = _clean(note, "note", MAX_NOTE)
    if state not in Dependency.State.values:
        raise ValidationError({"state": f"Unknown state {state!r}."})
    if state == dependency.state:
        if note:
            dependency.note = note
            dependency.save(update_fields=["note", "updated_at"])
        return dependency
    if state not in DEPENDENCY_TRANSITIONS[dependency.state]:
        if dependency.state == Dependency.State.REQUESTED:
            message = f"{dependency.provider.name} must acknowledge it first."
        else:
            message = (
                f"A dependency that is {dependency.get_state_display().lower()} cannot become "
                f"{Dependency.State(state).label.lower()}."
            )
        raise Conflict({"state": message})
    dependency.state = state
    if note:
        dependency.note = note
    dependency.save(update_fields=["state", "note", "updated_at"])
    return dependency


@transaction.atomic
def dependency_delete(*, actor: Person, dependency: Dependency) -> None:
    """The asking side withdraws the dependency."""
    dependency = _locked_dependency(dependency)
    _require_editor(actor, dependency.objective.unit, "withdraw what its objectives asked for")
    dependency.delete()


# An objective's state as one field (the API's PATCH) -------------------------------------------


def objective_state_change(
    *, actor: Person, objective: Objective, state: str, reason: str = ""
) -> Objective:
    """Move an objective to ``state`` (the API's state change) through
    ``okrs.services.objective_set_state``, which hands the approval conversation's moves
    (``okrs.states.APPROVAL_MOVES``, the one table of them) to the services above through
    okrs.hooks, so the approval trail is the same whichever way the change came in
    (docs/method.md §7). Two rules of the API's own on top: a proposal goes back to draft only
    by being returned with a comment or withdrawn by its author (``/return``, ``/reopen``),
    never silently; and proposing, from any state, is ``objective_propose``'s, which says why
    only a draft is proposed."""
    current = objective.state
    S = Objective.State
    if state == S.DRAFT and current == S.PROPOSED:
        raise ValidationError(
            {
                "state": "To send a proposed objective back, use POST "
                f"/api/v1/objectives/{objective.id}/return with a comment, or /reopen to "
                "withdraw your own proposal."
            }
        )
    if state == S.PROPOSED and current != S.PROPOSED:
        return objective_propose(actor=actor, objective=objective)
    return okr_services.objective_set_state(
        actor=actor, objective=objective, state=state, reason=reason
    )


@transaction.atomic
def objective_edit(
    *,
    actor: Person,
    objective: Objective,
    state: str | None = None,
    reason: str | None = None,
    **changes,
) -> Objective:
    """Change any of an objective's fields (``okrs.services.objective_update``) and its state
    (``objective_state_change``) at once, all or nothing. A reason goes with abandoning only."""
    if reason is not None and state != Objective.State.ABANDONED:
        raise ValidationError({"reason": 'A reason goes with "state": "abandoned".'})
    if changes:
        objective = okr_services.objective_update(actor=actor, objective=objective, **changes)
    if state is not None:
        objective = objective_state_change(
            actor=actor, objective=objective, state=state, reason=reason or ""
        )
    return objective
