"""Settings → Organization: its name, time zone and the kind of cycle suggested next. Everyone
reads them; admins change them. Admins also download the organization's archive (everything it
owns: cadence/transfer/archive.py)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from cadence.core.forms import submit
from cadence.orgs import services
from cadence.transfer.archive import organization_export_stream
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


@login_required
@require_GET
def organization_archive(request: HttpRequest) -> StreamingHttpResponse:
    """The organization's archive, streamed as it is written (without password hashes or other
    secrets): the people's right to their data, and a way to move to another installation."""
    person = request.user
    if not person.is_admin:
        raise PermissionDenied("Only admins download the organization's data.")
    organization = person.organization
    stream = organization_export_stream(actor=person, organization=organization)
    name = slugify(organization.name) or "organization"
    day = timezone.localdate().isoformat()
    response = StreamingHttpResponse(stream, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="cadence-{name}-{day}.zip"'
    response["Cache-Control"] = "no-store"
    return response
