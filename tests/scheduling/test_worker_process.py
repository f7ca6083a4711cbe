"""`cadence worker` and `cadence demo` as real processes: the worker loops, stops cleanly on
SIGTERM and SIGINT, and the demo runs it alongside the server and stops both."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.installs import sqlite_copy
from tests.scale.processes import Process, kill_group, serve_on_a_free_port
from tests.secret_key import TEST_SECRET_KEY

# real_clock: the demo and the worker run as other processes, on the wall clock.
pytestmark = [pytest.mark.real_clock, pytest.mark.own_sqlite]

ROOT = Path(__file__).resolve().parents[2]


def _env(tmp_path: Path, kind: str = "migrated", **extra) -> dict:
    """The environment of a process on a copy of a migrated file (or of one with the demo)."""
    env = {
        **os.environ,
        "DATABASE_URL": sqlite_copy(kind, tmp_path / "worker.sqlite3"),
        "SECRET_KEY": os.environ.get("SECRET_KEY") or TEST_SECRET_KEY,
        "STATIC_ROOT": str(tmp_path / "staticfiles"),
        **extra,
    }
    env.pop("CADENCE_WORKER_PARENT", None)
    return env


def _wait_for(log: Path, text: str, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while text not in log.read_text():
        if process.poll() is not None:
            pytest.fail(f"exited early:\n{log.read_text()}")
        if time.monotonic() > deadline:
            pytest.fail(f"{text!r} never appeared:\n{log.read_text()}")
        time.sleep(0.1)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_the_worker_loops_and_stops_cleanly_on_a_signal(tmp_path, sig):
    env = _env(tmp_path)
    log = tmp_path / "worker.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "cadence.cli", "worker", "--interval", "1", "--verbose"],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_for(log, "Turn 3: nothing was due.", process)  # it loops
        process.send_signal(sig)
        assert process.wait(timeout=20) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    output = log.read_text()
    assert "Cadence worker stopped." in output
    assert "Traceback" not in output and "failed" not in output


def _start_demo(tmp_path: Path, env: dict) -> Process:
    """`cadence demo` in its own process group (as a terminal's job would be), listening on a
    free port (another on the next free one if a process took that first) with its worker up."""
    log_dir = tmp_path / "logs"
    log_dir.mkdir()

    def launch(port: int) -> Process:
        log = log_dir / f"demo-{port}.log"
        with log.open("w") as out:
            popen = subprocess.Popen(
                [sys.executable, "-m", "cadence.cli", "demo"],
                cwd=ROOT,
                env={**env, "PORT": str(port), "GUNICORN_LOG_LEVEL": "info"},
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return Process("cadence demo", popen, log)

    process, _ = serve_on_a_free_port(launch, seconds=120)
    try:
        _wait_for(process.log, "Cadence worker: a turn every 60 s", process.popen, seconds=60)
    except BaseException:
        kill_group(process)
        raise
    return process


def _wait_for_goodbye(process: Process) -> None:
    """The worker's own goodbye proves it stopped, not orphaned."""
    deadline = time.monotonic() + 20
    while "Cadence worker stopped." not in process.output():
        assert time.monotonic() < deadline, process.output()
        time.sleep(0.1)


def test_the_demo_runs_the_worker_and_ctrl_c_stops_both(tmp_path):
    env = _env(tmp_path, "demo", WEB_CONCURRENCY="1")
    env.pop("EMAIL_BACKEND", None)  # the demo prints mail to the console
    process = _start_demo(tmp_path, env)
    try:
        # Ctrl+C in a terminal signals the whole foreground process group.
        os.killpg(process.popen.pid, signal.SIGINT)
        process.popen.wait(timeout=30)
        _wait_for_goodbye(process)
    finally:
        kill_group(process)
    assert "Traceback" not in process.output()


def test_the_demo_stops_its_worker_when_terminated(tmp_path):
    """SIGTERM to the demo alone (a service manager): the server stops, then the worker."""
    process = _start_demo(tmp_path, _env(tmp_path, "demo", WEB_CONCURRENCY="1"))
    try:
        process.popen.terminate()
        process.popen.wait(timeout=30)
        _wait_for_goodbye(process)
    finally:
        kill_group(process)
