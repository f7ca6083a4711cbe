"""HTTP load against a local server, and process memory. Standard library only.

Each load thread keeps one keep-alive ``http.client`` connection. A run is bounded twice: at
most ``max_requests`` measured requests and at most ``max_seconds`` (after the warm-up). Every
answer must be 200 or 201: anything else stops the run with ``LoadError`` (no silent errors).
Only 127.0.0.1 is ever targeted.
"""

from __future__ import annotations

import http.client
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

HOST = "127.0.0.1"
OK = (200, 201)


class LoadError(Exception):
    """A request answered with something else than 200/201, or failed."""


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None


# A case gives the i-th request (check-ins rotate over key results).
RequestFactory = Callable[[int], Request]


@dataclass
class LoadResult:
    latencies_ms: list[float]
    seconds: float


class _Client:
    def __init__(self, port: int, timeout: float):
        self.port = port
        self.timeout = timeout
        self.connection: http.client.HTTPConnection | None = None

    def send(self, request: Request) -> tuple[float, int, bytes]:
        """One request; (milliseconds, status, body). A connection the server closed while idle
        is reopened once, and only that attempt is timed."""
        for attempt in (1, 2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection(HOST, self.port, timeout=self.timeout)
            started = time.perf_counter()
            try:
                self.connection.request(
                    request.method, request.path, body=request.body, headers=request.headers
                )
                response = self.connection.getresponse()
                body = response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.close()
                if attempt == 2:
                    raise
                continue
            elapsed = (time.perf_counter() - started) * 1000
            if response.getheader("Connection", "").lower() == "close":
                self.close()
            return elapsed, response.status, body
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def _check(request: Request, status: int, body: bytes) -> None:
    if status not in OK:
        snippet = body[:300].decode("utf-8", "replace").strip()
        raise LoadError(f"{request.method} {request.path} answered {status}: {snippet}")


def run_load(
    port: int,
    make_request: RequestFactory,
    *,
    concurrency: int,
    max_requests: int,
    max_seconds: float,
    warmup: int = 10,
    timeout: float = 60.0,
) -> LoadResult:
    """Warm up with ``warmup`` requests, then measure with ``concurrency`` threads until
    ``max_requests`` answers or ``max_seconds`` passed, whichever comes first."""
    warm = _Client(port, timeout)
    try:
        for i in range(warmup):
            request = make_request(i)
            _, status, body = warm.send(request)
            _check(request, status, body)
    finally:
        warm.close()

    lock = threading.Lock()
    next_ticket = [warmup]
    last_ticket = warmup + max_requests
    latencies: list[float] = []
    errors: list[BaseException] = []
    stop = threading.Event()
    deadline = time.perf_counter() + max_seconds

    def ticket() -> int | None:
        with lock:
            if stop.is_set() or next_ticket[0] >= last_ticket or time.perf_counter() >= deadline:
                return None
            next_ticket[0] += 1
            return next_ticket[0] - 1

    def worker() -> None:
        client = _Client(port, timeout)
        try:
            while (i := ticket()) is not None:
                request = make_request(i)
                elapsed, status, body = client.send(request)
                _check(request, status, body)
                with lock:
                    latencies.append(elapsed)
        except BaseException as exc:
            with lock:
                errors.append(exc)
            stop.set()
        finally:
            client.close()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    if errors:
        raise LoadError(str(errors[0])) from errors[0]
    if not latencies:
        raise LoadError(f"no request answered within {max_seconds} s")
    return LoadResult(latencies, seconds)


def get_status(port: int, path: str, timeout: float = 2.0) -> int | None:
    """The status of one GET on a fresh connection; None if nothing answers."""
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status
    except OSError:
        return None
    finally:
        connection.close()


# Memory ----------------------------------------------------------------------------------


def rss_mb(pid: int) -> float | None:
    """Resident set size (VmRSS) of a process in MB; None if it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def children(pid: int) -> list[int]:
    """The direct children of a process (gunicorn's workers under its master)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        # The command name is in parentheses and may contain spaces: ppid follows the last ")".
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid:
            found.append(int(entry))
    return sorted(found)


class RssSampler:
    """Samples the RSS of some processes every ``interval`` seconds in a thread; keeps the
    maximum seen per process."""

    def __init__(self, pids: list[int], interval: float = 0.1):
        self.pids = pids
        self.interval = interval
        self.max: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while True:
            for pid in self.pids:
                value = rss_mb(pid)
                if value is not None and value > self.max.get(pid, 0):
                    self.max[pid] = value
            if self._stop.wait(self.interval):
                return

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
