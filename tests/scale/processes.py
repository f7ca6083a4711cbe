"""Start the production set-up (`cadence serve`, `cadence worker`) as real processes against
the test database, wait for them with deadlines, and stop them whatever happens."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from django.db import connection

from tests.secret_key import TEST_SECRET_KEY

ROOT = Path(__file__).resolve().parents[2]


def database_url() -> str:
    """The test database pytest-django created (committed data is visible to other processes
    under ``django_db(transaction=True)``)."""
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def free_port() -> int:
    """A port the system just handed out. Another process may take it before the server binds
    it: start servers with ``serve_on_a_free_port``, which tries again when that happens."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# gunicorn's line (at GUNICORN_LOG_LEVEL=info) once it holds the port, and `cadence serve` /
# `cadence demo`'s refusal when another process holds it (gunicorn's own: "Connection in use").
LISTENING = "Listening at: http://127.0.0.1:{port} "
PORT_TAKEN = "Cannot listen on 127.0.0.1:{port}"


def serve_on_a_free_port(launch, *, seconds: float, attempts: int = 5) -> tuple[Process, int]:
    """Start a server with ``launch(port)`` on a free port and wait until it listens there (its
    own log says so: an answer on the port could come from another process). If another
    process took the port first, the server exits saying so, and it starts again on another.
    ``launch`` must set GUNICORN_LOG_LEVEL=info in the server's environment."""
    for _ in range(attempts):
        port = free_port()
        process = launch(port)
        listening, taken = LISTENING.format(port=port), PORT_TAKEN.format(port=port)
        deadline = time.monotonic() + seconds
        while listening not in process.output() and process.alive():
            if time.monotonic() > deadline:
                kill_group(process)
                raise AssertionError(
                    f"{process.name} did not listen on port {port} within {seconds:g} s:\n"
                    f"{process.output()[-4000:]}"
                )
            time.sleep(0.1)
        if process.alive():
            return process, port
        if taken not in process.output() and "Connection in use" not in process.output():
            raise AssertionError(
                f"{process.name} exited ({process.popen.returncode}) before listening:\n"
                f"{process.output()[-4000:]}"
            )
    raise AssertionError(f"{attempts} free ports in a row were taken before the server bound them")


def environment(**extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DEBUG": "0",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or TEST_SECRET_KEY,
        "PYTHONPATH": str(ROOT),
        "PYTHONUNBUFFERED": "1",
        **extra,
    }
    env.pop("CADENCE_WORKER_PARENT", None)
    return env


@dataclass
class Process:
    name: str
    popen: subprocess.Popen
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def alive(self) -> bool:
        return self.popen.poll() is None


def start(name: str, args: list[str], env: dict[str, str], log_dir: Path) -> Process:
    log = log_dir / f"{name}.log"
    with log.open("w") as out:
        popen = subprocess.Popen(
            [sys.executable, "-m", "cadence.cli", *args],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: gunicorn's workers go with it
        )
    return Process(name, popen, log)


def stop(process: Process, sig: int = signal.SIGTERM, timeout: float = 30) -> int:
    """Signal the process (and its group) and wait; SIGKILL the group if it does not stop."""
    if process.alive():
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.popen.pid, sig)
        try:
            process.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.popen.pid, signal.SIGKILL)
            process.popen.wait(timeout=timeout)
    return process.popen.returncode


def kill_group(process: Process) -> None:
    """The cleanup of last resort: nothing of the process group survives the test."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.popen.pid, signal.SIGKILL)
    if process.popen.poll() is None:
        process.popen.wait(timeout=30)


def wait_until(condition, *, seconds: float, what: str, processes=(), every: float = 0.1):
    """Poll ``condition`` until it returns something truthy; fail with ``what`` and the
    processes' output after ``seconds``, or at once if one of them exits."""
    deadline = time.monotonic() + seconds
    while True:
        result = condition()
        if result:
            return result
        for p in processes:
            if not p.alive():
                raise AssertionError(
                    f"{p.name} exited ({p.popen.returncode}) while waiting for {what}:\n"
                    f"{p.output()[-4000:]}"
                )
        if time.monotonic() > deadline:
            logs = "\n".join(f"--- {p.name}:\n{p.output()[-2000:]}" for p in processes)
            raise AssertionError(f"timed out after {seconds:g} s waiting for {what}\n{logs}")
        time.sleep(every)


# HTTP ------------------------------------------------------------------------------------


def http(method: str, url: str, token: str | None = None, body=None, timeout: float = 30):
    """(status, parsed JSON or None) of one request; never raises on an HTTP error status."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, raw = error.code, error.read()
    try:
        return status, json.loads(raw) if raw else None
    except ValueError:
        return status, raw.decode(errors="replace")[:500]


def answers(url: str) -> bool:
    try:
        return http("GET", url, timeout=2)[0] > 0
    except OSError:
        return False


@contextlib.contextmanager
def two_servers(logs: Path, **settings: str):
    """Two `cadence serve` processes (gunicorn, 2 workers × 4 threads each) on free ports of
    127.0.0.1 with ``settings`` in their environment, both answering; their addresses. After:
    both still alive, stopped, and no traceback in their output."""
    env = environment(
        WEB_CONCURRENCY="2",
        GUNICORN_THREADS="4",
        GUNICORN_LOG_LEVEL="info",
        STATIC_ROOT=str(logs / "staticfiles"),
        ALLOWED_HOSTS="127.0.0.1",
        **settings,
    )
    processes, urls = [], []
    try:
        for name in ("app-1", "app-2"):
            process, port = serve_on_a_free_port(
                lambda port, name=name: start(name, ["serve", "--port", str(port)], env, logs),
                seconds=90,
            )
            processes.append(process)
            urls.append(f"http://127.0.0.1:{port}")
        for process, url in zip(processes, urls, strict=True):
            wait_until(
                lambda url=url: answers(f"{url}/api/v1/me"),
                seconds=90,
                what=f"{process.name} to answer at {url}",
                processes=[process],
                every=0.2,
            )
        yield urls
        for process in processes:
            assert process.alive(), f"{process.name} died:\n{process.output()[-4000:]}"
    finally:
        for process in processes:
            stop(process)
            kill_group(process)
        for process in processes:
            assert "Traceback" not in process.output(), process.output()[-4000:]
