from django.http import HttpRequest
from ninja import Router

from cadence.api.auth import actor
from cadence.api.schemas import ERRORS, MeOut
from cadence.orgs.models import Person

router = Router(tags=["me"])


@router.get("/me", response={200: MeOut, **ERRORS})
def me(request: HttpRequest) -> Person:
    """The person the token (or session) belongs to, with their organization."""
    return actor(request)
