"""A unit's page (its people, objectives and sub-units, and a link to its weekly settings) and
the settings index (which keeps the cycle chosen in the header)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import OuterRef
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cadence.kpis import selectors as kpi_selectors
from cadence.kpis import services as kpi_services
from cadence.meetings import selectors as meetings_selectors
from cadence.okrs import pages, permissions
from cadence.okrs import selectors as okr_selectors
from cadence.orgs import selectors
from cadence.orgs.selectors import Access
from cadence.scheduling import selectors as scheduling_selectors
from cadence.scheduling.context_processors import DigestFollows
from cadence.scoring import selectors as scoring_selectors
from cadence.web.nav import Nav
from cadence.weekly.selectors import may_open_weekly_settings


@login_required
def unit_detail(request: HttpRequest, unit_id) -> HttpResponse:
    person = request.user
    organization = person.organization
    # With the unit, whether its panels have anything to list (an empty one asks nothing more).
    here = OuterRef("pk")
    unit = selectors.unit_get(
        organization,
        unit_id,
        flags={
            "has_kpis": kpi_selectors.unit_kpis_exist(here),
            "has_notes": meetings_selectors.unit_has_notes(organization, here),
            "follows_digest": scheduling_selectors.follows_digest(person, here),
        },
    )
    nav = Nav.of(request)
    cycle = nav.page_cycle()  # the header's cycles (no query of its own)
    access = Access.of(person)
    tree = access.tree
    members = list(selectors.unit_members(unit))
    context = {
        "unit": unit,
        "cycle": cycle,
        "ancestors": list(reversed(tree.ancestors(unit.id))),
        "leads": [m for m in members if m.role == m.Role.LEAD],
        "members": [m for m in members if m.role != m.Role.LEAD],
        "subunits": pages.subunit_rows(tree, unit, None),
        "can_edit": permissions.can_edit_unit_okrs(person, unit, access),
        "can_weekly_settings": may_open_weekly_settings(access, unit),
        # Leads of the team (or above) and admins set its calendar feed and meeting time.
        "can_lead": access.can_lead_unit(unit),
        "objectives": [],
        # Its KPIs, unhealthy first, with their sparklines (two queries, none without any).
        "kpis": kpi_selectors.kpi_rows(
            list(kpi_selectors.kpis_listed(organization, unit_ids=[unit.id])), viewer=person
        )
        if unit.has_kpis
        else [],
        "can_add_kpi": not unit.archived_at and kpi_services.can_enter_values(person, unit, access),
        # The weekly card's latest notes and the success-rate history, read once here (the
        # template tags that show them run no query).
        "weekly_notes": meetings_selectors.latest_notes(organization, unit, 1)
        if unit.has_notes
        else [],
        "success_panel": scoring_selectors.unit_success_panel(organization, unit, nav.cycles),
        # The digest's follow button reads the follow read with the unit.
        "digest_follows": DigestFollows(person, known={unit.id: unit.follows_digest}),
    }
    if cycle is not None:
        # The unit's objectives and the ones they align to; its sub-units only as figures.
        board = okr_selectors.board_for_cycle(
            organization,
            cycle,
            viewer=person,
            scope=okr_selectors.units_and_parents(organization, cycle, [unit.id], viewer=person),
        )
        rows = pages.board_rows(board, person, access)
        context["board"] = board
        context["today"] = board.today
        context["expected"] = board.expected
        context["objectives"] = pages.rows_by_unit(board, rows).get(unit.id, [])
        # The unit's figures and its sub-units' come from one grouped query, the same one the
        # inline check-in answers with (web.views.check_in.check_in_figures).
        stats = okr_selectors.unit_stats(organization, cycle, viewer=person)
        context["progress"] = stats.get(unit.id, okr_selectors.UnitStat()).progress
        context["subunits"] = pages.subunit_rows(tree, unit, stats)
    return render(request, "orgs/unit_detail.html", context)


@login_required
def settings_index(request: HttpRequest) -> HttpResponse:
    """One place that leads to every setting: personal ones, then the organization's."""
    cycle = okr_selectors.cycle_for_request(request.user.organization, request.GET.get("cycle"))
    return render(request, "orgs/settings.html", {"nav": "settings", "cycle": cycle})
