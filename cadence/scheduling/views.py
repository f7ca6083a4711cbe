"""The notification settings page and following a team's digest."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from cadence.core.forms import add_service_error
from cadence.feed import notices, notify
from cadence.feed import selectors as feed_selectors
from cadence.orgs import selectors as org_selectors
from cadence.orgs.selectors import person_units
from cadence.scheduling import selectors, services
from cadence.scheduling.forms import NoticePreferencesForm, NotificationSettingsForm
from cadence.weekly import selectors as weekly_selectors

UNPROCESSABLE = 422


@login_required
def notification_settings(request: HttpRequest) -> HttpResponse:
    person = request.user
    team = weekly_selectors.primary_team(person)
    team_time_zone = team.time_zone if team else person.organization.time_zone
    status = 200
    notices_form = _notices_form(person)
    if request.method == "POST" and request.POST.get("form") == "notices":
        form = _settings_form(person, team_time_zone)
        notices_form = NoticePreferencesForm(request.POST)
        if notices_form.is_valid():
            try:
                notify.notification_preferences_update(
                    actor=person,
                    person=person,
                    choices=notices_form.choices(),
                    daily_digest=notices_form.cleaned_data["daily_digest"],
                    digest_hour=notices_form.cleaned_data["digest_hour"],
                )
            except ValidationError as error:
                add_service_error(notices_form, error)
                status = UNPROCESSABLE
            else:
                messages.success(request, "Your notification choices are saved.")
                return redirect("notification_settings")
        else:
            status = UNPROCESSABLE
    elif request.method == "POST":
        form = NotificationSettingsForm(request.POST, team_time_zone=team_time_zone)
        if form.is_valid():
            try:
                services.notification_settings_update(person=person, **form.cleaned_data)
            except ValidationError as error:
                add_service_error(form, error)
                status = UNPROCESSABLE
            else:
                messages.success(request, "Your notification settings are saved.")
                return redirect("notification_settings")
        else:
            status = UNPROCESSABLE
    else:
        form = _settings_form(person, team_time_zone)
    context = {
        "form": form,
        "notices_form": notices_form,
        "channels": list(notices.CHANNELS.values()),
        "member_teams": [u for u in person_units(person) if u.kind == u.Kind.TEAM],
        "subscriptions": list(selectors.subscriptions_of(person)),
        "nav": "email_settings",
    }
    return render(request, "scheduling/notification_settings.html", context, status=status)


def _settings_form(person, team_time_zone: str) -> NotificationSettingsForm:
    return NotificationSettingsForm(
        initial={
            "weekly_reminders": person.weekly_reminders,
            "weekly_digests": person.weekly_digests,
            "time_zone": person.time_zone,
        },
        team_time_zone=team_time_zone,
    )


def _notices_form(person) -> NoticePreferencesForm:
    grid = notices.grid(feed_selectors.notice_choices_of(person))
    digest = feed_selectors.daily_digest_of(person)
    initial = {notices.field_name(k, c): on for (k, c), on in grid.items()}
    initial["daily_digest"] = digest.enabled if digest else False
    initial["digest_hour"] = digest.hour if digest else notices.DIGEST_HOUR
    return NoticePreferencesForm(initial=initial)


def _back(request: HttpRequest, default: str) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(default)


@login_required
def digest_subscription(request: HttpRequest, unit_id) -> HttpResponse:
    """Follow (action=subscribe) or stop following (action=unsubscribe) a team's digest."""
    person = request.user
    unit = org_selectors.unit_get(person.organization, unit_id)  # another org's unit: 404
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        if request.POST.get("action") == "unsubscribe":
            services.digest_unsubscribe(actor=person, unit=unit)
            messages.success(request, f"You no longer get the weekly digest of {unit.name}.")
        else:
            services.digest_subscribe(actor=person, unit=unit)
            messages.success(request, f"You will get the weekly digest of {unit.name}.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return _back(request, reverse("unit_detail", args=[unit.id]))
