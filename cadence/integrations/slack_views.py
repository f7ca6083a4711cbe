"""The optional Slack app's endpoints (signed by Slack, no session: CSRF-exempt) and the pages a
person links and unlinks their Slack account on."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from cadence.core.errors import Conflict
from cadence.integrations import slack_services

# A Slack request's body is small (a command's form, a modal's state); anything larger is not
# Slack's.
MAX_BODY = 256 * 1024


def _verified(request: HttpRequest) -> bool:
    if len(request.body) > MAX_BODY:
        return False
    return slack_services.request_valid(
        request.body,
        request.headers.get("X-Slack-Request-Timestamp"),
        request.headers.get("X-Slack-Signature"),
    )


def _refused() -> HttpResponse:
    return HttpResponse("The request's Slack signature is not valid.", status=401)


@csrf_exempt
@require_POST
def slack_command(request: HttpRequest) -> HttpResponse:
    """``/cadence``: Slack's slash command request."""
    if not _verified(request):
        return _refused()
    answer = slack_services.command_answer(request.POST.dict())
    if answer is None:
        return HttpResponse(status=200)
    return JsonResponse(answer)


@csrf_exempt
@require_POST
def slack_interaction(request: HttpRequest) -> HttpResponse:
    """A modal's submission (and any other interaction, which changes nothing)."""
    if not _verified(request):
        return _refused()
    try:
        payload = json.loads(request.POST.get("payload") or "")
    except ValueError:
        return HttpResponse("The payload is not JSON.", status=400)
    if not isinstance(payload, dict):
        return HttpResponse("The payload is not an object.", status=400)
    answer = slack_services.interaction_answer(payload)
    if answer is None:
        return HttpResponse(status=200)
    return JsonResponse(answer)


@login_required
def slack_link(request: HttpRequest, token: str) -> HttpResponse:
    """The link ``/cadence`` answers an unknown Slack user with: confirm, and the Slack user
    acts as the signed-in person from then on."""
    team_id, user_id = slack_services.link_read(token)  # not valid: 404
    if request.method == "POST":
        try:
            slack_services.slack_identity_link(actor=request.user, team_id=team_id, user_id=user_id)
        except Conflict as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, "Your Slack account is linked: type /cadence in Slack to check in."
            )
        return redirect("slack_account")
    context = {"team_id": team_id, "user_id": user_id, "token": token, "nav": "settings"}
    return render(request, "integrations/slack_link.html", context)


@login_required
def slack_account(request: HttpRequest) -> HttpResponse:
    """The signed-in person's linked Slack account; its POST unlinks it."""
    if request.method == "POST":
        if slack_services.slack_identity_unlink(actor=request.user):
            messages.success(request, "Your Slack account is unlinked.")
        return redirect("slack_account")
    context = {
        "identity": slack_services.identity_of(request.user),
        "configured": slack_services.app_configured(),
        "nav": "settings",
    }
    return render(request, "integrations/slack_account.html", context)
