"""Key results: the forms that add, change and delete one (the check-in is cadence.web's)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render

from cadence.core.forms import submit
from cadence.core.htmx import safe_next
from cadence.okrs import pages, selectors, services
from cadence.okrs.forms import KeyResultForm
from cadence.okrs.models import KeyResult
from cadence.orgs import selectors as org_selectors


def _kr_initial(kr: KeyResult) -> dict:
    return {
        "title": kr.title,
        "kind": kr.kind,
        "start": kr.start,
        "target": kr.target,
        "unit": kr.unit,
        "direction": kr.direction or KeyResult.Direction.AT_LEAST,
        "weight": kr.weight,
        "owner": kr.owner_id,
        "commitment": kr.commitment,
    }


@login_required
def key_result_create(request: HttpRequest, objective_id) -> HttpResponse:
    person = request.user
    objective = selectors.objective_get(person.organization, objective_id, viewer=person)
    pages.require_editor(person, objective)
    form = KeyResultForm(
        request.POST if request.method == "POST" else None,
        people=pages.people(person),
        initial={"owner": person.id, "weight": 1, "kind": KeyResult.Kind.METRIC},
    )
    done = submit(
        request,
        form,
        lambda data: services.key_result_create(actor=person, objective=objective, **data),
    )
    if done.saved:
        kr = done.result
        messages.success(request, f"Key result “{kr.title}” added.")
        if request.POST.get("then") == "another":
            return redirect("key_result_create", objective_id=objective.id)
        return redirect(pages.objective_url(objective, f"kr-{kr.id}"))
    return render(
        request,
        "okrs/key_result_form.html",
        pages.objective_context(objective, form=form),
        status=done.status,
    )


@login_required
def key_result_edit(request: HttpRequest, key_result_id) -> HttpResponse:
    person = request.user
    kr = selectors.key_result_get(person.organization, key_result_id, viewer=person)
    objective = kr.objective
    pages.require_editor(person, objective)
    form = KeyResultForm(
        request.POST if request.method == "POST" else None,
        people=pages.people(person),
        initial=_kr_initial(kr),
        ask_reason=objective.state in services.COMMITTED_STATES,
    )
    done = submit(
        request, form, lambda data: services.key_result_update(actor=person, key_result=kr, **data)
    )
    if done.saved:
        messages.success(request, "Key result saved.")
        return redirect(pages.objective_url(objective, f"kr-{kr.id}"))
    context = pages.objective_context(objective, form=form, key_result=kr)
    return render(request, "okrs/key_result_form.html", context, status=done.status)


@login_required
def key_result_delete(request: HttpRequest, key_result_id) -> HttpResponse:
    person = request.user
    kr = selectors.key_result_get(person.organization, key_result_id, viewer=person)
    objective = kr.objective
    pages.require_editor(person, objective)
    if request.method == "POST":
        try:
            services.key_result_delete(actor=person, key_result=kr)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, f"Key result “{kr.title}” was deleted.")
        return redirect("objective_detail", objective_id=objective.id)
    context = pages.objective_context(objective, key_result=kr)
    return render(request, "okrs/key_result_confirm_delete.html", context)


@login_required
def key_result_owner(request: HttpRequest, key_result_id) -> HttpResponse:
    """POST only: give a key result to another owner (the dashboard's "Reassign"), back to
    ``next``. A refused change (not an editor, a closed cycle, someone not in the organization)
    saves nothing and says why."""
    person = request.user
    kr = selectors.key_result_get(person.organization, key_result_id, viewer=person)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    pages.require_editor(person, kr.objective)
    back = safe_next(request, pages.objective_url(kr.objective, f"kr-{kr.id}"))
    owner_id = request.POST.get("owner", "")
    if not owner_id:
        messages.error(request, "Choose who owns the key result.")
        return redirect(back)
    owner = org_selectors.person_get(person.organization, owner_id)
    if owner.is_viewer:
        messages.error(request, f"{owner.name} is a viewer: viewers do not own key results.")
        return redirect(back)
    try:
        services.key_result_update(actor=person, key_result=kr, owner=owner)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, f"{owner.name} now owns “{kr.title}”.")
    return redirect(back)
