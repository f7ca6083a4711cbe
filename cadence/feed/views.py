"""The feed page, the notifications page, and the discussion's writes (comment, delete, like).

Thin function views: selectors in (a missing or foreign id is a 404), one service out. The
discussion views answer an htmx request with the discussion partial (a 422 with the message
when the comment is refused) and a plain form post with a redirect back.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render

from cadence.core.errors import validation_payload
from cadence.core.forms import UNPROCESSABLE
from cadence.core.htmx import is_htmx, query_object, safe_next
from cadence.feed import selectors, services
from cadence.feed.targets import Target, target_url
from cadence.okrs import selectors as okr_selectors
from cadence.orgs import selectors as org_selectors
from cadence.orgs.selectors import UnitTree
from cadence.weekly import selectors as weekly_selectors

# The feed ---------------------------------------------------------------------------------


@login_required
def feed_page(request: HttpRequest) -> HttpResponse:
    person = request.user
    organization = person.organization
    unit = query_object(request, "unit", org_selectors.unit_get, organization)
    who = query_object(request, "person", org_selectors.person_get, organization)
    status = 200
    error = ""
    try:
        page = selectors.feed(
            organization,
            viewer=request.user,
            unit=unit,
            person=who,
            before=request.GET.get("before"),
        )
    except ValidationError as exc:
        error = validation_payload(exc)["message"]
        page = selectors.feed(organization, viewer=request.user, unit=unit, person=who)
        status = 400
    context = {
        "page": page,
        "units": UnitTree.load(organization).walk(),
        "people": list(org_selectors.people_of(organization).order_by("name")),
        "unit": unit,
        "who": who,
        "error": error,
        "nav": "feed",
    }
    return render(request, "feed/feed.html", context, status=status)


# Notifications ----------------------------------------------------------------------------


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    person = request.user
    if request.method == "POST":
        count = services.notifications_mark_read(actor=person)
        if count:
            messages.success(request, f"Marked {count} notification{'s' * (count != 1)} read.")
        return redirect("notifications")
    context = {
        "notifications": list(selectors.notifications_of(person)[:100]),
        "unread": selectors.unread_count(person),
        "nav": "notifications",
    }
    return render(request, "feed/notifications.html", context)


@login_required
def notification_open(request: HttpRequest, notification_id) -> HttpResponse:
    """Follow a notification to what it is about; it counts as read from then on."""
    person = request.user
    notification = selectors.notification_get(person, notification_id)
    services.notifications_mark_read(actor=person, notification_ids=[notification.pk])
    if notification.url:
        return redirect(notification.url)
    return redirect(target_url(notification.comment.target))


# The discussion ---------------------------------------------------------------------------


def _discussion_response(
    request: HttpRequest, target: Target, *, error: str = "", text: str = "", status: int = 200
) -> HttpResponse:
    discussion = selectors.discussion_for(request.user, target)
    context = {"discussion": discussion, "error": error, "text": text, "open": True}
    return render(request, "feed/_discussion.html", context, status=status)


def _comment(request: HttpRequest, target: Target) -> HttpResponse:
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    back = safe_next(request, target_url(target))
    text = request.POST.get("text", "")
    try:
        services.comment_create(actor=request.user, target=target, text=text)
    except ValidationError as exc:
        message = validation_payload(exc)["message"]
        if is_htmx(request):
            return _discussion_response(
                request, target, error=message, text=text, status=UNPROCESSABLE
            )
        messages.error(request, message)
        return redirect(back)
    if is_htmx(request):
        return _discussion_response(request, target)
    messages.success(request, "Your comment was added.")
    return redirect(back)


def _like(request: HttpRequest, target: Target) -> HttpResponse:
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    services.like_toggle(actor=request.user, target=target)
    if is_htmx(request):
        return _discussion_response(request, target)
    return redirect(safe_next(request, target_url(target)))


@login_required
def objective_comments(request: HttpRequest, objective_id) -> HttpResponse:
    return _comment(
        request,
        okr_selectors.objective_get(request.user.organization, objective_id, viewer=request.user),
    )


@login_required
def objective_like(request: HttpRequest, objective_id) -> HttpResponse:
    return _like(
        request,
        okr_selectors.objective_get(request.user.organization, objective_id, viewer=request.user),
    )


@login_required
def key_result_comments(request: HttpRequest, key_result_id) -> HttpResponse:
    kr = okr_selectors.key_result_get(request.user.organization, key_result_id, viewer=request.user)
    return _comment(request, kr)


@login_required
def key_result_like(request: HttpRequest, key_result_id) -> HttpResponse:
    return _like(
        request,
        okr_selectors.key_result_get(request.user.organization, key_result_id, viewer=request.user),
    )


@login_required
def item_comments(request: HttpRequest, item_id) -> HttpResponse:
    return _comment(
        request, weekly_selectors.item_get(request.user.organization, item_id, viewer=request.user)
    )


@login_required
def item_like(request: HttpRequest, item_id) -> HttpResponse:
    return _like(
        request, weekly_selectors.item_get(request.user.organization, item_id, viewer=request.user)
    )


@login_required
def comment_delete(request: HttpRequest, comment_id) -> HttpResponse:
    comment = selectors.comment_get(request.user.organization, comment_id, viewer=request.user)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    target = comment.target
    services.comment_delete(actor=request.user, comment=comment)
    if is_htmx(request):
        return _discussion_response(request, target)
    messages.success(request, "The comment was deleted.")
    return redirect(safe_next(request, target_url(target)))
