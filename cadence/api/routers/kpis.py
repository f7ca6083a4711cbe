"""KPIs (docs/method.md §6): a unit's health metrics with a healthy band, and their values. The
answer to a new value is the KPI with its ``status``; a value that takes it out of its band
tells the owner unit's leads once (by email), as on the KPI's page."""

from datetime import date, datetime
from typing import Literal
from uuid import UUID

from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status

from cadence.api.auth import actor
from cadence.api.common import body_object, organization
from cadence.api.errors import fields_renamed
from cadence.api.schemas import (
    ERRORS,
    DataSourceIn,
    DataSourceOut,
    Day,
    Input,
    MeasureUnit,
    Number,
    omittable,
    text,
)
from cadence.core.limits import MAX_INT, MAX_NAME
from cadence.integrations import selectors as source_selectors
from cadence.integrations import sources
from cadence.integrations.models import DataSource
from cadence.kpis import selectors, services
from cadence.kpis.models import Kpi, KpiValue
from cadence.orgs.selectors import unit_get

router = Router(tags=["kpis"])

KPIS_PAGE = 50
MAX_KPIS_PAGE = 500
VALUES_PAGE = 100
MAX_VALUES_PAGE = 1000

# Service field names → the API's.
KPI_FIELDS = {"band_min": "band.min", "band_max": "band.max", "unit": "unit_id"}

Frequency = Literal[tuple(Kpi.Frequency.values)]  # type: ignore[valid-type]
Status_ = Literal["healthy", "unhealthy", ""]


class BandIn(Input):
    min: Number | None = Field(None, description="Healthy at or above (bounds included).")
    max: Number | None = Field(None, description="Healthy at or below.")


class KpiIn(Input):
    name: text(MAX_NAME, min_chars=1)
    unit_id: UUID = Field(description="The owner unit: its leads are told when it leaves its band.")
    unit_of_measure: MeasureUnit = ""
    band: BandIn = Field(description="At least one of min and max; min ≤ max.")
    frequency: Frequency = "weekly"


class KpiValueIn(Input):
    value: Number
    at: Day | None = omittable("The day it was measured (default today; never after today).")


class BandOut(Schema):
    min: float | None
    max: float | None


class KpiOut(Schema):
    id: UUID
    name: str
    unit_id: UUID
    unit_of_measure: str
    band: BandOut
    frequency: Frequency
    status: Status_ = Field(
        description="healthy or unhealthy by its latest value (latest date, then the last "
        "entered); empty while it has no value."
    )
    current_value: float | None
    current_at: date | None
    archived: bool
    recovery_objective_id: UUID | None
    created_at: datetime


class KpiValueOut(Schema):
    id: UUID
    value: float
    at: date
    entered_by_id: UUID | None = Field(description="Who entered it; null for a data source's.")
    source: str = Field(
        description="The data source that recorded it (`JSON from stats.example.com`); empty "
        "for a value a person entered."
    )
    created_at: datetime


def _out(kpi: Kpi) -> dict:
    return {
        "id": kpi.pk,
        "name": kpi.name,
        "unit_id": kpi.unit_id,
        "unit_of_measure": kpi.unit_of_measure,
        "band": {"min": kpi.band_min, "max": kpi.band_max},
        "frequency": kpi.frequency,
        "status": kpi.status,
        "current_value": kpi.current_value,
        "current_at": kpi.current_at,
        "archived": kpi.archived_at is not None,
        "recovery_objective_id": kpi.recovery_objective_id,
        "created_at": kpi.created_at,
    }


def _value_out(row: KpiValue) -> dict:
    return {
        "id": row.pk,
        "value": row.value,
        "at": row.at,
        "entered_by_id": row.entered_by_id,
        "source": row.source,
        "created_at": row.created_at,
    }


def _next_link(request: HttpRequest, response: HttpResponse, offset: int, limit: int, total: int):
    response["X-Total-Count"] = str(total)
    if offset + limit < total:
        query = request.GET.copy()
        query["offset"] = str(offset + limit)
        query["limit"] = str(limit)
        response["Link"] = (
            f'<{request.build_absolute_uri(request.path)}?{query.urlencode()}>; rel="next"'
        )


@router.get("/kpis", response={200: list[KpiOut], **ERRORS})
def kpi_list(
    request: HttpRequest,
    response: HttpResponse,
    unit_id: str | None = None,
    archived: bool = False,
    offset: int = Query(0, ge=0, le=MAX_INT),
    limit: int = Query(KPIS_PAGE, ge=1, le=MAX_KPIS_PAGE),
) -> list[dict]:
    """The organization's KPIs (or one unit's), unhealthy first, a page at a time (``offset``,
    ``limit``; ``X-Total-Count``, ``Link``). ``archived=true`` includes archived ones."""
    org = organization(request)
    unit = unit_get(org, unit_id) if unit_id else None
    rows = selectors.kpis_listed(
        org, unit_ids=[unit.id] if unit else None, include_archived=archived
    )
    total = rows.count()
    _next_link(request, response, offset, limit, total)
    return [_out(selectors.veiled(k, actor(request))) for k in rows[offset : offset + limit]]


@router.post("/kpis", response={201: KpiOut, **ERRORS})
def kpi_create(request: HttpRequest, payload: KpiIn) -> Status:
    """Create a KPI for a unit (its members, leads above it and admins; viewers never)."""
    unit = body_object(request, "unit_id", unit_get, payload.unit_id)
    with fields_renamed(KPI_FIELDS):
        kpi = services.kpi_create(
            actor=actor(request),
            unit=unit,
            name=payload.name,
            unit_of_measure=payload.unit_of_measure,
            band_min=payload.band.min,
            band_max=payload.band.max,
            frequency=payload.frequency,
        )
    return Status(201, _out(kpi))


@router.get("/kpis/{kpi_id}", response={200: KpiOut, **ERRORS})
def kpi_detail(request: HttpRequest, kpi_id: str) -> dict:
    return _out(selectors.kpi_get(organization(request), kpi_id, viewer=actor(request)))


@router.get("/kpis/{kpi_id}/values", response={200: list[KpiValueOut], **ERRORS})
def kpi_value_list(
    request: HttpRequest,
    response: HttpResponse,
    kpi_id: str,
    offset: int = Query(0, ge=0, le=MAX_INT),
    limit: int = Query(VALUES_PAGE, ge=1, le=MAX_VALUES_PAGE),
) -> list[dict]:
    """A KPI's values, oldest first (by date, then in the order entered), a page at a time."""
    kpi = selectors.kpi_get(organization(request), kpi_id, viewer=actor(request))
    rows = selectors.kpi_values(kpi)
    total = rows.count()
    _next_link(request, response, offset, limit, total)
    return [_value_out(v) for v in rows[offset : offset + limit]]


@router.post("/kpis/{kpi_id}/values", response={201: KpiOut, **ERRORS})
def kpi_value_create(request: HttpRequest, kpi_id: str, payload: KpiValueIn) -> Status:
    """Enter a value (the unit's members, leads above it and admins). Answers the KPI with its
    ``status`` by its latest value: a value dated before the latest one is kept in its history
    and leaves the status as it was."""
    kpi = selectors.kpi_get(organization(request), kpi_id, viewer=actor(request))
    row = services.kpi_value_add(actor=actor(request), kpi=kpi, value=payload.value, at=payload.at)
    return Status(201, _out(row.kpi))


# Data sources (README, "Key results from a data source"): the key results' routes, for KPIs --


@router.get("/kpis/{kpi_id}/source", response={200: DataSourceOut, **ERRORS})
def kpi_source_detail(request: HttpRequest, kpi_id: str) -> DataSource:
    """The KPI's data source (404 when it has none)."""
    kpi = selectors.kpi_get(organization(request), kpi_id, viewer=actor(request))
    source = source_selectors.kpi_data_source_of(kpi)
    if source is None:
        raise Http404("This KPI has no data source.")
    return source


@router.put("/kpis/{kpi_id}/source", response={200: DataSourceOut, **ERRORS})
def kpi_source_put(request: HttpRequest, kpi_id: str, payload: DataSourceIn) -> DataSource:
    """Set the KPI's data source (those who may enter its values; 409 when it is archived). The
    worker syncs it daily at the organization's hour; a new number, or the first of a period
    of the KPI's frequency, becomes a value from the source, entered with the rights of the
    person who set it. Nothing is fetched during this request."""
    kpi = selectors.kpi_get(organization(request), kpi_id, viewer=actor(request))
    return sources.data_source_set(actor=actor(request), kpi=kpi, **payload.model_dump())


@router.delete("/kpis/{kpi_id}/source", response={204: None, **ERRORS})
def kpi_source_delete(request: HttpRequest, kpi_id: str) -> Status:
    """Remove the KPI's data source (its values stay)."""
    kpi = selectors.kpi_get(organization(request), kpi_id, viewer=actor(request))
    sources.data_source_delete(actor=actor(request), kpi=kpi)
    return Status(204, None)


@router.post("/kpis/{kpi_id}/source/sync", response={202: DataSourceOut, **ERRORS})
def kpi_source_sync(request: HttpRequest, kpi_id: str) -> Status:
    """Queue a sync of the KPI's data source: the worker runs it at its next turn. Answers the
    source (`pending` is `sync`). 409 without a source, when it is switched off, or when the
    KPI is archived."""
    kpi = selectors.kpi_get(organization(request), kpi_id, viewer=actor(request))
    return Status(202, sources.data_source_request(actor=actor(request), kpi=kpi, what="sync"))


@router.post("/kpis/{kpi_id}/source/test", response={202: DataSourceOut, **ERRORS})
def kpi_source_test(request: HttpRequest, kpi_id: str) -> Status:
    """Queue a test of the KPI's data source: the worker fetches it at its next turn and keeps
    what it found in `test_result`, recording nothing. Answers the source (`pending` is `test`,
    unless a sync waits, which covers it). 409 without a source, or when the KPI is archived."""
    kpi = selectors.kpi_get(organization(request), kpi_id, viewer=actor(request))
    return Status(202, sources.data_source_request(actor=actor(request), kpi=kpi, what="test"))
