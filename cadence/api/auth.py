"""Who is calling: a personal API token (``Authorization: Bearer cad_…``) or, for the interactive
docs in a browser, the logged-in Django session (with CSRF enforced on writes)."""

from django.conf import settings
from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from cadence.accounts import throttle
from cadence.orgs.models import Person
from cadence.orgs.services import api_token_authenticate


class BearerToken(HttpBearer):
    openapi_bearerFormat = "cad_…"
    openapi_description = (
        "A personal API token, sent as `Authorization: Bearer cad_…`. "
        "Create one with `cadence token create EMAIL`."
    )

    def authenticate(self, request: HttpRequest, token: str) -> Person | None:
        # Token guessing is throttled per address like password sign-ins (accounts/throttle.py):
        # a locked address gets 429, even with a valid token.
        if throttle.api_address_locked(request):
            raise HttpError(429, throttle.API_LOCKED_MESSAGE)
        person = api_token_authenticate(token.strip())
        if person is None:
            throttle.api_token_failed(request)
        return person


class SessionCookie(APIKeyCookie):
    """The browser session of a logged-in person. Writes need the CSRF token (the interactive
    docs send it). Without a logged-in session this answers nothing, so the caller gets 401."""

    param_name = settings.SESSION_COOKIE_NAME
    openapi_description = "The session of a person logged in to the web app (for /api/v1/docs)."

    def __call__(self, request: HttpRequest) -> Person | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        exempt = getattr(request, "_ninja_csrf_exempt", False)
        if self.csrf and not exempt and check_csrf(request):
            raise HttpError(403, "CSRF check failed: send the X-CSRFToken header.")
        return self.authenticate(request, request.COOKIES.get(self.param_name))

    def authenticate(self, request: HttpRequest, key: str | None) -> Person | None:
        user = request.user
        return user if user.is_authenticated and user.is_active else None


def actor(request: HttpRequest) -> Person:
    """The authenticated person (set by ninja once one of the auth classes accepted them)."""
    return request.auth
