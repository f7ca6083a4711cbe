"""Settings → Integrations: one page, for admins, that gathers every connection to another
system. Each kind of integration is a section (``SECTIONS``): a template under
``templates/integrations/`` and a function that reads what it shows. Outgoing webhooks are the
first section, Slack and Teams channels the second; data sources join the same list."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render

from cadence.core.errors import Conflict
from cadence.core.forms import submit
from cadence.integrations import (
    channel_payloads,
    channel_selectors,
    events,
    selectors,
    services,
    slack_services,
    source_views,
)
from cadence.integrations.forms import ActiveForm, WebhookForm
from cadence.orgs import services as org_services
from cadence.orgs.models import Organization, Person
from cadence.orgs.selectors import company_unit


@dataclass(frozen=True)
class Section:
    """One part of the integrations page: its template, and what it reads for it (the request,
    and the forms this request filled, by section key)."""

    key: str
    template: str
    context: Callable[[HttpRequest, dict[str, Any]], dict[str, Any]]


def _webhooks_context(request: HttpRequest, filled: dict[str, Any]) -> dict[str, Any]:
    return {
        "webhooks": list(selectors.webhooks_of(request.user.organization)),
        "form": filled.get("webhooks") or WebhookForm(),
        "event_labels": events.EVENTS,
    }


def _channels_context(request: HttpRequest, filled: dict[str, Any]) -> dict[str, Any]:
    organization = request.user.organization
    return {
        "channels": list(channel_selectors.channels_of(organization)),
        "company": company_unit(organization),
        "message_labels": channel_payloads.MESSAGES,
        "slack_app": slack_services.app_configured(),
    }


SECTIONS = [
    Section("webhooks", "integrations/webhooks_section.html", _webhooks_context),
    Section("channels", "integrations/channels_section.html", _channels_context),
    Section("data_sources", "integrations/sources_section.html", source_views.sources_context),
]


def _admin(request: HttpRequest) -> Person:
    person = request.user
    if not person.is_admin:
        raise PermissionDenied("Only admins manage the organization's integrations.")
    return person


# The organization's switches, one per integration (``Organization.INTEGRATIONS``), in the
# order the page shows them, with what each does while on.
SWITCHES = [
    ("calendar_feeds", "Calendar feeds", "People and teams subscribe to their rituals' dates."),
    (
        "email_replies",
        "Replies by email",
        "Answering a reminder or digest adds items to the week's update.",
    ),
    ("webhooks", "Outgoing webhooks", "Events are posted to the addresses below."),
    ("channels", "Slack and Teams channels", "Teams' digests and alerts are posted to chat."),
    ("data_sources", "Data sources", "Key results and KPIs update themselves from other systems."),
]


def _switches(organization: Organization) -> list[dict[str, Any]]:
    return [
        {"name": name, "label": label, "about": about, "on": organization.integration_on(name)}
        for name, label, about in SWITCHES
    ]


def _page(request: HttpRequest, filled: dict[str, Any], status: int = 200, **extra: Any):
    sections = [{"template": s.template, **s.context(request, filled)} for s in SECTIONS]
    context = {
        "sections": sections,
        "switches": _switches(request.user.organization),
        "nav": "settings",
        **extra,
    }
    return render(request, "integrations/settings.html", context, status=status)


@login_required
def integrations(request: HttpRequest) -> HttpResponse:
    """The page; its POST adds a webhook (the answer shows the new secret, this once)."""
    person = _admin(request)
    form = WebhookForm(request.POST if request.method == "POST" else None)
    done = submit(
        request,
        form,
        lambda data: services.webhook_create(actor=person, url=data["url"], events=data["events"]),
    )
    if not done.saved:
        return _page(request, {"webhooks": form}, status=done.status)
    created, secret = done.result
    response = _page(request, {}, created=created, secret=secret)
    response["Cache-Control"] = "no-store"
    return response


def _posted_endpoint(request: HttpRequest, webhook_id):
    person = request.user
    endpoint = selectors.webhook_get(person.organization, webhook_id)  # foreign: 404
    if request.method != "POST":
        return person, endpoint, HttpResponseNotAllowed(["POST"])
    return _admin(request), endpoint, None


@login_required
def webhook_active(request: HttpRequest, webhook_id) -> HttpResponse:
    person, endpoint, refused = _posted_endpoint(request, webhook_id)
    if refused:
        return refused
    form = ActiveForm(request.POST)
    form.is_valid()
    active = bool(form.cleaned_data.get("active"))
    services.webhook_update(actor=person, endpoint=endpoint, active=active)
    if active:
        messages.success(request, f"{endpoint.url} is switched on.")
    else:
        messages.success(request, f"{endpoint.url} is switched off: nothing more is sent to it.")
    return redirect("integrations")


@login_required
def webhook_delete(request: HttpRequest, webhook_id) -> HttpResponse:
    person, endpoint, refused = _posted_endpoint(request, webhook_id)
    if refused:
        return refused
    url = endpoint.url
    services.webhook_delete(actor=person, endpoint=endpoint)
    messages.success(request, f"{url} was deleted, with its delivery log.")
    return redirect("integrations")


@login_required
def webhook_test(request: HttpRequest, webhook_id) -> HttpResponse:
    person, endpoint, refused = _posted_endpoint(request, webhook_id)
    if refused:
        return refused
    try:
        services.webhook_test(actor=person, endpoint=endpoint)
    except Conflict as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            "A test event is queued: the worker sends it on its next turn (within a minute). "
            "Its answer shows in the delivery log.",
        )
    return redirect("webhook_log", webhook_id=endpoint.pk)


@login_required
def integration_switch(request: HttpRequest) -> HttpResponse:
    """Switch one integration (the form's ``name``) on or off for the whole organization
    (admins)."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    person = _admin(request)
    name = request.POST.get("name", "")
    if name not in Organization.INTEGRATIONS:
        raise Http404("No such integration.")
    form = ActiveForm(request.POST)
    form.is_valid()
    on = bool(form.cleaned_data.get("active"))
    org_services.organization_integration_switch(
        actor=person, organization=person.organization, integration=name, on=on
    )
    label = dict((n, label) for n, label, _ in SWITCHES)[name]
    if on:
        messages.success(request, f"{label}: switched on.")
    else:
        messages.success(
            request, f"{label}: switched off. Nothing is sent or received; connections are kept."
        )
    return redirect("integrations")


@login_required
def webhook_log(request: HttpRequest, webhook_id) -> HttpResponse:
    """One webhook's delivery log: its newest deliveries with their answers."""
    endpoint = selectors.webhook_get(request.user.organization, webhook_id)  # foreign: 404
    _admin(request)
    context = {
        "webhook": endpoint,
        "deliveries": selectors.deliveries_of(endpoint),
        "event_labels": events.EVENTS,
        "nav": "settings",
    }
    return render(request, "integrations/webhook_log.html", context)
