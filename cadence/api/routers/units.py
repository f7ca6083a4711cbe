"""/api/v1/units: the unit tree (read by everyone in the organization), creating, changing,
archiving and deleting departments and teams (admins), and their members (admins and leads)."""

from typing import Annotated, Literal
from uuid import UUID

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import BeforeValidator, Field

from cadence.api.auth import actor
from cadence.api.common import body_object, organization
from cadence.api.errors import fields_renamed
from cadence.api.schemas import ERRORS, Flag, Input, UnitOut, json_integer, omittable, text
from cadence.core.limits import MAX_NAME, MAX_TIME_ZONE
from cadence.orgs import services
from cadence.orgs.models import Membership, Unit
from cadence.orgs.selectors import UnitTree, person_get, unit_get

router = Router(tags=["units"])

UnitName = text(MAX_NAME, min_chars=1)
NewUnitKind = Literal["department", "team"]
MemberRole = Literal[tuple(Membership.Role.values)]
# A JSON integer (3.0 is 3; true, 1.5 and "3" are refused), as positions are.
Weekday = Annotated[
    int, Field(ge=0, le=6, description="0 Monday … 6 Sunday."), BeforeValidator(json_integer)
]
ClockTime = Annotated[
    str, Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$", description="HH:MM, e.g. 17:00.")
]
TimeZone = text(MAX_TIME_ZONE, min_chars=1, description="An IANA time zone, e.g. Europe/Paris.")
UNIT_FIELDS = {"parent": "parent_id"}


class UnitIn(Input):
    name: UnitName
    kind: NewUnitKind
    parent_id: UUID = Field(description="The company or a department (teams hold no units).")
    time_zone: TimeZone = omittable("Default: the parent's time zone.")


class UnitPatch(Input):
    """Every field may be left out. Departments have no weekly deadline: their teams do."""

    name: UnitName = omittable()
    parent_id: UUID = omittable("Move the unit under the company or another department.")
    archived: Flag = omittable("Archive (kept readable, no new work) or restore the unit.")
    checkin_weekday: Weekday = omittable("The weekly deadline's day: 0 Monday … 6 Sunday.")
    checkin_time: ClockTime = omittable(
        "The weekly deadline's time, HH:MM, in the unit's time zone."
    )
    time_zone: TimeZone = omittable()


class MemberIn(Input):
    role: MemberRole = Field(description="lead or member.")


class MemberOut(Schema):
    unit_id: UUID
    person_id: UUID
    role: MemberRole


@router.get("/units", response={200: list[UnitOut], **ERRORS})
def unit_list(request: HttpRequest) -> list[Unit]:
    """The organization's unit tree, depth-first: the company, then departments and teams
    (archived ones included, marked ``archived``)."""
    return [unit for unit, _depth in UnitTree.load(organization(request)).walk()]


@router.post("/units", response={201: UnitOut, **ERRORS})
def unit_create(request: HttpRequest, payload: UnitIn) -> Status:
    """A new department or team (admins)."""
    with fields_renamed(UNIT_FIELDS):
        unit = services.unit_create(
            actor=actor(request),
            organization=organization(request),
            parent=body_object(request, "parent_id", unit_get, payload.parent_id),
            name=payload.name,
            kind=payload.kind,
            time_zone=payload.time_zone,
        )
    return Status(201, unit)


@router.get("/units/{unit_id}", response={200: UnitOut, **ERRORS})
def unit_detail(request: HttpRequest, unit_id: str) -> Unit:
    return unit_get(organization(request), unit_id)


@router.patch("/units/{unit_id}", response={200: UnitOut, **ERRORS})
def unit_update(request: HttpRequest, unit_id: str, payload: UnitPatch) -> Unit:
    """Rename, move, archive or restore a unit, or set its weekly deadline (admins)."""
    unit = unit_get(organization(request), unit_id)
    with fields_renamed(UNIT_FIELDS):
        return services.unit_update(
            actor=actor(request),
            unit=unit,
            name=payload.name,
            parent=body_object(request, "parent_id", unit_get, payload.parent_id),
            archived=payload.archived,
            checkin_weekday=payload.checkin_weekday,
            checkin_time=payload.checkin_time,
            time_zone=payload.time_zone,
        )


@router.delete("/units/{unit_id}", response={204: None, **ERRORS})
def unit_delete(request: HttpRequest, unit_id: str) -> Status:
    """Delete an empty unit (admins); one with sub-units or history is archived instead (409)."""
    unit = unit_get(organization(request), unit_id)
    services.unit_delete(actor=actor(request), unit=unit)
    return Status(204, None)


@router.put("/units/{unit_id}/members/{person_id}", response={200: MemberOut, **ERRORS})
def member_set(request: HttpRequest, unit_id: str, person_id: str, payload: MemberIn) -> dict:
    """Add a person to the unit, or change their role there (admins, and leads of the unit or
    of a unit above it)."""
    org = organization(request)
    unit, person = unit_get(org, unit_id), person_get(org, person_id)
    membership = services.membership_set(
        actor=actor(request), unit=unit, person=person, role=payload.role
    )
    return {"unit_id": unit.id, "person_id": person.id, "role": membership.role}


@router.delete("/units/{unit_id}/members/{person_id}", response={204: None, **ERRORS})
def member_remove(request: HttpRequest, unit_id: str, person_id: str) -> Status:
    """Take a person out of the unit (admins, and leads of the unit or above)."""
    org = organization(request)
    unit, person = unit_get(org, unit_id), person_get(org, person_id)
    services.membership_remove(actor=actor(request), unit=unit, person=person)
    return Status(204, None)
