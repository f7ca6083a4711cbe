"""Calendar feeds: the page where a person makes, remakes and revokes their feed and their
teams' (with the teams' meeting slots), and the feed itself, which calendar apps fetch without
signing in."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from cadence.calendars import selectors, services
from cadence.calendars.forms import MeetingSlotForm
from cadence.calendars.models import CalendarFeed
from cadence.core.forms import submit
from cadence.meetings import selectors as meetings_selectors
from cadence.meetings import services as meetings_services
from cadence.orgs.models import Unit
from cadence.orgs.selectors import UnitTree


def _feed_url(request: HttpRequest, secret: str) -> str:
    return request.build_absolute_uri(reverse("calendar_feed", args=[secret]))


def _webcal(url: str) -> str:
    """The same address for calendar apps that open ``webcal:`` links (Apple, Outlook)."""
    return "webcal://" + url.split("://", 1)[1]


def _slot_form(slot, data=None, unit: Unit | None = None) -> MeetingSlotForm:
    initial = (
        {"weekday": slot.weekday, "at": slot.at, "minutes": slot.minutes}
        if slot is not None
        else {"minutes": MeetingSlotForm.base_fields["minutes"].initial}
    )
    prefix = f"slot-{unit.id}" if unit is not None else None
    return MeetingSlotForm(data, initial=initial, prefix=prefix)


def _page(
    request: HttpRequest,
    *,
    created: CalendarFeed | None = None,
    secret: str = "",
    failed: tuple[Unit, MeetingSlotForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    person = request.user
    organization = person.organization
    tree = UnitTree.load(organization)
    teams = selectors.manageable_teams(person, tree)
    feeds = selectors.team_feeds_of(organization, [t.id for t in teams])
    slots = meetings_selectors.meeting_slots(organization, [t.id for t in teams])
    rows = []
    for team in teams:
        form = _slot_form(slots.get(team.id), unit=team)
        if failed is not None and failed[0].id == team.id:
            form = failed[1]
        rows.append(
            {
                "team": team,
                "feed": feeds.get(team.id),
                "slot": slots.get(team.id),
                "form": form,
                "new": created is not None and created.unit_id == team.id,
            }
        )
    url = _feed_url(request, secret) if secret else ""
    context = {
        "nav": "settings",
        "mine": selectors.person_feed_of(person),
        "teams": rows,
        "created": created,
        "secret_url": url,
        "webcal_url": _webcal(url) if url else "",
        "new_mine": created is not None and created.person_id == person.pk,
        "google_url": (
            "https://calendar.google.com/calendar/render?" + urlencode({"cid": _webcal(url)})
            if url
            else ""
        ),
        "example_url": request.build_absolute_uri(reverse("calendar_feeds"))
        + selectors.TOKEN_PREFIX
        + "….ics",
    }
    response = render(request, "calendars/feeds.html", context, status=status)
    if secret:
        response["Cache-Control"] = "no-store"
    return response


@login_required
def calendar_feeds(request: HttpRequest) -> HttpResponse:
    """/calendars/: my feed and the feeds of the teams I lead."""
    return _page(request)


@login_required
def my_feed(request: HttpRequest) -> HttpResponse:
    """POST: make my feed (or a new address for it: the old one stops)."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    feed, secret = services.calendar_feed_create(actor=request.user, person=request.user)
    return _page(request, created=feed, secret=secret)


@login_required
def my_feed_revoke(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    feed = selectors.person_feed_of(request.user)
    if feed is not None:
        services.calendar_feed_revoke(actor=request.user, feed=feed)
        messages.success(request, "Your calendar feed was revoked: its address has stopped.")
    return redirect("calendar_feeds")


@login_required
def team_feed(request: HttpRequest, unit_id) -> HttpResponse:
    """POST: make the team's feed (or a new address for it)."""
    unit = selectors.team_get(request.user.organization, unit_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    feed, secret = services.calendar_feed_create(actor=request.user, unit=unit)
    return _page(request, created=feed, secret=secret)


@login_required
def team_feed_revoke(request: HttpRequest, unit_id) -> HttpResponse:
    organization = request.user.organization
    unit = selectors.team_get(organization, unit_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    feed = selectors.team_feed_of(organization, unit)
    if feed is not None:
        services.calendar_feed_revoke(actor=request.user, feed=feed)
        messages.success(request, f"The calendar feed of {unit.name} was revoked.")
    return redirect(reverse("calendar_feeds") + f"#team-{unit.id}")


@login_required
def team_meeting_slot(request: HttpRequest, unit_id) -> HttpResponse:
    """POST: when the team holds its weekly OKR meeting (or that it has no fixed slot)."""
    organization = request.user.organization
    unit = selectors.team_get(organization, unit_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = _slot_form(meetings_selectors.meeting_slot_of(organization, unit), request.POST, unit)
    done = submit(
        request,
        form,
        lambda data: meetings_services.meeting_slot_set(
            actor=request.user,
            unit=unit,
            weekday=data["weekday"],
            at=data["at"],
            minutes=data["minutes"],
        ),
    )
    if done.saved:
        messages.success(request, f"The weekly meeting of {unit.name} was saved.")
        return redirect(reverse("calendar_feeds") + f"#team-{unit.id}")
    return _page(request, failed=(unit, form), status=done.status)


def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The iCalendar feed a secret address names. No session: the secret is the key. Unknown
    (or stopped: its person deactivated, its team archived) → 404; revoked → 410 Gone."""
    found = selectors.feed_for_secret(token)
    if found is None:
        raise Http404("No such calendar feed.")
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    if found.is_revoked:
        return HttpResponse(
            "This calendar feed was revoked.\n", status=410, content_type="text/plain"
        )
    if not selectors.feed_serves(found):
        raise Http404("No such calendar feed.")
    now = timezone.now()
    page = reverse("team_meeting", args=[found.unit_id]) if found.unit_id else reverse("my_meeting")
    text = selectors.feed_calendar(found, now=now, url=request.build_absolute_uri(page))
    services.calendar_feed_fetched(feed=found, now=now)
    response = HttpResponse(text.body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{text.filename}"'
    response["Cache-Control"] = "private, no-cache"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    return response
