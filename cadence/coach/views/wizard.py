"""The OKR wizard: choose a unit and a team function, pick one of the function's example
objectives, adapt it into a draft with its key results."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from cadence.coach import examples
from cadence.coach import services as coach_services
from cadence.coach.forms import WizardKeyResultFormSet, WizardObjectiveForm
from cadence.core.forms import submit
from cadence.core.htmx import query_object
from cadence.okrs import selectors as okr_selectors
from cadence.okrs.models import Cycle
from cadence.orgs import selectors as org_selectors
from cadence.orgs.models import Unit


@dataclass(frozen=True)
class _Wizard:
    """What every wizard page needs: the cycle, the units the person may draft for, and the
    chosen one (None: the library is read-only for them)."""

    cycle: Cycle
    units: list
    unit: Unit | None

    @property
    def can_adapt(self) -> bool:
        return self.unit is not None and not self.cycle.closed_at

    def query(self) -> str:
        return f"?unit={self.unit.id}" if self.unit else ""


def _wizard(request, cycle_id) -> _Wizard:
    person = request.user
    organization = person.organization
    cycle = okr_selectors.cycle_get(organization, cycle_id)
    # A foreign or unknown ?unit= is a 404, like anywhere else.
    requested = query_object(request, "unit", org_selectors.unit_get, organization)
    access = org_selectors.Access(person, org_selectors.UnitTree.load(organization))
    editable = set() if person.is_viewer else access.editable_unit_ids()
    units = list(
        org_selectors.active_units_of(organization).filter(id__in=editable).order_by("kind", "name")
    )
    if requested is not None and requested.id in editable:
        unit = requested
    else:
        # Their own team first (the first unit they belong to), else anything they may edit.
        own = [u for u in units if u.id in access.memberships and u.kind == Unit.Kind.TEAM]
        own = own or [u for u in units if u.id in access.memberships]
        unit = (own or units or [None])[0]
    return _Wizard(cycle=cycle, units=units, unit=unit)


def _switched_cycle(request, state: _Wizard, url_name: str, *args):
    """The header's cycle switch (``?cycle=``): the same wizard page in the other cycle."""
    switch_to = request.GET.get("cycle")
    if not switch_to or switch_to == str(state.cycle.id):
        return None
    other = okr_selectors.cycle_get(request.user.organization, switch_to)
    return redirect(reverse(url_name, args=[other.id, *args]) + state.query())


def _function_or_404(slug: str) -> examples.Function:
    function = examples.function_get(slug)
    if function is None:
        raise Http404("There is no such function in the examples library.")
    return function


@login_required
def wizard(request, cycle_id):
    """Step 1: choose the unit the draft is for and a team function."""
    state = _wizard(request, cycle_id)
    switched = _switched_cycle(request, state, "wizard")
    if switched:
        return switched
    chosen = request.GET.get("function")
    if chosen:
        function = _function_or_404(chosen)
        url = reverse("wizard_function", args=[state.cycle.id, function.slug])
        return redirect(url + state.query())
    context = {
        "wizard": state,
        "cycle": state.cycle,
        "functions": examples.FUNCTIONS,
        "cycle_switch_action": reverse("wizard", args=[state.cycle.id]),
    }
    return render(request, "coach/wizard.html", context)


@login_required
def wizard_function(request, cycle_id, function_slug):
    """Step 2: the function's example objectives with their key results."""
    state = _wizard(request, cycle_id)
    function = _function_or_404(function_slug)
    switched = _switched_cycle(request, state, "wizard_function", function.slug)
    if switched:
        return switched
    context = {
        "wizard": state,
        "cycle": state.cycle,
        "function": function,
        "examples": list(enumerate(function.objectives)),
        "cycle_switch_action": reverse("wizard_function", args=[state.cycle.id, function.slug]),
    }
    return render(request, "coach/wizard_function.html", context)


def _example_initial(example: examples.ExampleObjective) -> tuple[dict, list[dict]]:
    objective = {"title": example.title, "why": example.why, "commitment": example.commitment}
    rows = [
        {
            "title": kr.title,
            "kind": kr.kind,
            "start": kr.start,
            "target": kr.target,
            "unit": kr.unit,
            "direction": kr.direction or "at_least",
        }
        for kr in example.key_results
    ]
    return objective, rows


@login_required
def wizard_adapt(request, cycle_id, function_slug, index):
    """Step 3: adapt one example into a draft objective with its key results."""
    person = request.user
    state = _wizard(request, cycle_id)
    function = _function_or_404(function_slug)
    if not 0 <= index < len(function.objectives):
        raise Http404("There is no such example.")
    example = function.objectives[index]
    requested = request.GET.get("unit")
    if state.unit is None or (requested and str(state.unit.id) != requested):
        raise PermissionDenied("You cannot draft objectives here: you may edit no such unit.")
    if state.cycle.closed_at:
        raise PermissionDenied(f"{state.cycle.name} is closed: its OKRs can no longer change.")
    # Company and department objectives: a team's objective aligns to a higher one
    # (docs/method.md §7.1).
    choices = okr_selectors.objectives_for_parent_choice(
        person.organization, state.cycle, viewer=person
    )
    parents = choices.exclude(unit__kind=Unit.Kind.TEAM)
    objective_initial, rows_initial = _example_initial(example)
    data = request.POST if request.method == "POST" else None
    rows = WizardKeyResultFormSet(data, initial=rows_initial, prefix="kr")
    form = WizardObjectiveForm(data, parents=parents, rows=rows, initial=objective_initial)

    def save(cleaned: dict):
        try:
            return coach_services.wizard_draft_create(
                actor=person,
                cycle=state.cycle,
                unit=state.unit,
                key_results=form.key_results(),
                **cleaned,
            )
        except ValidationError as error:
            raise form.rows_take(error) from error

    done = submit(request, form, save)
    if done.saved:
        messages.success(
            request,
            "Draft created from the example. Check its numbers against your own "
            "baseline, then propose it.",
        )
        return redirect("objective_detail", objective_id=done.result.id)
    context = {
        "wizard": state,
        "cycle": state.cycle,
        "function": function,
        "example": example,
        "index": index,
        "form": form,
        "rows": rows,
        "cycle_switch_action": reverse("wizard_function", args=[state.cycle.id, function.slug]),
    }
    return render(request, "coach/wizard_adapt.html", context, status=done.status)
