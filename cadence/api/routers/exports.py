"""/api/v1: a cycle's exports as files — OKRs, check-ins, weekly items, scores, learnings — in
CSV or XLSX, as the web pages download them."""

from typing import Literal

from django.http import HttpRequest, HttpResponse
from ninja import Router

from cadence.api.auth import actor
from cadence.api.common import organization
from cadence.api.schemas import ERRORS
from cadence.okrs.selectors import cycle_get
from cadence.orgs.selectors import unit_get
from cadence.transfer import exports

router = Router(tags=["exports"])

What = Literal[exports.WHATS]
Format = Literal[exports.FORMATS]

_FILE = {"type": "string", "format": "binary"}
FILE_RESPONSE = {
    "responses": {
        200: {
            "description": "The file, as an attachment (``Content-Disposition`` names it). CSV is "
            "UTF-8 with a byte-order mark; text a spreadsheet would run as a formula (starting "
            "with =, +, -, @, a tab or a carriage return) starts with an apostrophe.",
            "content": {
                "text/csv": {"schema": _FILE},
                exports.CONTENT_TYPES[exports.XLSX]: {"schema": _FILE},
            },
        }
    }
}


@router.get(
    "/cycles/{cycle_id}/export/{what}",
    response={200: None, **ERRORS},
    openapi_extra=FILE_RESPONSE,
)
def cycle_export(
    request: HttpRequest,
    cycle_id: str,
    what: What,
    format: Format = "csv",  # noqa: A002 (the query parameter's name)
    unit_id: str | None = None,
) -> HttpResponse:
    """A cycle's OKRs (one row per key result, the import's columns then state, progress,
    confidence and score; the XLSX adds a Check-ins sheet), check-ins, weekly items, scores or
    learnings, of the whole organization or of one unit and the units below it (``unit_id``)."""
    org = organization(request)
    cycle = cycle_get(org, cycle_id)
    unit = unit_get(org, unit_id) if unit_id else None
    out = exports.export_file(org, cycle, what, format, unit, viewer=actor(request))
    return exports.attachment(out)
