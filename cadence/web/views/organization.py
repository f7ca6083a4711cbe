"""Settings → Organization: its name, time zone and the kind of cycle suggested next. Everyone
reads them; admins change them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from cadence.core.forms import submit
from cadence.orgs import services
from cadence.web.forms import OrganizationForm


@login_required
def organization_settings(request: HttpRequest) -> HttpResponse:
    person = request.user
    organization = person.organization
    if request.method == "POST" and not person.is_admin:
        raise PermissionDenied("Only admins change the organization's settings.")
    form = OrganizationForm(
        request.POST if request.method == "POST" else None,
        initial={
            "name": organization.name,
            "time_zone": organization.time_zone,
            "default_cycle_kind": organization.default_cycle_kind,
        },
        editable=person.is_admin,
    )
    done = submit(
        request,
        form,
        lambda data: services.organization_update(actor=person, organization=organization, **data),
    )
    if done.saved:
        messages.success(request, "The organization's settings are saved.")
        return redirect("organization_settings")
    return render(
        request, "web/organization.html", {"nav": "settings", "form": form}, status=done.status
    )
