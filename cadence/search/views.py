from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cadence.core.htmx import query_object
from cadence.okrs import selectors as okr_selectors
from cadence.orgs import selectors as org_selectors
from cadence.orgs.selectors import UnitTree
from cadence.search import selectors
from cadence.search.forms import SearchForm

MAX_PAGES = selectors.MAX_OFFSET // selectors.PAGE


@login_required
def search(request: HttpRequest) -> HttpResponse:
    """One search box over the organization's OKRs, weekly items, comments and learnings,
    best match first; filter by kind, cycle (``?cycle=``, which the header shows as its chosen
    cycle too) and unit; ``?page=`` pages on."""
    organization = request.user.organization
    form = SearchForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    cycle = query_object(request, "cycle", okr_selectors.cycle_get, organization)
    unit = query_object(request, "unit", org_selectors.unit_get, organization)
    try:
        page = max(1, min(int(request.GET.get("page", "1")), MAX_PAGES))
    except ValueError:
        page = 1
    offset = (page - 1) * selectors.PAGE
    results = selectors.search(
        organization,
        data.get("q", ""),
        viewer=request.user,
        kind=data.get("kind", ""),
        cycle=cycle,
        unit=unit,
        offset=offset,
    )
    units = [u for u, _ in UnitTree.load(organization).walk()]
    cycles = list(okr_selectors.cycles_of(organization).order_by("-start"))
    unit_names = {u.id: u.name for u in units}
    cycle_names = {c.id: c.name for c in cycles}
    for hit in results.hits:
        hit.unit = unit_names.get(hit.unit_id)
        hit.cycle = cycle_names.get(hit.cycle_id)
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "form": form,
        "q": data.get("q", ""),
        "results": results,
        "units": units,
        "cycles": cycles,
        "unit": unit,
        "selected_cycle": cycle,
        "page_number": page,
        "previous_page": page - 1 if page > 1 else None,
        "next_page": page + 1
        if results.more and offset + selectors.PAGE < selectors.MAX_OFFSET
        else None,
        "query": params.urlencode(),
        "nav": "search",
    }
    return render(request, "search/results.html", context)
