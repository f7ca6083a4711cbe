"""Cycles: the list with the new-cycle form, changing a cycle, deleting an empty one (admins)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from cadence.core.forms import submit
from cadence.okrs import pages, permissions, selectors, services
from cadence.okrs.forms import CycleForm
from cadence.okrs.models import Cycle
from cadence.okrs.quarters import next_cycle_initial


@login_required
def cycles(request: HttpRequest) -> HttpResponse:
    person = request.user
    organization = person.organization
    today = timezone.localdate()
    all_cycles = list(selectors.cycles_of(organization))
    selected = selectors.cycle_for_request(organization, request.GET.get("cycle"))
    may_create = permissions.can_manage_cycles(person)
    if request.method == "POST" and not may_create:
        raise PermissionDenied("Only organization admins create cycles.")
    form = None
    status = 200
    if may_create:
        form = CycleForm(
            request.POST if request.method == "POST" else None,
            initial=next_cycle_initial(all_cycles, today, organization.default_cycle_kind),
        )
        done = submit(request, form, lambda data: services.cycle_create(actor=person, **data))
        if done.saved:
            messages.success(request, f"{done.result.name} was created.")
            return redirect(f"{reverse('cycles')}?cycle={done.result.id}")
        status = done.status
    rows = [
        {
            "cycle": c,
            "phase": Cycle.Phase(c.phase_on(today)).label,
            "phase_value": c.phase_on(today),
        }
        for c in all_cycles
    ]
    context = {
        "cycle": selected,
        "rows": rows,
        "form": form,
        "nav": "cycles",
        "cycle_switch_action": reverse("dashboard"),
    }
    return render(request, "okrs/cycles.html", context, status=status)


@login_required
def cycle_edit(request: HttpRequest, cycle_id) -> HttpResponse:
    """An admin renames a cycle or changes its kind or dates; the page also offers to delete
    it while it holds nothing."""
    person = request.user
    cycle = selectors.cycle_get(person.organization, cycle_id)
    pages.require_admin(person, "change cycles")
    form = CycleForm(
        request.POST if request.method == "POST" else None,
        initial={"name": cycle.name, "kind": cycle.kind, "start": cycle.start, "end": cycle.end},
    )
    done = submit(
        request, form, lambda data: services.cycle_update(actor=person, cycle=cycle, **data)
    )
    if done.saved:
        messages.success(request, f"{form.cleaned_data['name'].strip()} was saved.")
        return redirect(f"{reverse('cycles')}?cycle={cycle.id}")
    context = {
        "cycle": cycle,
        "edited": cycle,
        "form": form,
        "holdings": selectors.cycle_holdings(cycle),
        "nav": "cycles",
        "cycle_switch_action": reverse("dashboard"),
    }
    return render(request, "okrs/cycle_form.html", context, status=done.status)


@login_required
def cycle_delete(request: HttpRequest, cycle_id) -> HttpResponse:
    """Delete a cycle that holds no objectives and no reviews (admins)."""
    person = request.user
    cycle = selectors.cycle_get(person.organization, cycle_id)
    pages.require_admin(person, "delete cycles")
    if request.method == "POST":
        try:
            services.cycle_delete(actor=person, cycle=cycle)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect("cycle_edit", cycle_id=cycle.id)
        messages.success(request, f"{cycle.name} was deleted.")
        return redirect("cycles")
    context = {
        "cycle": cycle,
        "edited": cycle,
        "holdings": selectors.cycle_holdings(cycle),
        "nav": "cycles",
        "cycle_switch_action": reverse("dashboard"),
    }
    return render(request, "okrs/cycle_confirm_delete.html", context)
