"""The API's URL conf is imported when first needed, not when a process starts (cadence/urls.py,
``LazyURLResolver``): the pages resolve and reverse their addresses without it, and the API's own
addresses resolve and reverse in a process that has not imported it yet."""

import os
import subprocess
import sys

from django.urls import resolve, reverse

from tests.secret_key import TEST_SECRET_KEY

START = """
import sys, uuid
import django
django.setup()
from django.urls import resolve, reverse
"""


def _run(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", START + code],
        env={
            **os.environ,
            "SECRET_KEY": TEST_SECRET_KEY,
            "DJANGO_SETTINGS_MODULE": "cadence.settings",
        },
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_pages_resolve_and_reverse_without_importing_the_api():
    out = _run(
        "import cadence.wsgi\n"
        "resolve('/'); resolve(reverse('objective_detail', args=[uuid.uuid4()]))\n"
        "reverse('dashboard'); reverse('login')\n"
        "print('cadence.api.urls' in sys.modules)"
    )
    assert out == "False"


def test_the_api_resolves_first():
    out = _run(
        "match = resolve('/api/v1/openapi.json')\n"
        "print(match.namespace, match.url_name, 'cadence.api.urls' in sys.modules)"
    )
    assert out == "api-1 openapi-json True"


def test_the_api_reverses_first_even_after_the_pages_were_listed():
    out = _run(
        "reverse('dashboard')\n"  # the root's names listed, the API left alone
        "print(reverse('api-1:openapi-json'))"
    )
    assert out == "/api/v1/openapi.json"


def test_in_this_process_both_work():
    assert reverse("api-1:openapi-json") == "/api/v1/openapi.json"
    assert resolve("/api/v1/openapi.json").url_name == "openapi-json"
    assert resolve("/").url_name == "dashboard"
