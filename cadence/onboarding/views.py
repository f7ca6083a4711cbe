"""The first-run page, the setup checklist's buttons, and Settings → Rollout."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from cadence.core.forms import submit
from cadence.onboarding import rollout_selectors, services
from cadence.onboarding.forms import RolloutForm, RolloutTickForm, SetupForm
from cadence.orgs import rollout_selectors as rollout_selectors_orgs
from cadence.orgs import rollout_services

BACKEND = "django.contrib.auth.backends.ModelBackend"


def setup(request: HttpRequest) -> HttpResponse:
    """Create the organization and its first admin, guarded by the console's setup code."""
    if services.is_set_up():
        return redirect("login")
    form = SetupForm(request.POST if request.method == "POST" else None)
    done = submit(
        request,
        form,
        lambda data: services.setup_complete(
            code=data["code"],
            organization_name=data["organization_name"],
            name=data["name"],
            email=data["email"],
            password=data["password"],
        ),
    )
    if done.saved:
        login(request, done.result, backend=BACKEND)
        messages.success(request, f"Welcome to Cadence. {done.result.organization.name} is ready.")
        return redirect("dashboard")
    return render(request, "onboarding/setup.html", {"form": form}, status=done.status)


@login_required
@require_POST
def confirm_deadline(request: HttpRequest) -> HttpResponse:
    services.checklist_confirm_deadline(actor=request.user)
    return redirect("dashboard")


@login_required
@require_POST
def dismiss(request: HttpRequest) -> HttpResponse:
    services.checklist_dismiss(actor=request.user)
    messages.success(request, "The setup checklist is hidden.")
    return redirect("dashboard")


@login_required
def rollout(request: HttpRequest) -> HttpResponse:
    """Settings → Rollout: the mode (admins change it) and the checklist (everyone reads it)."""
    person = request.user
    organization = person.organization
    if request.method == "POST" and not person.is_admin:
        raise PermissionDenied("Only admins choose how Cadence is rolled out.")
    current = rollout_selectors_orgs.rollout_of(organization)
    form = RolloutForm(
        request.POST if request.method == "POST" else None,
        initial={
            "mode": current.mode,
            "pilot_unit_ids": [str(pk) for pk in current.pilot_unit_ids],
        },
        units=rollout_selectors_orgs.pilot_candidates(organization),
        editable=person.is_admin,
    )
    done = submit(
        request,
        form,
        lambda data: rollout_services.rollout_update(
            actor=person,
            organization=organization,
            mode=data["mode"],
            pilot_unit_ids=[UUID(pk) for pk in data["pilot_unit_ids"]],
        ),
    )
    if done.saved:
        messages.success(request, "The rollout is saved.")
        return redirect("rollout")
    return render(
        request,
        "onboarding/rollout.html",
        {
            "nav": "settings",
            "form": form,
            "current": current,
            "checklist": rollout_selectors.rollout_checklist(organization),
        },
        status=done.status,
    )


@login_required
@require_POST
def rollout_tick(request: HttpRequest) -> HttpResponse:
    """Tick (or untick) a rollout step by hand."""
    form = RolloutTickForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a step to tick.")
        return redirect("rollout")
    step, tick = form.cleaned_data["step"], form.cleaned_data["done"]
    try:
        if tick:
            services.rollout_step_tick(actor=request.user, step=step)
        else:
            services.rollout_step_untick(actor=request.user, step=step)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("rollout")
    messages.success(request, "Ticked." if tick else "The tick is taken back.")
    return redirect(f"{reverse('rollout')}#step-{step}")
