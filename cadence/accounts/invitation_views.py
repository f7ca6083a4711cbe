"""The invitation's page: the link in the email opens it, no sign-in needed. The invitee gives
their name and chooses a password, is signed in and lands on the dashboard, a member of the
teams they were invited to. A link that was used, revoked or has expired (or was never one)
gets a page that says so.

Single sign-on joins through ``services.invitation_accept(password=None)`` from its own flow."""

from __future__ import annotations

from django import forms
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from cadence.accounts import selectors, services
from cadence.core.forms import submit
from cadence.core.limits import MAX_NAME

# Status of the page for a link that no longer works (410 Gone), or never did (404).
GONE = 410


class AcceptForm(forms.Form):
    name = forms.CharField(label="Your name", max_length=MAX_NAME)
    password1 = forms.CharField(
        label="Choose a password",
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 12 characters, not a common password and not only digits.",
    )
    password2 = forms.CharField(
        label="The same password again",
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password2") != data.get("password1"):
            self.add_error("password2", "The two passwords differ.")
        return data


@never_cache
@sensitive_post_parameters("password1", "password2")
def invitation_accept(request: HttpRequest, secret: str) -> HttpResponse:
    invitation = selectors.invitation_by_secret(secret)
    if invitation is None:
        return render(request, "accounts/invitation_gone.html", {"state": "unknown"}, status=404)
    state = selectors.invitation_state(invitation)
    if state != "open":
        context = {"state": state, "invitation": invitation}
        return render(request, "accounts/invitation_gone.html", context, status=GONE)
    form = AcceptForm(
        request.POST if request.method == "POST" else None,
        initial={"name": invitation.name},
    )
    done = submit(
        request,
        form,
        lambda data: services.invitation_accept(
            invitation=invitation, name=data["name"], password=data["password1"]
        ),
    )
    if done.saved:
        login(request, done.result, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("dashboard")
    context = {
        "form": form,
        "invitation": invitation,
        "units": sorted(u.name for u in invitation.units.all()),
    }
    return render(request, "accounts/invitation_accept.html", context, status=done.status)
