"""Backup and restore of a whole installation, for operators (`cadence backup`, `cadence restore`).

A backup is a consistent copy of the running database, taken without stopping it:

* SQLite: the online backup API (``sqlite3.Connection.backup``) copies the database in one step
  under a read transaction, so the copy is one committed state of the database. (Copying the
  live file with ``cp`` can lose committed rows still in the write-ahead log, and the copy still
  passes ``integrity_check``.)
* PostgreSQL: ``pg_dump --format=custom``, which reads one snapshot.

The file is written next to its destination under a temporary name, flushed to disk and renamed,
so FILE is either the previous file or the whole new backup, never half of one. The engine a
backup came from is told by the file's first bytes: ``SQLite format 3\\0`` or ``PGDMP``; a backup
restores only onto the same engine (moving between engines is the organization archive's job).

Restore replaces the configured database with the backup's content: refused onto a database that
holds an organization unless forced. Afterwards the migrations are compared with this release's:
a backup of an older release needs ``cadence migrate``.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connection, connections

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"
SQLITE = "sqlite"
POSTGRESQL = "postgresql"
ENGINE_NAMES = {SQLITE: "SQLite", POSTGRESQL: "PostgreSQL"}
# Tables whose rows make a database "in use": restoring over it needs --force.
CONTENT_TABLES = ("orgs_organization", "orgs_person")


class BackupError(Exception):
    """An expected failure of a backup or restore: a one-line message for the operator."""


@dataclass(frozen=True)
class RestoreResult:
    engine: str
    pending_migrations: int  # migrations of this release not yet applied to the restored data
    unknown_migrations: int  # migrations the backup has that this release does not know


# Engines and files ------------------------------------------------------------------------


def database_engine() -> str:
    vendor = connection.vendor
    if vendor not in ENGINE_NAMES:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {vendor}.")
    return vendor


def backup_engine(path: Path) -> str | None:
    """The engine a backup file came from, by its first bytes; None for anything else."""
    with path.open("rb") as handle:
        head = handle.read(len(SQLITE_MAGIC))
    if head.startswith(SQLITE_MAGIC):
        return SQLITE
    if head.startswith(PG_MAGIC):
        return POSTGRESQL
    return None


def _destination(file: str | os.PathLike) -> Path:
    path = Path(file).expanduser()
    if str(file).strip() == "":
        raise BackupError("Give the backup file's name.")
    if path.is_dir():
        raise BackupError(f"{path} is a folder: give a file name inside it.")
    if not path.parent.is_dir():
        raise BackupError(f"The folder {path.parent} does not exist.")
    return path.resolve()


@contextmanager
def _replacing(path: Path) -> Iterator[Path]:
    """A temporary file beside ``path``, renamed onto it (after fsync) when the block succeeds
    and removed when it fails: ``path`` is never left half-written."""
    handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        with temporary.open("rb+") as written:
            os.fsync(written.fileno())
        temporary.replace(path)
        directory = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _readable_backup(file: str | os.PathLike) -> tuple[Path, str]:
    path = Path(file).expanduser()
    if not path.is_file():
        raise BackupError(f"There is no backup file at {path}.")
    engine = backup_engine(path)
    if engine is None:
        raise BackupError(
            f"{path} is not a Cadence backup (neither a SQLite database nor a PostgreSQL "
            "custom-format dump)."
        )
    ours = database_engine()
    if engine != ours:
        raise BackupError(
            f"{path} is a backup of a {ENGINE_NAMES[engine]} installation and this one uses "
            f"{ENGINE_NAMES[ours]}: a backup restores only onto the same engine. To move an "
            "organization between engines, use the organization archive (cadence export-org)."
        )
    return path.resolve(), engine


# Backup ------------------------------------------------------------------------------------


def backup_create(*, file: str | os.PathLike) -> Path:
    """Write a consistent copy of the configured database to ``file``; return its path."""
    path = _destination(file)
    if database_engine() == SQLITE:
        _sqlite_backup(path)
    else:
        _pg_backup(path)
    return path


def _sqlite_path() -> Path:
    name = str(settings.DATABASES["default"]["NAME"])
    if name == ":memory:" or name.startswith("file:") or "mode=memory" in name:
        raise BackupError("The database is in memory: there is no file to back up.")
    return Path(name).resolve()


def _sqlite_backup(path: Path) -> None:
    source_path = _sqlite_path()
    if not source_path.is_file():
        raise BackupError(f"There is no database at {source_path}: nothing to back up.")
    if path == source_path:
        raise BackupError("The backup file cannot be the database itself.")
    source = sqlite3.connect(source_path, timeout=60)
    try:
        with _replacing(path) as temporary:
            target = sqlite3.connect(temporary)
            try:
                # One step (pages=-1): the whole database is copied under one read transaction,
                # so the copy is one committed state, whatever writers do meanwhile (WAL lets
                # them go on).
                source.backup(target)
                # A self-contained file: no write-ahead log beside it.
                target.execute("PRAGMA journal_mode=DELETE")
                _sqlite_check(target, temporary)
            finally:
                target.close()
    except sqlite3.Error as exc:
        raise BackupError(f"The SQLite backup failed: {exc}.") from exc
    finally:
        source.close()


def _sqlite_check(db: sqlite3.Connection, path: Path) -> None:
    result = db.execute("PRAGMA integrity_check").fetchall()
    if result != [("ok",)]:
        raise BackupError(f"{path} fails SQLite's integrity check: {result[0][0]}.")


# PostgreSQL tools --------------------------------------------------------------------------


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} is not installed (or not on PATH): install the PostgreSQL client tools of "
            "the server's major version or newer (Debian: postgresql-client)."
        )
    return found


def _major(version_text: str) -> int:
    """The major version in ``pg_dump (PostgreSQL) 15.20 (Debian …)``."""
    match = re.search(r"\)\s*(\d+)", version_text) or re.search(r"(\d+)", version_text)
    if match is None:
        raise BackupError(f"Cannot read a PostgreSQL version from {version_text.strip()!r}.")
    return int(match.group(1))


def _pg_tool_checked(name: str) -> str:
    """The tool's path, refused when its major version is older than the server's."""
    tool = _pg_tool(name)
    output = subprocess.run([tool, "--version"], capture_output=True, text=True, check=False).stdout
    tool_major = _major(output)
    connection.ensure_connection()
    server = connection.pg_version  # e.g. 150020 for 15.20
    server_major = server // 10000  # Django supports PostgreSQL 14 and later only
    if tool_major < server_major:
        raise BackupError(
            f"{name} is version {tool_major} and the server is PostgreSQL {server_major}: "
            f"install the client tools of version {server_major} or newer."
        )
    return tool


def _pg_arguments(database: str | None = None) -> tuple[list[str], dict[str, str]]:
    """Connection options and environment for pg_dump / pg_restore: the password only in the
    environment (PGPASSWORD), never on the command line, where any user could read it."""
    db = settings.DATABASES["default"]
    arguments = []
    if db.get("HOST"):
        arguments += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        arguments += ["--port", str(db["PORT"])]
    if db.get("USER"):
        arguments += ["--username", str(db["USER"])]
    arguments += ["--dbname", database or str(db["NAME"]), "--no-password"]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    sslmode = (db.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = str(sslmode)
    return arguments, env


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        lines = [line for line in result.stderr.strip().splitlines() if line.strip()]
        detail = lines[0] if lines else f"exit code {result.returncode}"
        raise BackupError(f"{what} failed: {detail}")


def _pg_backup(path: Path) -> None:
    tool = _pg_tool_checked("pg_dump")
    arguments, env = _pg_arguments()
    with _replacing(path) as temporary:
        _run([tool, "--format=custom", "--file", str(temporary), *arguments], env, "pg_dump")
        if backup_engine(temporary) != POSTGRESQL:
            raise BackupError("pg_dump wrote something that is not a custom-format dump.")


# Restore -----------------------------------------------------------------------------------


def database_in_use() -> bool:
    """Whether the configured database holds an organization or a person."""
    with connection.cursor() as cursor:
        tables = set(connection.introspection.table_names(cursor))
        for table in CONTENT_TABLES:
            if table in tables:
                cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1")
                if cursor.fetchone() is not None:
                    return True
    return False


def backup_restore(*, file: str | os.PathLike, force: bool = False) -> RestoreResult:
    """Replace the configured database's content with the backup's. Stop the app and the worker
    first: sessions and writes in flight are lost (the restored data is the backup's)."""
    path, engine = _readable_backup(file)
    if engine == SQLITE:
        _sqlite_backup_check(path)
    if not force and database_in_use():
        raise BackupError(
            "The database is not empty (it holds an organization): restoring replaces all of "
            "it. Run cadence backup first if you may need it, then restore with --force."
        )
    if engine == SQLITE:
        _sqlite_restore(path)
    else:
        _pg_restore(path)
    pending, unknown = migration_state()
    return RestoreResult(engine=engine, pending_migrations=pending, unknown_migrations=unknown)


def _sqlite_backup_check(path: Path) -> None:
    try:
        backup = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            _sqlite_check(backup, path)
            tables = {
                row[0]
                for row in backup.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
        finally:
            backup.close()
    except sqlite3.Error as exc:
        raise BackupError(f"{path} cannot be read as a SQLite database: {exc}.") from exc
    if "django_migrations" not in tables or "orgs_organization" not in tables:
        raise BackupError(f"{path} is a SQLite database but not a Cadence backup.")


def _sqlite_restore(path: Path) -> None:
    target_path = _sqlite_path()
    if path == target_path:
        raise BackupError("The backup file is the database itself.")
    connections.close_all()
    try:
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        target = sqlite3.connect(target_path, timeout=60)
        try:
            # Page by page into the live file, under its lock: any connection still open sees
            # the restored database, and no stale write-ahead log survives beside it.
            source.backup(target)
            _sqlite_check(target, target_path)
        finally:
            source.close()
            target.close()
    except sqlite3.Error as exc:
        raise BackupError(f"The SQLite restore failed: {exc}.") from exc


def _pg_restore(path: Path) -> None:
    tool = _pg_tool_checked("pg_restore")
    arguments, env = _pg_arguments()
    connections.close_all()
    # One transaction: a restore that fails leaves the database as it was.
    _run(
        [
            tool,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            *arguments,
            str(path),
        ],
        env,
        "pg_restore",
    )


def migration_state() -> tuple[int, int]:
    """(migrations this release has that the database lacks, migrations the database has that
    this release does not know: the backup came from a newer release)."""
    from django.db.migrations.executor import MigrationExecutor

    try:
        executor = MigrationExecutor(connection)
    except DatabaseError as exc:
        raise BackupError(f"The restored database cannot be read: {exc}.") from exc
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    known = set(executor.loader.graph.nodes)
    unknown = [key for key in executor.loader.applied_migrations if key not in known]
    return len(plan), len(unknown)
