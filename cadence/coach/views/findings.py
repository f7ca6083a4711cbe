"""Coach pages about stored OKRs: a cycle's quality page, and dismissing a finding (or taking a
dismissal back) from it or from an objective's page.

A dismissal is posted from a finding on another page: it answers with a redirect back there,
its refusal as a message on that page.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse

from cadence.coach import selectors as coach_selectors
from cadence.coach import services as coach_services
from cadence.coach.forms import DismissForm
from cadence.core.forms import submit
from cadence.core.htmx import safe_next
from cadence.core.readers import get_as
from cadence.okrs import selectors as okr_selectors
from cadence.orgs import selectors as org_selectors
from cadence.orgs.selectors import Access

DISMISS_TARGETS = ("key_result", "objective", "unit", "cycle")


@login_required
def cycle_quality(request: HttpRequest, cycle_id) -> HttpResponse:
    person = request.user
    organization = person.organization
    cycle = okr_selectors.request_cycle(request, cycle_id)
    access = Access.of(person)  # the request's one (its sight's too)
    tree = access.tree
    # A closed cycle's page is read-only: its findings stay as they were when it closed.
    dismissable = (
        set()
        if cycle.closed_at
        else {u.id for u in tree.units.values() if coach_services.can_dismiss(person, u, access)}
    )
    context = {
        "cycle": cycle,
        "quality": coach_selectors.quality_for_cycle(
            organization,
            cycle,
            viewer=person,
            dismissable_unit_ids=dismissable,
            tree=tree,
            cycles=okr_selectors.request_cycles(request),  # the header's (no query of its own)
        ),
        "next": reverse("cycle_quality", args=[cycle.id]),
        "penalty": coach_selectors.UNIT_FINDING_PENALTY,
        "nav": "quality",
        "cycle_switch_action": reverse("dashboard"),
    }
    return render(request, "coach/quality.html", context)


def _dismiss_target(organization, data, viewer) -> dict:
    """The objects a dismiss form names, each looked up in the organization (foreign or hidden
    from the reader: 404)."""
    lookups = {
        "key_result": okr_selectors.key_result_get,
        "objective": okr_selectors.objective_get,
        "unit": org_selectors.unit_get,
        "cycle": okr_selectors.cycle_get,
    }
    return {
        name: get_as(lookups[name], organization, data[name], viewer)
        for name in DISMISS_TARGETS
        if data[name]
    }


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


def _messages_of(request: HttpRequest, form) -> None:
    for errors in form.errors.values():
        for message in errors:
            messages.error(request, message)


@login_required
def finding_dismiss(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    person = request.user
    # Ids are checked against the organization first: a foreign one is a 404.
    target = _dismiss_target(
        person.organization, {k: request.POST.get(k) for k in DISMISS_TARGETS}, person
    )
    form = DismissForm(request.POST)
    done = submit(
        request,
        form,
        lambda data: coach_services.finding_dismiss(
            actor=person, check_id=data["check_id"], reason=data["reason"], **target
        ),
    )
    if done.saved:
        messages.success(request, "Dismissed, with your reason recorded.")
    else:
        _messages_of(request, form)
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
