"""`cadence worker` and `cadence demo` as real processes: the worker loops, stops cleanly on
SIGTERM and SIGINT, and the demo runs it alongside the server and stops both."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _env(tmp_path: Path, **extra) -> dict:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'worker.sqlite3'}",
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
    subprocess.run([sys.executable, "-m", "cadence.cli", "migrate"], cwd=ROOT, env=env, check=True)
    log = tmp_path / "worker.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "cadence.cli", "worker", "--interval", "1"],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_for(log, "a turn every 1 s", process)
        time.sleep(2.5)  # a few turns
        process.send_signal(sig)
        assert process.wait(timeout=20) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    output = log.read_text()
    assert "Cadence worker stopped." in output
    assert "Traceback" not in output and "failed" not in output


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_demo_runs_the_worker_and_ctrl_c_stops_both(tmp_path):
    env = _env(tmp_path, PORT=str(_free_port()), WEB_CONCURRENCY="1")
    env.pop("EMAIL_BACKEND", None)  # the demo prints mail to the console
    log = tmp_path / "demo.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "cadence.cli", "demo"],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, as a terminal's job would be
    )
    try:
        _wait_for(log, "Cadence worker: a turn every 60 s", process, seconds=120)
        # Ctrl+C in a terminal signals the whole foreground process group.
        os.killpg(process.pid, signal.SIGINT)
        process.wait(timeout=30)
        # The worker's own goodbye proves it stopped, not orphaned.
        deadline = time.monotonic() + 20
        while "Cadence worker stopped." not in log.read_text():
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.1)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    assert "Traceback" not in log.read_text()


def test_the_demo_stops_its_worker_when_terminated(tmp_path):
    """SIGTERM to the demo alone (a service manager): the server stops, then the worker."""
    env = _env(tmp_path, PORT=str(_free_port()), WEB_CONCURRENCY="1")
    log = tmp_path / "demo.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "cadence.cli", "demo"],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        _wait_for(log, "Cadence worker: a turn every 60 s", process, seconds=120)
        process.terminate()
        process.wait(timeout=30)
        deadline = time.monotonic() + 20
        while "Cadence worker stopped." not in log.read_text():
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.1)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
