"""The first-run page and the setup checklist's buttons."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from cadence.core.forms import submit
from cadence.onboarding import services
from cadence.onboarding.forms import SetupForm

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
