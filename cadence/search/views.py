from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from cadence.core.htmx import query_object
from cadence.okrs import selectors as okr_selectors
from cadence.orgs import selectors as org_selectors
from cadence.search import selectors
from cadence.search.forms import SearchForm

MAX_PAGES = selectors.MAX_OFFSET // selectors.PAGE


# organization id → (the unit outline, {selected unit id: its options}); see _unit_options.
_UNIT_OPTIONS: dict = {}


def _options(choices, selected) -> SafeString:
    """The ``<option>`` elements of a filter over every unit (thousands at the largest
    organizations): written here in one pass, each value and name escaped, rather than by a
    template loop that costs more than the search itself."""
    return mark_safe(
        "".join(
            f'<option value="{value}"{" selected" if value == selected else ""}>'
            f"{escape(label)}</option>"
            for value, label in choices
        )
    )


def _unit_options(organization, units, selected) -> SafeString:
    """The unit filter's options, written once per outline (``unit_outline`` returns the same
    list while the organization's units are unchanged) for the few units people pick."""
    kept = _UNIT_OPTIONS.get(organization.pk)
    if kept is None or kept[0] is not units:
        if len(_UNIT_OPTIONS) >= 100:
            _UNIT_OPTIONS.clear()
        kept = (units, {})
        _UNIT_OPTIONS[organization.pk] = kept
    written = kept[1]
    if selected not in written:
        if len(written) >= 20:
            written.clear()
        written[selected] = _options(((unit_id, name) for unit_id, name, _ in units), selected)
    return written[selected]


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
    units = org_selectors.unit_outline(organization)
    cycles = sorted(
        okr_selectors.request_cycles(request), key=lambda c: (c.start, c.name), reverse=True
    )
    unit_names = {unit_id: name for unit_id, name, _ in units}
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
        "unit_options": _unit_options(organization, units, unit.id if unit else None),
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
