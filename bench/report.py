"""The benchmark's arithmetic and its report. Pure: plain values in, plain values out.

- ``percentile`` and ``summarize``: latencies (ms) → p50, p95, requests per second;
- ``case_verdicts`` and ``other_budgets``: each budget of docs/scaling.md judged met or missed
  (printed, never asserted: machines are noisy);
- ``markdown``: the short table ``python -m bench`` (``make bench``) prints and writes to
  bench-results/<size>.md.

The result shape (bench-results/<size>.json)::

    {"size", "seed", "quick", "machine": {...},
     "engines": {"sqlite": {"status": "ok", "db_version", "dataset": {...},
                            "cases": {case: {"label", "kind", "method", "path", "queries",
                                             "c1": Summary, "c8": Summary,
                                             "floor": {"p50", "p95", "runs"}}},
                            "server": {"cold_start_s", "rss_idle_mb", "rss_load_max_mb"},
                            "worker_rss_idle_mb", "recompute": {...} | None},
                 "postgres": {"status": "skipped", "reason": "..."}},
     "pure": {"coach": {"p50_ms", "p95_ms", "runs"}, "rollup_10k": {"p50_ms", "p95_ms", ...}}}
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass

# Budgets (docs/scaling.md). Milliseconds unless named otherwise.
READ_P95_C1_MS = 50.0
READ_P95_C8_MS = 100.0
CHECK_IN_P95_MS = 30.0
FLOOR_RATIO_MAX = 3.0
SIZE_RATIO_MAX = 1.5
COACH_P95_MS = 1.0
ROLLUP_10K_MS = 200.0
COLD_START_S = 1.0
RSS_IDLE_MB = 150.0
RSS_LOAD_MB = 250.0
# Issue 19: the dashboard served at eight clients, twice what a comparable Node OKR app's empty
# dashboard served on the development machine.
DASHBOARD_RPS_C8 = 240.0
# The import of 100,000 key results with ten check-ins each (bench/imports.py).
IMPORT_ROWS_JUDGED = 100_000
IMPORT_S = 60.0
IMPORT_DRY_RUN_S = 30.0
IMPORT_RSS_MB = 300.0
IMPORT_CASES = {
    "dry_run": "Dry run",
    "dry_run_errors": "Dry run, 1 row in 100 wrong",
    "import": "Import",
    "again": "The same file again (nothing changes)",
}

# The measured cases, in report order: key → label. "write" cases have the check-in budget.
CASES = {
    "dashboard": "Dashboard",
    "tree": "Alignment tree",
    "team": "Team page",
    "objective": "Objective page",
    "api_list": "API list objectives",
    "api_read": "API read objective",
    "check_in": "API check-in (roll-up)",
    "search": "Search page",
}
WRITE_CASES = {"check_in"}
# The dataset's row counts the report names (the JSON has every table's).
MAIN_COUNTS = ("people", "units", "objectives", "key_results", "check_ins", "weekly_items")


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0–100) with linear interpolation between closest ranks (as numpy's
    default). Raises ValueError on no values."""
    if not values:
        raise ValueError("percentile of no values")
    if not 0 <= q <= 100:
        raise ValueError(f"percentile must be within 0..100, not {q}")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = math.floor(rank)
    high = math.ceil(rank)
    if low == high:
        return float(ordered[low])
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass(frozen=True)
class Summary:
    n: int
    p50: float
    p95: float
    rps: float
    seconds: float


def summarize(latencies_ms: Sequence[float], seconds: float) -> Summary:
    """p50/p95 of the latencies and the throughput over the wall time they took."""
    return Summary(
        n=len(latencies_ms),
        p50=round(percentile(latencies_ms, 50), 3),
        p95=round(percentile(latencies_ms, 95), 3),
        rps=round(len(latencies_ms) / seconds, 1) if seconds > 0 else 0.0,
        seconds=round(seconds, 3),
    )


def summary_dict(latencies_ms: Sequence[float], seconds: float) -> dict:
    return asdict(summarize(latencies_ms, seconds))


# Verdicts --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    budget: str
    measured: float | None
    limit: float
    unit: str
    met: bool | None  # None: could not be judged (nothing to compare with)
    note: str = ""
    at_least: bool = False  # a floor to reach (requests per second), not a ceiling

    def text(self) -> str:
        if self.met is None:
            return f"n/a ({self.note})" if self.note else "n/a"
        verdict = "met" if self.met else "MISSED"
        return f"{verdict} ({self.note})" if self.note else verdict


def judge(budget: str, measured: float | None, limit: float, unit: str, note: str = "") -> Verdict:
    """measured ≤ limit → met; no measurement → not judged."""
    if measured is None:
        return Verdict(budget, None, limit, unit, None, note)
    return Verdict(budget, measured, limit, unit, measured <= limit, note)


def judge_at_least(budget: str, measured: float | None, mark: float, unit: str) -> Verdict:
    """measured ≥ mark → met; no measurement → not judged."""
    if measured is None:
        return Verdict(budget, None, mark, unit, None, at_least=True)
    return Verdict(budget, measured, mark, unit, measured >= mark, at_least=True)


def floor_ratio(case: dict) -> float | None:
    """The case's p50 at concurrency 1 over its raw floor's p50."""
    floor = case.get("floor") or {}
    if not floor.get("p50") or not case.get("c1"):
        return None
    return round(case["c1"]["p50"] / floor["p50"], 2)


def case_verdicts(
    key: str, case: dict, *, size: str, small_case: dict | None = None
) -> list[Verdict]:
    """Every budget that applies to one measured case. ``small_case`` is the same case on the
    same engine at size small (for "queries independent of size" and "≤ 1.5× small")."""
    verdicts = []
    if key in WRITE_CASES:
        verdicts.append(judge("check-in p95 c1", case["c1"]["p95"], CHECK_IN_P95_MS, "ms"))
    else:
        verdicts.append(judge("p95 c1", case["c1"]["p95"], READ_P95_C1_MS, "ms"))
        verdicts.append(judge("p95 c8", case["c8"]["p95"], READ_P95_C8_MS, "ms"))
    verdicts.append(judge("floor ratio", floor_ratio(case), FLOOR_RATIO_MAX, "×"))
    if size == "small":
        return verdicts
    if small_case is None:
        verdicts.append(judge("queries = small", None, 0, "", "no small run"))
        verdicts.append(judge("p50 vs small", None, SIZE_RATIO_MAX, "×", "no small run"))
        return verdicts
    extra = case["queries"] - small_case["queries"]
    verdicts.append(
        Verdict("queries = small", case["queries"], small_case["queries"], "", extra == 0)
    )
    ratio = (
        round(case["c1"]["p50"] / small_case["c1"]["p50"], 2) if small_case["c1"]["p50"] else None
    )
    verdicts.append(judge("p50 vs small", ratio, SIZE_RATIO_MAX, "×"))
    return verdicts


def verdict_cell(verdicts: Sequence[Verdict]) -> str:
    """One table cell: "met" when every budget is, else the missed ones with their figures."""
    missed = [v for v in verdicts if v.met is False]
    unjudged = [v for v in verdicts if v.met is None]
    if missed:
        return "MISSED " + "; ".join(
            f"{v.budget} {_num(v.measured)}{v.unit} > {_num(v.limit)}{v.unit}"
            if v.budget != "queries = small"
            else f"queries {_num(v.measured)} ≠ small {_num(v.limit)}"
            for v in missed
        )
    if unjudged:
        return "met (" + ", ".join(f"{v.budget}: {v.note}" for v in unjudged) + " n/a)"
    return "met"


def other_budgets(result: dict) -> list[tuple[str, Verdict]]:
    """The budgets that are not per case: (engine or "—", verdict)."""
    rows: list[tuple[str, Verdict]] = []
    pure = result.get("pure") or {}
    coach = pure.get("coach")
    rows.append(
        (
            "—",
            judge("coach check p95", coach and coach["p95_ms"], COACH_P95_MS, "ms", "not run"),
        )
    )
    rollup = pure.get("rollup_10k")
    rows.append(
        (
            "—",
            judge(
                "roll-up of 10k objectives p95", rollup and rollup["p95_ms"], ROLLUP_10K_MS, "ms"
            ),
        )
    )
    for engine, data in (result.get("engines") or {}).items():
        if data.get("status") != "ok":
            continue
        server = data.get("server") or {}
        api_first = server.get("api_first_answer_s")
        note = f"then the API's first answer: {api_first} s" if api_first is not None else ""
        rows.append(
            (engine, judge("cold start", server.get("cold_start_s"), COLD_START_S, "s", note))
        )
        idle = server.get("rss_idle_mb") or []
        rows.append(
            (
                engine,
                judge("gunicorn worker RSS idle", max(idle) if idle else None, RSS_IDLE_MB, "MB"),
            )
        )
        load = server.get("rss_load_max_mb") or []
        rows.append(
            (
                engine,
                judge(
                    "gunicorn worker RSS under load (c8)",
                    max(load) if load else None,
                    RSS_LOAD_MB,
                    "MB",
                ),
            )
        )
        rows.append(
            (
                engine,
                judge("cadence worker RSS idle", data.get("worker_rss_idle_mb"), RSS_IDLE_MB, "MB"),
            )
        )
        dashboard_c8 = ((data.get("cases") or {}).get("dashboard") or {}).get("c8") or {}
        rows.append(
            (
                engine,
                judge_at_least(
                    "dashboard requests per second at c8",
                    dashboard_c8.get("rps"),
                    DASHBOARD_RPS_C8,
                    "/s",
                ),
            )
        )
    for engine, data in (result.get("imports") or {}).items():
        if data.get("status") != "ok" or data.get("rows", 0) < IMPORT_ROWS_JUDGED:
            continue
        cases = data["cases"]
        for key, limit in (
            ("import", IMPORT_S),
            ("dry_run", IMPORT_DRY_RUN_S),
            ("dry_run_errors", IMPORT_DRY_RUN_S),
        ):
            label = f"{IMPORT_CASES[key].lower()} of {data['rows']:,} key results"
            rows.append((engine, judge(label, cases[key]["seconds"], limit, "s")))
        for key in ("dry_run", "dry_run_errors", "import"):
            label = f"{IMPORT_CASES[key].lower()}: peak RSS"
            rows.append((engine, judge(label, cases[key]["rss_mb"], IMPORT_RSS_MB, "MB")))
    return rows


def import_lines(result: dict) -> list[str]:
    """The import cases' table: seconds and peak memory of each command, per engine."""
    imports = result.get("imports") or {}
    if not imports:
        return []
    lines = [
        "",
        "| import case | engine | rows | seconds | peak RSS MB | exit |",
        "|---|---|---|---|---|---|",
    ]
    for engine, data in imports.items():
        if data.get("status") not in ("ok", "failed") or "cases" not in data:
            lines.append(
                f"| — | {engine} | — | — | — | {data.get('status')}: {data.get('reason')} |"
            )
            continue
        for key, label in IMPORT_CASES.items():
            case = data["cases"][key]
            lines.append(
                f"| {label} | {engine} | {data['rows']:,} + {data['check_ins']:,} check-ins "
                f"| {_num(case['seconds'])} | {_num(case['rss_mb'])} | {case['exit']} |"
            )
    return lines


# Markdown --------------------------------------------------------------------------------


def _num(value: float | None) -> str:
    if value is None:
        return "–"
    if isinstance(value, int) or float(value).is_integer():
        return str(int(value))
    if abs(value) >= 100:
        return f"{value:.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def markdown(result: dict, small: dict | None = None) -> str:
    """The report: machine line, one row per (case, engine), then the other budgets."""
    machine = result.get("machine") or {}
    lines = [
        f"## Cadence benchmark — size {result['size']} (seed {result['seed']})"
        + (" — quick" if result.get("quick") else ""),
        "",
        "Machine: "
        + ", ".join(
            str(part)
            for part in (
                machine.get("cpu"),
                f"{machine.get('cores')} cores" if machine.get("cores") else None,
                f"{machine.get('ram_gb')} GB RAM" if machine.get("ram_gb") else None,
                f"Python {machine.get('python')}" if machine.get("python") else None,
                f"Django {machine.get('django')}" if machine.get("django") else None,
                machine.get("date"),
                f"commit {machine.get('commit')}" if machine.get("commit") else None,
                f"load average {machine['load_average']} at start"
                if machine.get("load_average") is not None
                else None,
            )
            if part
        ),
        "",
    ]
    if busy(machine):
        lines += [
            "**The machine was busy when the run started (load average above its core count): "
            "the figures below are noisy.**",
            "",
        ]
    if small and result["size"] != "small":
        lines += [f"Compared with the small run of {(small.get('machine') or {}).get('date')}."]
        lines += [f"**{warning}**" for warning in comparison_warnings(result, small)]
        lines += [""]
    engines = result.get("engines") or {}
    for engine, data in engines.items():
        if data.get("status") == "ok":
            dataset = data.get("dataset") or {}
            counts = dataset.get("counts") or {}
            shown = ", ".join(f"{k} {counts[k]:,}" for k in MAIN_COUNTS if k in counts)
            shown += f" ({sum(counts.values()):,} rows in all)"
            lines.append(f"- {engine}: {data.get('db_version', '')}; data: {shown}")
        else:
            status = "FAILED" if data.get("status") == "failed" else "skipped"
            lines.append(f"- {engine}: {status} — {data.get('reason', 'unknown reason')}")
    if any(data.get("status") == "ok" for data in engines.values()):
        lines += [
            "",
            "| case | engine | c1 p50 / p95 ms | c8 p50 / p95 ms | rps c1 / c8 | queries "
            "| floor p50 ms | ratio | verdict |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
    for key, label in CASES.items():
        for engine, data in engines.items():
            if data.get("status") != "ok" or key not in data.get("cases", {}):
                continue
            case = data["cases"][key]
            small_case = _small_case(small, engine, key)
            verdicts = case_verdicts(key, case, size=result["size"], small_case=small_case)
            c1, c8 = case["c1"], case["c8"]
            lines.append(
                f"| {label} | {engine} | {_num(c1['p50'])} / {_num(c1['p95'])} "
                f"| {_num(c8['p50'])} / {_num(c8['p95'])} | {c1['rps']:.1f} / {c8['rps']:.1f} "
                f"| {case['queries']} | {_num((case.get('floor') or {}).get('p50'))} "
                f"| {_num(floor_ratio(case))} | {verdict_cell(verdicts)} |"
            )
    lines += import_lines(result)
    lines += ["", "| budget | engine | measured | limit | verdict |", "|---|---|---|---|---|"]
    for engine, v in other_budgets(result):
        lines.append(
            f"| {v.budget} | {engine} | {_num(v.measured)} {v.unit} "
            f"| {'≥' if v.at_least else '≤'} {_num(v.limit)} {v.unit} "
            f"| {v.text()} |"
        )
    for engine, data in engines.items():
        recompute = data.get("recompute")
        if data.get("status") == "ok" and recompute:
            lines.append(
                f"\n{engine}: objective_progress_recompute of the largest cycle "
                f"({recompute['objectives']:,} objectives): "
                f"{_num(recompute['seconds'] * 1000)} ms, {recompute['changed']} rows changed"
            )
    met, missed, unjudged = tally(result, small)
    lines += ["", f"Budgets: {met} met, {missed} missed, {unjudged} not judged."]
    return "\n".join(lines) + "\n"


def comparison_warnings(result: dict, small: dict) -> list[str]:
    """Why a comparison with the small run may not be like for like."""
    warnings = []
    mine, theirs = result.get("machine") or {}, small.get("machine") or {}
    if mine.get("commit") != theirs.get("commit") or "dirty" in (mine.get("commit") or ""):
        warnings.append(
            f"The small run was measured on commit {theirs.get('commit')}, this one on "
            f"{mine.get('commit')}: queries and times may differ by code, not by size."
        )
    if bool(result.get("quick")) != bool(small.get("quick")):
        warnings.append("One of the two runs is --quick: their percentiles are not comparable.")
    return warnings


def busy(machine: dict) -> bool:
    """Was other work running when the benchmark started (1-minute load ≥ the cores)?"""
    load, cores = machine.get("load_average"), machine.get("cores")
    return load is not None and bool(cores) and load >= cores


def _small_case(small: dict | None, engine: str, key: str) -> dict | None:
    if not small:
        return None
    data = (small.get("engines") or {}).get(engine) or {}
    if data.get("status") != "ok":
        return None
    return (data.get("cases") or {}).get(key)


def all_verdicts(result: dict, small: dict | None = None) -> list[Verdict]:
    verdicts = []
    for engine, data in (result.get("engines") or {}).items():
        if data.get("status") != "ok":
            continue
        for key, case in data.get("cases", {}).items():
            verdicts += case_verdicts(
                key, case, size=result["size"], small_case=_small_case(small, engine, key)
            )
    verdicts += [v for _, v in other_budgets(result)]
    return verdicts


def tally(result: dict, small: dict | None = None) -> tuple[int, int, int]:
    verdicts = all_verdicts(result, small)
    return (
        sum(v.met is True for v in verdicts),
        sum(v.met is False for v in verdicts),
        sum(v.met is None for v in verdicts),
    )
