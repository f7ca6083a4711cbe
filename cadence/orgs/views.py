"""A person's API tokens. (Signing in and out are Django's own LoginView and LogoutView, wired
in urls.py; a unit's page and the settings index are cadence.web's, above okrs.)"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from cadence.core.forms import submit
from cadence.orgs import selectors, services
from cadence.orgs.forms import ApiTokenForm, ApiTokenRevokeForm


@login_required
def api_tokens(request: HttpRequest) -> HttpResponse:
    """List my tokens, create one (its secret is shown once, on the answer), revoke one."""
    person = request.user
    if request.method == "POST" and request.POST.get("action") == "revoke":
        revoke = ApiTokenRevokeForm(request.POST)
        if revoke.is_valid():
            try:
                services.api_token_revoke(person=person, token_id=revoke.cleaned_data["token_id"])
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, "The token was revoked: it no longer works.")
        else:
            messages.error(request, "No such token.")
        return redirect("api_tokens")
    form = ApiTokenForm(request.POST if request.method == "POST" else None)
    done = submit(
        request, form, lambda data: services.api_token_create(person=person, name=data["name"])
    )
    created, secret = done.result if done.saved else (None, None)
    if done.saved:
        form = ApiTokenForm()
    context = {
        "form": form,
        "tokens": list(selectors.api_tokens_of(person)),
        "secret": secret,
        "created": created,
        "nav": "tokens",
    }
    response = render(request, "orgs/api_tokens.html", context, status=done.status)
    if secret:
        response["Cache-Control"] = "no-store"
    return response
