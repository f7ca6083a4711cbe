"""The dashboard: what to chase in my teams (``cadence.web.chase``), the company's objectives,
my units' with their figures, the organization overview and "Due now" (reviews)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cadence.kpis import selectors as kpi_selectors
from cadence.okrs import pages, selectors
from cadence.okrs.models import Cycle
from cadence.onboarding import rollout_selectors
from cadence.onboarding import selectors as onboarding_selectors
from cadence.orgs.models import Person, Unit
from cadence.orgs.selectors import Access, UnitTree
from cadence.reviews import selectors as review_selectors
from cadence.web.chase import chase_for, chase_scope
from cadence.web.nav import Nav

# The most unhealthy KPIs the dashboard lists (the KPIs page has them all).
DASHBOARD_KPIS = 10


def _kpi_units(person: Person, tree: UnitTree, my_units: list[Unit]):
    """Whose KPIs the dashboard lists: an admin's, the whole organization's (None); others',
    their units' and those below them."""
    return None if person.is_admin else pages.mine_and_below(tree, my_units)


def dashboard_kpis(
    person: Person, tree: UnitTree, my_units: list[Unit], any_unhealthy: bool | None = None
):
    """The unhealthy KPIs of the person's units and those below them (an admin's: the whole
    organization's), as list rows. Two queries; none when ``any_unhealthy`` (read with
    ``dashboard_stats``) says there are none."""
    if not (person.is_admin or my_units) or any_unhealthy is False:
        return []
    kpis = kpi_selectors.kpis_listed(
        person.organization, unit_ids=_kpi_units(person, tree, my_units), unhealthy_only=True
    )[:DASHBOARD_KPIS]
    return kpi_selectors.kpi_rows(list(kpis), viewer=person)


def dashboard_stats(
    person: Person, cycle: Cycle, tree: UnitTree, my_units: list[Unit], flags: dict | None = None
) -> tuple[dict, dict]:
    """The units' figures of the cycle (``okrs.selectors.unit_stats``), counting in the same
    query, while the cycle is active, the key results due a check-in this week ("Due now"),
    whether ``dashboard_kpis`` has any KPI to list ("kpis") and the values of the other
    ``flags`` given (name → ``Exists``). A flag missing from what it returns is not known."""
    organization = person.organization
    today = review_selectors.organization_today(organization)
    since = None
    if cycle.phase_on(today) == Cycle.Phase.ACTIVE:
        since = review_selectors.check_in_week_start(organization, today)
    flags = dict(flags or {})
    if person.is_admin or my_units:
        units = _kpi_units(person, tree, my_units)
        flags["kpis"] = kpi_selectors.unhealthy_kpis_exist(organization, units)
    stats, found = selectors.unit_stats_and_flags(
        organization, cycle, viewer=person, unchecked_since=since, flags=flags
    )
    return stats, found or {}


def dashboard_due(
    person: Person, cycle: Cycle, tree: UnitTree, my_units: list[Unit], stats: dict | None = None
):
    """The dashboard's compact "Due now" (None: the dashboard shows none). An admin runs the
    cadence for everyone, so sees the whole organization's; others see their own units' and
    those below them (nothing outside any unit). The inline check-in answers with it too
    (``web.views.check_in.check_in_figures``): one rule for the page and the swap. ``stats``:
    ``dashboard_stats``, whose counts it reads (no query of its own while the cycle is
    active)."""
    if not (person.is_admin or my_units):
        return None
    return review_selectors.due_now(
        person.organization,
        cycle,
        viewer=person,
        compact=True,
        unit_ids=None if person.is_admin else pages.mine_and_below(tree, my_units),
        stats=stats,
        units=tree.units,
    )


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    person = request.user
    organization = person.organization
    nav = Nav.of(request)  # the header's cycles: read once for the page and its header
    cycle = nav.page_cycle()
    context: dict = {"cycle": cycle, "nav": "dashboard"}
    if cycle is None:
        return render(request, "okrs/dashboard.html", _with_setup(context, person, nav))
    access = Access.of(person)  # the request's one (its sight's, below)
    tree = access.tree
    company = tree.root
    my_units = pages.my_units(tree, access)
    # What the page shows: the company's objectives, my units' and the ones they align to.
    shown_units = [u.id for u in my_units] + ([company.id] if company else [])
    # ... and what the person chases (``web.chase``): one board for both.
    chased, _led = chase_scope(person, tree, access)
    board = selectors.board_for_cycle(
        organization,
        cycle,
        viewer=person,
        scope=selectors.units_and_parents(organization, cycle, shown_units, viewer=person)
        | Q(unit_id__in=list(chased)),
        check_in_stamps=True,  # the chase list's markers, kept between requests
    )
    # Rows (rights on each) for what the page shows; the chased units' objectives are the
    # chase list's to judge.
    rows = pages.board_rows(board, person, access, units=set(shown_units))
    by_unit = pages.rows_by_unit(board, rows)
    # The setup checklist's figures are read with the units' (an admin's: one query less).
    checklist = onboarding_selectors.checklist_flags(person)
    stats, found = dashboard_stats(person, cycle, tree, my_units, checklist)
    any_unhealthy = found.get("kpis")
    teams = pages.team_rows(person, access, my_units, stats, by_unit)
    # The wizard drafts where planning happens: this cycle while it plans, else the next one
    # when it is being planned already.
    wizard_cycle = cycle
    if any(t.can_edit for t in teams) and cycle.phase_on(board.today) != Cycle.Phase.PLANNING:
        wizard_cycle = nav.in_planning(board.today) or cycle
    context.update(
        {
            "board": board,
            "today": board.today,
            "phase": Cycle.Phase(cycle.phase_on(board.today)).label,
            "due": dashboard_due(person, cycle, tree, my_units, stats),
            "due_is_mine": not person.is_admin,
            "wizard_cycle": wizard_cycle,
            "expected": board.expected,
            "company": company,
            "company_objectives": by_unit.get(company.id, []) if company else [],
            "can_edit_company": company is not None and access.can_edit_unit(company),
            "teams": teams,
            "overview": pages.overview(tree, stats),
            "chase": chase_for(
                person,
                cycle,
                tree,
                access,
                kpis=dashboard_kpis(person, tree, my_units, any_unhealthy),
                board=board,
            ),
        }
    )
    known = {name: found[name] for name in checklist} if checklist.keys() <= found.keys() else None
    return render(request, "okrs/dashboard.html", _with_setup(context, person, nav, known))


def _with_setup(context: dict, person: Person, nav: Nav, flags: dict | None = None) -> dict:
    """The page's setup checklist (an admin's, until done or dismissed; ``flags``: its figures
    when read already), and the rollout's progress once there is none (docs/decisions.md)."""
    context["setup_checklist"] = onboarding_selectors.setup_checklist(person, flags)
    if context["setup_checklist"] is None:
        context["rollout"] = rollout_selectors.rollout_progress(person, nav.cycles)
    return context
