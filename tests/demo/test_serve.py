"""`cadence demo` for real: a subprocess that serves the demo with gunicorn and WhiteNoise,
answered over HTTP. Its file is a copy of one `cadence demo` migrated and loaded from nothing
(tests/installs.py), so it says the demo is already loaded."""

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from tests.installs import sqlite_copy
from tests.scale.processes import Process, kill_group, serve_on_a_free_port, stop

# real_clock: the demo and the worker run as other processes, on the wall clock.
pytestmark = [pytest.mark.real_clock, pytest.mark.own_sqlite]


def _get(url: str) -> tuple[int, bytes, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read(), response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as error:
        return error.code, error.read(), error.headers.get("Content-Type", "")


@pytest.fixture
def served_demo(tmp_path):
    """`cadence demo` listening on a free port (the next one if another process took it first)."""
    env = {
        **os.environ,
        "DATABASE_URL": sqlite_copy("demo", tmp_path / "demo.sqlite3"),
        "WEB_CONCURRENCY": "1",
        "STATIC_ROOT": str(tmp_path / "staticfiles"),
        "GUNICORN_LOG_LEVEL": "info",  # its "Listening at" line says it holds the port
    }
    env.pop("CADENCE_PLAIN_STATIC", None)
    env.pop("DEBUG", None)
    env.pop("SECRET_KEY", None)  # as in the Quick start: the demo makes its own

    def launch(port: int) -> Process:
        log = tmp_path / f"demo-{port}.log"
        with log.open("w") as out:
            popen = subprocess.Popen(
                [sys.executable, "-m", "cadence.cli", "demo"],
                env={**env, "PORT": str(port)},
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return Process("cadence demo", popen, log)

    process, port = serve_on_a_free_port(launch, seconds=180)
    try:
        yield f"http://127.0.0.1:{port}", process.popen, process.log
    finally:
        stop(process, timeout=20)
        kill_group(process)


def test_demo_serves_static_files_and_the_login_page(served_demo):
    base, process, log = served_demo
    status, body, content_type = _get(f"{base}/static/ninja/swagger-ui.css")
    assert status == 200 and content_type.startswith("text/css") and len(body) > 1000
    status, body, _ = _get(f"{base}/login/")
    assert status == 200, body[:500]
    process.terminate()
    process.wait(timeout=20)
    output = log.read_text()
    assert "admin@example.com" in output and "cadence-demo" in output
    assert ": already loaded." in output
    assert "Traceback" not in output


def test_the_demo_makes_a_secret_key_for_its_server_and_worker(served_demo):
    """Without SECRET_KEY (and DEBUG off) the demo still serves, with a random key that its
    worker shares: the worker would refuse to start on the development key."""
    base, process, log = served_demo
    deadline = time.monotonic() + 60
    while "Cadence worker: a turn every" not in log.read_text():
        assert "SECRET_KEY is not set" not in log.read_text(), log.read_text()
        assert time.monotonic() < deadline, log.read_text()
        time.sleep(0.2)
    text = log.read_text()
    assert "No SECRET_KEY is set" in text and "sessions end" in text
    assert "SECRET_KEY is not set" not in text
    assert _get(f"{base}/login/")[0] == 200


def test_an_overlong_request_line_gets_the_documented_414(served_demo):
    """The server's limit is the one the API document gives for every operation's 414."""
    from cadence.core.limits import MAX_REQUEST_LINE

    base = served_demo[0]
    path = "/api/v1/feed?limit="
    fits = "x" * (MAX_REQUEST_LINE - len(f"GET {path} HTTP/1.1") - 10)
    assert _get(f"{base}{path}{fits}")[0] == 401  # read by the app: no token
    status, body, _ = _get(f"{base}{path}{fits}{'x' * 20}")
    assert status == 414, body[:300]


def test_serve_on_an_empty_database_prints_the_setup_code(tmp_path):
    """The Quick start without the demo: `cadence migrate`, `cadence serve`; the console shows
    the one-time setup code and every page leads to /setup/."""
    import re

    from tests.secret_key import TEST_SECRET_KEY

    env = {
        **os.environ,
        "DATABASE_URL": sqlite_copy("migrated", tmp_path / "empty.sqlite3"),
        "WEB_CONCURRENCY": "1",
        "STATIC_ROOT": str(tmp_path / "staticfiles"),
        "GUNICORN_LOG_LEVEL": "info",
        "SECRET_KEY": TEST_SECRET_KEY,
    }
    env.pop("DEBUG", None)
    migrated = subprocess.run([sys.executable, "-m", "cadence.cli", "migrate"], env=env, check=True)
    assert migrated.returncode == 0  # nothing left to apply: the copy is migrated

    def launch(port: int) -> Process:
        log = tmp_path / f"serve-{port}.log"
        with log.open("w") as out:
            popen = subprocess.Popen(
                [sys.executable, "-m", "cadence.cli", "serve", "--port", str(port)],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return Process("cadence serve", popen, log)

    process, port = serve_on_a_free_port(launch, seconds=60)
    try:
        text = process.log.read_text()
        match = re.search(r"setup code ([2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4})", text)
        assert match and f"http://127.0.0.1:{port}/setup/" in text, text
        base = f"http://127.0.0.1:{port}"
        status, body, _ = _get(f"{base}/")  # followed to the setup page
        assert status == 200 and b"Setup code" in body
    finally:
        stop(process, timeout=20)
        kill_group(process)
