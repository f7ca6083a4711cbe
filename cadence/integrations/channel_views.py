"""A unit's Slack and Teams channels: the page its leads and the admins manage them on, and the
buttons of each channel (send a test, switch off or on, remove), shared with the channels'
section of Settings → Integrations."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render

from cadence.core.errors import Conflict
from cadence.core.forms import submit
from cadence.integrations import channel_payloads, channel_selectors, channel_services
from cadence.integrations.forms import ActiveForm, ChannelForm
from cadence.orgs import selectors as org_selectors


def _page(request: HttpRequest, unit, form: ChannelForm, status: int = 200) -> HttpResponse:
    channels = list(channel_selectors.channels_of_unit(unit))
    posts = channel_selectors.posts_of(channels)
    context = {
        "unit": unit,
        "rows": [(c, posts[c.pk]) for c in channels],
        "form": form,
        "message_labels": channel_payloads.MESSAGES,
        "back": "unit",
    }
    return render(request, "integrations/unit_channels.html", context, status=status)


@login_required
def unit_channels(request: HttpRequest, unit_id) -> HttpResponse:
    """A unit's channels (its leads and admins only); its POST connects a new one."""
    person = request.user
    unit = org_selectors.unit_get(person.organization, unit_id)  # foreign: 404
    if not channel_services.can_manage_channels(person, unit):
        raise PermissionDenied(f"Only admins and the leads of {unit.name} manage its channels.")
    form = ChannelForm(request.POST if request.method == "POST" else None)
    done = submit(
        request,
        form,
        lambda data: channel_services.channel_create(
            actor=person,
            unit=unit,
            kind=data["kind"],
            url=data["url"],
            messages=data["messages"],
            label=data["label"],
        ),
    )
    if not done.saved:
        return _page(request, unit, form, status=done.status)
    messages.success(
        request,
        f"{done.result} is connected. Send a test to see a message arrive within a minute.",
    )
    return redirect("unit_channels", unit_id=unit.pk)


def _posted_channel(request: HttpRequest, channel_id):
    person = request.user
    channel = channel_selectors.channel_get(person.organization, channel_id)  # foreign: 404
    if request.method != "POST":
        return channel, HttpResponseNotAllowed(["POST"])
    if not channel_services.can_manage_channels(person, channel.unit):
        raise PermissionDenied("Only admins and the unit's leads manage its channels.")
    return channel, None


def _back(request: HttpRequest, channel) -> HttpResponse:
    if request.POST.get("back") == "settings" and request.user.is_admin:
        return redirect("integrations")
    return redirect("unit_channels", unit_id=channel.unit_id)


@login_required
def channel_active(request: HttpRequest, channel_id) -> HttpResponse:
    channel, refused = _posted_channel(request, channel_id)
    if refused:
        return refused
    form = ActiveForm(request.POST)
    form.is_valid()
    active = bool(form.cleaned_data.get("active"))
    channel_services.channel_update(actor=request.user, channel=channel, active=active)
    if active:
        messages.success(request, f"{channel} is switched on.")
    else:
        messages.success(request, f"{channel} is switched off: nothing more is posted to it.")
    return _back(request, channel)


@login_required
def channel_test(request: HttpRequest, channel_id) -> HttpResponse:
    channel, refused = _posted_channel(request, channel_id)
    if refused:
        return refused
    try:
        channel_services.channel_test(actor=request.user, channel=channel)
    except Conflict as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            f"A test message to {channel} is queued: the worker posts it on its next turn "
            "(within a minute). Its answer shows in the channel's log.",
        )
    return _back(request, channel)


@login_required
def channel_delete(request: HttpRequest, channel_id) -> HttpResponse:
    channel, refused = _posted_channel(request, channel_id)
    if refused:
        return refused
    name = str(channel)
    channel_services.channel_delete(actor=request.user, channel=channel)
    messages.success(request, f"{name} was removed, with its log.")
    return _back(request, channel)
