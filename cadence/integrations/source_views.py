"""A key result's or a KPI's data source page (the form, "Test", "Sync now", the last result or
error) and the data sources' part of Settings → Integrations (the daily hour). Nothing here
fetches: "Test" and "Sync now" ask the worker, which answers at its next turn.

Both targets share the views below: a ``Target`` says what the page is about (the argument the
services take, its title, where "Back" goes, the names of its routes, who may change it)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from cadence.core.errors import Conflict
from cadence.core.forms import submit
from cadence.core.htmx import post_only
from cadence.integrations import fetch, selectors, sources
from cadence.integrations.forms import DataSourceForm, SyncHourForm
from cadence.integrations.models import DataSource
from cadence.kpis import selectors as kpi_selectors
from cadence.kpis import services as kpi_services
from cadence.okrs import permissions
from cadence.okrs.selectors import key_result_get


@dataclass(frozen=True)
class Target:
    """What a source page is about."""

    of: dict  # the services' keyword: {"key_result": kr} or {"kpi": kpi}
    name: str  # the key result's title or the KPI's name
    what: str  # "key result" or "KPI"
    route: str  # the page's route name; its actions are route + "_sync", "_active", "_delete"
    pk: object
    back_url: str
    back_label: str
    recorded_as: str  # what a synced value becomes
    can_change: Callable[[], bool]
    find_source: Callable[[], DataSource | None]

    def url(self, action: str = "") -> str:
        return reverse(self.route + (f"_{action}" if action else ""), args=[self.pk])

    # The page's forms post to these.
    @property
    def url_sync(self) -> str:
        return self.url("sync")

    @property
    def url_active(self) -> str:
        return self.url("active")

    @property
    def url_delete(self) -> str:
        return self.url("delete")


def _key_result(request: HttpRequest, key_result_id) -> Target:
    person = request.user
    kr = key_result_get(person.organization, key_result_id, viewer=person)  # foreign: 404
    objective = kr.objective
    return Target(
        of={"key_result": kr},
        name=kr.title,
        what="key result",
        route="key_result_source",
        pk=kr.pk,
        back_url=reverse("objective_detail", args=[objective.id]) + f"#kr-{kr.id}",
        back_label=objective.title,
        recorded_as="a check-in “from” the source. You can also push values yourself through "
        "the check-in API (see the README)",
        can_change=lambda: permissions.can_check_in(person, objective, kr),
        find_source=lambda: selectors.data_source_of(kr),
    )


def _kpi(request: HttpRequest, kpi_id) -> Target:
    person = request.user
    kpi = kpi_selectors.kpi_get(person.organization, kpi_id, viewer=person)  # foreign: 404
    return Target(
        of={"kpi": kpi},
        name=kpi.name,
        what="KPI",
        route="kpi_source",
        pk=kpi.pk,
        back_url=reverse("kpi_detail", args=[kpi.id]),
        back_label=kpi.name,
        recorded_as="one of its values, “from” the source (a number that stays the same is "
        "recorded once per period of its frequency). You can also push values yourself "
        "through the KPI values API (see the README)",
        can_change=lambda: not kpi.is_archived and kpi_services.can_enter_values(person, kpi.unit),
        find_source=lambda: selectors.kpi_data_source_of(kpi),
    )


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


def _page(request: HttpRequest, target: Target) -> HttpResponse:
    """The page; its POST sets the source (those who may record the target's values)."""
    person = request.user
    source = target.find_source()
    form = DataSourceForm(
        request.POST if request.method == "POST" else None,
        initial=_initial(source),
        connections=sorted(fetch.connections()),
    )
    done = submit(
        request,
        form,
        lambda _: sources.data_source_set(actor=person, **target.of, **form.service_arguments()),
    )
    if done.saved:
        messages.success(
            request,
            "Data source saved. The worker syncs it daily; use Test to see the value it finds.",
        )
        return redirect(target.url())
    context = {
        "target": target,
        "source": source,
        "form": form,
        "can_change": target.can_change(),
        "connections": sorted(fetch.connections()),
        "header_names": sorted((source.headers or {}) if source else {}),
    }
    return render(request, "integrations/source_page.html", context, status=done.status)


def _sync(request: HttpRequest, target: Target) -> HttpResponse:
    """ "Sync now" (``what=sync``) or "Test" (``what=test``): queued for the worker."""
    if not_allowed := post_only(request):
        return not_allowed
    what = request.POST.get("what", "sync")
    what = "test" if what == "test" else "sync"
    try:
        sources.data_source_request(actor=request.user, **target.of, what=what)
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
    return redirect(target.url())


def _active(request: HttpRequest, target: Target) -> HttpResponse:
    """Switch the source on (``active=on``) or off; back to where the button was."""
    if not_allowed := post_only(request):
        return not_allowed
    active = request.POST.get("active") == "on"
    try:
        sources.data_source_switch(actor=request.user, **target.of, active=active)
    except Conflict as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            "The data source is switched on." if active else "The data source is switched off.",
        )
    if request.POST.get("back") == "integrations":
        return redirect("integrations")
    return redirect(target.url())


def _delete(request: HttpRequest, target: Target) -> HttpResponse:
    if not_allowed := post_only(request):
        return not_allowed
    sources.data_source_delete(actor=request.user, **target.of)
    kept = "check-ins" if target.what == "key result" else "values"
    messages.success(request, f"The data source was removed; its {kept} stay.")
    return redirect(target.url())


@login_required
def key_result_source(request: HttpRequest, key_result_id) -> HttpResponse:
    return _page(request, _key_result(request, key_result_id))


@login_required
def key_result_source_sync(request: HttpRequest, key_result_id) -> HttpResponse:
    return _sync(request, _key_result(request, key_result_id))


@login_required
def key_result_source_active(request: HttpRequest, key_result_id) -> HttpResponse:
    return _active(request, _key_result(request, key_result_id))


@login_required
def key_result_source_delete(request: HttpRequest, key_result_id) -> HttpResponse:
    return _delete(request, _key_result(request, key_result_id))


@login_required
def kpi_source(request: HttpRequest, kpi_id) -> HttpResponse:
    return _page(request, _kpi(request, kpi_id))


@login_required
def kpi_source_sync(request: HttpRequest, kpi_id) -> HttpResponse:
    return _sync(request, _kpi(request, kpi_id))


@login_required
def kpi_source_active(request: HttpRequest, kpi_id) -> HttpResponse:
    return _active(request, _kpi(request, kpi_id))


@login_required
def kpi_source_delete(request: HttpRequest, kpi_id) -> HttpResponse:
    return _delete(request, _kpi(request, kpi_id))


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
