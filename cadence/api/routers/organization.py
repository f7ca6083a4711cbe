"""/api/v1/organization: its settings, read by everyone in it, changed by admins."""

from typing import Literal
from uuid import UUID

from django.http import HttpRequest
from ninja import Router, Schema

from cadence.api.auth import actor
from cadence.api.common import organization
from cadence.api.schemas import ERRORS, Input, omittable, text
from cadence.core.limits import MAX_NAME, MAX_TIME_ZONE
from cadence.orgs import services
from cadence.orgs.models import Organization

router = Router(tags=["organization"])

DefaultCycleKind = Literal[tuple(Organization.CycleKind.values)]
GradingScheme = Literal[tuple(Organization.GradingScheme.values)]


class OrganizationSettingsOut(Schema):
    id: UUID
    name: str
    time_zone: str
    default_cycle_kind: DefaultCycleKind
    grading_scheme: GradingScheme


class OrganizationPatch(Input):
    """Every field may be left out."""

    name: text(MAX_NAME, min_chars=1) = omittable()
    time_zone: text(MAX_TIME_ZONE, min_chars=1, description="An IANA time zone.") = omittable(
        "The company's dates and the time zone new departments and teams start with."
    )
    default_cycle_kind: DefaultCycleKind = omittable("The cycle suggested next.")


@router.get("/organization", response={200: OrganizationSettingsOut, **ERRORS})
def organization_get(request: HttpRequest) -> Organization:
    """The organization's name, time zone, default cycle kind and grading scheme."""
    return organization(request)


@router.patch("/organization", response={200: OrganizationSettingsOut, **ERRORS})
def organization_update(request: HttpRequest, payload: OrganizationPatch) -> Organization:
    """Rename the organization, change its time zone or its default cycle kind (admins)."""
    return services.organization_update(
        actor=actor(request),
        organization=organization(request),
        name=payload.name,
        time_zone=payload.time_zone,
        default_cycle_kind=payload.default_cycle_kind,
    )
