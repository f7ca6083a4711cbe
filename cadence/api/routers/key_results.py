from django.http import HttpRequest
from ninja import Router, Status

from cadence.api.auth import actor
from cadence.api.common import body_object, key_result_with_progress, organization, require_editor
from cadence.api.errors import fields_renamed
from cadence.api.schemas import (
    ERRORS,
    CheckInIn,
    CheckInOut,
    KeyResultDetailOut,
    KeyResultPatch,
)
from cadence.okrs import services
from cadence.okrs.models import CheckIn, KeyResult
from cadence.okrs.selectors import check_ins_of, key_result_get
from cadence.orgs.selectors import person_get

router = Router(tags=["key results"])

KEY_RESULT_FIELDS = {"owner": "owner_id"}
# Fields whose null means "back to the default".
BLANK_WHEN_NULL = {"unit": "", "direction": "", "commitment": ""}


@router.get("/key-results/{key_result_id}", response={200: KeyResultDetailOut, **ERRORS})
def key_result_detail(request: HttpRequest, key_result_id: str) -> KeyResult:
    return key_result_with_progress(request, key_result_get(organization(request), key_result_id))


@router.patch("/key-results/{key_result_id}", response={200: KeyResultDetailOut, **ERRORS})
def key_result_update(
    request: HttpRequest, key_result_id: str, payload: KeyResultPatch
) -> KeyResult:
    """Change any field; null resets unit, direction, commitment, weight (1) and owner. Once the
    objective is approved, a change of start or target needs a ``reason`` (kept in the target
    history, as ``POST /key-results/{id}/target`` keeps it)."""
    kr = key_result_get(organization(request), key_result_id)
    data = payload.model_dump(exclude_unset=True)
    reason = data.pop("reason", None)
    changes = {}
    for field, value in data.items():
        if field == "owner_id":
            changes["owner"] = body_object(request, field, person_get, value)
        elif value is None and field in BLANK_WHEN_NULL:
            changes[field] = BLANK_WHEN_NULL[field]
        else:
            changes[field] = value
    if not changes and reason is None:
        require_editor(request, kr.objective.unit)
        return key_result_with_progress(request, kr)
    with fields_renamed(KEY_RESULT_FIELDS):
        services.key_result_update(
            actor=actor(request), key_result=kr, reason=reason or "", **changes
        )
    return key_result_with_progress(request, kr)


@router.delete("/key-results/{key_result_id}", response={204: None, **ERRORS})
def key_result_delete(request: HttpRequest, key_result_id: str) -> Status:
    kr = key_result_get(organization(request), key_result_id)
    services.key_result_delete(actor=actor(request), key_result=kr)
    return Status(204, None)


@router.get("/key-results/{key_result_id}/check-ins", response={200: list[CheckInOut], **ERRORS})
def check_in_list(request: HttpRequest, key_result_id: str) -> list[CheckIn]:
    """The key result's check-ins, oldest first (append-only history)."""
    return list(check_ins_of(key_result_get(organization(request), key_result_id)))


@router.post("/key-results/{key_result_id}/check-ins", response={201: KeyResultDetailOut, **ERRORS})
def check_in_create(request: HttpRequest, key_result_id: str, payload: CheckInIn) -> Status:
    """Record a check-in. Answers with the updated key result: its current value, progress and
    pace, and its objective's rolled-up progress. A milestone takes 1 (done) or 0."""
    kr = key_result_get(organization(request), key_result_id)
    services.check_in_create(actor=actor(request), key_result=kr, **payload.model_dump())
    return Status(201, key_result_with_progress(request, kr))
