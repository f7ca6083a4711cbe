"""A person's page: who they are in the organization (their units), the key results they own in
the cycle, and their personal development objectives — those the reader may see (okrs.visibility:
the person, their leads and admins, everyone for those shared) — with, for the person
themselves, the form to start a new one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from cadence.core.forms import submit
from cadence.okrs import pages
from cadence.okrs import selectors as okr_selectors
from cadence.okrs import services as okr_services
from cadence.okrs.forms import PersonalObjectiveForm
from cadence.oneonones import selectors as oneonone_selectors
from cadence.orgs import selectors as org_selectors
from cadence.orgs.selectors import Access
from cadence.web.nav import Nav


def _form(request: HttpRequest, cycle) -> PersonalObjectiveForm:
    person = request.user
    return PersonalObjectiveForm(
        request.POST if request.method == "POST" else None,
        parents=okr_selectors.objectives_for_parent_choice(
            person.organization, cycle, viewer=person
        ),
    )


@login_required
def person_detail(request: HttpRequest, person_id) -> HttpResponse:
    viewer = request.user
    person = org_selectors.person_get_for(viewer, person_id)
    cycle = Nav.of(request).page_cycle()  # the header's cycles (no query of its own)
    own = person.pk == viewer.pk
    form, status = None, 200
    if own and cycle is not None and not cycle.closed_at and not viewer.is_viewer:
        form = _form(request, cycle)
        done = submit(
            request,
            form,
            lambda data: okr_services.personal_objective_create(actor=viewer, cycle=cycle, **data),
        )
        if done.saved:
            messages.success(request, "Your objective is started: add its key results.")
            return redirect("objective_detail", objective_id=done.result.id)
        status = done.status or 200
    return _render(request, person, cycle, form, own, status)


def _render(request, person, cycle, form, own, status=200) -> HttpResponse:
    viewer = request.user
    organization = viewer.organization
    access = Access.of(viewer)
    rows = []
    board = None
    if cycle is not None:
        board = okr_selectors.board_for_cycle(
            organization,
            cycle,
            viewer=viewer,
            scope=Q(owner_person=person),
            personal=True,
        )
        by_id = pages.board_rows(board, viewer, access)
        rows = [by_id[o.id] for o in board.objectives.values() if o.id in by_id]
    pair = None if own else oneonone_selectors.pair_with(viewer, person)
    context = {
        "person": person,
        "own": own,
        "cycle": cycle,
        "board": board,
        "today": board.today if board else None,
        "objectives": rows,
        "their_units": list(org_selectors.person_memberships(person)),
        "owned_krs": okr_selectors.key_results_owned(organization, person, cycle, viewer=viewer)
        if cycle is not None
        else [],
        "form": form,
        "pair": pair,
        "cycle_switch_action": reverse("person_detail", args=[person.pk]),
    }
    return render(request, "web/person.html", context, status=status)
