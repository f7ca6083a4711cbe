from django.http import HttpRequest
from ninja import Router, Status

from cadence.api.auth import actor
from cadence.api.common import organization
from cadence.api.schemas import ERRORS, CycleIn, CycleOut
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
    """Create a cycle (admins only)."""
    cycle = services.cycle_create(actor=actor(request), **payload.model_dump())
    return Status(201, cycle)


@router.get("/cycles/{cycle_id}", response={200: CycleOut, **ERRORS})
def cycle_detail(request: HttpRequest, cycle_id: str) -> Cycle:
    return cycle_get(organization(request), cycle_id)
