"""Refusing to serve with settings that are unsafe in production.

With DEBUG off, `cadence serve`, `cadence worker` and cadence/wsgi.py (an operator's own
gunicorn) refuse to start without a real SECRET_KEY: unset, it would be the public development
fallback, with which anyone can forge a session. `check --deploy` reports it as an error too.
"""

from __future__ import annotations

from django.conf import settings
from django.core import checks

SECRET_KEY_MESSAGE = (
    "SECRET_KEY is not set (or is the public development key): set it to a long random value, "
    "e.g. the output of `python -c 'import secrets; print(secrets.token_urlsafe(50))'`, and keep "
    "it the same across restarts (DEBUG=1 allows the development key, for development only)."
)


def secret_key_problem() -> str | None:
    """The reason not to serve, or None."""
    key = settings.SECRET_KEY
    if settings.DEBUG:
        return None
    if not key or key == settings.DEVELOPMENT_SECRET_KEY:
        return SECRET_KEY_MESSAGE
    return None


@checks.register(checks.Tags.security, deploy=True)
def check_secret_key(app_configs, **kwargs) -> list[checks.CheckMessage]:
    key = settings.SECRET_KEY
    if not key or key == settings.DEVELOPMENT_SECRET_KEY:
        return [checks.Error(SECRET_KEY_MESSAGE, id="cadence.E001")]
    return []
