"""Alignment pages: waiting for my approval, a cycle's dependencies, and the POST endpoints of
the objective page's alignment panel (propose, approve, return, reopen; dependencies).

Each POST sends its form through one service (``core.forms.submit``) and redirects back
(``next``, else the objective page); what the form or the service refused comes back as error
messages on that page, a PermissionDenied as the 403 page.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse

from cadence.alignment import selectors, services
from cadence.alignment.forms import (
    AcknowledgeForm,
    CommentForm,
    DependencyForm,
    DependencyStateForm,
    ReturnForm,
)
from cadence.core.forms import submit
from cadence.core.htmx import is_htmx, safe_next
from cadence.okrs import selectors as okr_selectors
from cadence.orgs import selectors as org_selectors
from cadence.orgs.selectors import Access, UnitTree


def _back(request: HttpRequest, objective_id) -> HttpResponse:
    return redirect(safe_next(request, reverse("objective_detail", args=[objective_id])))


def _submitted(request: HttpRequest, form, save, success) -> None:
    """``submit`` the form to one service; say what it did (``success(result)``), or what the
    form or the service refused, as messages for the page the person goes back to."""
    done = submit(request, form, save)
    if done.saved:
        messages.success(request, success(done.result))
        return
    for errors in form.errors.values():
        for message in errors:
            messages.error(request, message)


@login_required
def approvals(request: HttpRequest) -> HttpResponse:
    """Proposed objectives waiting for this person's approval, each with its key results and
    the coach's open findings, and approve / return forms."""
    cards = selectors.approval_cards(request.user)
    context = {"cards": cards, "nav": "approvals", "return_form": ReturnForm()}
    return render(request, "alignment/approvals.html", context)


def _review(request: HttpRequest, objective_id, service, form_class, done: str) -> HttpResponse:
    person = request.user
    objective = okr_selectors.objective_get(person.organization, objective_id, viewer=person)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    _submitted(
        request,
        form_class(request.POST),
        lambda data: service(actor=person, objective=objective, comment=data["comment"]),
        lambda _: f"“{objective.title}” {done}.",
    )
    return _back(request, objective.id)


@login_required
def objective_propose(request: HttpRequest, objective_id) -> HttpResponse:
    return _review(
        request, objective_id, services.objective_propose, CommentForm, "was proposed for approval"
    )


@login_required
def objective_approve(request: HttpRequest, objective_id) -> HttpResponse:
    return _review(request, objective_id, services.objective_approve, CommentForm, "was approved")


@login_required
def objective_return(request: HttpRequest, objective_id) -> HttpResponse:
    return _review(
        request, objective_id, services.objective_return, ReturnForm, "went back to its team"
    )


@login_required
def objective_reopen(request: HttpRequest, objective_id) -> HttpResponse:
    return _review(
        request, objective_id, services.objective_reopen, CommentForm, "is a draft again"
    )


# Dependencies --------------------------------------------------------------------------------


@login_required
def dependency_create(request: HttpRequest, objective_id) -> HttpResponse:
    person = request.user
    organization = person.organization
    objective = okr_selectors.objective_get(organization, objective_id, viewer=person)
    if request.method == "GET":
        # The form, on its own page or (htmx) opened inside the objective's panel: its list of
        # every unit is only sent to someone who asks.
        access = Access(person, UnitTree.load(organization))
        context = {
            "o": objective,
            "providers": selectors.dependency_providers(access, objective),
            "here": safe_next(request, reverse("objective_detail", args=[objective.id])),
        }
        if is_htmx(request):
            return render(request, "alignment/dependency_new.html#form", context)
        return render(request, "alignment/dependency_new.html", context)
    if request.method != "POST":
        return HttpResponseNotAllowed(["GET", "POST"])
    _submitted(
        request,
        DependencyForm(request.POST, units=org_selectors.units_of(organization)),
        lambda data: services.dependency_create(actor=person, objective=objective, **data),
        lambda dependency: f"Asked {dependency.provider.name} for help.",
    )
    return _back(request, objective.id)


def _dependency_post(request: HttpRequest, dependency_id):
    person = request.user
    dependency = selectors.dependency_get(person.organization, dependency_id, viewer=person)
    if request.method != "POST":
        return dependency, HttpResponseNotAllowed(["POST"])
    return dependency, None


@login_required
def dependency_acknowledge(request: HttpRequest, dependency_id) -> HttpResponse:
    dependency, not_allowed = _dependency_post(request, dependency_id)
    if not_allowed:
        return not_allowed
    _submitted(
        request,
        AcknowledgeForm(request.POST),
        lambda data: services.dependency_acknowledge(
            actor=request.user, dependency=dependency, note=data["note"]
        ),
        lambda _: "Acknowledged: the asking team can count on you.",
    )
    return _back(request, dependency.objective_id)


@login_required
def dependency_state(request: HttpRequest, dependency_id) -> HttpResponse:
    dependency, not_allowed = _dependency_post(request, dependency_id)
    if not_allowed:
        return not_allowed
    _submitted(
        request,
        DependencyStateForm(request.POST),
        lambda data: services.dependency_set_state(
            actor=request.user, dependency=dependency, **data
        ),
        lambda updated: f"The dependency is now {updated.get_state_display().lower()}.",
    )
    return _back(request, dependency.objective_id)


@login_required
def dependency_delete(request: HttpRequest, dependency_id) -> HttpResponse:
    dependency, not_allowed = _dependency_post(request, dependency_id)
    if not_allowed:
        return not_allowed
    services.dependency_delete(actor=request.user, dependency=dependency)
    messages.success(request, "The dependency was withdrawn.")
    return _back(request, dependency.objective_id)


@login_required
def cycle_dependencies(request: HttpRequest, cycle_id) -> HttpResponse:
    """A cycle's dependencies grouped by the unit asked; ``?mine=1``: asked of my teams."""
    person = request.user
    organization = person.organization
    cycle = okr_selectors.cycle_get(organization, cycle_id)
    switch_to = request.GET.get("cycle")
    if switch_to and switch_to != str(cycle.id):
        other = okr_selectors.cycle_get(organization, switch_to)
        return redirect("cycle_dependencies", cycle_id=other.id)
    mine = request.GET.get("mine") == "1"
    groups = selectors.cycle_dependencies(organization, cycle, person, mine=mine)
    context = {
        "cycle": cycle,
        "groups": groups,
        "mine": mine,
        "nav": "dependencies",
        "cycle_switch_action": reverse("cycle_dependencies", args=[cycle.id]),
    }
    return render(request, "alignment/cycle_dependencies.html", context)
