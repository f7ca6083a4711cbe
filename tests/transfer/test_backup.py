"""`cadence backup` while writers commit check-ins, then `cadence restore` into a fresh database:
every check-in acknowledged before the backup began is in the restored copy.

The installation runs as real processes: writer processes commit check-ins through the real
service (tests/transfer/backup_writer.py) and print each acknowledged check-in with the moment
its commit returned; `cadence backup` and `cadence restore` run as the operator runs them. On
SQLite the database is a file (a fresh one, migrated for the test); on PostgreSQL it is the test
database, and the restore goes into a scratch database the test creates and drops.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection

from cadence.cli import main
from cadence.transfer import backup
from tests import factories as f
from tests.scale.processes import database_url
from tests.secret_key import TEST_SECRET_KEY

ROOT = Path(__file__).resolve().parents[2]
WRITERS = 3
ACKNOWLEDGED_FIRST = 15  # check-ins each writer has acknowledged before the backup starts


def _env(url: str) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": os.environ.get("SECRET_KEY") or TEST_SECRET_KEY,
        "DJANGO_SETTINGS_MODULE": "cadence.settings",
    }


def _cadence(url: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "cadence.cli", *args],
        cwd=ROOT,
        env=_env(url),
        capture_output=True,
        text=True,
        timeout=300,
    )


def _writer(url: str, *args: str, stdout=subprocess.PIPE) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.transfer.backup_writer", *args],
        cwd=ROOT,
        env=_env(url),
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
    )


def _acknowledged(log: Path) -> list[tuple[uuid.UUID, float]]:
    rows = []
    for line in log.read_text().splitlines():
        parts = line.split()
        if len(parts) == 2:  # a line cut short by the writer's stop is not an acknowledgement
            rows.append((uuid.UUID(parts[0]), float(parts[1])))
    return rows


def _backup_while_writing(url: str, tmp_path: Path) -> tuple[Path, set[uuid.UUID], int]:
    """Seed, start the writers, back up while they write; return the backup, the check-ins
    acknowledged before the backup began, and how many were acknowledged after it began."""
    seeded = _writer(url, "seed", str(WRITERS))
    out, err = seeded.communicate(timeout=120)
    assert seeded.returncode == 0, err
    ids = json.loads(out.strip().splitlines()[-1])

    logs = [tmp_path / f"writer-{i}.log" for i in range(WRITERS)]
    writers = []
    try:
        for log, key_result in zip(logs, ids["key_results"], strict=True):
            with log.open("w") as handle:
                writers.append(_writer(url, "write", ids["actor"], key_result, stdout=handle))
        deadline = time.monotonic() + 120
        while min(len(_acknowledged(log)) for log in logs) < ACKNOWLEDGED_FIRST:
            for writer in writers:
                assert writer.poll() is None, writer.stderr.read()
            assert time.monotonic() < deadline, "the writers did not get going"
            time.sleep(0.05)

        began = time.time()
        result = _cadence(url, "backup", str(tmp_path / "cadence.backup"))
        assert result.returncode == 0, result.stderr
        assert "Backed up" in result.stdout
        # The writers go on after the backup, as the installation does.
        settle = time.monotonic() + 1
        while time.monotonic() < settle:
            assert all(writer.poll() is None for writer in writers)
            time.sleep(0.05)
    finally:
        for writer in writers:
            writer.terminate()
        for writer in writers:
            try:
                writer.wait(timeout=30)
            except subprocess.TimeoutExpired:
                writer.kill()
                writer.wait()
    for writer in writers:
        assert writer.returncode == 0, writer.stderr.read()
        writer.stderr.close()

    acknowledged = [row for log in logs for row in _acknowledged(log)]
    before = {check_in for check_in, moment in acknowledged if moment < began}
    after = sum(1 for _, moment in acknowledged if moment >= began)
    assert len(before) >= WRITERS * ACKNOWLEDGED_FIRST
    return tmp_path / "cadence.backup", before, after


@pytest.mark.own_sqlite
@pytest.mark.real_clock
def test_sqlite_backup_while_writers_commit_keeps_every_acknowledged_check_in(tmp_path):
    live = tmp_path / "live.sqlite3"
    url = f"sqlite:///{live}"
    migrated = _cadence(url, "migrate")
    assert migrated.returncode == 0, migrated.stderr

    backup_file, before, after = _backup_while_writing(url, tmp_path)
    assert after > 0  # the writers were still committing when the backup began, and after
    assert backup.backup_engine(backup_file) == backup.SQLITE
    assert not list(tmp_path.glob(".cadence.backup.*"))  # no temporary file left behind

    fresh = tmp_path / "restored.sqlite3"
    restored = _cadence(f"sqlite:///{fresh}", "restore", str(backup_file))
    assert restored.returncode == 0, restored.stderr
    assert "migrations match this release" in restored.stdout

    db = sqlite3.connect(fresh)
    try:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        restored_ids = {uuid.UUID(row[0]) for row in db.execute("SELECT id FROM okrs_checkin")}
        # The key results' current values are their latest restored check-ins': one state.
        stale = db.execute(
            "SELECT count(*) FROM okrs_keyresult k WHERE k.current <> "
            "(SELECT c.value FROM okrs_checkin c WHERE c.key_result_id = k.id "
            "ORDER BY c.at DESC, c.created_at DESC LIMIT 1)"
        ).fetchone()[0]
    finally:
        db.close()
    assert before <= restored_ids, f"{len(before - restored_ids)} acknowledged check-ins lost"
    assert stale == 0

    # The restored database holds an organization now: restoring over it needs --force.
    again = _cadence(f"sqlite:///{fresh}", "restore", str(backup_file))
    assert again.returncode == 1
    assert "--force" in again.stderr and "Traceback" not in again.stderr
    assert len(again.stderr.strip().splitlines()) == 1
    forced = _cadence(f"sqlite:///{fresh}", "restore", "--force", str(backup_file))
    assert forced.returncode == 0, forced.stderr


@pytest.mark.own_sqlite
@pytest.mark.real_clock
def test_a_backup_of_an_older_release_is_restored_then_migrated(tmp_path):
    """A database one migration behind (the okrs app's latest rolled back, as the previous
    release left it): the restore says to run cadence migrate, and migrate brings it up. One
    with a migration this release does not know: the restore says to install the newer one."""
    from django.db.migrations.loader import MigrationLoader

    leaf = MigrationLoader(None, ignore_no_migrations=True).graph.leaf_nodes("okrs")[0]
    previous = MigrationLoader(None).graph.node_map[leaf].parents
    (parent,) = [p.key for p in previous if p.key[0] == "okrs"]
    # Rolling it back rolls back what depends on it too (other apps' later migrations).
    behind = len(MigrationLoader(None).graph.backwards_plan(leaf))
    plural = "s" if behind != 1 else ""
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    for args in (("migrate",), ("manage", "migrate", "okrs", parent[1])):
        done = _cadence(url, *args)
        assert done.returncode == 0, done.stderr
    assert _cadence(url, "backup", str(tmp_path / "old.backup")).returncode == 0

    fresh = f"sqlite:///{tmp_path / 'new.sqlite3'}"
    restored = _cadence(fresh, "restore", str(tmp_path / "old.backup"))
    assert restored.returncode == 0, restored.stderr
    assert f"older release: {behind} migration{plural} to apply" in restored.stdout
    assert "cadence migrate" in restored.stdout
    migrated = _cadence(fresh, "migrate")
    assert migrated.returncode == 0, migrated.stderr
    assert f"Applied {behind} migration{plural}" in migrated.stdout

    # A database a newer release migrated has a migration this release does not know.
    db = sqlite3.connect(tmp_path / "old.sqlite3")
    with db:
        db.execute(
            "INSERT INTO django_migrations (app, name, applied) "
            "VALUES ('okrs', '9999_of_a_newer_release', '2027-01-01')"
        )
    db.close()
    assert _cadence(url, "backup", str(tmp_path / "newer.backup")).returncode == 0
    newer = _cadence(
        f"sqlite:///{tmp_path / 'third.sqlite3'}", "restore", str(tmp_path / "newer.backup")
    )
    assert newer.returncode == 1
    assert "newer release" in newer.stderr and "Traceback" not in newer.stderr


def _server(database: str):
    import psycopg

    s = connection.settings_dict
    return psycopg.connect(
        host=s["HOST"] or "127.0.0.1",
        port=s["PORT"] or 5432,
        user=s["USER"],
        password=s["PASSWORD"] or None,
        dbname=database,
        autocommit=True,
    )


@pytest.mark.postgres
@pytest.mark.real_clock
@pytest.mark.django_db(transaction=True)
def test_postgres_backup_while_writers_commit_keeps_every_acknowledged_check_in(tmp_path):
    assert connection.vendor == "postgresql"
    url = database_url()
    backup_file, before, after = _backup_while_writing(url, tmp_path)
    assert after > 0
    assert backup.backup_engine(backup_file) == backup.POSTGRESQL
    assert not list(tmp_path.glob(".cadence.backup.*"))

    scratch = f"{connection.settings_dict['NAME']}_restore"
    with _server("postgres") as server:
        server.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
        server.execute(f'CREATE DATABASE "{scratch}"')
    try:
        scratch_url = url.rsplit("/", 1)[0] + f"/{scratch}"
        restored = _cadence(scratch_url, "restore", str(backup_file))
        assert restored.returncode == 0, restored.stderr
        assert "migrations match this release" in restored.stdout
        with _server(scratch) as db:
            restored_ids = {row[0] for row in db.execute("SELECT id FROM okrs_checkin")}
            stale = db.execute(
                "SELECT count(*) FROM okrs_keyresult k WHERE k.current <> "
                "(SELECT c.value FROM okrs_checkin c WHERE c.key_result_id = k.id "
                "ORDER BY c.at DESC, c.created_at DESC LIMIT 1)"
            ).fetchone()[0]
        assert before <= restored_ids, f"{len(before - restored_ids)} acknowledged check-ins lost"
        assert stale == 0

        again = _cadence(scratch_url, "restore", str(backup_file))
        assert again.returncode == 1
        assert "--force" in again.stderr and "Traceback" not in again.stderr
        forced = _cadence(scratch_url, "restore", "--force", str(backup_file))
        assert forced.returncode == 0, forced.stderr
    finally:
        with _server("postgres") as server:
            server.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')


# Refusals, in this process, on the suite's database -------------------------------------------


def _fails(capsys, argv: list[str], *words: str) -> str:
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1, err
    for word in words:
        assert word in err, err
    return err


def test_restore_refuses_a_missing_file(capsys, tmp_path, db):
    _fails(capsys, ["restore", str(tmp_path / "nowhere.backup")], "There is no backup file")


def test_restore_refuses_a_file_that_is_not_a_backup(capsys, tmp_path, db):
    junk = tmp_path / "notes.txt"
    junk.write_text("not a database")
    _fails(capsys, ["restore", str(junk)], "is not a Cadence backup")


def test_restore_refuses_a_backup_of_the_other_engine(capsys, tmp_path, org):
    other = tmp_path / "other.backup"
    if connection.vendor == "sqlite":
        other.write_bytes(backup.PG_MAGIC + b"\x01\x0e\x00" + bytes(64))
        words = ("PostgreSQL installation", "uses SQLite")
    else:
        sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
        words = ("SQLite installation", "uses PostgreSQL")
    _fails(capsys, ["restore", str(other)], *words, "organization archive")
    assert org.__class__.objects.filter(pk=org.pk).exists()


def _a_real_backup(path: Path) -> None:
    """A backup of the suite's database (committed: the test is transactional), on SQLite (in
    memory, which `cadence backup` refuses) through the same backup API."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(path)
        connection.connection.backup(target)
        target.close()
    else:
        backup.backup_create(file=path)


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_database_in_use_without_force(capsys, tmp_path, org, admin):
    file = tmp_path / "cadence.backup"
    _a_real_backup(file)
    f.make_person(org, name="Still here")
    _fails(capsys, ["restore", str(file)], "not empty", "--force")
    assert org.people.filter(name="Still here").exists()


def test_a_sqlite_file_without_cadence_tables_is_not_restored(capsys, tmp_path, db):
    if connection.vendor != "sqlite":
        pytest.skip("a SQLite file is refused earlier on PostgreSQL (other engine)")
    other = tmp_path / "other.sqlite3"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    _fails(capsys, ["restore", str(other)], "not a Cadence backup")


def test_backup_refuses_a_missing_folder(capsys, tmp_path, db):
    _fails(capsys, ["backup", str(tmp_path / "no" / "such.backup")], "does not exist")


def test_backup_refuses_a_folder(capsys, tmp_path, db):
    _fails(capsys, ["backup", str(tmp_path)], "is a folder")


@pytest.mark.postgres
def test_backup_refuses_when_pg_dump_is_missing(capsys, tmp_path, db, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no PostgreSQL client tools on it
    _fails(capsys, ["backup", str(tmp_path / "x.backup")], "pg_dump is not installed")
    assert not (tmp_path / "x.backup").exists()


def test_the_client_tools_major_version_is_read():
    assert backup._major("pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)") == 15
    assert backup._major("pg_restore (PostgreSQL) 17.2") == 17
