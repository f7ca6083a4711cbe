"""The objective page: the objective with its key results and charts, what aligns to it, the
coach's findings, the alignment panel (approval), the target history and where it was carried
from or to (reviews); and the state change the page makes."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from cadence.alignment.selectors import objective_alignment_flags, objective_alignment_panel
from cadence.coach import selectors as coach_selectors
from cadence.core.forms import UNPROCESSABLE, submit
from cadence.core.htmx import post_only
from cadence.feed import selectors as feed_selectors
from cadence.ideas import selectors as ideas_selectors
from cadence.integrations import selectors as integration_selectors
from cadence.kpis import selectors as kpi_selectors
from cadence.okrs import pages, selectors, services, states
from cadence.okrs.forms import ObjectiveStateForm
from cadence.okrs.models import Objective
from cadence.orgs.selectors import Access
from cadence.reviews import selectors as review_selectors


def panel_flags() -> dict:
    """What the page's panels would find, read with the objective (cadence.core.flags): a panel
    that is empty for most objectives costs no query when there is nothing in it."""
    return {
        **feed_selectors.objective_discussion_flags(),
        **coach_selectors.objective_coach_flags(),
        **kpi_selectors.objective_kpi_flags(),
        **objective_alignment_flags(),
        **review_selectors.objective_review_flags(),
        **integration_selectors.objective_source_flags(),
        **ideas_selectors.objective_idea_flags(),
    }


def objective_page(
    request: HttpRequest,
    objective: Objective,
    *,
    state_form: ObjectiveStateForm | None = None,
    status: int = 200,
) -> HttpResponse:
    person = request.user
    organization = person.organization
    annotated, board = selectors.objective_with_progress(organization, objective, viewer=person)
    access = Access.of(person)
    details, histories = pages.key_result_details(annotated, today=board.today)
    rows = pages.board_rows(board, person, access, details=details)
    row = rows[annotated.id]
    discussions = feed_selectors.discussions_for(
        person, [annotated.model, *(kr.model for kr in annotated.krs)], flags=objective
    )
    context = {
        "cycle": annotated.cycle,
        "objective": row,
        "board": board,
        "today": board.today,
        # Loaded with the objective (select_related); not shown when the reader may not see it.
        "parent": objective.parent if annotated.parent_id else None,
        "parent_on_board": row.parent_on_board,
        "children": sorted(board.children(annotated), key=pages.tree_order),
        "discussion": discussions[annotated.id],
        "kr_discussions": discussions,
        "transitions": states.page_moves(annotated.state),
        "can_abandon": states.can_abandon(annotated.state),
        "state_form": state_form or ObjectiveStateForm(),
        "abandon_open": state_form is not None and bool(state_form.errors),
        "coach_findings": coach_selectors.findings_for_objective(
            organization, annotated, board, histories=histories, flags=objective
        ),
        "cycle_switch_action": reverse("dashboard"),
        "alignment": objective_alignment_panel(objective, person, access, reload=False),
        "carried": review_selectors.carry_links(organization, objective, viewer=person),
        "target_changes": review_selectors.objective_target_changes(annotated, flags=objective),
        # Key results that update themselves: their data sources' state (issue 15).
        "kr_sources": integration_selectors.data_sources_for(
            organization, [kr.id for kr in annotated.krs], flags=objective
        ),
        "objective_forecast": pages.objective_forecast(annotated, histories),
        # The KPIs it was drafted to bring back into their band.
        "recovers": kpi_selectors.kpis_recovered_by(organization, objective),
        # The idea of an ideas round it was promoted from.
        "from_idea": ideas_selectors.idea_for_objective(organization, objective),
    }
    return render(request, "okrs/objective_detail.html", context, status=status)


@login_required
def objective_detail(request: HttpRequest, objective_id) -> HttpResponse:
    objective = selectors.objective_get(
        request.user.organization, objective_id, viewer=request.user, flags=panel_flags()
    )
    return objective_page(request, objective)


@login_required
def objective_state(request: HttpRequest, objective_id) -> HttpResponse:
    person = request.user
    objective = selectors.objective_get(
        person.organization, objective_id, viewer=person, flags=panel_flags()
    )
    if not_allowed := post_only(request):
        return not_allowed
    pages.require_editor(person, objective)
    form = ObjectiveStateForm(request.POST)
    done = submit(
        request,
        form,
        lambda data: services.objective_set_state(
            actor=person, objective=objective, state=data["state"], reason=data["reason"]
        ),
    )
    if done.saved:
        messages.success(request, f"The objective is now {done.result.get_state_display()}.")
        return redirect("objective_detail", objective_id=objective.id)
    return objective_page(request, objective, state_form=form, status=UNPROCESSABLE)
