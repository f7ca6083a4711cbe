"""Planning: plan the next cycle from this one (pick or create it, carry objectives forward)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from cadence.core.forms import UNPROCESSABLE, Submission, submit
from cadence.core.htmx import query_object
from cadence.okrs import selectors as okr_selectors
from cadence.okrs import services as okr_services
from cadence.okrs.forms import CycleForm
from cadence.okrs.quarters import next_cycle_initial
from cadence.orgs.selectors import Access
from cadence.planning import selectors, services


@login_required
def cycle_next(request: HttpRequest, cycle_id) -> HttpResponse:
    """Plan the next cycle from this one: pick (or, for admins, create) the next cycle, then
    carry objectives forward unit by unit. Units and memberships simply persist."""
    person = request.user
    organization = person.organization
    cycle = okr_selectors.cycle_get(organization, cycle_id)
    choices = selectors.next_cycle_choices(organization, cycle)
    asked = query_object(request, "to", okr_selectors.cycle_get, organization)
    target = asked if asked in choices else (choices[0] if choices else None)
    form = None
    done = Submission(saved=False)
    if request.method == "POST":
        if not person.is_admin:
            raise PermissionDenied("Only organization admins create cycles.")
        form = CycleForm(request.POST)
        done = submit(request, form, lambda data: okr_services.cycle_create(actor=person, **data))
        if done.saved:
            created = done.result
            messages.success(request, f"{created.name} was created: carry objectives into it.")
            return redirect(f"{reverse('cycle_next', args=[cycle.id])}?to={created.id}")
    elif person.is_admin:
        same_kind = [c for c in okr_selectors.cycles_of(organization) if c.kind == cycle.kind]
        form = CycleForm(initial=next_cycle_initial(same_kind, timezone.localdate()))
    plan = selectors.next_cycle_plan(
        organization, cycle, target, viewer=person, access=Access(person)
    )
    context = {
        "cycle": cycle,
        "plan": plan,
        "choices": choices,
        "target": target,
        "form": form,
        "form_open": done.status == UNPROCESSABLE or not choices,
        "nav": "cycles",
        "cycle_switch_action": reverse("dashboard"),
    }
    return render(request, "planning/cycle_next.html", context, status=done.status)


@login_required
def objective_carry_forward(request: HttpRequest, objective_id) -> HttpResponse:
    """POST: carry one objective into the chosen next cycle, then back to the planning page."""
    organization = request.user.organization
    objective = okr_selectors.objective_get(organization, objective_id, viewer=request.user)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    target = okr_selectors.cycle_get(organization, request.POST.get("cycle"))
    try:
        carried = services.objective_carry_forward(
            actor=request.user, objective=objective, cycle=target
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            f"“{carried.title}” was carried forward into {target.name} as a new draft, "
            "linked to the old one.",
        )
    url = reverse("cycle_next", args=[objective.cycle_id])
    return redirect(f"{url}?to={target.id}#objective-{objective.id}")
