"""Coach pages: live checks, findings, settings, the quality page, and the OKR wizard."""

# --- Live checks, findings, settings, quality (coach integration) --------------------------

from django.contrib import messages  # noqa: E402
from django.contrib.auth.decorators import login_required  # noqa: E402
from django.core.exceptions import PermissionDenied, ValidationError  # noqa: E402
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed  # noqa: E402
from django.shortcuts import redirect, render  # noqa: E402
from django.urls import reverse  # noqa: E402

from cadence.coach import checks as coach_checks  # noqa: E402
from cadence.coach import selectors as coach_selectors  # noqa: E402
from cadence.coach import services as coach_services  # noqa: E402
from cadence.coach.forms import CheckSettingsForm, DismissForm, LiveCheckForm  # noqa: E402
from cadence.core.htmx import safe_next  # noqa: E402
from cadence.okrs import selectors as okr_selectors  # noqa: E402
from cadence.orgs import selectors as org_selectors  # noqa: E402
from cadence.orgs.selectors import Access, UnitTree  # noqa: E402


def _guide_url(check_id: str = "") -> str:
    url = reverse("coach_guide")
    return f"{url}#check-{check_id}" if check_id else url


@login_required
def coach_check(request: HttpRequest) -> HttpResponse:
    """POST the fields of a key result or objective form; answer the coach's findings as the
    partial coach/_findings.html (the OKR forms and the wizard call it as people type)."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = LiveCheckForm(request.POST)
    form.is_valid()  # unreadable parts are dropped, never refused
    values = form.values()
    findings = coach_selectors.live_findings(
        coach_selectors.settings_of(request.user.organization), **values
    )
    rows = [
        {
            "finding": f,
            "check": coach_checks.CHECKS[f.check],
            "label": coach_selectors.level_label(f.level),
        }
        for f in findings
    ]
    context = {"rows": rows, "subject": values["subject"], "has_text": bool(values["title"])}
    return render(request, "coach/_findings.html", context)


@login_required
def coach_guide(request: HttpRequest) -> HttpResponse:
    entries = coach_selectors.catalogue(request.user.organization)
    context = {
        "entries": entries,
        "cycle": okr_selectors.cycle_current(request.user.organization),
        "nav": "coach",
    }
    return render(request, "coach/guide.html", context)


@login_required
def coach_settings(request: HttpRequest) -> HttpResponse:
    person = request.user
    organization = person.organization
    entries = coach_selectors.catalogue(organization)
    form = CheckSettingsForm(request.POST if request.method == "POST" else None, entries=entries)
    status = 200
    if request.method == "POST":
        if not person.is_admin:
            raise PermissionDenied("Only organization admins change the coach's settings.")
        if form.is_valid():
            try:
                for check_id, enabled, level in form.changes():
                    coach_services.check_setting_update(
                        actor=person, check_id=check_id, enabled=enabled, level=level
                    )
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, "Coach settings saved.")
                return redirect("coach_settings")
        status = 422
    context = {
        "form": form,
        "can_edit": person.is_admin,
        "fixed": coach_services.FIXED_CHECKS,
        "cycle": okr_selectors.cycle_current(organization),
        "nav": "coach",
    }
    return render(request, "coach/settings.html", context, status=status)


@login_required
def cycle_quality(request: HttpRequest, cycle_id) -> HttpResponse:
    organization = request.user.organization
    cycle = okr_selectors.cycle_get(organization, cycle_id)
    quality = coach_selectors.quality_for_cycle(organization, cycle)
    access = Access(request.user, UnitTree.load(organization))
    editable = set() if request.user.is_viewer or cycle.closed_at else access.editable_unit_ids()
    for uq in quality.units:
        uq.can_edit = uq.unit.id in editable
    context = {
        "cycle": cycle,
        "quality": quality,
        "next": reverse("cycle_quality", args=[cycle.id]),
        "penalty": coach_selectors.UNIT_FINDING_PENALTY,
        "nav": "quality",
        "cycle_switch_action": reverse("dashboard"),
    }
    return render(request, "coach/quality.html", context)


def _dismiss_target(organization, data: dict) -> dict:
    """The objects a dismiss form names, each looked up in the organization (foreign: 404)."""
    target = {}
    if data.get("key_result"):
        target["key_result"] = okr_selectors.key_result_get(organization, data["key_result"])
    if data.get("objective"):
        target["objective"] = okr_selectors.objective_get(organization, data["objective"])
    if data.get("unit"):
        target["unit"] = org_selectors.unit_get(organization, data["unit"])
    if data.get("cycle"):
        target["cycle"] = okr_selectors.cycle_get(organization, data["cycle"])
    return target


def _back(request: HttpRequest, target: dict) -> str:
    if "key_result" in target:
        kr = target["key_result"]
        fallback = reverse("objective_detail", args=[kr.objective_id]) + "#coach"
    elif "objective" in target:
        fallback = reverse("objective_detail", args=[target["objective"].id]) + "#coach"
    elif "cycle" in target:
        fallback = reverse("cycle_quality", args=[target["cycle"].id])
    else:
        fallback = reverse("dashboard")
    return safe_next(request, fallback)


@login_required
def finding_dismiss(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    person = request.user
    form = DismissForm(request.POST)
    if not form.is_valid():
        # Ids are checked against the organization first: a foreign one is a 404.
        _dismiss_target(person.organization, {k: request.POST.get(k) for k in form.fields})
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect(safe_next(request, reverse("dashboard")))
    target = _dismiss_target(person.organization, form.cleaned_data)
    try:
        coach_services.finding_dismiss(
            actor=person,
            check_id=form.cleaned_data["check_id"],
            reason=form.cleaned_data["reason"],
            **target,
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, "Dismissed, with your reason recorded.")
    return redirect(_back(request, target))


@login_required
def dismissal_withdraw(request: HttpRequest, dismissal_id) -> HttpResponse:
    person = request.user
    dismissal = coach_selectors.dismissal_get(person.organization, dismissal_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if dismissal.key_result_id:
        target = {"key_result": dismissal.key_result}
    elif dismissal.objective_id:
        target = {"objective": dismissal.objective}
    else:
        target = {"cycle": dismissal.cycle}
    try:
        coach_services.dismissal_withdraw(actor=person, dismissal=dismissal)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, "Withdrawn: the coach shows this finding again.")
    return redirect(_back(request, target))


# --- The OKR wizard ------------------------------------------------------------------------

from dataclasses import dataclass as _dataclass  # noqa: E402

from django.contrib import messages as _messages  # noqa: E402
from django.contrib.auth.decorators import login_required as _login_required  # noqa: E402
from django.core.exceptions import PermissionDenied as _PermissionDenied  # noqa: E402
from django.core.exceptions import ValidationError as _ValidationError  # noqa: E402
from django.http import Http404 as _Http404  # noqa: E402
from django.shortcuts import redirect as _redirect  # noqa: E402
from django.shortcuts import render as _render  # noqa: E402
from django.urls import reverse as _reverse  # noqa: E402

from cadence.coach import examples as _examples  # noqa: E402
from cadence.coach import services as _coach_services  # noqa: E402
from cadence.coach.forms import WizardKeyResultFormSet, WizardObjectiveForm  # noqa: E402
from cadence.core.htmx import query_object as _query_object  # noqa: E402
from cadence.okrs import selectors as _okr_selectors  # noqa: E402
from cadence.okrs.forms import add_service_error as _add_service_error  # noqa: E402
from cadence.okrs.models import Cycle as _Cycle  # noqa: E402
from cadence.orgs import selectors as _org_selectors  # noqa: E402
from cadence.orgs.models import Unit as _Unit  # noqa: E402

_UNPROCESSABLE = 422


@_dataclass
class _Wizard:
    """What every wizard page needs: the cycle, the units the person may draft for, and the
    chosen one (None: the library is read-only for them)."""

    cycle: _Cycle
    units: list
    unit: _Unit | None

    @property
    def can_adapt(self) -> bool:
        return self.unit is not None and not self.cycle.closed_at

    def query(self) -> str:
        return f"?unit={self.unit.id}" if self.unit else ""


def _wizard(request, cycle_id) -> _Wizard:
    person = request.user
    organization = person.organization
    cycle = _okr_selectors.cycle_get(organization, cycle_id)
    # A foreign or unknown ?unit= is a 404, like anywhere else.
    requested = _query_object(request, "unit", _org_selectors.unit_get, organization)
    access = _org_selectors.Access(person, _org_selectors.UnitTree.load(organization))
    editable = set() if person.is_viewer else access.editable_unit_ids()
    units = list(
        _org_selectors.units_of(organization).filter(id__in=editable).order_by("kind", "name")
    )
    if requested is not None and requested.id in editable:
        unit = requested
    else:
        # Their own team first (the first unit they belong to), else anything they may edit.
        own = [u for u in units if u.id in access.memberships and u.kind == _Unit.Kind.TEAM]
        own = own or [u for u in units if u.id in access.memberships]
        unit = (own or units or [None])[0]
    return _Wizard(cycle=cycle, units=units, unit=unit)


def _switched_cycle(request, state: _Wizard, url_name: str, *args):
    """The header's cycle switch (``?cycle=``): the same wizard page in the other cycle."""
    switch_to = request.GET.get("cycle")
    if not switch_to or switch_to == str(state.cycle.id):
        return None
    other = _okr_selectors.cycle_get(request.user.organization, switch_to)
    return _redirect(_reverse(url_name, args=[other.id, *args]) + state.query())


def _function_or_404(slug: str) -> _examples.Function:
    function = _examples.function_get(slug)
    if function is None:
        raise _Http404("There is no such function in the examples library.")
    return function


@_login_required
def wizard(request, cycle_id):
    """Step 1: choose the unit the draft is for and a team function."""
    state = _wizard(request, cycle_id)
    switched = _switched_cycle(request, state, "wizard")
    if switched:
        return switched
    chosen = request.GET.get("function")
    if chosen:
        function = _function_or_404(chosen)
        url = _reverse("wizard_function", args=[state.cycle.id, function.slug])
        return _redirect(url + state.query())
    context = {
        "wizard": state,
        "cycle": state.cycle,
        "functions": _examples.FUNCTIONS,
        "cycle_switch_action": _reverse("wizard", args=[state.cycle.id]),
    }
    return _render(request, "coach/wizard.html", context)


@_login_required
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
        "cycle_switch_action": _reverse("wizard_function", args=[state.cycle.id, function.slug]),
    }
    return _render(request, "coach/wizard_function.html", context)


def _example_initial(example: _examples.ExampleObjective) -> tuple[dict, list[dict]]:
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


@_login_required
def wizard_adapt(request, cycle_id, function_slug, index):
    """Step 3: adapt one example into a draft objective with its key results."""
    person = request.user
    state = _wizard(request, cycle_id)
    function = _function_or_404(function_slug)
    if not 0 <= index < len(function.objectives):
        raise _Http404("There is no such example.")
    example = function.objectives[index]
    requested = request.GET.get("unit")
    if state.unit is None or (requested and str(state.unit.id) != requested):
        raise _PermissionDenied("You cannot draft objectives here: you may edit no such unit.")
    if state.cycle.closed_at:
        raise _PermissionDenied(f"{state.cycle.name} is closed: its OKRs can no longer change.")
    # Company and department objectives: a team's objective aligns to a higher one (§7).
    choices = _okr_selectors.objectives_for_parent_choice(person.organization, state.cycle)
    parents = choices.exclude(unit__kind=_Unit.Kind.TEAM)
    objective_initial, rows_initial = _example_initial(example)
    data = request.POST if request.method == "POST" else None
    form = WizardObjectiveForm(data, parents=parents, initial=objective_initial)
    rows = WizardKeyResultFormSet(data, initial=rows_initial, prefix="kr")
    status = 200
    if request.method == "POST":
        if form.is_valid() and rows.is_valid():
            try:
                objective = _coach_services.wizard_draft_create(
                    actor=person,
                    cycle=state.cycle,
                    unit=state.unit,
                    key_results=[row.row() for row in rows],
                    **form.cleaned_data,
                )
            except _ValidationError as error:
                _wizard_errors(form, rows, error)
            else:
                _messages.success(
                    request,
                    "Draft created from the example. Check its numbers against your own "
                    "baseline, then propose it.",
                )
                return _redirect("objective_detail", objective_id=objective.id)
        status = _UNPROCESSABLE
    context = {
        "wizard": state,
        "cycle": state.cycle,
        "function": function,
        "example": example,
        "index": index,
        "form": form,
        "rows": rows,
        "cycle_switch_action": _reverse("wizard_function", args=[state.cycle.id, function.slug]),
    }
    return _render(request, "coach/wizard_adapt.html", context, status=status)


def _wizard_errors(form, rows, error: _ValidationError) -> None:
    """The service's errors at the fields they are about: ``key_results-<row>-<field>`` at that
    row's field, the objective's fields at the objective form, the rest at its top."""
    if not hasattr(error, "error_dict"):
        _add_service_error(form, error)
        return
    for key, errors in error.error_dict.items():
        parts = key.split("-")
        if len(parts) == 3 and parts[0] == "key_results" and parts[1].isdigit():
            index, field = int(parts[1]), parts[2]
            if index < len(rows.forms):
                row = rows.forms[index]
                prefix = f"Key result {index + 1}: "  # redundant inside its own row
                for e in errors:
                    row.add_error(
                        field if field in row.fields else None,
                        [m.removeprefix(prefix) for m in e.messages],
                    )
                continue
        _add_service_error(form, _ValidationError({key: errors}))
