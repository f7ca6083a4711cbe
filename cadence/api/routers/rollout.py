"""/api/v1/rollout: who the weekly rhythm asks for updates (docs/method.md §9) and the rollout
checklist. Everyone in the organization reads them; admins change the mode."""

from datetime import datetime
from typing import Literal
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Router, Schema

from cadence.api.auth import actor
from cadence.api.common import organization
from cadence.api.schemas import ERRORS, Input
from cadence.onboarding import rollout_selectors as checklist_selectors
from cadence.orgs import rollout_selectors, rollout_services
from cadence.orgs.models import Organization
from cadence.orgs.rollout_services import MAX_PILOT_UNITS

router = Router(tags=["rollout"])

RolloutMode = Literal[tuple(Organization.RolloutMode.values)]


class RolloutOut(Schema):
    mode: RolloutMode
    pilot_unit_ids: list[UUID] = Field(
        description="The pilot units (live departments and teams); read in the pilot mode."
    )


class RolloutIn(Input):
    mode: RolloutMode = Field(
        description="everyone (the default), leads (team leads only) or pilot (the people of "
        "the pilot units and of the units below them)."
    )
    pilot_unit_ids: list[UUID] = Field(
        max_length=MAX_PILOT_UNITS,
        description="Departments or teams of the organization, not archived; at least one in "
        "the pilot mode. Replaces the pilot units.",
    )


class RolloutStepOut(Schema):
    id: str
    title: str
    done: bool
    done_by: str | None = Field(
        description='"auto" when Cadence reads it from the data, else the id of the admin who '
        "ticked it by hand; null when not done (or ticked by someone since erased)."
    )
    ticked_at: datetime | None
    link: str = Field(description="Where in Cadence the step is done (a path).")


class RolloutChecklistOut(Schema):
    cycle_id: UUID | None = Field(description="The cycle the steps are read for.")
    done_count: int
    steps: list[RolloutStepOut]


def _out(org: Organization) -> dict:
    current = rollout_selectors.rollout_of(org)
    return {"mode": current.mode, "pilot_unit_ids": current.pilot_unit_ids}


@router.get("/rollout", response={200: RolloutOut, **ERRORS})
def rollout_get(request: HttpRequest) -> dict:
    """The rollout mode and the pilot units."""
    return _out(organization(request))


@router.put("/rollout", response={200: RolloutOut, **ERRORS})
def rollout_put(request: HttpRequest, payload: RolloutIn) -> dict:
    """Choose the rollout mode and the pilot units (admins; audited)."""
    org = rollout_services.rollout_update(
        actor=actor(request),
        organization=organization(request),
        mode=payload.mode,
        pilot_unit_ids=payload.pilot_unit_ids,
    )
    return _out(org)


@router.get("/rollout/checklist", response={200: RolloutChecklistOut, **ERRORS})
def rollout_checklist(request: HttpRequest) -> dict:
    """The rollout checklist: each step, whether it is done and by whom, and where it is done."""
    checklist = checklist_selectors.rollout_checklist(organization(request))
    return {
        "cycle_id": checklist.cycle.pk if checklist.cycle else None,
        "done_count": checklist.done_count,
        "steps": [
            {
                "id": s.id,
                "title": s.title,
                "done": s.done,
                "done_by": s.done_by,
                "ticked_at": s.ticked_at,
                "link": s.link,
            }
            for s in checklist.steps
        ],
    }
