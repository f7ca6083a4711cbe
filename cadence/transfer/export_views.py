"""Exports as downloads: ``/cycles/<id>/export/<what>.<csv|xlsx>?unit=<id>``."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed

from cadence.core.htmx import query_object
from cadence.okrs import selectors as okr_selectors
from cadence.orgs import selectors as org_selectors
from cadence.transfer import exports


def _what_and_format(name: str) -> tuple[str, str]:
    what, _, fmt = name.rpartition(".")
    if what not in exports.WHATS or fmt not in exports.FORMATS:
        raise Http404("No such export.")
    return what, fmt


@login_required
def export(request: HttpRequest, cycle_id, filename: str) -> HttpResponse:
    """A cycle's OKRs, check-ins, weekly items, scores or learnings as CSV or XLSX, of the
    whole organization or of a unit (``?unit=``) and the units below it."""
    organization = request.user.organization
    cycle = okr_selectors.cycle_get(organization, cycle_id)
    unit = query_object(request, "unit", org_selectors.unit_get, organization)
    what, fmt = _what_and_format(filename)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    return exports.attachment(
        exports.export_file(organization, cycle, what, fmt, unit, viewer=request.user)
    )
