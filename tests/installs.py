"""SQLite files for the tests that run Cadence as other processes on a file of their own.

Migrating a fresh file costs about ten seconds of CPU (over a hundred migrations), and loading
the demo about as much again. Each test process makes one file of each kind the first time a
test asks, with the commands a newcomer types (`cadence migrate`; `cadence demo --no-serve` on a
fresh file, which must say it loaded the demo), and each test gets a copy of its own."""

from __future__ import annotations

import atexit
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.secret_key import TEST_SECRET_KEY

ROOT = Path(__file__).resolve().parents[1]
COMMANDS = {"migrated": ["migrate"], "demo": ["demo", "--no-serve"]}
_made: dict[str, Path] = {}


def _make(kind: str) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="cadence-test-installs-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    path = folder / f"{kind}.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{path}", "SECRET_KEY": TEST_SECRET_KEY}
    env.pop("DEBUG", None)
    done = subprocess.run(
        [sys.executable, "-m", "cadence.cli", *COMMANDS[kind]],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    if kind == "demo":
        assert ": loaded." in done.stdout, done.stdout  # a fresh file: migrated, then loaded
    # One file to copy: the write-ahead log folded into it.
    db = sqlite3.connect(path)
    try:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        db.close()
    return path


def sqlite_copy(kind: str, target: Path) -> str:
    """A copy at ``target`` of this process's file of that kind ("migrated": every migration
    applied, no data; "demo": the demo loaded on today's date); its DATABASE_URL."""
    if kind not in _made:
        _made[kind] = _make(kind)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(_made[kind], target)
    return f"sqlite:///{target}"
