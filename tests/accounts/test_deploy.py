"""Production settings that are safe by default (issue 13 point 8)."""

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from tests.secret_key import TEST_SECRET_KEY

ROOT = Path(__file__).resolve().parents[2]
REFUSAL = "cadence: SECRET_KEY is not set"


def readme_production_environment() -> dict[str, str]:
    """The variables README's "Running in production" example exports."""
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Running in production", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"^export .*?(?<!\\)$", section, re.M | re.S).group(0)
    words = shlex.split(block.replace("\\\n", " "))[1:]
    return dict(word.split("=", 1) for word in words)


def _clean_environment(tmp_path, **extra) -> dict[str, str]:
    """This process's environment without any Cadence setting, plus ``extra``."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k in ("PATH", "HOME", "LANG", "LC_ALL", "SYSTEMROOT", "TMPDIR")
    }
    env.update(
        PYTHONPATH=str(ROOT),
        DATABASE_URL=f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
        STATIC_ROOT=str(tmp_path / "static"),
    )
    env.update(extra)
    return env


def _cadence(args, env, timeout=120):
    return subprocess.run(
        [sys.executable, "-m", "cadence.cli", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.mark.own_sqlite
@pytest.mark.real_clock
def test_check_deploy_is_clean_with_the_readme_production_environment(tmp_path):
    readme = readme_production_environment()
    assert {"SECURE_HSTS_SECONDS", "SECURE_SSL_REDIRECT", "SECURE_PROXY_SSL_HEADER"} <= set(readme)
    # README's example values stand for the operator's own secrets: the test supplies a real one.
    readme["SECRET_KEY"] = "a-real-secret-" + os.urandom(24).hex()
    env = _clean_environment(tmp_path, **readme)
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'deploy.sqlite3'}"
    result = _cadence(["manage", "check", "--deploy", "--fail-level", "WARNING"], env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout

    # Without the secret it is an error, tagged deploy.
    del env["SECRET_KEY"]
    result = _cadence(["manage", "check", "--deploy"], env)
    assert result.returncode == 1 and "cadence.E001" in result.stderr
    assert _cadence(["manage", "check"], env).returncode == 0  # not a development error


@pytest.mark.own_sqlite
@pytest.mark.real_clock
@pytest.mark.parametrize(
    "command",
    [
        ["serve", "--port", "65123"],  # refused before it would listen
        ["worker", "--interval", "60"],
        None,  # an operator's own gunicorn: cadence/wsgi.py
    ],
)
@pytest.mark.parametrize("secret", [None, "cadence-insecure-development-key-change-me"])
def test_with_debug_off_nothing_serves_without_a_real_secret(tmp_path, command, secret):
    extra = {} if secret is None else {"SECRET_KEY": secret}
    env = _clean_environment(tmp_path, **extra)
    if command is None:
        result = subprocess.run(
            [sys.executable, "-c", "import cadence.wsgi"],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
    else:
        result = _cadence(command, env, timeout=60)
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(REFUSAL), result.stderr


@pytest.mark.own_sqlite
@pytest.mark.real_clock
def test_debug_allows_the_development_key(tmp_path):
    env = _clean_environment(tmp_path, DEBUG="1")
    result = subprocess.run(
        [sys.executable, "-c", "import cadence.wsgi; print('ready')"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0 and "ready" in result.stdout, result.stderr


def test_the_proxy_header_setting_is_read_from_the_environment(tmp_path):
    code = "import cadence.settings as s; print(s.SECURE_PROXY_SSL_HEADER, s.SESSION_COOKIE_SECURE)"
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=_clean_environment(
            tmp_path, SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto", SITE_URL="https://o.test"
        ),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.split("\n")[0] == "('HTTP_X_FORWARDED_PROTO', 'https') True"


def test_signed_in_pages_are_private_and_not_stored(client, member):
    client.force_login(member)
    for name in ("dashboard", "settings", "sign_in_security"):
        header = client.get(reverse(name))["Cache-Control"]
        assert {"private", "no-store"} <= {part.strip() for part in header.split(",")}, name


def test_api_answers_to_a_token_are_private(client, member):
    from cadence.orgs import services

    secret = services.api_token_create(person=member)[1]
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_the_tests_use_a_real_key():
    from django.conf import settings

    assert settings.SECRET_KEY != settings.DEVELOPMENT_SECRET_KEY
    assert os.environ["SECRET_KEY"] in (TEST_SECRET_KEY, settings.SECRET_KEY)
