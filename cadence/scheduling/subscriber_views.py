"""External subscribers: the admin's page (add, list, remove) and the unsubscribe page that the
link in every subscriber email opens, with no sign-in."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt

from cadence.core.forms import submit
from cadence.scheduling import subscriber_selectors as selectors
from cadence.scheduling import subscriber_services as services
from cadence.scheduling.subscriber_forms import SubscriberForm

NOT_FOUND = 404


@login_required
def subscribers(request: HttpRequest) -> HttpResponse:
    person = request.user
    if not services.can_manage_subscribers(person):
        raise PermissionDenied("Only admins manage external subscribers.")
    organization = person.organization
    form = SubscriberForm(
        request.POST if request.method == "POST" else None,
        teams=selectors.teams_for_subscribing(organization),
    )
    done = submit(
        request,
        form,
        lambda data: services.subscriber_add(
            actor=person,
            email=data["email"],
            name=data["name"],
            what=data["what"],
            unit=data.get("unit"),
        ),
    )
    if done.saved:
        messages.success(request, f"{done.result.email} will get the {done.result.describe()}.")
        return redirect("subscribers")
    context = {
        "form": form,
        "subscribers": list(selectors.subscribers_of(organization)),
        "nav": "settings",
    }
    return render(request, "scheduling/subscribers.html", context, status=done.status)


@login_required
def subscriber_remove(request: HttpRequest, subscriber_id) -> HttpResponse:
    person = request.user
    subscriber = selectors.subscriber_get(person.organization, subscriber_id)  # foreign: 404
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    services.subscriber_remove(actor=person, subscriber=subscriber)
    messages.success(request, f"{subscriber.email} no longer gets the {subscriber.describe()}.")
    return redirect("subscribers")


def _private(response: HttpResponse) -> HttpResponse:
    # The address holds the subscriber's secret: no cache keeps it, no link passes it on.
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    return response


@csrf_exempt  # the link's token is the authority; RFC 8058's one-click POST carries no cookie
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks to confirm (mail scanners that open links unsubscribe nobody); POST, from the
    page's button or a mail client's one-click unsubscribe, unsubscribes."""
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    subscriber = selectors.subscriber_by_token(token)
    if subscriber is None:
        page = render(request, "scheduling/unsubscribe_invalid.html", status=NOT_FOUND)
        return _private(page)
    if request.method == "POST":
        services.subscriber_unsubscribe(subscriber=subscriber)
        subscriber.refresh_from_db()
    context = {"subscriber": subscriber, "organization": subscriber.organization}
    return _private(render(request, "scheduling/unsubscribe.html", context))
