"""The import cases of ``make bench``: a spreadsheet of OKRs and its history, imported by
``cadence import okrs`` into an empty organization.

The files are generated (deterministically from the seed and today): ``--rows`` key-result rows
in a CSV of OKRs, four key results to an objective, each team objective aligned to one of the
company's objectives by external id; and ten weekly check-ins per key result in a CSV of
check-ins (the week before today and the nine before it). A third file is the same OKRs with one
row in a hundred broken (a title too short, a target that is not a number, an unknown owner).

Each engine gets a fresh database (SQLite: a new file; PostgreSQL: the database dropped and
created again) holding one organization with the file's units and people, then four commands
run, each timed as a whole process with its peak memory (the kernel's maximum resident set):

- ``dry_run``: ``cadence import okrs … --dry-run`` of the valid files (nothing is saved);
- ``dry_run_errors``: the same with the broken OKRs (it reports every error, saves nothing);
- ``import``: the import itself (all or nothing);
- ``again``: the same files again (nothing changes: every row is found as it is).

Run as ``python -m bench.imports`` (``make bench`` runs it after the request cases, with
--rows 2000 for SIZE=small and 100000 for SIZE=import-100k).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
ORGANIZATION = "Import bench"
ADMIN = "admin@import-bench.example"
DEPARTMENTS = 10
TEAMS_PER_DEPARTMENT = 10
PEOPLE = 400
COMPANY_OBJECTIVES = 5
KEY_RESULTS_PER_OBJECTIVE = 4
CHECK_INS_PER_KEY_RESULT = 10
CYCLE = "Bench quarter"

VERBS = ("Grow", "Delight", "Win", "Simplify", "Strengthen", "Open", "Earn", "Build")
THINGS = ("customers", "partners", "onboarding", "retention", "quality", "support", "trust")
MEASURES = ("signups", "tickets", "NPS points", "%", "deals", "releases", "accounts")


def team_path(d: int, t: int) -> str:
    return f"Department {d:02d}/Team {d:02d}-{t:02d}"


def email(i: int) -> str:
    return f"person{i:04d}@import-bench.example"


def cycle_dates(today: date) -> tuple[date, date]:
    """A cycle around today: ten weeks back, three ahead (every check-in falls inside it)."""
    return today - timedelta(weeks=11), today + timedelta(weeks=3)


def write_files(folder: Path, rows: int, seed: int, today: date) -> dict[str, Path]:
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    paths = {
        "okrs": folder / f"okrs-{rows}.csv",
        "check_ins": folder / f"check-ins-{rows}.csv",
        "okrs_errors": folder / f"okrs-{rows}-errors.csv",
    }
    header = [
        "cycle",
        "unit",
        "external_id",
        "objective",
        "commitment",
        "why",
        "parent",
        "objective_owner_email",
        "key_result_external_id",
        "key_result",
        "kind",
        "start",
        "target",
        "unit_of_measure",
        "direction",
        "weight",
        "owner_email",
    ]
    weeks = [today - timedelta(weeks=w) for w in range(CHECK_INS_PER_KEY_RESULT, 0, -1)]
    teams = [(d, t) for d in range(DEPARTMENTS) for t in range(TEAMS_PER_DEPARTMENT)]
    with (
        paths["okrs"].open("w", newline="", encoding="utf-8") as okrs,
        paths["okrs_errors"].open("w", newline="", encoding="utf-8") as broken,
        paths["check_ins"].open("w", newline="", encoding="utf-8") as check_ins,
    ):
        out, bad, history = csv.writer(okrs), csv.writer(broken), csv.writer(check_ins)
        out.writerow(header)
        bad.writerow(header)
        history.writerow(["key_result_external_id", "date", "value", "confidence", "note"])
        written = 0
        objective = 0
        while written < rows:
            company = objective < COMPANY_OBJECTIVES
            d, t = teams[objective % len(teams)]
            unit = "" if company else team_path(d, t)
            title = (
                f"{rng.choice(VERBS)} {rng.choice(THINGS)} in {unit or 'the company'} "
                f"(objective {objective})"
            )
            parent = "" if company else f"C-{rng.randrange(COMPANY_OBJECTIVES)}"
            owner = email(rng.randrange(PEOPLE))
            commitment = rng.choice(("committed", "aspirational"))
            for k in range(KEY_RESULTS_PER_OBJECTIVE):
                if written >= rows:
                    break
                start = rng.randrange(0, 100)
                target = start + rng.randrange(10, 200)
                kr_id = f"K-{objective}-{k}"
                row = [
                    CYCLE,
                    unit,
                    f"C-{objective}" if company else f"O-{objective}",
                    title,
                    commitment,
                    "Customers told us this matters most this quarter." if k == 0 else "",
                    parent,
                    owner,
                    kr_id,
                    f"Reach {target} {rng.choice(MEASURES)} from {start} (key result {k})",
                    "metric",
                    start,
                    target,
                    rng.choice(MEASURES),
                    "",
                    rng.choice((1, 1, 2)),
                    email(rng.randrange(PEOPLE)),
                ]
                out.writerow(row)
                written += 1
                if written % 100 == 50:
                    broken_row = list(row)
                    column = (written // 100) % 3
                    if column == 0:
                        broken_row[9] = "Go"  # a title too short
                    elif column == 1:
                        broken_row[12] = "a lot"  # a target that is not a number
                    else:
                        broken_row[16] = "nobody@elsewhere.example"
                    bad.writerow(broken_row)
                else:
                    bad.writerow(row)
                value = float(start)
                for week in weeks:
                    value += rng.randrange(0, 8)
                    history.writerow(
                        [
                            kr_id,
                            week.isoformat(),
                            f"{value:g}",
                            rng.choice(("on_track", "on_track", "at_risk", "off_track")),
                            "",
                        ]
                    )
            objective += 1
    return paths


# The database ----------------------------------------------------------------------------------


def fresh_database(url: str) -> None:
    """An empty database at ``url``: a SQLite file removed, a PostgreSQL database made anew."""
    from urllib.parse import unquote, urlsplit

    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        path = Path(unquote(parts.path))
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    import psycopg

    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def setup_organization(today: date) -> None:
    """(In a process whose DATABASE_URL names the fresh database.) Migrate, then the
    organization, its units, people and cycle, through the services."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cadence.settings")
    import django

    django.setup()
    from cadence.cli.server import migrate
    from cadence.okrs.services import cycle_create
    from cadence.orgs.models import Person, Unit
    from cadence.orgs.services import organization_create, person_create
    from cadence.orgs.unit_services import unit_create

    migrate()
    organization = organization_create(
        name=ORGANIZATION, admin_email=ADMIN, admin_name="Import Admin"
    )
    admin = Person.objects.get(email=ADMIN)
    company = Unit.objects.get(organization=organization, kind=Unit.Kind.COMPANY)
    for d in range(DEPARTMENTS):
        department = unit_create(
            actor=admin,
            organization=organization,
            parent=company,
            name=f"Department {d:02d}",
            kind=Unit.Kind.DEPARTMENT,
        )
        for t in range(TEAMS_PER_DEPARTMENT):
            unit_create(
                actor=admin,
                organization=organization,
                parent=department,
                name=f"Team {d:02d}-{t:02d}",
                kind=Unit.Kind.TEAM,
            )
    for i in range(PEOPLE):
        person_create(organization=organization, email=email(i), name=f"Person {i:04d}")
    start, end = cycle_dates(today)
    cycle_create(actor=admin, name=CYCLE, kind="custom", start=start, end=end)


def run_command(args: list[str], env: dict[str, str]) -> dict:
    """One command as a whole process: its wall time, peak RSS and exit code."""
    started = time.perf_counter()
    process = subprocess.Popen(
        args, env=env, cwd=PROJECT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    output = process.stdout.read() if process.stdout else ""
    _pid, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    return {
        "seconds": round(seconds, 2),
        "rss_mb": round(usage.ru_maxrss / 1024, 1),
        "exit": process.returncode,
        "output": output.strip().splitlines()[-4:],
    }


def measure(url: str, rows: int, seed: int, data_dir: Path, today: date) -> dict:
    paths = write_files(data_dir / "import-files", rows, seed, today)
    fresh_database(url)
    env = {**os.environ, "DATABASE_URL": url}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    setup = subprocess.run(
        [sys.executable, "-m", "bench.imports", "--setup", "--today", today.isoformat()],
        env=env,
        cwd=PROJECT,
    )
    if setup.returncode:
        return {"status": "failed", "reason": "setting up the organization failed; see above"}
    cadence = [sys.executable, "-m", "cadence.cli", "import", "okrs"]
    common = ["--checkins", str(paths["check_ins"]), "--organization", ORGANIZATION]
    cases = {}
    for key, file, extra in (
        ("dry_run", paths["okrs"], ["--dry-run"]),
        ("dry_run_errors", paths["okrs_errors"], ["--dry-run"]),
        ("import", paths["okrs"], []),
        ("again", paths["okrs"], []),
    ):
        cases[key] = run_command([*cadence, str(file), *common, *extra], env)
        print(
            f"  {key}: {cases[key]['seconds']} s, {cases[key]['rss_mb']} MB, exit "
            f"{cases[key]['exit']}",
            flush=True,
        )
    expected = {"dry_run": 0, "dry_run_errors": 1, "import": 0, "again": 0}
    wrong = [k for k, code in expected.items() if cases[k]["exit"] != code]
    return {
        "status": "failed" if wrong else "ok",
        "reason": f"unexpected exit codes: {', '.join(wrong)}" if wrong else "",
        "rows": rows,
        "check_ins": rows * CHECK_INS_PER_KEY_RESULT,
        "bytes": {k: p.stat().st_size for k, p in paths.items()},
        "cases": cases,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.imports", description=__doc__)
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--url", help="DATABASE_URL of the database to make anew and import into")
    parser.add_argument("--data-dir", type=Path, default=PROJECT / "bench-data")
    parser.add_argument("--today", type=date.fromisoformat, default=date.today())
    parser.add_argument("--setup", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path)
    args = parser.parse_args(argv)
    if args.setup:
        setup_organization(args.today)
        return 0
    result = measure(args.url, args.rows, args.seed, args.data_dir, args.today)
    if args.result:
        args.result.write_text(json.dumps(result, indent=2))
    else:
        print(json.dumps(result, indent=2))
    return 0 if result["status"] == "ok" else 1


if __name__ == "__main__":
    sys.exit(main())
