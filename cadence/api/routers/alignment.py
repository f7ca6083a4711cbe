"""/api/v1: propose, approve and return objectives; dependencies; alignment health."""

from datetime import datetime
from typing import Literal
from uuid import UUID

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from cadence.alignment import selectors, services
from cadence.alignment.models import ApprovalEvent, Dependency
from cadence.alignment.services import MAX_COMMENT, MAX_NOTE
from cadence.api.auth import actor
from cadence.api.common import body_object, organization, with_progress
from cadence.api.errors import fields_renamed
from cadence.api.schemas import ERRORS, Input, LongText, ObjectiveOut, text
from cadence.okrs.models import Objective
from cadence.okrs.selectors import cycle_get, objective_get
from cadence.orgs.selectors import unit_get

router = Router(tags=["alignment"])

DependencyState = Literal[tuple(Dependency.State.values)]
Note = text(MAX_NOTE)
Description = text(MAX_NOTE, min_chars=1)
ReturnComment = text(MAX_COMMENT, min_chars=1)
DEPENDENCY_FIELDS = {
    "objective": "objective_id",
    "provider": "provider_id",
    "provider_objective": "provider_objective_id",
}


class ApprovalCommentIn(Input):
    """A step of the approval conversation, with an optional comment."""

    comment: LongText = Field("", description="Kept in the objective's approval trail.")


class ReturnIn(Input):
    """Sending a proposed objective back: the comment tells the team what to change."""

    comment: ReturnComment = Field(
        description="What the team should change before proposing again."
    )


class ApprovalEventOut(Schema):
    id: UUID
    action: Literal[tuple(ApprovalEvent.Action.values)]
    comment: str
    actor_id: UUID | None
    actor_name: str | None
    parent_id: UUID | None = Field(description="What the objective aligned to at that moment.")
    own_proposal: bool = Field(
        description="An approval by the person who proposed it (organization admins only)."
    )
    at: datetime

    @staticmethod
    def resolve_actor_name(obj: ApprovalEvent) -> str | None:
        return obj.actor.name if obj.actor_id else None

    @staticmethod
    def resolve_at(obj: ApprovalEvent) -> datetime:
        return obj.created_at


class UnalignedOut(Schema):
    id: UUID
    title: str
    unit: str

    @staticmethod
    def resolve_unit(obj: Objective) -> str:
        return obj.unit.name


class HealthOut(Schema):
    share: float | None = Field(
        description="Team objectives aligned or standing alone with a reason, 0..1 (null: none)."
    )
    aligned: int
    total: int
    unaligned: list[UnalignedOut]


class DependencyIn(Input):
    objective_id: UUID = Field(description="The objective that needs something.")
    provider_id: UUID = Field(description="The unit asked for it (not the objective's own).")
    description: Description
    provider_objective_id: UUID | None = Field(
        None, description="The provider's objective that covers it, if known."
    )


class AcknowledgeIn(Input):
    note: Note = ""
    provider_objective_id: UUID | None = None


class DependencyPatch(Input):
    state: DependencyState = Field(
        description="acknowledged ⇄ at_risk ⇄ done; requested → acknowledged only by /acknowledge."
    )
    note: Note = ""


class DependencyOut(Schema):
    id: UUID
    objective_id: UUID
    provider_id: UUID
    provider_objective_id: UUID | None
    description: str
    state: DependencyState
    note: str
    requested_by_id: UUID | None
    acknowledged_by_id: UUID | None
    acknowledged_at: datetime | None
    created_at: datetime


# Propose → approve ---------------------------------------------------------------------------


def _review(
    request: HttpRequest, objective_id: str, service, payload: ApprovalCommentIn | ReturnIn
) -> Objective:
    objective = objective_get(organization(request), objective_id, viewer=actor(request))
    objective = service(actor=actor(request), objective=objective, comment=payload.comment)
    return with_progress(request, objective)


@router.post("/objectives/{objective_id}/propose", response={200: ObjectiveOut, **ERRORS})
def objective_propose(
    request: HttpRequest, objective_id: str, payload: ApprovalCommentIn
) -> Objective:
    """The team proposes its draft for approval. A team objective must align to a higher one or
    have a standalone_reason; below company level it needs a key result."""
    return _review(request, objective_id, services.objective_propose, payload)


@router.post("/objectives/{objective_id}/approve", response={200: ObjectiveOut, **ERRORS})
def objective_approve(
    request: HttpRequest, objective_id: str, payload: ApprovalCommentIn
) -> Objective:
    """Approve a proposed objective that still passes the checks of proposing: the parent
    objective's owner (else a lead of its unit; for a standalone objective a lead of the unit
    above), or an admin. Nobody approves their own proposal, except an admin (the trail's
    ``own_proposal`` says so)."""
    return _review(request, objective_id, services.objective_approve, payload)


@router.post("/objectives/{objective_id}/return", response={200: ObjectiveOut, **ERRORS})
def objective_return(request: HttpRequest, objective_id: str, payload: ReturnIn) -> Objective:
    """Send a proposed objective back to draft; the comment (required) tells the team why."""
    return _review(request, objective_id, services.objective_return, payload)


@router.post("/objectives/{objective_id}/reopen", response={200: ObjectiveOut, **ERRORS})
def objective_reopen(
    request: HttpRequest, objective_id: str, payload: ApprovalCommentIn
) -> Objective:
    """The team takes a proposed or approved objective back to draft."""
    return _review(request, objective_id, services.objective_reopen, payload)


@router.get(
    "/objectives/{objective_id}/approvals", response={200: list[ApprovalEventOut], **ERRORS}
)
def objective_approvals(request: HttpRequest, objective_id: str) -> list[ApprovalEvent]:
    """The objective's approval trail, oldest first."""
    return list(
        selectors.approval_events_of(
            objective_get(organization(request), objective_id, viewer=actor(request))
        )
    )


@router.get("/approvals", response={200: list[ObjectiveOut], **ERRORS})
def approvals_waiting(request: HttpRequest) -> list[Objective]:
    """Proposed objectives waiting for the caller's approval."""
    return [with_progress(request, o) for o in selectors.approvals_waiting(actor(request))]


@router.get("/cycles/{cycle_id}/alignment", response={200: HealthOut, **ERRORS})
def cycle_alignment(request: HttpRequest, cycle_id: str) -> selectors.AlignmentHealth:
    """Alignment health: the share of the cycle's team objectives (not abandoned) aligned to a
    higher objective or standing alone with a stated reason, naming the others."""
    org = organization(request)
    return selectors.alignment_health(org, cycle_get(org, cycle_id), viewer=actor(request))


# Dependencies --------------------------------------------------------------------------------


@router.get("/dependencies", response={200: list[DependencyOut], **ERRORS})
def dependency_list(request: HttpRequest, cycle_id: str | None = None) -> list[Dependency]:
    """Dependencies between teams, optionally of one cycle's objectives."""
    org = organization(request)
    cycle = cycle_get(org, cycle_id) if cycle_id else None
    return list(selectors.dependencies_of(org, viewer=actor(request), cycle=cycle))


@router.post("/dependencies", response={201: DependencyOut, **ERRORS})
def dependency_create(request: HttpRequest, payload: DependencyIn) -> Status:
    """The objective's team asks another unit for something (state: requested)."""
    with fields_renamed(DEPENDENCY_FIELDS):
        dependency = services.dependency_create(
            actor=actor(request),
            objective=body_object(request, "objective_id", objective_get, payload.objective_id),
            provider=body_object(request, "provider_id", unit_get, payload.provider_id),
            description=payload.description,
            provider_objective=body_object(
                request, "provider_objective_id", objective_get, payload.provider_objective_id
            ),
        )
    return Status(201, dependency)


@router.post("/dependencies/{dependency_id}/acknowledge", response={200: DependencyOut, **ERRORS})
def dependency_acknowledge(
    request: HttpRequest, dependency_id: str, payload: AcknowledgeIn
) -> Dependency:
    """The unit asked acknowledges the request (requested → acknowledged)."""
    dependency = selectors.dependency_get(
        organization(request), dependency_id, viewer=actor(request)
    )
    with fields_renamed(DEPENDENCY_FIELDS):
        return services.dependency_acknowledge(
            actor=actor(request),
            dependency=dependency,
            note=payload.note,
            provider_objective=body_object(
                request, "provider_objective_id", objective_get, payload.provider_objective_id
            ),
        )


@router.patch("/dependencies/{dependency_id}", response={200: DependencyOut, **ERRORS})
def dependency_update(
    request: HttpRequest, dependency_id: str, payload: DependencyPatch
) -> Dependency:
    """Either side moves an acknowledged dependency: acknowledged, at_risk, done."""
    dependency = selectors.dependency_get(
        organization(request), dependency_id, viewer=actor(request)
    )
    return services.dependency_set_state(
        actor=actor(request), dependency=dependency, state=payload.state, note=payload.note
    )


@router.delete("/dependencies/{dependency_id}", response={204: None, **ERRORS})
def dependency_delete(request: HttpRequest, dependency_id: str) -> Status:
    """The asking side withdraws the dependency."""
    dependency = selectors.dependency_get(
        organization(request), dependency_id, viewer=actor(request)
    )
    services.dependency_delete(actor=actor(request), dependency=dependency)
    return Status(204, None)
