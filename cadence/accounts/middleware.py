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
from django.contrib import auth
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.auth.models import AnonymousUser
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject

from cadence.accounts.policy import organization_with_policy, person_with_organization
from cadence.core.outbound import OutboundRefused

log = logging.getLogger("cadence.accounts")

# What stays open without two-factor: setting it up, signing out, static files.
OPEN_PREFIXES = ("/accounts/", "/logout/", "/login/")


class SignedInMiddleware(AuthenticationMiddleware):
    """Django's ``AuthenticationMiddleware``, whose ``request.user`` is read with the person's
    organization and whether it requires two-factor, in one query (``signed_in_user``)."""

    def process_request(self, request):
        super().process_request(request)

        def load():
            user = signed_in_user(request)
            # Read from now on as itself: a page reads the person's attributes thousands of
            # times (rights on every row), each through the lazy wrapper otherwise.
            request.user = user
            return user

        request.user = SimpleLazyObject(load)


def signed_in_user(request):
    """``django.contrib.auth.get_user``, for a session signed in by a backend that reads people
    as Django's ``ModelBackend`` does (every backend Cadence signs in with: allauth's is one):
    the same checks (the backend still listed, the person may sign in, the session's hash
    verified as Django does, fallback secrets included), the person read with their
    organization. A session of any other backend is read by Django's own ``get_user``."""
    path = request.session.get(auth.BACKEND_SESSION_KEY)
    if path not in settings.AUTHENTICATION_BACKENDS:
        return auth.get_user(request)
    backend = auth.load_backend(path)
    if not isinstance(backend, ModelBackend) or type(backend).get_user is not ModelBackend.get_user:
        return auth.get_user(request)
    try:
        person_id = auth.get_user_model()._meta.pk.to_python(request.session[auth.SESSION_KEY])
    except KeyError:
        return AnonymousUser()
    person = person_with_organization(person_id)
    if person is None or not backend.user_can_authenticate(person):
        return AnonymousUser()
    return person if _session_verified(request, person) else AnonymousUser()


def _session_verified(request, person) -> bool:
    """Django's check of the session's hash (``get_user``): a session of another password, or
    of a secret no longer in use, is ended."""
    session_hash = request.session.get(auth.HASH_SESSION_KEY)
    current = person.get_session_auth_hash()
    if session_hash and constant_time_compare(session_hash, current):
        return True
    if session_hash and any(
        constant_time_compare(session_hash, fallback)
        for fallback in person.get_session_auth_fallback_hash()
    ):
        request.session.cycle_key()
        request.session[auth.HASH_SESSION_KEY] = current
        return True
    request.session.flush()
    return False


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
    """Whether the user's organization requires two-factor: read with the user
    (``signed_in_user``), else read here with the organization (one query) and kept on the user,
    whose pages all read it."""
    if "organization" in user._state.fields_cache:
        known = getattr(user.organization, "requires_two_factor", None)
        if known is not None:
            return known
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
