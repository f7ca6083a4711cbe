"""The inline check-in: the form (inline for htmx, else a page), and the answer to a saved one —
the key result again and every other figure of the page it came from that it changed."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve

from cadence.coach import selectors as coach_selectors
from cadence.core.forms import submit
from cadence.core.htmx import is_htmx, safe_next
from cadence.okrs import pages, permissions, selectors, services
from cadence.okrs.forms import CheckInForm
from cadence.okrs.models import Cycle, Objective
from cadence.orgs.models import Person
from cadence.orgs.selectors import Access, UnitTree
from cadence.web.views.dashboard import dashboard_due, dashboard_stats


def _page_of(url: str) -> tuple[str | None, dict, QueryDict]:
    """The page a check-in was made from (its ``next``): url name, arguments, query."""
    parts = urlsplit(url)
    try:
        match = resolve(parts.path)
    except Resolver404:
        return None, {}, QueryDict()
    return match.url_name, match.kwargs, QueryDict(parts.query)


def _page_cycle(organization, query: QueryDict) -> Cycle | None:
    """The cycle the page showed (its ``?cycle=``, else the current one), as the page chose it;
    an unknown id shows nothing more (the check-in is saved whatever the page was)."""
    try:
        return selectors.cycle_for_request(organization, query.get("cycle"))
    except Http404:
        return None


def check_in_figures(
    person: Person,
    access: Access,
    objective: selectors.BoardObjective,
    board: selectors.Board,
    *,
    next_url: str,
    histories: dict | None,
) -> dict:
    """Everything else on the page the check-in came from that the check-in changed, for
    out-of-band swaps: the progress and pace of its objective and of the objectives above it
    that the page shows, and the page's own figures — on the dashboard the team headers and
    the organization overview, on a unit page its progress and its sub-units, on the objective
    page the parent's progress and the coach's findings; on the dashboard also "Due now" (the key
    result may have been the one still due this week). Only what the page holds is sent."""
    organization = person.organization
    chain = [objective, *pages.ancestors_on_board(board, objective)]
    name, kwargs, query = _page_of(next_url)
    if name == "dashboard":
        cycle = _page_cycle(organization, query)
        if cycle is None:
            return {"updated": []}
        tree = UnitTree.load(organization)
        company = tree.root
        mine = pages.my_units(tree, access)
        shown = {u.id for u in mine} | ({company.id} if company else set())
        changed = {o.unit_id for o in chain}
        stats, _flags = dashboard_stats(person, cycle, tree, mine)
        return {
            "updated": [o for o in chain if o.cycle_id == cycle.id and o.unit_id in shown],
            "due": dashboard_due(person, cycle, tree, mine, stats),
            "due_is_mine": not person.is_admin,
            "teams_changed": [pages.team_figures(u, stats) for u in mine if u.id in changed],
            "overview": pages.overview(tree, stats),
            "overview_cycle": cycle,
            "expected": cycle.expected_on(board.today),
        }
    if name == "unit_detail":
        cycle = _page_cycle(organization, query)
        tree = UnitTree.load(organization)
        unit = tree.units.get(kwargs.get("unit_id"))
        if cycle is None or unit is None:
            return {"updated": []}
        stats = selectors.unit_stats(organization, cycle, viewer=person)
        empty = selectors.UnitStat()
        return {
            "updated": [o for o in chain if o.cycle_id == cycle.id and o.unit_id == unit.id],
            "unit_page": {
                "unit": unit,
                "cycle": cycle,
                "progress": stats.get(unit.id, empty).progress,
                "expected": cycle.expected_on(board.today),
                "subunits": pages.subunit_rows(tree, unit, stats),
            },
        }
    if name == "objective_detail":
        if kwargs.get("objective_id") != objective.id:
            return {"updated": []}
        return {
            "updated": [objective],
            "objective_page": {
                "parent_on_board": board.objectives.get(objective.parent_id),
                "coach_findings": coach_selectors.findings_for_objective(
                    organization, objective, board, histories=histories
                ),
                # The hero's forecast line, when the answer loaded the key results' histories.
                "forecast_shown": histories is not None,
                "objective_forecast": pages.objective_forecast(objective, histories or {}),
            },
        }
    # Other pages (the alignment tree, the meeting, the monthly review) show the chain.
    return {"updated": chain}


def _check_in_refused(objective: Objective) -> PermissionDenied:
    """Why this person may not check in here, as the page says it."""
    if objective.cycle.closed_at:
        return PermissionDenied(f"{objective.cycle.name} is closed: it takes no check-ins.")
    if not permissions.objective_is_open(objective):
        return PermissionDenied(
            f"This objective is {objective.get_state_display().lower()}: it takes no check-ins."
        )
    return PermissionDenied("Only the key result's owner and its unit's members check in.")


@login_required
def key_result_check_in(request: HttpRequest, key_result_id) -> HttpResponse:
    """GET: the check-in form (inline for htmx, else a page). POST: save it; htmx gets the
    updated key result (a row, or the objective page's card with its chart) and out-of-band
    updates of the progress of its objective and of every objective above it on the page."""
    person = request.user
    organization = person.organization
    kr = selectors.key_result_get(organization, key_result_id, viewer=person)
    objective = kr.objective
    access = Access(person)
    if not permissions.can_check_in(person, objective, kr, access):
        raise _check_in_refused(objective)
    htmx = is_htmx(request)
    source = request.POST if request.method == "POST" else request.GET
    layout = source.get("layout") if source.get("layout") in CheckInForm.LAYOUTS else "row"
    next_url = safe_next(request, pages.objective_url(objective, f"kr-{kr.id}"))
    if request.method == "POST":
        form = CheckInForm(request.POST, key_result=kr)
    else:
        form = CheckInForm(key_result=kr, initial={"layout": layout})
    done = submit(
        request,
        form,
        lambda data: services.check_in_create(
            actor=person,
            key_result=kr,
            value=data["value"],
            confidence=data["confidence"],
            note=data["note"],
        ),
    )
    if done.saved and not htmx:
        messages.success(request, f"Checked in on “{kr.title}”.")
        return redirect(next_url)
    if done.saved:
        annotated, board = selectors.objective_with_progress(organization, objective, viewer=person)
        details, histories = (
            pages.key_result_details(annotated, today=board.today)
            if layout == "card"
            else ({}, None)
        )
        rows = pages.board_rows(board, person, access, details=details)
        row = rows[annotated.id]
        context = {
            "kr": next(k for k in row.krs if k.id == kr.id),
            "o": row,
            "layout": layout,
            "here": next_url,
            "today": board.today,
            **check_in_figures(
                person, access, annotated, board, next_url=next_url, histories=histories
            ),
        }
        return render(request, "okrs/_okr.html#checkin_saved", context)
    context = {"form": form, "kr": kr, "layout": layout, "next": next_url}
    if htmx:
        response = render(request, "okrs/_okr.html#checkin_form", context, status=done.status)
        if form.errors:
            response["HX-Retarget"] = f"#kr-{kr.id}-slot"
            response["HX-Reswap"] = "innerHTML"
        return response
    context.update({"objective": objective, "cycle": objective.cycle})
    return render(request, "okrs/check_in.html", context, status=done.status)
