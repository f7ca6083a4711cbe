"""People and invitations. Everyone in the organization reads them; admins change roles,
deactivate, reactivate and erase people, and invite (the email is queued for the worker)."""

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status

from cadence.accounts import selectors as invitation_selectors
from cadence.accounts import services as invitation_services
from cadence.accounts.models import Invitation
from cadence.api.auth import actor
from cadence.api.common import body_object, organization
from cadence.api.errors import fields_renamed
from cadence.api.schemas import ERRORS, InvitationIn, InvitationOut, PersonOut, PersonPatch
from cadence.core.limits import MAX_INT
from cadence.orgs import person_selectors, person_services
from cadence.orgs.models import Person
from cadence.orgs.selectors import unit_get

router = Router(tags=["people"])

PEOPLE_PAGE = 100
MAX_PEOPLE_PAGE = 500


def _person_out(person: Person, unit_ids) -> dict:
    return {
        "id": person.pk,
        "name": person.name,
        "email": person.email,
        "role": person.role,
        "active": person.is_active,
        "unit_ids": unit_ids,
    }


def _invitation_out(invitation: Invitation) -> dict:
    return {
        "id": invitation.pk,
        "email": invitation.email,
        "name": invitation.name,
        "role": invitation.role,
        "unit_ids": sorted(u.pk for u in invitation.units.all()),
        "sent_at": invitation.sent_at,
        "expires_at": invitation.expires_at,
    }


@router.get("/people", response={200: list[PersonOut], **ERRORS})
def person_list(
    request: HttpRequest,
    response: HttpResponse,
    active: bool | None = None,
    offset: int = Query(0, ge=0, le=MAX_INT),
    limit: int = Query(PEOPLE_PAGE, ge=1, le=MAX_PEOPLE_PAGE),
) -> list[dict]:
    """Everyone in the organization (deactivated people too; ``active=true`` or ``false`` to
    choose), by name, a page at a time (``offset``, ``limit``): ``X-Total-Count`` says how many
    there are, ``Link`` names the next page. ``unit_ids``: the units they belong to."""
    people = person_selectors.people_all(organization(request))
    if active is not None:
        people = people.filter(is_active=active)
    total = people.count()
    page = list(people[offset : offset + limit])
    units = person_selectors.unit_ids_of(page)
    response["X-Total-Count"] = str(total)
    if offset + limit < total:
        query = request.GET.copy()
        query["offset"] = str(offset + limit)
        query["limit"] = str(limit)
        response["Link"] = (
            f'<{request.build_absolute_uri(request.path)}?{query.urlencode()}>; rel="next"'
        )
    return [_person_out(p, units.get(p.pk, [])) for p in page]


@router.get("/people/{person_id}", response={200: PersonOut, **ERRORS})
def person_detail(request: HttpRequest, person_id: str) -> dict:
    person = person_selectors.person_get_any(organization(request), person_id)
    return _person_out(person, person_selectors.unit_ids_of([person]).get(person.pk, []))


@router.patch("/people/{person_id}", response={200: PersonOut, **ERRORS})
def person_update(request: HttpRequest, person_id: str, payload: PersonPatch) -> dict:
    """Change a person's role and/or deactivate (``active: false``: they cannot sign in, their
    API tokens are revoked) or reactivate them (admins only). The last active admin can be
    neither demoted nor deactivated (409). All or nothing."""
    person = person_selectors.person_get_any(organization(request), person_id)
    data = payload.model_dump(exclude_unset=True)
    person = person_services.person_update(
        actor=actor(request), person=person, role=data.get("role"), active=data.get("active")
    )
    return _person_out(person, person_selectors.unit_ids_of([person]).get(person.pk, []))


@router.post("/people/{person_id}/erase", response={200: PersonOut, **ERRORS})
def person_erase(request: HttpRequest, person_id: str) -> dict:
    """Erase a deactivated person's personal data (admins only): their name becomes "Former
    member N", their email an ``erased-…@invalid`` address, and every way to sign in as them
    goes; their OKRs, check-ins, weekly items and comments stay under the new name, and the
    audit trail's events about them are rewritten to it. 409 for an active person (deactivate
    them first) or one erased already."""
    person = person_selectors.person_get_any(organization(request), person_id)
    person = person_services.person_erase(actor=actor(request), person=person)
    return _person_out(person, person_selectors.unit_ids_of([person]).get(person.pk, []))


@router.get("/invitations", response={200: list[InvitationOut], **ERRORS})
def invitation_list(request: HttpRequest) -> list[dict]:
    """The invitations not yet accepted or revoked (some may have expired), latest first."""
    invitations = invitation_selectors.invitations_pending(organization(request))
    return [_invitation_out(i) for i in invitations[:MAX_PEOPLE_PAGE]]


@router.post("/invitations", response={201: InvitationOut, **ERRORS})
def invitation_create(request: HttpRequest, payload: InvitationIn) -> Status:
    """Invite someone by email (admins only): the email with a link valid for 7 days is queued
    and sent by the worker. 409 for an address that is already someone's or already invited."""
    data = payload.model_dump()
    units = [body_object(request, "unit_ids", unit_get, u) for u in data["unit_ids"]]
    with fields_renamed({"units": "unit_ids"}):
        invitation = invitation_services.invitation_create(
            actor=actor(request),
            organization=organization(request),
            email=data["email"],
            name=data["name"],
            role=data["role"],
            units=units,
        )
    return Status(201, _invitation_out(invitation))


@router.post("/invitations/{invitation_id}/resend", response={200: InvitationOut, **ERRORS})
def invitation_resend(request: HttpRequest, invitation_id: str) -> dict:
    """Send the invitation again with a new link (admins only); the old link stops working."""
    invitation = invitation_selectors.invitation_get(organization(request), invitation_id)
    invitation = invitation_services.invitation_resend(actor=actor(request), invitation=invitation)
    return _invitation_out(invitation)


@router.delete("/invitations/{invitation_id}", response={204: None, **ERRORS})
def invitation_revoke(request: HttpRequest, invitation_id: str) -> Status:
    """Revoke an invitation (admins only): its link stops working at once."""
    invitation = invitation_selectors.invitation_get(organization(request), invitation_id)
    invitation_services.invitation_revoke(actor=actor(request), invitation=invitation)
    return Status(204, None)
