"""The organization archive's round trip: an organization exported from one installation and
imported into an empty other reads the same — every API read and every page as its admin — from
SQLite to PostgreSQL and from PostgreSQL to SQLite.

Each installation is its own process with its own DATABASE_URL (tests/transfer/archive_steps.py):
the source migrates an empty database, loads the demo and the extras of tests/upgrade/seed.py at
the suite's moment, exports with ``cadence export-org`` and photographs the API and the pages
with the clock stopped two hours later; the target migrates another empty database, imports with
``cadence import-org`` and photographs the same addresses at the same stopped moment.

What may differ, and only that:
* the import's own audit event: the audit trail is read kind by kind, without that kind, and the
  lines that name it (the audit page's filter lists the kinds there are) are left out;
* the order of what a list orders equally (or NULLs, which the engines place at opposite ends):
  lists compare as multisets, and a page as the multiset of its lines, one element a line.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
import zipfile
from collections import Counter
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.clock import TEST_NOW

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
STEPS = HERE / "archive_steps.py"
MADE_AT = TEST_NOW
READ_AT = TEST_NOW + timedelta(hours=2)
STEP_TIMEOUT = 600
ARCHIVE_EVENTS = ("organization.imported", "organization.exported")
IMPORT_TRACES = ("organization.imported", "Organization imported from an archive")


def postgres_server() -> tuple[dict, str] | None:
    """Connection settings for the PostgreSQL server named by DATABASE_URL, or None."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        return None
    parts = urlsplit(url)
    server = {
        "host": parts.hostname or "localhost",
        "port": parts.port or 5432,
        "user": parts.username or "postgres",
        "password": parts.password or None,
        "dbname": "postgres",
        "autocommit": True,
    }
    return server, url


@pytest.fixture
def postgres_database():
    """A scratch PostgreSQL database of its own, dropped afterwards."""
    found = postgres_server()
    if found is None:
        pytest.skip("needs PostgreSQL: set DATABASE_URL=postgres://…")
    import psycopg

    server, url = found
    base = urlsplit(url).path.lstrip("/") or "cadence"
    name = f"{base}_archive_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(**server) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        # A scratch database: commits need not wait for the disk.
        admin.execute(f'ALTER DATABASE "{name}" SET synchronous_commit = off')
    try:
        yield urlunsplit(urlsplit(url)._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(**server) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run_step(label: str, args: list[str], *, database_url: str, token: Path) -> None:
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "DJANGO_SETTINGS_MODULE": "cadence.settings",
        "DATABASE_URL": database_url,
        "SECRET_KEY": "cadence-archive-round-trip-check",
        "ALLOWED_HOSTS": "localhost",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "DEBUG": "false",
        "ARCHIVE_TOKEN_FILE": str(token),
    }
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, str(STEPS), *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=STEP_TIMEOUT,
    )
    print(f"{label}: {time.monotonic() - started:.1f} s")
    if done.returncode != 0:
        pytest.fail(
            f"{label} failed (exit {done.returncode}):\n"
            f"{done.stdout[-3000:]}\n{done.stderr[-6000:]}"
        )


def canonical(value):
    """The JSON with every list's order forgotten (a multiset of canonical elements)."""
    if isinstance(value, dict):
        return {k: canonical(v) for k, v in value.items()}
    if isinstance(value, list):
        return sorted((canonical(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True))
    return value


def without_traces(lines: list[str]) -> Counter:
    return Counter(line for line in lines if not any(t in line for t in IMPORT_TRACES))


def differences(before: dict, after: dict) -> list[str]:
    problems = []
    for url, old in before["api"].items():
        new = after["api"].get(url)
        if new is None:
            problems.append(f"{url} was not read again")
        elif (old["status"], old["headers"]) != (new["status"], new["headers"]):
            problems.append(
                f"{url}: {old['status']} {old['headers']} → {new['status']} {new['headers']}"
            )
        elif canonical(old["json"]) != canonical(new["json"]):
            problems.append(f"{url}: the answer differs")
    for url, old in before["pages"].items():
        new = after["pages"].get(url)
        if new is None:
            problems.append(f"page {url} was not read again")
            continue
        head = {k: v for k, v in old.items() if k != "lines"}
        if head != {k: v for k, v in new.items() if k != "lines"}:
            problems.append(f"page {url}: {head} → {new}")
            continue
        gone = without_traces(old.get("lines", [])) - without_traces(new.get("lines", []))
        added = without_traces(new.get("lines", [])) - without_traces(old.get("lines", []))
        if gone or added:
            problems.append(f"page {url}: lost {list(gone)[:2]}, gained {list(added)[:2]}")
    return problems


def archive_rows(path: Path) -> dict[str, list[dict]]:
    with zipfile.ZipFile(path) as archive:
        return {
            name: [json.loads(line) for line in archive.read(name).splitlines()]
            for name in archive.namelist()
            if name != "manifest.json"
        }


def archive_differences(first: dict, second: dict) -> list[str]:
    """The rows of two archives of one organization, where the second was exported after the
    import and the photograph: it may hold the import's and its own export's audit events more,
    and its API token's time of last use is the photograph's."""
    problems = []
    for name in sorted(first.keys() | second.keys()):
        old, new = first.get(name), second.get(name)
        if old is None or new is None:
            problems.append(f"{name} is only in one archive")
            continue
        if name == "orgs.apitoken.jsonl":
            for row in old + new:
                row["fields"].pop("last_used_at")
        if name == "audit.event.jsonl":
            extra = [row for row in new if row not in old]
            new = [row for row in new if row in old]
            unexpected = [row for row in extra if row["fields"]["kind"] not in ARCHIVE_EVENTS]
            if unexpected or len(extra) != 2:
                problems.append(f"{name}: unexpected new events {unexpected[:2]}")
        if old != new:
            changed = [(a, b) for a, b in zip(old, new, strict=False) if a != b]
            problems.append(f"{name}: {len(old)} rows → {len(new)}, e.g. {changed[:1]}")
    return problems


def round_trip(tmp_path: Path, source_url: str, target_url: str, *, with_passwords: bool) -> None:
    token, archive = tmp_path / "token", tmp_path / "organization.zip"
    again = tmp_path / "again.zip"
    before, after = tmp_path / "before.json", tmp_path / "after.json"
    common = {"token": token}
    source_args = ["source", "--at", MADE_AT.isoformat(), "--read-at", READ_AT.isoformat()]
    source_args += ["--archive", str(archive), "--out", str(before)]
    if with_passwords:
        source_args.append("--with-passwords")
    run_step("source: demo, export, photograph", source_args, database_url=source_url, **common)
    run_step(
        "target: import, photograph",
        ["target", "--read-at", READ_AT.isoformat(), "--archive", str(archive)]
        + ["--urls", str(before), "--out", str(after), "--export-again", str(again)]
        + (["--with-passwords"] if with_passwords else []),
        database_url=target_url,
        **common,
    )
    old = json.loads(before.read_text())
    new = json.loads(after.read_text())
    # The photograph reads a great deal, and all of it answered.
    assert len(old["api"]) > 700 and len(old["pages"]) > 200
    refused = {u: a["status"] for u, a in old["api"].items() if a["status"] != 200}
    assert not refused, refused
    broken = {u: p["status"] for u, p in old["pages"].items() if p["status"] >= 400}
    assert not broken, broken
    problems = differences(old, new)
    assert not problems, "The import reads differently:\n" + "\n".join(problems[:30])
    # Every stored value came across exactly: the imported organization exports the same rows.
    problems = archive_differences(archive_rows(archive), archive_rows(again))
    assert not problems, "The imported organization's rows differ:\n" + "\n".join(problems[:30])


@pytest.mark.postgres
@pytest.mark.real_clock
def test_sqlite_to_postgresql_reads_the_same(tmp_path, postgres_database):
    round_trip(
        tmp_path,
        f"sqlite:///{tmp_path / 'source.sqlite3'}",
        postgres_database,
        with_passwords=False,
    )


# From PostgreSQL to SQLite: tests/transfer/test_archive_roundtrip_back.py (a file of its own,
# so that under pytest-xdist the two directions, a few minutes each, run side by side).


def test_a_changed_row_is_found():
    row = {"pk": "1", "fields": {"kind": "objective.created", "title": "A"}}
    imported = {"pk": "2", "fields": {"kind": "organization.imported"}}
    exported = {"pk": "3", "fields": {"kind": "organization.exported"}}
    first = {"audit.event.jsonl": [row], "okrs.cycle.jsonl": [{"pk": "c", "fields": {"n": 1}}]}
    second = json.loads(json.dumps(first))
    second["audit.event.jsonl"] += [imported, exported]
    assert archive_differences(first, second) == []
    second["okrs.cycle.jsonl"][0]["fields"]["n"] = 2
    assert len(archive_differences(first, second)) == 1
    second = json.loads(json.dumps(first))
    second["audit.event.jsonl"] += [imported, row | {"pk": "4"}]
    assert len(archive_differences(first, second)) == 1


def test_a_difference_is_found():
    """The comparison is not blind: a changed value, a changed page line, a missing read."""
    before = {
        "api": {"/a": {"status": 200, "headers": {}, "json": [{"x": 1}, {"x": 2}]}},
        "pages": {"/p": {"status": 200, "type": "text/html", "lines": ["<li>a", "<li>b"]}},
    }
    same = json.loads(json.dumps(before))
    same["api"]["/a"]["json"].reverse()
    same["pages"]["/p"]["lines"].reverse()
    same["pages"]["/p"]["lines"].append("<td>Organization imported from an archive</td>")
    assert differences(before, same) == []
    changed = json.loads(json.dumps(before))
    changed["api"]["/a"]["json"][0]["x"] = 3
    changed["pages"]["/p"]["lines"][1] = "<li>c"
    assert len(differences(before, changed)) == 2
    assert differences(before, {"api": {}, "pages": {}}) == [
        "/a was not read again",
        "page /p was not read again",
    ]
