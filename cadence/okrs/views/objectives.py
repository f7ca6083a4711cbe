"""Objectives: the forms that create, change and delete one (its page is cadence.web's)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from cadence.core.forms import submit
from cadence.core.htmx import query_object
from cadence.okrs import pages, selectors, services
from cadence.okrs.forms import ObjectiveCreateForm, ObjectiveForm, PersonalObjectiveForm
from cadence.okrs.models import Cycle
from cadence.orgs import selectors as org_selectors
from cadence.orgs.selectors import Access


def _cycle_from_data(organization, value, fallback: Cycle | None) -> Cycle | None:
    if not value:
        return fallback
    try:
        return selectors.cycle_get(organization, value)
    except Http404:
        return fallback


@login_required
def objective_create(request: HttpRequest) -> HttpResponse:
    person = request.user
    organization = person.organization
    # Query-string presets: a foreign or missing id is a 404 like anywhere else.
    unit = query_object(request, "unit", org_selectors.unit_get, organization)
    preset_cycle = query_object(request, "cycle", selectors.cycle_get, organization)
    parent = query_object(request, "parent", selectors.objective_get, organization)
    access = Access.of(person)
    editable = [] if person.is_viewer else sorted(access.editable_unit_ids(), key=str)
    if not editable:
        raise PermissionDenied("You cannot create objectives: you are not in any team yet.")
    if unit is not None and unit.id not in editable:
        raise PermissionDenied(f"Only members of {unit.name}, its leads and admins may do this.")
    current = selectors.cycle_current(organization)
    if preset_cycle is not None:
        cycle = preset_cycle
    elif parent is not None:
        # Under an annual objective, the current quarter rather than the year itself.
        cycle = current if current and parent.cycle.contains(current) else parent.cycle
    else:
        cycle = current
    if cycle is None:
        messages.info(request, "Create a cycle first: objectives belong to a cycle.")
        return redirect("cycles")
    if request.method == "POST":
        cycle = _cycle_from_data(organization, request.POST.get("cycle"), cycle)
    units = (
        org_selectors.active_units_of(organization).filter(id__in=editable).order_by("kind", "name")
    )
    member_units = [u for u in editable if u in access.memberships]
    default_unit = unit.id if unit else (member_units[0] if member_units else editable[0])
    form = ObjectiveCreateForm(
        request.POST if request.method == "POST" else None,
        cycles=selectors.cycles_of(organization),
        may_approve=person.is_admin,
        units=units,
        parents=selectors.objectives_for_parent_choice(organization, cycle, viewer=person),
        people=pages.people(person),
        initial={
            "cycle": cycle.id,
            "unit": default_unit,
            "parent": parent.id if parent else None,
            "owner": person.id if not person.is_viewer else None,
        },
    )
    done = submit(request, form, lambda data: services.objective_create(actor=person, **data))
    if done.saved:
        messages.success(request, "Objective created. Now add its key results.")
        return redirect("key_result_create", objective_id=done.result.id)
    context = {"form": form, "cycle": cycle, "cycle_switch_action": reverse("dashboard")}
    return render(request, "okrs/objective_form.html", context, status=done.status)


@login_required
def objective_edit(request: HttpRequest, objective_id) -> HttpResponse:
    person = request.user
    organization = person.organization
    objective = selectors.objective_get(organization, objective_id, viewer=person)
    access = pages.require_editor(person, objective)
    if objective.is_personal:
        return _personal_objective_edit(request, objective)
    editable = access.editable_unit_ids() | {objective.unit_id}
    form = ObjectiveForm(
        request.POST if request.method == "POST" else None,
        units=org_selectors.units_of(organization)
        .filter(Q(archived_at__isnull=True) | Q(pk=objective.unit_id), id__in=editable)
        .order_by("kind", "name"),
        parents=selectors.objectives_for_parent_choice(
            organization, objective.cycle, viewer=person, exclude=objective
        ),
        people=pages.people(person),
        initial={
            "title": objective.title,
            "why": objective.why,
            "commitment": objective.commitment,
            "unit": objective.unit_id,
            "parent": objective.parent_id,
            "standalone_reason": objective.standalone_reason,
            "owner": objective.owner_id,
            "visibility": objective.visibility,
        },
    )
    return _edit_page(request, objective, form)


def _edit_page(request: HttpRequest, objective, form) -> HttpResponse:
    """The edit form of an objective: saved through the service, or shown with its errors."""
    done = submit(
        request,
        form,
        lambda data: services.objective_update(actor=request.user, objective=objective, **data),
    )
    if done.saved:
        messages.success(request, "Objective saved.")
        return redirect("objective_detail", objective_id=objective.id)
    context = pages.objective_context(objective, form=form)
    return render(request, "okrs/objective_form.html", context, status=done.status)


def _personal_objective_edit(request: HttpRequest, objective) -> HttpResponse:
    person = request.user
    form = PersonalObjectiveForm(
        request.POST if request.method == "POST" else None,
        parents=selectors.objectives_for_parent_choice(
            person.organization, objective.cycle, viewer=person
        ),
        initial={
            "title": objective.title,
            "why": objective.why,
            "commitment": objective.commitment,
            "parent": objective.parent_id,
            "counts_in_parent": objective.counts_in_parent,
            "visibility": objective.visibility,
        },
    )
    return _edit_page(request, objective, form)


@login_required
def objective_delete(request: HttpRequest, objective_id) -> HttpResponse:
    person = request.user
    objective = selectors.objective_get(person.organization, objective_id, viewer=person)
    pages.require_editor(person, objective)
    if request.method == "POST":
        try:
            services.objective_delete(actor=person, objective=objective)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect("objective_detail", objective_id=objective.id)
        messages.success(request, f"“{objective.title}” was deleted.")
        if objective.is_personal:
            return redirect(
                f"{reverse('person_detail', args=[objective.owner_person_id])}"
                f"?cycle={objective.cycle_id}"
            )
        return redirect(
            f"{reverse('unit_detail', args=[objective.unit_id])}?cycle={objective.cycle_id}"
        )
    return render(request, "okrs/objective_confirm_delete.html", pages.objective_context(objective))
