"""`cadence demo` for real: a subprocess that migrates a fresh SQLite file, loads the demo and
serves it with gunicorn and WhiteNoise, answered over HTTP."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str) -> tuple[int, bytes, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read(), response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as error:
        return error.code, error.read(), error.headers.get("Content-Type", "")


@pytest.fixture
def served_demo(tmp_path):
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        "PORT": str(port),
        "WEB_CONCURRENCY": "1",
        "STATIC_ROOT": str(tmp_path / "staticfiles"),
    }
    env.pop("CADENCE_PLAIN_STATIC", None)
    env.pop("DEBUG", None)
    log = tmp_path / "demo.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "cadence.cli", "demo"],
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            if process.poll() is not None:
                pytest.fail(f"cadence demo exited early:\n{log.read_text()}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("cadence demo did not start listening within 180 s")
                time.sleep(0.2)
        yield base, process, log
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


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
    assert "Traceback" not in output
