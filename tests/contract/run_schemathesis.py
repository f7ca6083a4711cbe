"""The API against its own OpenAPI document: schemathesis, every check, against a served demo.

    .venv/bin/python tests/contract/run_schemathesis.py [--examples N] [--shards 1|2] [-- args]

Loads the demo into a fresh SQLite file (or CONTRACT_DATABASE_URL, e.g. a PostgreSQL database
made empty for it), serves it with ``cadence serve`` on a free 127.0.0.1 port, creates an API
token for the demo's admin and runs ``schemathesis run`` with all checks and at least 50
examples per operation, in two processes that share the operations by tag
(tests/contract/schemathesis.toml and hooks.py say what is allowed, and why). Exits non-zero on
any server error, response that breaks its schema, or other failed check. Reports (JUnit,
NDJSON) land in CONTRACT_REPORT_DIR (default: a temp dir).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
MIN_EXAMPLES = 50
# The API's operations in two halves by tag, for two schemathesis processes side by side.
SHARDS = [
    [
        "reviews",
        "alignment",
        "objectives",
        "key results",
        "units",
        "me",
        "audit",
        "organization",
        "exports",
        "kpis",
        "rollout",
    ],
    [
        "weekly",
        "one-on-ones",
        "comments, likes and feed",
        "notifications",
        "coach",
        "scores",
        "cycles",
        "people",
        "imports",
        "webhooks",
        "search",
        "ideas",
    ],
]
ANSWERED = re.compile(r"^[A-Z][A-Za-z ]+: /api/v1/")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _cadence(*args: str, env: dict) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "cadence.cli", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        sys.exit(f"cadence {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def _wait_for(port: int, process: subprocess.Popen, log: Path, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while True:
        if process.poll() is not None:
            sys.exit(f"cadence serve exited early:\n{log.read_text()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            if time.monotonic() > deadline:
                sys.exit(f"cadence serve did not listen within {seconds:.0f} s")
            time.sleep(0.2)


def _get(base: str, token: str, path: str):
    request = urllib.request.Request(f"{base}{path}", headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def _known_ids(base: str, token: str) -> dict[str, str]:
    """Ids of the demo's objects that no operation of the API creates (a weekly item needs a
    person and a week; the demo has them), so that their operations reach past a 404."""
    me = _get(base, token, "/me")
    ids = {"CONTRACT_PERSON_ID": me["id"]}
    for unit in _get(base, token, "/units"):
        if unit["kind"] != "team":
            continue
        report = _get(base, token, f"/teams/{unit['id']}/report")
        items = [i for p in report["people"] for i in p["items"]]
        if len(items) >= 2:
            # One to delete (and restore); the other stays for every other item operation.
            ids["CONTRACT_ITEM_ID"], ids["CONTRACT_DELETED_ITEM_ID"] = (
                items[0]["id"],
                items[1]["id"],
            )
            break
    today = date.today()
    for cycle in _get(base, token, "/cycles"):
        start, end = date.fromisoformat(cycle["start"]), date.fromisoformat(cycle["end"])
        if start <= today <= end:
            ids["CONTRACT_CYCLE_ID"] = cycle["id"]
            ids["CONTRACT_MONTH"] = f"{today.year:04d}-{today.month:02d}"
            break
    objectives = _get(base, token, f"/objectives?cycle_id={ids.get('CONTRACT_CYCLE_ID', '')}")
    for objective in objectives:
        metrics = [k for k in objective["key_results"] if k["kind"] == "metric"]
        if objective["state"] == "approved" and metrics:
            ids["CONTRACT_OBJECTIVE_ID"] = objective["id"]
            ids["CONTRACT_KEY_RESULT_ID"] = metrics[0]["id"]
            break
    missing = {
        "CONTRACT_ITEM_ID",
        "CONTRACT_CYCLE_ID",
        "CONTRACT_OBJECTIVE_ID",
        "CONTRACT_KEY_RESULT_ID",
    } - set(ids)
    if missing:
        sys.exit(f"The demo lacks what the contract run needs: {', '.join(sorted(missing))}")
    return ids


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=MIN_EXAMPLES)
    parser.add_argument("--seed", default=None, help="schemathesis' seed (default: random)")
    # One worker: with two, Python 3.11's ast (which Hypothesis uses to describe lambdas) fails
    # now and then across threads ("AST constructor recursion depth mismatch").
    parser.add_argument("--workers", default="1", help="schemathesis workers (default 1)")
    parser.add_argument(
        "--shards", type=int, choices=(1, 2), default=2, help="schemathesis processes (default 2)"
    )
    parser.add_argument("extra", nargs="*", help="more arguments for schemathesis run")
    args = parser.parse_args(argv)
    if args.examples < MIN_EXAMPLES:
        parser.error(f"--examples must be at least {MIN_EXAMPLES}")

    work = Path(tempfile.mkdtemp(prefix="cadence-contract-"))
    reports = Path(os.environ.get("CONTRACT_REPORT_DIR") or work / "reports")
    env = {
        **os.environ,
        "DATABASE_URL": os.environ.get("CONTRACT_DATABASE_URL")
        or f"sqlite:///{work / 'contract.sqlite3'}",
        "STATIC_ROOT": str(work / "staticfiles"),
        "WEB_CONCURRENCY": "2",
        "DEBUG": "",
        # `cadence serve` refuses the public development key; any other will do here.
        "SECRET_KEY": os.environ.get("SECRET_KEY") or "cadence-contract-run-not-a-secret-0123",
        # Schemathesis sends wrong tokens on purpose (auth checks): more than a person would.
        "SIGN_IN_FAILURE_LIMIT": "100000",
    }
    env.pop("CADENCE_PLAIN_STATIC", None)
    started = time.monotonic()
    _cadence("demo", "--no-serve", env=env)
    token = _cadence("token", "create", "admin@example.com", env=env).strip().splitlines()[-1]
    port = _free_port()
    log = work / "serve.log"
    server = subprocess.Popen(
        [sys.executable, "-m", "cadence.cli", "serve", "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_for(port, server, log)
        base = f"http://127.0.0.1:{port}/api/v1"
        run_env = {
            **env,
            **_known_ids(base, token),
            # hooks.py is imported as tests.contract.hooks.
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])),
        }
        print(f"Demo served at {base} ({time.monotonic() - started:.0f} s to set up).", flush=True)
        commands = []
        for n, tags in enumerate(SHARDS if args.shards == 2 else [[]], start=1):
            commands.append(
                [
                    str(BIN / "schemathesis"),
                    "--config-file",
                    str(HERE / "schemathesis.toml"),
                    "run",
                    f"{base}/openapi.json",
                    "--checks",
                    "all",
                    "--max-examples",
                    str(args.examples),
                    "--workers",
                    args.workers,
                    "--header",
                    f"Authorization: Bearer {token}",
                    "--report",
                    "junit,ndjson",
                    "--report-dir",
                    str(reports / f"shard-{n}"),
                    "--generation-database",
                    "none",
                    "--no-color",
                    *[arg for tag in tags for arg in ("--include-tag", tag)],
                    *(["--seed", args.seed] if args.seed else []),
                    *args.extra,
                ]
            )
        # Each shard is its own process (the machine has two cores; one schemathesis process
        # waits on the server half of the time), its output printed whole when it is done.
        outputs = [work / f"shard-{n}.txt" for n in range(1, len(commands) + 1)]
        runs = [
            subprocess.Popen(
                command, env=run_env, cwd=ROOT, stdout=out.open("w"), stderr=out.open("a")
            )
            for command, out in zip(commands, outputs, strict=True)
        ]
        codes = [run.wait() for run in runs]
        for n, (out, code) in enumerate(zip(outputs, codes, strict=True), start=1):
            print(f"=== schemathesis shard {n} of {len(runs)} (exit {code}) ===")
            print(out.read_text(), flush=True)
        code = next((c for c in codes if c != 0), 0)
        print(f"schemathesis exited {code} after {time.monotonic() - started:.0f} s in all.")
        if code != 0:
            # The server's own errors (tracebacks), without its one-line 4xx warnings.
            lines = [x for x in log.read_text().splitlines() if not ANSWERED.match(x)]
            print(f"Server log ({log}), last 80 lines other than 4xx answers:")
            print("\n".join(lines[-80:]))
        return code
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        if not os.environ.get("CONTRACT_KEEP"):
            shutil.rmtree(work / "staticfiles", ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
