"""/api/v1: next-cycle planning (carry an objective forward)."""

from uuid import UUID

from django.http import HttpRequest
from ninja import Router, Status

from cadence.api.auth import actor
from cadence.api.common import body_object, organization, with_progress
from cadence.api.errors import fields_renamed
from cadence.api.schemas import ERRORS, Input, ObjectiveOut
from cadence.okrs.selectors import cycle_get, objective_get
from cadence.orgs.selectors import unit_get
from cadence.planning import services as planning_services

router = Router(tags=["reviews"])


class CarryForwardIn(Input):
    cycle_id: UUID
    unit_id: UUID | None = None


@router.post("/objectives/{objective_id}/carry-forward", response={201: ObjectiveOut, **ERRORS})
def objective_carry_forward(
    request: HttpRequest, objective_id: str, payload: CarryForwardIn
) -> Status:
    """Carry an objective into a later cycle as a new draft linked to it (``carried_from_id``):
    its unfinished key results come along, starting where they ended."""
    source = objective_get(organization(request), objective_id, viewer=actor(request))
    with fields_renamed({"cycle": "cycle_id", "unit": "unit_id"}):
        carried = planning_services.objective_carry_forward(
            actor=actor(request),
            objective=source,
            cycle=body_object(request, "cycle_id", cycle_get, payload.cycle_id),
            unit=body_object(request, "unit_id", unit_get, payload.unit_id),
        )
    return Status(201, with_progress(request, carried))
