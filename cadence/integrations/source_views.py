"""A key result's data source page (the form, "Test", "Sync now", the last result or error) and
the data sources' part of Settings → Integrations (the daily hour). Nothing here fetches: "Test"
and "Sync now" ask the worker, which answers at its next turn."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from cadence.core.errors import Conflict
from cadence.core.forms import submit
from cadence.core.htmx import post_only
from cadence.integrations import fetch, selectors, sources
from cadence.integrations.forms import DataSourceForm, SyncHourForm
from cadence.integrations.models import DataSource
from cadence.okrs import permissions
from cadence.okrs.selectors import key_result_get


def _initial(source: DataSource | None) -> dict:
    if source is None:
        return {"kind": DataSource.Kind.HTTP_JSON, "active": True}
    return {
        "kind": source.kind,
        "url": source.url,
        "path": source.path,
        "cell": source.cell,
        "connection": source.connection,
        "query": source.query,
        "active": source.active,
    }


@login_required
def key_result_source(request: HttpRequest, key_result_id) -> HttpResponse:
    """The page; its POST sets the source (those who may check in on the key result)."""
    person = request.user
    kr = key_result_get(person.organization, key_result_id)  # foreign: 404
    source = selectors.data_source_of(kr)
    form = DataSourceForm(
        request.POST if request.method == "POST" else None,
        initial=_initial(source),
        connections=sorted(fetch.connections()),
    )
    done = submit(
        request,
        form,
        lambda _: sources.data_source_set(actor=person, key_result=kr, **form.service_arguments()),
    )
    if done.saved:
        messages.success(
            request,
            "Data source saved. The worker syncs it daily; use Test to see the value it finds.",
        )
        return redirect("key_result_source", key_result_id=kr.pk)
    context = {
        "key_result": kr,
        "objective": kr.objective,
        "source": source,
        "form": form,
        "can_change": permissions.can_check_in(person, kr.objective, kr),
        "connections": sorted(fetch.connections()),
        "header_names": sorted((source.headers or {}) if source else {}),
    }
    return render(request, "integrations/key_result_source.html", context, status=done.status)


@login_required
def key_result_source_sync(request: HttpRequest, key_result_id) -> HttpResponse:
    """ "Sync now" (``what=sync``) or "Test" (``what=test``): queued for the worker."""
    person = request.user
    kr = key_result_get(person.organization, key_result_id)
    if not_allowed := post_only(request):
        return not_allowed
    what = request.POST.get("what", "sync")
    what = "test" if what == "test" else "sync"
    try:
        sources.data_source_request(actor=person, key_result=kr, what=what)
    except Conflict as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            "A test is queued: the worker runs it at its next turn (within a minute); reload to "
            "see the value it found."
            if what == "test"
            else "A sync is queued: the worker runs it at its next turn (within a minute).",
        )
    return redirect("key_result_source", key_result_id=kr.pk)


@login_required
def key_result_source_active(request: HttpRequest, key_result_id) -> HttpResponse:
    """Switch the source on (``active=on``) or off; back to where the button was."""
    person = request.user
    kr = key_result_get(person.organization, key_result_id)
    if not_allowed := post_only(request):
        return not_allowed
    active = request.POST.get("active") == "on"
    try:
        sources.data_source_switch(actor=person, key_result=kr, active=active)
    except Conflict as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            "The data source is switched on." if active else "The data source is switched off.",
        )
    if request.POST.get("back") == "integrations":
        return redirect("integrations")
    return redirect("key_result_source", key_result_id=kr.pk)


@login_required
def key_result_source_delete(request: HttpRequest, key_result_id) -> HttpResponse:
    person = request.user
    kr = key_result_get(person.organization, key_result_id)
    if not_allowed := post_only(request):
        return not_allowed
    sources.data_source_delete(actor=person, key_result=kr)
    messages.success(request, "The data source was removed; its check-ins stay.")
    return redirect("key_result_source", key_result_id=kr.pk)


@login_required
def data_sources_hour(request: HttpRequest) -> HttpResponse:
    """Settings → Integrations: the hour of the daily sync (admins)."""
    person = request.user
    if not_allowed := post_only(request):
        return not_allowed
    form = SyncHourForm(request.POST)
    done = submit(
        request,
        form,
        lambda data: sources.source_settings_update(actor=person, sync_hour=data["sync_hour"]),
    )
    if done.saved:
        messages.success(
            request, f"Data sources sync daily at {form.cleaned_data['sync_hour']:02d}:00."
        )
    else:
        messages.error(request, "Choose an hour from 00:00 to 23:00.")
    return redirect("integrations")


def sources_context(request: HttpRequest, filled: dict) -> dict:
    """The data sources' section of Settings → Integrations."""
    organization = request.user.organization
    return {
        "sources": selectors.data_sources_of(organization),
        "hour_form": SyncHourForm(initial={"sync_hour": selectors.sync_hour_of(organization)}),
        "time_zone": organization.time_zone,
        "connections": sorted(fetch.connections()),
    }
