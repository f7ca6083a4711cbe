from django.http import HttpRequest
from ninja import Router, Status

from cadence.api.auth import actor
from cadence.api.common import organization
from cadence.api.schemas import ERRORS, CycleIn, CycleOut, CyclePatch
from cadence.okrs import services
from cadence.okrs.models import Cycle
from cadence.okrs.selectors import cycle_get, cycles_of

router = Router(tags=["cycles"])


@router.get("/cycles", response={200: list[CycleOut], **ERRORS})
def cycle_list(request: HttpRequest) -> list[Cycle]:
    """Every cycle of the organization, latest start first, with its phase today."""
    return list(cycles_of(organization(request)))


@router.post("/cycles", response={201: CycleOut, **ERRORS})
def cycle_create(request: HttpRequest, payload: CycleIn) -> Status:
    """Create a cycle (admins only). Names are unique in the organization; the cycle ends after
    it starts."""
    cycle = services.cycle_create(actor=actor(request), **payload.model_dump())
    return Status(201, cycle)


@router.get("/cycles/{cycle_id}", response={200: CycleOut, **ERRORS})
def cycle_detail(request: HttpRequest, cycle_id: str) -> Cycle:
    return cycle_get(organization(request), cycle_id)


@router.patch("/cycles/{cycle_id}", response={200: CycleOut, **ERRORS})
def cycle_update(request: HttpRequest, cycle_id: str, payload: CyclePatch) -> Cycle:
    """Rename a cycle, or change its kind or dates (admins only). What it holds must still fit:
    objectives aligned across cycles stay covered, an annual cycle holds company objectives only.
    A closed cycle keeps its kind and dates (409)."""
    cycle = cycle_get(organization(request), cycle_id)
    return services.cycle_update(
        actor=actor(request), cycle=cycle, **payload.model_dump(exclude_unset=True)
    )


@router.delete("/cycles/{cycle_id}", response={204: None, **ERRORS})
def cycle_delete(request: HttpRequest, cycle_id: str) -> Status:
    """Delete a cycle (admins only) while it holds no objectives and no reviews (409 otherwise)."""
    cycle = cycle_get(organization(request), cycle_id)
    services.cycle_delete(actor=actor(request), cycle=cycle)
    return Status(204, None)
