"""One engine's measurements, in a process of its own (``python -m bench.child``):
DATABASE_URL is set by ``python -m bench`` (``make bench``) before Django starts here.

Migrate, reuse or generate the dataset, count queries per case in-process, time the raw
floors, then start the production server (``cadence serve``: gunicorn, DEBUG off) on a free
port of 127.0.0.1 and load it at concurrency 1 and 8; sample the server's and a
``cadence worker``'s memory; time ``objective_progress_recompute``. The result is written as
JSON to --result.
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from bench import load as http
from bench.report import percentile, summary_dict


@dataclass(frozen=True)
class Limits:
    """How much load per case: (max requests, max seconds) at c1 and c8, and floor runs."""

    c1: tuple[int, float]
    c8: tuple[int, float]
    floor_runs: int
    warmup: int = 10
    worker_settle_s: float = 4.0


FULL = Limits(c1=(150, 15.0), c8=(300, 15.0), floor_runs=50)
# --quick: a smoke run (tests, a first look), not numbers to quote.
QUICK = Limits(c1=(20, 1.5), c8=(40, 1.5), floor_runs=10, warmup=3, worker_settle_s=2.0)


def log(message: str) -> None:
    print(f"  [{os.environ.get('BENCH_ENGINE', '?')}] {message}", flush=True)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((http.HOST, 0))
        return s.getsockname()[1]


# Set-up ----------------------------------------------------------------------------------


def _setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cadence.settings")
    # One key for this process and the server it starts (its sessions must be read there);
    # `cadence serve` refuses the public development key.
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    import django

    django.setup()


def _db_version() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            return "PostgreSQL " + cursor.fetchone()[0]
        cursor.execute("SELECT sqlite_version()")
        return "SQLite " + cursor.fetchone()[0]


def _dataset(size: str, seed: int) -> tuple[object, dict]:
    from bench import generate

    started = time.perf_counter()
    dataset = generate.existing(size, seed=seed)
    generated = dataset is None
    if generated:
        log(f"generating {size} (seed {seed})")
        dataset = generate.generate(size, seed=seed, progress=log)
    seconds = round(time.perf_counter() - started, 1)
    log(("generated" if generated else "reused") + f" the {size} dataset in {seconds} s")
    return dataset, {
        "generated": generated,
        "seconds": seconds,
        "counts": dict(dataset.counts),
    }


def _db(value):
    """An id as this database stores it (a hex string on SQLite, a UUID on PostgreSQL)."""
    from django.db import connection, models

    return models.UUIDField().get_db_prep_value(value, connection)


# Cases -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    key: str
    method: str
    path: str
    web: bool  # a page (session cookie) rather than the API (bearer token)


def _cases(dataset) -> list[Case]:
    from urllib.parse import urlencode

    from django.urls import reverse

    from bench.floors import SEARCH_TEXT

    return [
        Case("dashboard", "GET", reverse("dashboard"), True),
        Case("tree", "GET", reverse("cycle_tree", args=[dataset.cycle_id]), True),
        Case("team", "GET", reverse("unit_detail", args=[dataset.team_unit_id]), True),
        Case("objective", "GET", reverse("objective_detail", args=[dataset.objective_id]), True),
        Case("api_list", "GET", f"/api/v1/objectives?cycle_id={dataset.cycle_id}", False),
        Case("api_read", "GET", f"/api/v1/objectives/{dataset.objective_id}", False),
        Case("check_in", "POST", "/api/v1/key-results/{kr}/check-ins", False),
        Case("search", "GET", f"{reverse('search')}?{urlencode({'q': SEARCH_TEXT})}", True),
    ]


def _check_in_bodies(dataset) -> list[tuple[str, bytes]]:
    """(path, JSON body) per key result to check in: its current value again (a milestone's
    0 or 1), so repeated runs leave every progress where it was."""
    from cadence.okrs.models import KeyResult

    krs = {kr.id: kr for kr in KeyResult.objects.filter(id__in=dataset.key_result_ids)}
    bodies = []
    for kr_id in dataset.key_result_ids:
        kr = krs[kr_id]
        value = kr.current if kr.current is not None else (kr.start or 0)
        if kr.kind == KeyResult.Kind.MILESTONE:
            value = 1 if value >= 1 else 0
        body = json.dumps({"value": value, "confidence": kr.confidence or "on_track"}).encode()
        bodies.append((f"/api/v1/key-results/{kr_id}/check-ins", body))
    if not bodies:
        raise SystemExit("the dataset has no key results to check in (Dataset.key_result_ids)")
    return bodies


def _session_cookie(person) -> str:
    """Log the admin in through Django's own session machinery: a real session row that the
    server reads (same database and SECRET_KEY)."""
    from django.conf import settings
    from django.test import Client

    client = Client(HTTP_HOST=http.HOST)
    client.force_login(person)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _request_factory(case: Case, cookie: str, token: str, bodies) -> http.RequestFactory:
    from django.conf import settings

    if case.web:
        headers = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={cookie}"}
    else:
        headers = {"Authorization": f"Bearer {token}"}
    if case.key != "check_in":
        request = http.Request(case.method, case.path, headers)
        return lambda i: request
    post_headers = {**headers, "Content-Type": "application/json"}

    def make(i: int) -> http.Request:
        path, body = bodies[i % len(bodies)]
        return http.Request("POST", path, post_headers, body)

    return make


def _count_queries(cases: list[Case], cookie: str, token: str, bodies) -> dict[str, int]:
    """SQL queries of one request per case, in-process through Django's test client on the same
    database (the server keeps DEBUG off)."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for case in cases:
        client = Client(HTTP_HOST=http.HOST)
        if case.web:
            client.cookies[settings.SESSION_COOKIE_NAME] = cookie
            extra = {}
        else:
            extra = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
        # One request first so per-process caches (templates, content types) are warm.
        for attempt in ("warm", "count"):
            request = _request_factory(case, cookie, token, bodies)(0 if attempt == "warm" else 1)
            with CaptureQueriesContext(connection) as queries:
                if case.method == "GET":
                    response = client.get(request.path, **extra)
                else:
                    response = client.post(
                        request.path, request.body, content_type="application/json", **extra
                    )
            if response.status_code not in http.OK:
                raise http.LoadError(
                    f"{case.method} {request.path} answered {response.status_code} in-process: "
                    f"{response.content[:300]!r}"
                )
        counts[case.key] = len(queries.captured_queries)
    return counts


def _floors(dataset, person, runs: int) -> dict[str, dict]:
    from django.db import connection, transaction

    from bench import floors

    params = floors.Params(
        org=_db(dataset.organization_id),
        org_id=dataset.organization_id,
        cycle=_db(dataset.cycle_id),
        person=_db(person.id),
        unit=_db(dataset.team_unit_id),
        objective=_db(dataset.objective_id),
        vendor=connection.vendor,
    )
    results = {}
    for key, function in floors.READS.items():
        times = []
        with connection.cursor() as cursor:
            for i in range(runs + 3):
                started = time.perf_counter()
                function(cursor, params)
                if i >= 3:  # three warm-up runs
                    times.append((time.perf_counter() - started) * 1000)
        results[key] = _times(times)
    krs = [_db(k) for k in dataset.key_result_ids]
    times = []
    for i in range(runs + 3):
        started = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            floors.check_in(cursor, params, krs[i % len(krs)], _db(uuid.uuid4()))
        if i >= 3:
            times.append((time.perf_counter() - started) * 1000)
    results["check_in"] = _times(times)
    return results


def _times(times: list[float]) -> dict:
    return {
        "p50": round(percentile(times, 50), 3),
        "p95": round(percentile(times, 95), 3),
        "runs": len(times),
    }


# Server and worker -----------------------------------------------------------------------


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("DEBUG", None)
    env.pop("ACCESS_LOG", None)
    env.setdefault("WEB_CONCURRENCY", "2")
    env.setdefault("GUNICORN_THREADS", "4")
    env["EMAIL_BACKEND"] = "django.core.mail.backends.dummy.EmailBackend"
    return env


def _start_server(port: int, log_path: Path) -> tuple[subprocess.Popen, float]:
    """``cadence serve`` on 127.0.0.1:port; returns it and the cold start (spawn → first 200)."""
    log_file = open(log_path, "ab")  # noqa: SIM115 (closed with the process)
    started = time.perf_counter()
    server = subprocess.Popen(
        [sys.executable, "-m", "cadence.cli", "serve", "--host", http.HOST, "--port", str(port)],
        env=_child_env(),
        stdout=log_file,
        stderr=subprocess.STDOUT,
    )
    server.log_file = log_file  # type: ignore[attr-defined]
    deadline = started + 60
    while time.perf_counter() < deadline:
        if server.poll() is not None:
            raise SystemExit(
                f"the server stopped at start (exit {server.returncode}); see {log_path}"
            )
        if http.get_status(port, "/login/") == 200:
            return server, round(time.perf_counter() - started, 3)
        time.sleep(0.01)
    _stop(server)
    raise SystemExit(f"the server did not answer within 60 s; see {log_path}")


def _stop(process: subprocess.Popen, timeout: float = 20.0) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    log_file = getattr(process, "log_file", None)
    if log_file:
        log_file.close()


def _worker_rss(log_path: Path, settle: float = 4.0) -> float | None:
    """``cadence worker``: its RSS a few seconds after it started. Its first turn runs at once;
    on a dataset where past weeks are carried over already, it is idle by then. SIGTERM stops
    it between two turns; a turn still running after 5 s is killed (each person's carry-over
    is its own transaction, so nothing is half done)."""
    log_file = open(log_path, "ab")  # noqa: SIM115
    worker = subprocess.Popen(
        [sys.executable, "-m", "cadence.cli", "worker", "--interval", "3600"],
        env=_child_env(),
        stdout=log_file,
        stderr=subprocess.STDOUT,
    )
    worker.log_file = log_file  # type: ignore[attr-defined]
    try:
        time.sleep(settle)
        return http.rss_mb(worker.pid)
    finally:
        _stop(worker, timeout=5.0)


def _load(server_port: int, cases, factories, limits: Limits, master_pid: int) -> dict:
    results: dict[str, dict] = {key: {} for key in factories}
    workers = http.children(master_pid)
    rss_load: dict[int, float] = {}
    for case in cases:
        make = factories[case.key]
        for label, concurrency, (max_requests, max_seconds) in (
            ("c1", 1, limits.c1),
            ("c8", 8, limits.c8),
        ):
            sampler = http.RssSampler(workers) if concurrency > 1 else None
            if sampler:
                sampler.__enter__()
            try:
                outcome = http.run_load(
                    server_port,
                    make,
                    concurrency=concurrency,
                    max_requests=max_requests,
                    max_seconds=max_seconds,
                    warmup=limits.warmup,
                )
            finally:
                if sampler:
                    sampler.__exit__(None, None, None)
                    for pid, value in sampler.max.items():
                        rss_load[pid] = max(rss_load.get(pid, 0), value)
            results[case.key][label] = summary_dict(outcome.latencies_ms, outcome.seconds)
            s = results[case.key][label]
            log(
                f"{case.key:<10} {label}: n={s['n']} p50={s['p50']:.1f} ms "
                f"p95={s['p95']:.1f} ms {s['rps']} rps"
            )
    return {"cases": results, "rss_load_max_mb": [rss_load[p] for p in sorted(rss_load)]}


# Recompute -------------------------------------------------------------------------------


def _recompute(dataset) -> dict | None:
    from django.db.models import Count

    from cadence.okrs import services
    from cadence.okrs.models import Cycle
    from cadence.orgs.models import Organization

    recompute = getattr(services, "objective_progress_recompute", None)
    if recompute is None:
        log("okrs.services.objective_progress_recompute does not exist: not timed")
        return None
    organization = Organization.objects.get(id=dataset.organization_id)
    cycle = (
        Cycle.objects.filter(organization=organization)
        .annotate(n=Count("objectives"))
        .order_by("-n")
        .first()
    )
    kwargs = {"organization": organization}
    if "cycle" in inspect.signature(recompute).parameters:
        kwargs["cycle"] = cycle
    started = time.perf_counter()
    changed = recompute(**kwargs)
    seconds = time.perf_counter() - started
    return {
        "cycle": cycle.name if "cycle" in kwargs else "(all)",
        "objectives": cycle.n,
        "seconds": round(seconds, 4),
        "changed": changed,
    }


# Main ------------------------------------------------------------------------------------


def measure(
    size: str, seed: int, limits: Limits, data_dir: Path, only: list[str] | None = None
) -> dict:
    _setup()
    from django.db import connections

    from cadence.cli.server import migrate
    from cadence.orgs.models import Person

    engine = os.environ.get("BENCH_ENGINE", "db")
    applied = migrate()
    if applied:
        log(f"applied {applied} migrations")
    dataset, dataset_info = _dataset(size, seed)
    person = Person.objects.get(organization_id=dataset.organization_id, email=dataset.admin_email)
    cases = [c for c in _cases(dataset) if not only or c.key in only]
    bodies = _check_in_bodies(dataset)
    cookie = _session_cookie(person)
    factories = {c.key: _request_factory(c, cookie, dataset.api_token, bodies) for c in cases}
    queries = _count_queries(cases, cookie, dataset.api_token, bodies)
    log("queries per request: " + ", ".join(f"{k} {v}" for k, v in queries.items()))
    floors = _floors(dataset, person, limits.floor_runs)
    log("floors p50 ms: " + ", ".join(f"{k} {v['p50']:.2f}" for k, v in floors.items()))
    result = {"status": "ok", "db_version": _db_version(), "dataset": dataset_info}
    connections.close_all()

    port = free_port()
    server_log = data_dir / f"{size}-{engine}-server.log"
    server, cold_start = _start_server(port, server_log)
    log(f"server up on {http.HOST}:{port} in {cold_start} s (log: {server_log})")
    try:
        # The API's URL conf is imported on its first request (cadence/urls.py): how long that
        # first answer takes (a 401: no token), after the server answered its first page.
        asked = time.perf_counter()
        api_status = http.get_status(port, "/api/v1/me", timeout=30.0)
        api_first = round(time.perf_counter() - asked, 3)
        log(f"the API's first answer: {api_first} s (status {api_status})")
        time.sleep(1.0)
        workers = http.children(server.pid)
        rss_idle = [v for v in (http.rss_mb(pid) for pid in workers) if v is not None]
        master_rss = http.rss_mb(server.pid)
        measured = _load(port, cases, factories, limits, server.pid)
    finally:
        _stop(server)
    worker_rss = _worker_rss(data_dir / f"{size}-{engine}-worker.log", limits.worker_settle_s)
    log(f"cadence worker RSS idle: {worker_rss} MB")
    recompute = _recompute(dataset)
    connections.close_all()

    result["cases"] = {
        c.key: {
            "method": c.method,
            "path": c.path if c.key != "check_in" else c.path.replace("{kr}", "<kr>"),
            "queries": queries[c.key],
            **measured["cases"][c.key],
            "floor": floors[c.key],
        }
        for c in cases
    }
    result["server"] = {
        "cold_start_s": cold_start,
        "api_first_answer_s": api_first,
        "workers": len(workers),
        "threads": int(_child_env()["GUNICORN_THREADS"]),
        "master_rss_mb": master_rss,
        "rss_idle_mb": rss_idle,
        "rss_load_max_mb": measured["rss_load_max_mb"],
    }
    result["worker_rss_idle_mb"] = worker_rss
    result["recompute"] = recompute
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.child")
    parser.add_argument("--size", required=True)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--result", type=Path, required=True)
    parser.add_argument("--cases", help="comma-separated case keys (default: every case)")
    args = parser.parse_args(argv)
    only = [c for c in (args.cases or "").split(",") if c]
    limits = QUICK if args.quick else FULL
    result = measure(args.size, args.seed, limits, args.data_dir, only or None)
    args.result.write_text(json.dumps(result, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
