from django.http import HttpRequest
from ninja import Router

from cadence.api.common import organization
from cadence.api.schemas import ERRORS, UnitOut
from cadence.orgs.models import Unit
from cadence.orgs.selectors import UnitTree, unit_get

router = Router(tags=["units"])


@router.get("/units", response={200: list[UnitOut], **ERRORS})
def unit_list(request: HttpRequest) -> list[Unit]:
    """The organization's unit tree, depth-first: the company, then departments and teams."""
    return [unit for unit, _depth in UnitTree.load(organization(request)).walk()]


@router.get("/units/{unit_id}", response={200: UnitOut, **ERRORS})
def unit_detail(request: HttpRequest, unit_id: str) -> Unit:
    return unit_get(organization(request), unit_id)
