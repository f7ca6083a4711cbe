from django.http import Http404, HttpRequest
from ninja import Router, Status

from cadence.api.auth import actor
from cadence.api.common import body_object, key_result_with_progress, organization, require_editor
from cadence.api.errors import fields_renamed
from cadence.api.schemas import (
    ERRORS,
    CheckInIn,
    CheckInOut,
    DataSourceIn,
    DataSourceOut,
    KeyResultDetailOut,
    KeyResultPatch,
)
from cadence.integrations import selectors as source_selectors
from cadence.integrations import sources
from cadence.integrations.models import DataSource
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
    return key_result_with_progress(
        request, key_result_get(organization(request), key_result_id, viewer=actor(request))
    )


@router.patch("/key-results/{key_result_id}", response={200: KeyResultDetailOut, **ERRORS})
def key_result_update(
    request: HttpRequest, key_result_id: str, payload: KeyResultPatch
) -> KeyResult:
    """Change any field; null resets unit, direction, commitment, weight (1) and owner. Once the
    objective is approved, a change of start or target needs a ``reason`` (kept in the target
    history, as ``POST /key-results/{id}/target`` keeps it)."""
    kr = key_result_get(organization(request), key_result_id, viewer=actor(request))
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
        require_editor(request, kr.objective)
        return key_result_with_progress(request, kr)
    with fields_renamed(KEY_RESULT_FIELDS):
        services.key_result_update(
            actor=actor(request), key_result=kr, reason=reason or "", **changes
        )
    return key_result_with_progress(request, kr)


@router.delete("/key-results/{key_result_id}", response={204: None, **ERRORS})
def key_result_delete(request: HttpRequest, key_result_id: str) -> Status:
    kr = key_result_get(organization(request), key_result_id, viewer=actor(request))
    services.key_result_delete(actor=actor(request), key_result=kr)
    return Status(204, None)


@router.get("/key-results/{key_result_id}/check-ins", response={200: list[CheckInOut], **ERRORS})
def check_in_list(request: HttpRequest, key_result_id: str) -> list[CheckIn]:
    """The key result's check-ins, oldest first (append-only history)."""
    return list(
        check_ins_of(key_result_get(organization(request), key_result_id, viewer=actor(request)))
    )


@router.post("/key-results/{key_result_id}/check-ins", response={201: KeyResultDetailOut, **ERRORS})
def check_in_create(request: HttpRequest, key_result_id: str, payload: CheckInIn) -> Status:
    """Record a check-in. Answers with the updated key result: its current value, progress and
    pace, and its objective's rolled-up progress. A milestone takes 1 (done) or 0."""
    kr = key_result_get(organization(request), key_result_id, viewer=actor(request))
    services.check_in_create(actor=actor(request), key_result=kr, **payload.model_dump())
    return Status(201, key_result_with_progress(request, kr))


# Data sources (README, "Key results from a data source") ------------------------------------


@router.get("/key-results/{key_result_id}/source", response={200: DataSourceOut, **ERRORS})
def data_source_detail(request: HttpRequest, key_result_id: str) -> DataSource:
    """The key result's data source (404 when it has none)."""
    kr = key_result_get(organization(request), key_result_id, viewer=actor(request))
    source = source_selectors.data_source_of(kr)
    if source is None:
        raise Http404("This key result has no data source.")
    return source


@router.put("/key-results/{key_result_id}/source", response={200: DataSourceOut, **ERRORS})
def data_source_put(request: HttpRequest, key_result_id: str, payload: DataSourceIn) -> DataSource:
    """Set the key result's data source (those who may check in on it). The worker syncs it
    daily at the organization's hour; each new value becomes a check-in from the source, made
    with the rights of the person who set it. Nothing is fetched during this request."""
    kr = key_result_get(organization(request), key_result_id, viewer=actor(request))
    return sources.data_source_set(actor=actor(request), key_result=kr, **payload.model_dump())


@router.delete("/key-results/{key_result_id}/source", response={204: None, **ERRORS})
def data_source_delete(request: HttpRequest, key_result_id: str) -> Status:
    """Remove the key result's data source (its check-ins stay)."""
    kr = key_result_get(organization(request), key_result_id, viewer=actor(request))
    sources.data_source_delete(actor=actor(request), key_result=kr)
    return Status(204, None)


@router.post(
    "/key-results/{key_result_id}/source/sync", response={202: KeyResultDetailOut, **ERRORS}
)
def data_source_sync(request: HttpRequest, key_result_id: str) -> Status:
    """Queue a sync of the key result's data source: the worker runs it at its next turn (a new
    value becomes a check-in). Answers with the key result, its `data_source.pending` showing
    the queued sync. 409 without a source, or when it is switched off."""
    kr = key_result_get(organization(request), key_result_id, viewer=actor(request))
    sources.data_source_request(actor=actor(request), key_result=kr, what="sync")
    return Status(202, key_result_with_progress(request, kr))


@router.post("/key-results/{key_result_id}/source/test", response={202: DataSourceOut, **ERRORS})
def data_source_test(request: HttpRequest, key_result_id: str) -> Status:
    """Queue a test of the key result's data source: the worker fetches it at its next turn and
    keeps what it found in `test_result`, recording nothing. Answers the source (`pending` is
    `test`, unless a sync waits, which covers it). 409 without a source."""
    kr = key_result_get(organization(request), key_result_id, viewer=actor(request))
    return Status(
        202, sources.data_source_request(actor=actor(request), key_result=kr, what="test")
    )
