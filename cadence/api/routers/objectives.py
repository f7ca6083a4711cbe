from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status

from cadence.alignment import services as alignment_services
from cadence.api.auth import actor
from cadence.api.common import (
    body_object,
    key_result_with_progress,
    organization,
    require_editor,
    with_progress,
)
from cadence.api.errors import fields_renamed
from cadence.api.schemas import (
    ERRORS,
    KeyResultDetailOut,
    KeyResultIn,
    KeyResultOut,
    ObjectiveIn,
    ObjectiveOut,
    ObjectivePatch,
)
from cadence.core.limits import MAX_INT
from cadence.okrs import services
from cadence.okrs.models import KeyResult, Objective
from cadence.okrs.selectors import cycle_for_request, cycle_get, objective_get, objectives_page
from cadence.orgs.selectors import person_get, unit_get

router = Router(tags=["objectives"])

# Service field names → the API's.
OBJECTIVE_FIELDS = {
    "cycle": "cycle_id",
    "unit": "unit_id",
    "parent": "parent_id",
    "owner": "owner_id",
    "owner_person": "owner_person_id",
    "abandon_reason": "reason",
}
KEY_RESULT_FIELDS = {"owner": "owner_id"}


OBJECTIVES_PAGE = 30  # the first page holds a team-sized list, as GitHub's API does
MAX_OBJECTIVES_PAGE = 500


@router.get("/objectives", response={200: list[ObjectiveOut], **ERRORS})
def objective_list(
    request: HttpRequest,
    response: HttpResponse,
    cycle_id: str | None = None,
    unit_id: str | None = None,
    owner_person_id: str | None = None,
    offset: int = Query(0, ge=0, le=MAX_INT),
    limit: int = Query(OBJECTIVES_PAGE, ge=1, le=MAX_OBJECTIVES_PAGE),
) -> list[Objective]:
    """The objectives of a cycle (default: the current one), optionally of one unit, each with
    its rolled-up progress, pace and key results, a page at a time (``offset``, ``limit``; in
    unit-name order). ``X-Total-Count`` says how many there are; ``Link`` names the next page.
    A fixed number of queries, however many. ``owner_person_id`` lists that person's personal
    objectives instead (those the caller may see: their own, as a lead their people's, as an
    admin anyone's, and those shared with the organization)."""
    org = organization(request)
    unit = unit_get(org, unit_id) if unit_id else None
    person = person_get(org, owner_person_id) if owner_person_id else None
    cycle = cycle_for_request(org, cycle_id)
    if cycle is None:
        response["X-Total-Count"] = "0"
        return []
    objectives, total = objectives_page(
        org, cycle, viewer=actor(request), unit=unit, person=person, offset=offset, limit=limit
    )
    response["X-Total-Count"] = str(total)
    if offset + limit < total:
        query = request.GET.copy()
        query["offset"] = str(offset + limit)
        query["limit"] = str(limit)
        response["Link"] = (
            f'<{request.build_absolute_uri(request.path)}?{query.urlencode()}>; rel="next"'
        )
    return objectives


@router.post("/objectives", response={201: ObjectiveOut, **ERRORS})
def objective_create(request: HttpRequest, payload: ObjectiveIn) -> Status:
    """Create an objective, as a draft by default. ``state: "proposed"`` must pass the checks of
    proposing (below company level it needs key results, so a new one starts as a draft);
    ``state: "approved"`` is for organization admins only (the trail records it as their own)."""
    data = payload.model_dump()
    if data["owner_person_id"] is not None or data["unit_id"] is None:
        if "visibility" not in payload.model_fields_set:
            data["visibility"] = Objective.Visibility.UNIT  # private unless shared
        return Status(201, with_progress(request, _personal_create(request, data)))
    if data["counts_in_parent"]:
        raise ValidationError(
            {"counts_in_parent": "Only a personal objective chooses whether it counts."}
        )
    with fields_renamed(OBJECTIVE_FIELDS):
        objective = services.objective_create(
            actor=actor(request),
            cycle=body_object(request, "cycle_id", cycle_get, data["cycle_id"]),
            unit=body_object(request, "unit_id", unit_get, data["unit_id"]),
            parent=body_object(request, "parent_id", objective_get, data["parent_id"]),
            owner=body_object(request, "owner_id", person_get, data["owner_id"]),
            title=data["title"],
            why=data["why"],
            commitment=data["commitment"],
            state=data["state"],
            standalone_reason=data["standalone_reason"],
            visibility=data["visibility"],
        )
    return Status(201, with_progress(request, objective))


def _personal_create(request: HttpRequest, data: dict) -> Objective:
    """A personal objective: its owner is the caller (owner_person_id names them), no unit."""
    person = actor(request)
    errors = {}
    if data["unit_id"] is not None:
        errors["unit_id"] = "Give unit_id or owner_person_id, not both."
    elif data["owner_person_id"] is None:
        errors["unit_id"] = "Give unit_id, or owner_person_id for a personal objective."
    elif data["owner_person_id"] != person.pk:
        errors["owner_person_id"] = "You start personal objectives for yourself only."
    if data["state"] != Objective.State.DRAFT:
        errors["state"] = "A personal objective needs no approval: leave state out."
    if data["owner_id"] is not None:
        errors["owner_id"] = "A personal objective's owner is owner_person_id."
    if data["standalone_reason"]:
        errors["standalone_reason"] = "A personal objective needs no reason to stand alone."
    if errors:
        raise ValidationError(errors)
    with fields_renamed(OBJECTIVE_FIELDS):
        return services.personal_objective_create(
            actor=person,
            cycle=body_object(request, "cycle_id", cycle_get, data["cycle_id"]),
            parent=body_object(request, "parent_id", objective_get, data["parent_id"]),
            title=data["title"],
            why=data["why"],
            commitment=data["commitment"],
            counts_in_parent=data["counts_in_parent"],
            visibility=data["visibility"],
        )


@router.get("/objectives/{objective_id}", response={200: ObjectiveOut, **ERRORS})
def objective_detail(request: HttpRequest, objective_id: str) -> Objective:
    return with_progress(
        request, objective_get(organization(request), objective_id, viewer=actor(request))
    )


@router.patch("/objectives/{objective_id}", response={200: ObjectiveOut, **ERRORS})
def objective_update(request: HttpRequest, objective_id: str, payload: ObjectivePatch) -> Objective:
    """Change any of title, why, commitment, parent_id, owner_id, unit_id, and the state.
    ``{"state": "abandoned", "reason": "…"}`` needs the reason. All or nothing."""
    objective = objective_get(organization(request), objective_id, viewer=actor(request))
    data = payload.model_dump(exclude_unset=True)
    state = data.pop("state", None)
    reason = data.pop("reason", None)
    if reason is not None and state != Objective.State.ABANDONED:
        # Refused (by the service) before any id in the body is looked up.
        return _edit(request, objective, state=state, reason=reason)
    lookups = {"parent_id": objective_get, "owner_id": person_get, "unit_id": unit_get}
    changes = {}
    for field, value in data.items():
        if field in lookups:
            changes[field.removesuffix("_id")] = body_object(request, field, lookups[field], value)
        else:
            changes[field] = value if value is not None else ""
    if not changes and state is None:
        require_editor(request, objective)
        return with_progress(request, objective)
    return _edit(request, objective, state=state, reason=reason, **changes)


def _edit(request: HttpRequest, objective: Objective, **changes) -> Objective:
    with fields_renamed(OBJECTIVE_FIELDS):
        objective = alignment_services.objective_edit(
            actor=actor(request), objective=objective, **changes
        )
    return with_progress(request, objective)


@router.delete("/objectives/{objective_id}", response={204: None, **ERRORS})
def objective_delete(request: HttpRequest, objective_id: str) -> Status:
    """Delete an objective with its key results and check-ins; objectives aligned to it stay,
    unaligned. (Abandoning keeps the history.)"""
    objective = objective_get(organization(request), objective_id, viewer=actor(request))
    services.objective_delete(actor=actor(request), objective=objective)
    return Status(204, None)


@router.get("/objectives/{objective_id}/key-results", response={200: list[KeyResultOut], **ERRORS})
def objective_key_results(request: HttpRequest, objective_id: str) -> list[KeyResult]:
    return list(
        with_progress(
            request, objective_get(organization(request), objective_id, viewer=actor(request))
        ).krs
    )


@router.post("/objectives/{objective_id}/key-results", response={201: KeyResultDetailOut, **ERRORS})
def key_result_create(request: HttpRequest, objective_id: str, payload: KeyResultIn) -> Status:
    objective = objective_get(organization(request), objective_id, viewer=actor(request))
    data = payload.model_dump()
    owner = body_object(request, "owner_id", person_get, data.pop("owner_id"))
    with fields_renamed(KEY_RESULT_FIELDS):
        kr = services.key_result_create(
            actor=actor(request),
            objective=objective,
            owner=owner,
            title=data["title"],
            kind=data["kind"],
            start=data["start"],
            target=data["target"],
            unit=data["unit"],
            direction=data["direction"] or "",
            weight=data["weight"],
            commitment=data["commitment"] or "",
        )
    return Status(201, key_result_with_progress(request, kr))
