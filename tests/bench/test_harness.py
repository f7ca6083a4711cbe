"""The benchmark harness: its arithmetic, budget verdicts and report (pure), its load loop
against a tiny local server, and one short end-to-end `python -m bench --quick` run."""

import http.server
import json
import os
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from bench import load, report, run

# Percentiles and summaries ----------------------------------------------------------------


def test_percentile_interpolates_between_ranks():
    values = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
    assert report.percentile(values, 50) == pytest.approx(5.5)
    assert report.percentile(values, 95) == pytest.approx(9.55)
    assert report.percentile(values, 0) == 1
    assert report.percentile(values, 100) == 10
    assert report.percentile([7.0], 95) == 7.0
    # Order does not matter.
    assert report.percentile([10, 1, 5], 50) == 5


def test_percentile_rejects_nothing_and_bad_ranks():
    with pytest.raises(ValueError):
        report.percentile([], 50)
    with pytest.raises(ValueError):
        report.percentile([1.0], 101)


def test_summarize_gives_throughput_over_wall_time():
    s = report.summarize([10.0] * 19 + [100.0], seconds=2.0)
    assert (s.n, s.p50, s.rps, s.seconds) == (20, 10.0, 10.0, 2.0)
    assert s.p95 == pytest.approx(14.5)


# Verdicts ---------------------------------------------------------------------------------


def _case(c1_p50=10.0, c1_p95=20.0, c8_p95=40.0, queries=5, floor_p50=5.0):
    return {
        "queries": queries,
        "c1": {"n": 100, "p50": c1_p50, "p95": c1_p95, "rps": 50.0, "seconds": 2.0},
        "c8": {"n": 200, "p50": 30.0, "p95": c8_p95, "rps": 300.0, "seconds": 2.2},
        "floor": {"p50": floor_p50, "p95": floor_p50 * 2, "runs": 50},
    }


def test_a_read_case_within_every_budget_is_met():
    verdicts = report.case_verdicts("dashboard", _case(), size="small")
    assert [v.budget for v in verdicts] == ["p95 c1", "p95 c8", "floor ratio"]
    assert all(v.met for v in verdicts)
    assert report.verdict_cell(verdicts) == "met"


def test_read_budgets_are_50_ms_at_c1_and_100_ms_at_c8_and_3x_the_floor():
    verdicts = report.case_verdicts(
        "tree", _case(c1_p50=16.0, c1_p95=50.1, c8_p95=100.0, floor_p50=5.0), size="small"
    )
    by = {v.budget: v for v in verdicts}
    assert by["p95 c1"].met is False
    assert by["p95 c8"].met is True  # the limit itself is met
    assert by["floor ratio"].measured == 3.2
    assert by["floor ratio"].met is False
    cell = report.verdict_cell(verdicts)
    assert cell.startswith("MISSED")
    assert "p95 c1 50.1ms > 50ms" in cell
    assert "floor ratio 3.20× > 3×" in cell


def test_the_check_in_budget_is_30_ms_at_c1():
    ok = report.case_verdicts("check_in", _case(c1_p95=30.0, c8_p95=500.0), size="small")
    assert [v.budget for v in ok] == ["check-in p95 c1", "floor ratio"]
    assert all(v.met for v in ok)
    slow = report.case_verdicts("check_in", _case(c1_p95=31.0), size="small")
    assert slow[0].met is False


def test_a_large_size_is_compared_with_the_small_run():
    small = _case(c1_p50=10.0, queries=5)
    same = report.case_verdicts("api_read", _case(c1_p50=15.0, queries=5), size="org-100k",
                                small_case=small)  # fmt: skip
    by = {v.budget: v for v in same}
    assert by["queries = small"].met is True
    assert by["p50 vs small"].measured == 1.5
    assert by["p50 vs small"].met is True

    worse = report.case_verdicts("api_read", _case(c1_p50=16.0, queries=7), size="org-100k",
                                 small_case=small)  # fmt: skip
    by = {v.budget: v for v in worse}
    assert by["queries = small"].met is False
    assert by["p50 vs small"].met is False
    assert "queries 7 ≠ small 5" in report.verdict_cell(worse)


def test_without_a_small_run_the_size_budgets_are_not_judged():
    verdicts = report.case_verdicts("api_read", _case(), size="org-100k", small_case=None)
    unjudged = [v for v in verdicts if v.met is None]
    assert [v.budget for v in unjudged] == ["queries = small", "p50 vs small"]
    assert report.verdict_cell(verdicts).startswith("met (")


def test_no_floor_means_no_ratio_verdict():
    case = _case()
    case["floor"] = None
    assert report.floor_ratio(case) is None
    verdict = report.case_verdicts("team", case, size="small")[-1]
    assert verdict.met is None


def _result(**engine_overrides):
    engine = {
        "status": "ok",
        "db_version": "SQLite 3.40.1",
        "dataset": {"counts": {"people": 50}},
        "cases": {key: _case() for key in report.CASES},
        "server": {"cold_start_s": 0.8, "rss_idle_mb": [80.0, 81.0], "rss_load_max_mb": [120.0]},
        "worker_rss_idle_mb": 70.0,
        "recompute": {"cycle": "Q4", "objectives": 30, "seconds": 0.01, "changed": 0},
    }
    engine.update(engine_overrides)
    return {
        "size": "small",
        "seed": 42,
        "quick": False,
        "machine": {"cpu": "Test CPU", "cores": 2, "load_average": 0.5},
        "engines": {"sqlite": engine, "postgres": {"status": "skipped", "reason": "no server"}},
        "pure": {
            "coach": {"p50_ms": 0.1, "p95_ms": 0.2, "runs": 1000},
            "rollup_10k": {"p50_ms": 40.0, "p95_ms": 45.0, "runs": 10},
        },
    }


def test_other_budgets_judge_memory_cold_start_coach_and_roll_up():
    result = _result(
        server={"cold_start_s": 1.2, "rss_idle_mb": [80.0, 151.0], "rss_load_max_mb": [249.0]},
        worker_rss_idle_mb=149.0,
    )
    rows = {v.budget: (engine, v) for engine, v in report.other_budgets(result)}
    assert rows["coach check p95"][1].met is True
    assert rows["roll-up of 10k objectives p95"][1].met is True
    assert rows["cold start"] == ("sqlite", rows["cold start"][1])
    assert rows["cold start"][1].met is False
    assert rows["gunicorn worker RSS idle"][1].measured == 151.0  # the largest worker
    assert rows["gunicorn worker RSS idle"][1].met is False
    assert rows["gunicorn worker RSS under load (c8)"][1].met is True
    assert rows["cadence worker RSS idle"][1].met is True
    # A skipped engine has no rows.
    assert all(engine != "postgres" for engine, _ in report.other_budgets(result))


def test_the_dashboard_is_judged_by_its_requests_per_second_at_eight_clients():
    result = _result()
    result["engines"]["sqlite"]["cases"]["dashboard"]["c8"]["rps"] = 239.9
    rows = {v.budget: v for _, v in report.other_budgets(result)}
    verdict = rows["dashboard requests per second at c8"]
    assert (verdict.measured, verdict.limit, verdict.met) == (239.9, 240.0, False)
    result["engines"]["sqlite"]["cases"]["dashboard"]["c8"]["rps"] = 240.0
    rows = {v.budget: v for _, v in report.other_budgets(result)}
    assert rows["dashboard requests per second at c8"].met is True
    assert "| ≥ 240 /s |" in report.markdown(result)
    # A run without the dashboard case (--cases) does not judge it.
    del result["engines"]["sqlite"]["cases"]["dashboard"]
    rows = {v.budget: v for _, v in report.other_budgets(result)}
    assert rows["dashboard requests per second at c8"].met is None


def test_markdown_has_a_row_per_case_and_engine_and_says_what_was_skipped():
    text = report.markdown(_result())
    for label in report.CASES.values():
        assert f"| {label} | sqlite |" in text
    assert "postgres: skipped — no server" in text
    assert "| cold start | sqlite | 0.80 s | ≤ 1 s | met |" in text
    met, missed, unjudged = report.tally(_result())
    assert (missed, unjudged) == (0, 0)
    assert f"Budgets: {met} met, 0 missed, 0 not judged." in text
    assert "busy" not in text


def test_markdown_warns_when_the_machine_was_busy():
    result = _result()
    result["machine"]["load_average"] = 3.5
    assert "The machine was busy" in report.markdown(result)


# The pure measurements and options ---------------------------------------------------------


def test_the_roll_up_forest_is_10k_objectives_and_deterministic():
    a = run.rollup_forest(42)
    b = run.rollup_forest(42)
    assert len(a) == 10_000
    assert a == b
    assert run.rollup_forest(7) != a
    krs = sum(len(n.krs) for n in a.values())
    assert 35_000 <= krs <= 45_000  # ~4 each
    # Every objective below the ten roots is some objective's child: one forest.
    children = [c for n in a.values() for c in n.children]
    assert sorted(children) == list(range(10, 10_000))


def test_pure_timings_report_percentiles():
    coach = run.time_coach(20)
    assert coach["runs"] == 20
    assert 0 < coach["p50_ms"] <= coach["p95_ms"]


def test_engines_option():
    assert run.parse_engines("postgres, sqlite") == ["postgres", "sqlite"]
    assert run.parse_engines("sqlite,sqlite") == ["sqlite"]
    with pytest.raises(run.BenchError):
        run.parse_engines("mysql")
    with pytest.raises(run.BenchError):
        run.parse_engines(" , ")


def test_cases_option():
    assert run.parse_cases(None) is None
    assert run.parse_cases("search, dashboard,search") == ["search", "dashboard"]
    with pytest.raises(run.BenchError):
        run.parse_cases("searches")


def test_postgres_url_defaults_per_size(monkeypatch):
    monkeypatch.delenv("BENCH_DATABASE_URL", raising=False)
    assert run.postgres_url("org-100k") == (
        "postgres://postgres@127.0.0.1:5432/cadence_bench_org_100k"
    )
    monkeypatch.setenv("BENCH_DATABASE_URL", "postgres://u@db:5433/x")
    assert run.postgres_url("small") == "postgres://u@db:5433/x"


def test_a_postgres_that_does_not_answer_gives_a_reason():
    # Port 1 on 127.0.0.1: nothing listens, the connection is refused at once.
    reason = run.ensure_postgres("postgres://postgres@127.0.0.1:1/cadence_bench_small")
    assert reason is not None
    assert "127.0.0.1:1 does not answer" in reason


# The load loop ----------------------------------------------------------------------------


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as gunicorn

    def do_GET(self):
        status = 500 if self.path == "/broken" else 200
        body = b'{"ok": true}'
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        self.server.hits += 1

    def log_message(self, *args):
        pass


@pytest.fixture
def local_server():
    server = http.server.ThreadingHTTPServer((load.HOST, 0), _Handler)
    server.hits = 0
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def test_load_is_bounded_by_count_after_the_warm_up(local_server):
    port = local_server.server_address[1]
    request = load.Request("GET", "/ok")
    result = load.run_load(
        port, lambda i: request, concurrency=4, max_requests=37, max_seconds=30, warmup=5
    )
    assert len(result.latencies_ms) == 37
    assert local_server.hits == 42  # 5 warm-up requests are not measured
    assert all(ms > 0 for ms in result.latencies_ms)


def test_load_is_bounded_by_time(local_server):
    port = local_server.server_address[1]
    request = load.Request("GET", "/ok")
    result = load.run_load(
        port, lambda i: request, concurrency=2, max_requests=10**9, max_seconds=0.3, warmup=0
    )
    assert result.seconds < 5
    assert 0 < len(result.latencies_ms) < 10**9


def test_load_fails_loudly_on_an_error_status(local_server):
    port = local_server.server_address[1]
    requests = [load.Request("GET", "/ok"), load.Request("GET", "/broken")]
    with pytest.raises(load.LoadError, match="GET /broken answered 500"):
        load.run_load(
            port, lambda i: requests[i % 2], concurrency=2, max_requests=20, max_seconds=10,
            warmup=0,
        )  # fmt: skip


def test_rss_of_this_process_and_its_children():
    assert load.rss_mb(os.getpid()) > 1
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        assert child.pid in load.children(os.getpid())
    finally:
        child.kill()
        child.wait()
    assert load.rss_mb(child.pid) is None


# End to end -------------------------------------------------------------------------------


@pytest.mark.bench
def test_cadence_bench_quick_prints_every_case(tmp_path):
    """`python -m bench --size small --quick` for real, on the suite's engine (CI's smoke run of
    the benchmark): generates the small organization in a fresh SQLite file or a PostgreSQL
    database of its own, serves it with gunicorn and prints the table. On the wall clock (the
    suite's moved clock is not passed on: the benchmark times real requests)."""
    engine = "postgres" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
    out = tmp_path / "results"
    unset = ("DATABASE_URL", "CI", "WEB_CONCURRENCY", "GUNICORN_THREADS", "LD_PRELOAD", "FAKETIME")
    env = {k: v for k, v in os.environ.items() if k not in unset}
    if engine == "postgres":
        base = urlsplit(os.environ["DATABASE_URL"])
        env["BENCH_DATABASE_URL"] = urlunsplit(base._replace(path="/cadence_bench_smoke"))
    completed = subprocess.run(
        [sys.executable, "-m", "bench", "--size", "small", "--engines", engine,
         "--quick", "--out", str(out), "--data-dir", str(tmp_path / "data")],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    for label in report.CASES.values():
        assert f"| {label} | {engine} |" in completed.stdout
    assert f"| cold start | {engine} |" in completed.stdout
    assert "Budgets: " in completed.stdout
    result = json.loads((out / "small.json").read_text())
    ran = result["engines"][engine]
    assert ran["status"] == "ok"
    assert set(ran["cases"]) == set(report.CASES)
    for case in ran["cases"].values():
        assert case["queries"] > 0
        assert case["c1"]["n"] > 0 and case["c8"]["n"] > 0
        assert case["floor"]["p50"] > 0
    assert len(ran["server"]["rss_idle_mb"]) == 2  # WEB_CONCURRENCY=2 gunicorn workers
    assert (out / "small.md").read_text() in completed.stdout
    if engine == "sqlite":
        assert Path(tmp_path / "data" / "small.sqlite3").is_file()


def test_a_comparison_with_small_says_when_it_is_not_like_for_like():
    small = _result()
    small["machine"]["commit"] = "abc1234"
    large = _result()
    large["size"] = "org-100k"
    large["machine"]["commit"] = "abc1234"
    assert report.comparison_warnings(large, small) == []
    text = report.markdown(large, small)
    assert "Compared with the small run" in text
    assert "| Dashboard | sqlite |" in text
    large["machine"]["commit"] = "def5678-dirty"
    large["quick"] = True
    warnings = report.comparison_warnings(large, small)
    assert len(warnings) == 2
    assert "commit abc1234" in warnings[0]
    assert "--quick" in warnings[1]


def _imports(rows: int, import_s: float, rss: float) -> dict:
    case = {"seconds": 10.0, "rss_mb": 200.0, "exit": 0, "output": []}
    return {
        "sqlite": {
            "status": "ok",
            "rows": rows,
            "check_ins": rows * 10,
            "cases": {
                "dry_run": case,
                "dry_run_errors": {**case, "exit": 1},
                "import": {"seconds": import_s, "rss_mb": rss, "exit": 0, "output": []},
                "again": case,
            },
        },
        "postgres": {"status": "skipped", "reason": "no server"},
    }


def test_import_budgets_are_judged_at_100k_key_results_only():
    result = {**_result(), "imports": _imports(100_000, 61.0, 250.0)}
    rows = {v.budget: v for engine, v in report.other_budgets(result) if engine == "sqlite"}
    assert rows["import of 100,000 key results"].met is False  # 61 s > 60 s
    assert rows["dry run of 100,000 key results"].met is True
    assert rows["import: peak RSS"].met is True
    small = {**_result(), "imports": _imports(2_000, 61.0, 350.0)}
    assert not [v for _, v in report.other_budgets(small) if "import" in v.budget]
    text = report.markdown(result)
    assert "| Import | sqlite | 100,000 + 1,000,000 check-ins | 61 | 250 | 0 |" in text
    assert "| — | postgres | — | — | — | skipped: no server |" in text
