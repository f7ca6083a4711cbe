"""``python -m bench`` (``make bench``): generate an organization of a chosen size and measure
Cadence against it. This process only orchestrates: each engine is measured by a child
process (``bench.child``) whose DATABASE_URL is set before Django starts. The pure budgets (the
coach's checks, the roll-up of 10k objectives) are timed here. Results go to
<out>/<size>.json and <out>/<size>.md; the Markdown is printed.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
import random
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bench import report

PROJECT = Path(__file__).resolve().parent.parent
SIZES = ("small", "org-100k")
# Key-result rows of the import cases (bench/imports.py) at each size; the budgets of
# docs/scaling.md are judged at 100,000.
IMPORT_ROWS = {"small": 2000, "org-100k": 100_000}
ENGINES = ("sqlite", "postgres")


class BenchError(Exception):
    """An expected failure: printed as one line, exit code 1."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--size", choices=SIZES, default="small", help="default: small")
    parser.add_argument(
        "--engines", default=",".join(ENGINES), help="comma-separated: sqlite,postgres (default)"
    )
    parser.add_argument("--out", default="bench-results", help="results folder (bench-results)")
    parser.add_argument(
        "--data-dir", default="bench-data", help="SQLite files and server logs (bench-data)"
    )
    parser.add_argument("--seed", type=int, default=42, help="the generator's seed (42)")
    parser.add_argument(
        "--import-rows",
        type=int,
        help="key-result rows of the import cases (default: 2,000 at small, 100,000 at org-100k)",
    )
    parser.add_argument(
        "--only-imports", action="store_true", help="run only the import cases (bench/imports.py)"
    )
    parser.add_argument(
        "--cases",
        help="only these request cases, comma-separated (e.g. search,dashboard); "
        "skips the import cases and the small run",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a smoke run: 3 warm-up requests, then 20 requests / 1.5 s at c1, 40 / 1.5 s at c8",
    )


# Databases -------------------------------------------------------------------------------


def sqlite_url(data_dir: Path, size: str) -> str:
    return f"sqlite:///{(data_dir / f'{size}.sqlite3').resolve()}"


def postgres_url(size: str) -> str:
    default = f"postgres://postgres@127.0.0.1:5432/cadence_bench_{size.replace('-', '_')}"
    return os.environ.get("BENCH_DATABASE_URL") or default


def ensure_postgres(url: str) -> str | None:
    """Create the database if missing. Returns why PostgreSQL cannot be used, or None."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = unquote(parts.path.lstrip("/"))
    if not name:
        return f"no database name in {url!r}"
    conninfo = {
        "host": parts.hostname or "127.0.0.1",
        "port": parts.port or 5432,
        "user": unquote(parts.username or "postgres"),
        "dbname": "postgres",
        "connect_timeout": 5,
    }
    if parts.password:
        conninfo["password"] = unquote(parts.password)
    try:
        with psycopg.connect(**conninfo, autocommit=True) as connection:
            exists = connection.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", (name,)
            ).fetchone()
            if not exists:
                connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
                print(f"  [postgres] created database {name}", flush=True)
    except psycopg.Error as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return f"{conninfo['host']}:{conninfo['port']} does not answer ({first})"
    return None


# Pure measurements -----------------------------------------------------------------------


def time_coach(runs: int) -> dict:
    """One run: the coach judges a typical objective draft and a typical key-result draft, each
    with a text it has not seen."""
    from cadence.coach import checks

    objective = checks.ObjectiveDraft(
        title="Make onboarding effortless for new customers",
        why="Half of new accounts never finish setup; every one that does renews twice as often.",
        unit_kind="team",
        key_result_count=4,
        has_parent=True,
    )
    key_result = checks.KeyResultDraft(
        title="Raise the share of new accounts that finish setup in a week from 45% to 70%",
        kind="metric",
        start=45,
        target=70,
        unit="%",
    )
    times = []
    base_title = objective.title
    for i in range(runs):
        # A new text each run, as when someone types: nothing judged before is reused (the
        # title is rebuilt from the base each run, so it stays the length people type).
        objective = dataclasses.replace(objective, title=f"{base_title} in region {i}")
        key_result = dataclasses.replace(
            key_result,
            title=f"Raise the share of new accounts that finish setup in a week from {i}% to 70%",
        )
        started = time.perf_counter()
        checks.check_objective(objective)
        checks.check_key_result(key_result)
        times.append((time.perf_counter() - started) * 1000)
    return {
        "p50_ms": round(report.percentile(times, 50), 4),
        "p95_ms": round(report.percentile(times, 95), 4),
        "runs": runs,
    }


def rollup_forest(seed: int, objectives: int = 10_000) -> dict:
    """A deterministic forest: 10 company objectives, 10 department objectives under each, the
    rest team objectives spread under the departments; ~4 key results each (some unmeasured),
    a few abandoned."""
    from cadence.okrs.progress import Node

    rng = random.Random(seed)
    nodes: dict[int, Node] = {}

    def krs() -> list[tuple[float | None, float]]:
        return [
            (None if rng.random() < 0.1 else rng.random(), rng.choice((1.0, 1.0, 2.0)))
            for _ in range(rng.randint(3, 5))
        ]

    roots = list(range(10))
    departments = list(range(10, 110))
    for i in roots:
        nodes[i] = Node(krs=krs())
    for i in departments:
        nodes[i] = Node(krs=krs())
        nodes[roots[(i - 10) // 10]].children.append(i)
    for i in range(110, objectives):
        nodes[i] = Node(krs=krs(), abandoned=rng.random() < 0.02)
        nodes[rng.choice(departments)].children.append(i)
    return nodes


def time_rollup(seed: int, runs: int) -> dict:
    from cadence.okrs.progress import roll_up

    nodes = rollup_forest(seed)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        roll_up(nodes)
        times.append((time.perf_counter() - started) * 1000)
    return {
        "p50_ms": round(report.percentile(times, 50), 2),
        "p95_ms": round(report.percentile(times, 95), 2),
        "runs": runs,
        "objectives": len(nodes),
        "key_results": sum(len(n.krs) for n in nodes.values()),
    }


# Machine ---------------------------------------------------------------------------------


def machine() -> dict:
    from importlib.metadata import version

    info: dict = {
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "django": version("Django"),
        "platform": platform.platform(),
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        # Other work on the machine makes every figure noisy: say how busy it was.
        "load_average": round(os.getloadavg()[0], 2),
    }
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                info["ram_gb"] = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=PROJECT,
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=PROJECT,
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
        if commit:
            info["commit"] = commit + ("-dirty" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        pass
    return info


# Running ---------------------------------------------------------------------------------


def run_engine(
    engine: str,
    *,
    size: str,
    seed: int,
    quick: bool,
    data_dir: Path,
    cases: list[str] | None = None,
) -> dict:
    """One engine in its child process; its result, or a skipped/failed status."""
    if engine == "sqlite":
        url = sqlite_url(data_dir, size)
    else:
        url = postgres_url(size)
        reason = ensure_postgres(url)
        if reason:
            print(f"postgres: skipped — {reason}", flush=True)
            return {"status": "skipped", "reason": reason}
    result_path = data_dir / f"{size}-{engine}-result.json"
    result_path.unlink(missing_ok=True)
    env = {**os.environ, "DATABASE_URL": url, "BENCH_ENGINE": engine}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    command = [
        sys.executable,
        "-m",
        "bench.child",
        "--size",
        size,
        "--seed",
        str(seed),
        "--data-dir",
        str(data_dir),
        "--result",
        str(result_path),
    ] + (["--quick"] if quick else [])
    if cases:
        command += ["--cases", ",".join(cases)]
    print(f"== {engine}: {size} on {url}", flush=True)
    started = time.perf_counter()
    completed = subprocess.run(command, env=env, cwd=PROJECT)
    if completed.returncode != 0 or not result_path.is_file():
        reason = f"the measuring process failed (exit {completed.returncode}); see above"
        print(f"{engine}: FAILED — {reason}", flush=True)
        return {"status": "failed", "reason": reason}
    result = json.loads(result_path.read_text())
    result["seconds"] = round(time.perf_counter() - started, 1)
    return result


def run_imports(engine: str, *, rows: int, seed: int, data_dir: Path) -> dict:
    """The import cases on one engine, in a database of their own made anew."""
    from bench import imports

    if engine == "sqlite":
        url = f"sqlite:///{(data_dir / 'import.sqlite3').resolve()}"
    else:
        # Its own database beside the request cases' (it is dropped and made anew).
        url = urlsplit(postgres_url("import"))._replace(path="/cadence_bench_import").geturl()
        reason = ensure_postgres(url)
        if reason:
            print(f"postgres imports: skipped — {reason}", flush=True)
            return {"status": "skipped", "reason": reason}
    print(f"== {engine}: importing {rows:,} key results with 10 check-ins each", flush=True)
    return imports.measure(url, rows, seed, data_dir, datetime.now(UTC).date())


def measure(
    *,
    size: str,
    engines: list[str],
    seed: int,
    quick: bool,
    out: Path,
    data_dir: Path,
    import_rows: int | None = None,
    only_imports: bool = False,
    cases: list[str] | None = None,
) -> dict:
    result = {
        "size": size,
        "seed": seed,
        "quick": quick,
        "machine": machine(),
        "engines": {},
    }
    for engine in engines:
        if only_imports:
            result["engines"][engine] = {"status": "skipped", "reason": "--only-imports"}
            continue
        result["engines"][engine] = run_engine(
            engine, size=size, seed=seed, quick=quick, data_dir=data_dir, cases=cases
        )
    rows = import_rows or IMPORT_ROWS[size]
    result["imports"] = {
        engine: (
            {"status": "skipped", "reason": "--cases"}
            if cases
            else run_imports(engine, rows=rows, seed=seed, data_dir=data_dir)
        )
        for engine in engines
    }
    print("== pure: coach checks and the roll-up of 10k objectives", flush=True)
    result["pure"] = {
        "coach": time_coach(200 if quick else 1000),
        "rollup_10k": time_rollup(seed, 3 if quick else 10),
    }
    for engine, data in result["engines"].items():
        if data.get("status") == "ok":
            result["machine"][f"{engine}_version"] = data.get("db_version")
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{size}.json").write_text(json.dumps(result, indent=2, default=str) + "\n")
    return result


def parse_engines(text: str) -> list[str]:
    engines = [e.strip() for e in text.split(",") if e.strip()]
    unknown = [e for e in engines if e not in ENGINES]
    if unknown or not engines:
        raise BenchError(f"--engines takes sqlite and/or postgres, not {text!r}")
    return list(dict.fromkeys(engines))


def parse_cases(text: str | None) -> list[str] | None:
    if not text:
        return None
    cases = [c.strip() for c in text.split(",") if c.strip()]
    unknown = [c for c in cases if c not in report.CASES]
    if unknown or not cases:
        raise BenchError(f"--cases takes some of {', '.join(report.CASES)}, not {text!r}")
    return list(dict.fromkeys(cases))


def load_result(out: Path, size: str) -> dict | None:
    path = out / f"{size}.json"
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def run(args: argparse.Namespace) -> int:
    engines = parse_engines(args.engines)
    out = (PROJECT / args.out) if not Path(args.out).is_absolute() else Path(args.out)
    data_dir = Path(args.data_dir)
    data_dir = data_dir if data_dir.is_absolute() else PROJECT / data_dir
    data_dir.mkdir(parents=True, exist_ok=True)
    options = {
        "seed": args.seed,
        "quick": args.quick,
        "out": out,
        "data_dir": data_dir,
        "import_rows": args.import_rows,
        "only_imports": args.only_imports,
        "cases": parse_cases(args.cases),
    }

    small = None
    if args.size != "small" and not args.only_imports and not args.cases:
        small = load_result(out, "small")
        missing = [
            e
            for e in engines
            if not small or (small.get("engines", {}).get(e) or {}).get("status") != "ok"
        ]
        if missing:
            print(
                f"No small result for {', '.join(missing)} in {out}: running size small first "
                "(to compare queries and time per request).",
                flush=True,
            )
            small = measure(size="small", engines=engines, **options)
            (out / "small.md").write_text(report.markdown(small))
    result = measure(size=args.size, engines=engines, **options)
    text = report.markdown(result, small)
    (out / f"{args.size}.md").write_text(text)
    print()
    print(text, end="")
    print(f"\nWritten: {out / f'{args.size}.json'} and {out / f'{args.size}.md'}")

    statuses = {e: d.get("status") for e, d in result["engines"].items() if not args.only_imports}
    statuses.update(
        {
            f"{e} imports": d.get("status")
            for e, d in result["imports"].items()
            if d.get("reason") != "--cases"
        }
    )
    if any(s == "failed" for s in statuses.values()):
        return 1
    if os.environ.get("CI") == "true" and any(s == "skipped" for s in statuses.values()):
        print("CI=true: every engine must run (PostgreSQL was skipped).", file=sys.stderr)
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    add_arguments(parser)
    try:
        return run(parser.parse_args(argv))
    except BenchError as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
