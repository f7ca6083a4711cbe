"""Alignment writes: propose → approve (or return) an objective, and sideways dependencies.

Every step of the approval conversation appends an ApprovalEvent. The objective's state moves
through ``okrs.services.objective_set_state`` (the one state machine), after the checks here.
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cadence.alignment.models import ApprovalEvent, Dependency
from cadence.alignment.selectors import DEPENDENCY_TRANSITIONS, can_approve
from cadence.core import emails
from cadence.okrs import services as okr_services
from cadence.okrs.models import Objective
from cadence.orgs.models import Person, Unit
from cadence.orgs.selectors import Access

logger = logging.getLogger(__name__)
MAX_COMMENT = 2000
MAX_NOTE = 1000


def _clean(text: str, field: str, limit: int) -> str:
    text = (text or "").strip()
    if len(text) > limit:
        raise ValidationError({field: f"Keep it under {limit} characters."})
    return text


def _locked(objective: Objective) -> Objective:
    return (
        Objective.objects.select_for_update(of=("self",))
        .select_related("unit", "cycle", "parent", "parent__owner", "parent__unit")
        .get(pk=objective.pk)
    )


def _require_member(actor: Person, organization_id) -> None:
    if actor.organization_id != organization_id or not actor.is_active:
        raise PermissionDenied("You are not part of this organization.")


def _require_approver(actor: Person, objective: Objective) -> None:
    _require_member(actor, objective.organization_id)
    if not can_approve(Access(actor), objective):
        raise PermissionDenied(
            "Only the owner of the objective it aligns to (or, without one, a lead above the "
            "team) and organization admins approve or return objectives."
        )


def _event(actor: Person, objective: Objective, action: str, comment: str) -> ApprovalEvent:
    return ApprovalEvent.objects.create(
        organization_id=objective.organization_id,
        objective=objective,
        actor=actor,
        action=action,
        comment=comment,
        parent_id=objective.parent_id,
    )


# Propose → approve ---------------------------------------------------------------------------


@transaction.atomic
def objective_propose(*, actor: Person, objective: Objective, comment: str = "") -> Objective:
    """The team proposes its draft: it must align to a higher objective or say why it stands
    alone (team objectives), and have a key result (below company level)."""
    objective = _locked(objective)
    _require_member(actor, objective.organization_id)
    if actor.is_viewer or not Access(actor).can_edit_unit(objective.unit):
        raise PermissionDenied(
            f"Only members of {objective.unit.name}, its leads and admins propose its objectives."
        )
    comment = _clean(comment, "comment", MAX_COMMENT)
    if objective.state != Objective.State.DRAFT:
        raise ValidationError(
            {"state": f"Only a draft can be proposed; this one is {objective.get_state_display()}."}
        )
    errors = {}
    if (
        objective.unit.kind == Unit.Kind.TEAM
        and not objective.parent_id
        and not objective.standalone_reason.strip()
    ):
        errors["parent"] = (
            "Align it to a higher objective, or say why it stands alone, before proposing it."
        )
    if objective.unit.kind != Unit.Kind.COMPANY and not objective.key_results.exists():
        errors["key_results"] = "Add at least one key result before proposing it."
    if errors:
        raise ValidationError(errors)
    objective = okr_services.objective_set_state(
        actor=actor, objective=objective, state=Objective.State.PROPOSED
    )
    _event(actor, objective, ApprovalEvent.Action.PROPOSED, comment)
    return objective


@transaction.atomic
def objective_approve(
    *, actor: Person, objective: Objective, comment: str = "", notify: bool = True
) -> Objective:
    """An approver approves a proposed objective (or a draft directly). The objective's owner
    and author get an email (unless ``notify`` is False, as for the demo's history)."""
    objective = _locked(objective)
    _require_approver(actor, objective)
    comment = _clean(comment, "comment", MAX_COMMENT)
    if objective.state not in (Objective.State.DRAFT, Objective.State.PROPOSED):
        raise ValidationError(
            {
                "state": f"Only a proposed objective can be approved; this one is "
                f"{objective.get_state_display().lower()}."
            }
        )
    objective = okr_services.objective_set_state(
        actor=actor, objective=objective, state=Objective.State.APPROVED
    )
    event = _event(actor, objective, ApprovalEvent.Action.APPROVED, comment)
    if notify:
        transaction.on_commit(lambda: review_emails_send(event_id=event.pk))
    return objective


@transaction.atomic
def objective_return(
    *, actor: Person, objective: Objective, comment: str, notify: bool = True
) -> Objective:
    """An approver sends a proposed objective back to draft, saying what to change; the owner
    and author get an email (unless ``notify`` is False)."""
    objective = _locked(objective)
    _require_approver(actor, objective)
    comment = _clean(comment, "comment", MAX_COMMENT)
    if not comment:
        raise ValidationError(
            {"comment": "Say what the team should change before proposing again."}
        )
    if objective.state != Objective.State.PROPOSED:
        raise ValidationError(
            {
                "state": f"Only a proposed objective can be returned; this one is "
                f"{objective.get_state_display().lower()}."
            }
        )
    objective = okr_services.objective_set_state(
        actor=actor, objective=objective, state=Objective.State.DRAFT
    )
    event = _event(actor, objective, ApprovalEvent.Action.RETURNED, comment)
    if notify:
        transaction.on_commit(lambda: review_emails_send(event_id=event.pk))
    return objective


@transaction.atomic
def objective_reopen(*, actor: Person, objective: Objective, comment: str = "") -> Objective:
    """The team takes a proposed (withdraw) or approved objective back to draft to rework it."""
    objective = _locked(objective)
    _require_member(actor, objective.organization_id)
    if actor.is_viewer or not Access(actor).can_edit_unit(objective.unit):
        raise PermissionDenied(
            f"Only members of {objective.unit.name}, its leads and admins reopen its objectives."
        )
    comment = _clean(comment, "comment", MAX_COMMENT)
    if objective.state not in (Objective.State.PROPOSED, Objective.State.APPROVED):
        raise ValidationError(
            {"state": "Only a proposed or approved objective can go back to draft."}
        )
    objective = okr_services.objective_set_state(
        actor=actor, objective=objective, state=Objective.State.DRAFT
    )
    _event(actor, objective, ApprovalEvent.Action.REOPENED, comment)
    return objective


def review_emails_send(*, event_id) -> int:
    """Tell the objective's owner and its author (not the approver) that it was approved or
    returned; returns how many emails went out. A mail server's refusal is logged: the trail on
    the objective page stands either way."""
    event = (
        ApprovalEvent.objects.select_related(
            "actor", "objective", "objective__unit", "objective__owner", "objective__created_by"
        )
        .filter(pk=event_id)
        .first()
    )
    if event is None:
        return 0
    objective = event.objective
    people = {p.pk: p for p in (objective.owner, objective.created_by) if p is not None}
    sent = 0
    for person in people.values():
        if person.pk == event.actor_id or not person.is_active or not person.email:
            continue
        context = {
            "person": person,
            "actor": event.actor,
            "objective": objective,
            "comment": event.comment,
            "approved": event.action == ApprovalEvent.Action.APPROVED,
            "objective_url": emails.absolute_url(reverse("objective_detail", args=[objective.pk])),
        }
        try:
            emails.send("objective_reviewed", to=person.email, context=context)
        except Exception:
            logger.exception("Could not email the review of objective %s", objective.pk)
            continue
        sent += 1
    return sent


# Dependencies --------------------------------------------------------------------------------


def _require_editor(actor: Person, unit: Unit, what: str) -> None:
    _require_member(actor, unit.organization_id)
    if actor.is_viewer or not Access(actor).can_edit_unit(unit):
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
    _require_editor(actor, objective.unit, "record what its objectives need")
    if objective.cycle.closed_at:
        raise ValidationError(f"{objective.cycle.name} is closed: its OKRs can no longer change.")
    if objective.state == Objective.State.ABANDONED:
        raise ValidationError("This objective was abandoned: it needs nothing any more.")
    description = _clean(description, "description", MAX_NOTE)
    errors = {}
    if not description:
        errors["description"] = "Say what you need from them."
    if provider.organization_id != objective.organization_id:
        errors["provider"] = "Choose a unit of this organization."
    elif provider.pk == objective.unit_id:
        errors["provider"] = "Choose another unit: a team does not depend on itself."
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
        raise ValidationError({"state": f"It is already {dependency.get_state_display().lower()}."})
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
    access = Access(actor)
    if actor.is_viewer or not (
        access.can_edit_unit(dependency.objective.unit) or access.can_edit_unit(dependency.provider)
    ):
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
        raise ValidationError({"state": message})
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
