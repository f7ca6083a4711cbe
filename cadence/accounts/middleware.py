"""When an organization requires two-factor authentication, its people who have not set it up
are led to set it up before anything else (every other page redirects there) — unless they
signed in through the organization's single sign-on, whose provider owns the second factor."""

from __future__ import annotations

import logging

import requests
from allauth.account.authentication import get_authentication_records
from allauth.mfa.utils import is_mfa_enabled
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from django.conf import settings
from django.shortcuts import redirect, render
from django.urls import reverse

from cadence.accounts.policy import organization_with_policy
from cadence.core.outbound import OutboundRefused

log = logging.getLogger("cadence.accounts")

# What stays open without two-factor: setting it up, signing out, static files.
OPEN_PREFIXES = ("/accounts/", "/logout/", "/login/")


class RequireTwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(OPEN_PREFIXES + (settings.STATIC_URL,))
            and _requires_two_factor(user)
            and not is_mfa_enabled(user)
            and not signed_in_by_sso(request)
        ):
            return redirect(reverse("mfa_activate_totp") + "?required=1")
        return self.get_response(request)


def _requires_two_factor(user) -> bool:
    """Whether the user's organization requires two-factor; the organization is read with it (one
    query) and kept on the user, whose pages all read it."""
    organization = organization_with_policy(user.organization_id)
    if organization is None:
        return False
    user.organization = organization
    return organization.requires_two_factor


def signed_in_by_sso(request) -> bool:
    """This session was signed in through a provider (allauth's records, kept in the session)."""
    records = get_authentication_records(request, request.user)
    return any(record.get("method") == "socialaccount" for record in records)


class ProviderUnreachableMiddleware:
    """A single sign-on provider that cannot be reached or answers nonsense (discovery, keys,
    token) is a page that says so (502), not a server error: allauth lets some of these errors
    through its views."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, requests.RequestException | OAuth2Error):
            return None
        log.warning("Single sign-on provider error on %s: %s", request.path, exception)
        message = (
            "The single sign-on provider could not be reached or did not answer as expected"
            f"{': ' + str(exception) if isinstance(exception, OutboundRefused) else ''}. "
            "Try again in a moment; if it keeps happening, ask your organization's admin to "
            "check the single sign-on settings."
        )
        return render(request, "accounts/sso_refused.html", {"message": message}, status=502)
