"""What every ``cadence`` command shares: Django set-up, expected failures, argument checks."""

from __future__ import annotations

import os
import sys
import warnings
from pathlib import Path

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
PACKAGE_ROOT = Path(__file__).resolve().parent.parent.parent


class CLIError(Exception):
    """An expected failure: printed as a message, exit code 1."""


# Django set-up ---------------------------------------------------------------------------


def static_manifest_exists() -> bool:
    static_root = Path(os.environ.get("STATIC_ROOT", PACKAGE_ROOT / "staticfiles"))
    return (static_root / "staticfiles.json").is_file()


def setup_django(*, serving: bool = False) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cadence.settings")
    if serving and not static_manifest_exists():
        # No collectstatic has run: serve static files as they are, straight from the app's
        # folders (WhiteNoise finds them), instead of the hashed manifest storage.
        os.environ.setdefault("CADENCE_PLAIN_STATIC", "1")
        # WhiteNoise would warn that STATIC_ROOT does not exist: expected without collectstatic.
        warnings.filterwarnings("ignore", message="No directory at: ")
    import django

    django.setup()


def port_number(value: str | int) -> int:
    try:
        port = int(value)
    except (TypeError, ValueError) as exc:
        raise CLIError(f"The port must be a number between 1 and 65535, not {value!r}.") from exc
    if not 1 <= port <= 65535:
        raise CLIError(f"The port must be a number between 1 and 65535, not {value!r}.")
    return port


def positive(name: str, value: str | int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if number < 1:
        raise CLIError(f"{name} must be a whole number of at least 1, not {value!r}.")
    return number


def default_port() -> str:
    return os.environ.get("PORT", str(DEFAULT_PORT))


def ask(prompt: str, default: str = "") -> str:
    suffix = f" [{default}]" if default else ""
    answer = input(f"{prompt}{suffix}: ").strip()
    return answer or default


def interactive() -> bool:
    return sys.stdin.isatty()


def expected_failure(exc: Exception) -> str | None:
    """A message for failures a user can fix (bad input, database down), else None."""
    from django.core.exceptions import ValidationError
    from django.db import DatabaseError

    if isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            return " ".join(
                f"{'' if field == '__all__' else field + ': '}{message}"
                for field, messages in exc.message_dict.items()
                for message in messages
            )
        return " ".join(exc.messages)
    if isinstance(exc, DatabaseError):
        from django.conf import settings

        engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return (
            f"the database ({engine}) failed: {first_line}. Check DATABASE_URL and that the "
            "database is running and migrated (cadence migrate)."
        )
    return None


def organization_choice(name: str | None):
    """The organization named ``name`` (any case), or the only one there is."""
    from cadence.orgs.models import Organization

    organizations = list(Organization.objects.order_by("created_at"))
    if not organizations:
        raise CLIError("There is no organization yet: run cadence createadmin first.")
    if not name:
        if len(organizations) > 1:
            raise CLIError("There are several organizations: choose one with --organization.")
        return organizations[0]
    matches = [o for o in organizations if o.name.strip().lower() == name.strip().lower()]
    if not matches:
        raise CLIError(f"No organization is called {name!r}.")
    if len(matches) > 1:
        raise CLIError(f"Several organizations are called {name!r}; cannot tell which one.")
    return matches[0]
