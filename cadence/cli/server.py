"""``cadence migrate``, ``serve``, ``demo`` and ``worker``: the processes that run Cadence."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import datetime

from cadence.cli import base
from cadence.cli.base import CLIError


def migrate(*, verbose: bool = False) -> int:
    """Bring the database schema up to date. Returns how many migrations were applied."""
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    call_command("migrate", interactive=False, verbosity=1 if verbose else 0)
    return len(pending)


def cmd_migrate(args: argparse.Namespace) -> int:
    base.setup_django()
    applied = migrate(verbose=args.verbose)
    if applied:
        print(f"Applied {applied} migration{'s' if applied != 1 else ''}.")
    else:
        print("The database is up to date.")
    return 0


def serve(*, host: str, port: int, workers: int | None = None) -> None:
    """Serve Cadence with gunicorn (WhiteNoise serves /static/) until interrupted.

    Other long-running processes (a background worker) belong next to this call, started
    before it and stopped after it returns.
    """
    from django.conf import settings
    from django.core.wsgi import get_wsgi_application
    from django.db import connections
    from gunicorn.app.base import BaseApplication

    from cadence.core.limits import MAX_REQUEST_LINE

    _check_port_free(host, port)
    application = get_wsgi_application()
    # Import every view once, here, before the workers are forked: they share those pages of
    # memory, none of them pays for it on its first request, and the garbage collector leaves
    # what was loaded alone (cadence.core.startup). The API's URL conf is imported by each
    # worker on its first API request (cadence/urls.py: half a second of every start otherwise).
    from cadence.core.startup import load_and_freeze

    load_and_freeze()
    # Workers are forked from this process: they must not share its database connection.
    connections.close_all()
    options = {
        "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
        "workers": workers
        or base.positive("WEB_CONCURRENCY", os.environ.get("WEB_CONCURRENCY", 2)),
        "threads": base.positive("GUNICORN_THREADS", os.environ.get("GUNICORN_THREADS", 4)),
        "timeout": 60,
        "limit_request_line": MAX_REQUEST_LINE,
        "accesslog": "-" if settings.DEBUG or os.environ.get("ACCESS_LOG") else None,
        "errorlog": "-",
        "loglevel": os.environ.get("GUNICORN_LOG_LEVEL", "warning"),
        "proc_name": "cadence",
    }

    class CadenceServer(BaseApplication):
        def load_config(self):
            for key, value in options.items():
                if value is not None:
                    self.cfg.set(key, value)

        def load(self):
            return application

    CadenceServer().run()


def _check_port_free(host: str, port: int) -> None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise CLIError(
                f"Cannot listen on {host}:{port} ({exc.strerror or exc}). Is another server "
                "running there? Choose another port with --port or the PORT variable."
            ) from exc


def _follow_port(port: int) -> None:
    """A served ``--port`` counts as PORT for the settings (SITE_URL follows it when unset) and
    for the worker started beside the server; called before Django reads its settings."""
    os.environ["PORT"] = str(port)


def _refuse_unsafe_settings() -> None:
    """With DEBUG off, no serving and no worker on the public development SECRET_KEY."""
    from cadence.core.deploy import secret_key_problem

    problem = secret_key_problem()
    if problem:
        raise CLIError(problem)


def cmd_serve(args: argparse.Namespace) -> int:
    port = base.port_number(args.port)
    workers = base.positive("--workers", args.workers) if args.workers is not None else None
    _follow_port(port)
    base.setup_django(serving=True)
    _refuse_unsafe_settings()
    _print_setup_code(f"http://{args.host}:{port}/setup/")
    print(f"Cadence is serving at http://{args.host}:{port}/ (Ctrl+C stops it)", flush=True)
    serve(host=args.host, port=port, workers=workers)
    return 0


def _print_setup_code(url: str) -> None:
    """On a database with no organization yet: a fresh one-time setup code, printed here only,
    so that nobody else on the network can claim the install before its owner."""
    from cadence.onboarding.services import setup_code_issue

    code = setup_code_issue()
    if code:
        print(
            f"No organization yet. Open {url} and enter the setup code {code} "
            "(it works once; `cadence setupcode` prints a new one).",
            flush=True,
        )


def cmd_demo(args: argparse.Namespace) -> int:
    port = base.port_number(args.port)
    workers = base.positive("--workers", args.workers) if args.workers is not None else None
    if not args.no_serve:
        _follow_port(port)
    # Without SECRET_KEY the demo makes a random one for its processes (the server and its
    # worker child read it from the environment): sessions end when the demo restarts.
    random_key = not os.environ.get("SECRET_KEY")
    if random_key:
        import secrets

        os.environ["SECRET_KEY"] = secrets.token_urlsafe(50)
    base.setup_django(serving=not args.no_serve)
    from cadence.demo import content
    from cadence.demo.loader import DemoError, find_demo, load_demo

    migrate()
    existed = find_demo() is not None
    try:
        organization = load_demo()
    except DemoError as exc:
        raise CLIError(str(exc)) from exc
    state = "already loaded" if existed else "loaded"
    others = [p for p in content.PEOPLE if p.login and p.email != content.ADMIN_EMAIL]
    print(f"Demo organization {organization.name}: {state}.")
    print()
    print(f"  Open      http://{args.host}:{port}/")
    print(f"  Email     {content.ADMIN_EMAIL}")
    print(f"  Password  {content.DEMO_PASSWORD}")
    print()
    print("  Also with the same password: " + ", ".join(f"{p.email} ({p.role})" for p in others))
    print(flush=True)
    if args.no_serve:
        return 0
    if random_key:
        print(
            "No SECRET_KEY is set: this run uses a random one, so sessions end (everyone is "
            "logged out) when the demo restarts. Set SECRET_KEY to keep them.",
            flush=True,
        )
    print("Serving the demo with its worker; emails print here (Ctrl+C stops both)", flush=True)
    # Until gunicorn installs its own handlers, a SIGTERM (a service manager stopping the demo
    # as it starts) must still unwind through the `finally` below and stop the worker.
    signal.signal(signal.SIGTERM, _exit_on_signal)
    worker = _start_worker_process()
    try:
        serve(host=args.host, port=port, workers=workers)
    finally:
        _stop_worker_process(worker)
    return 0


def _exit_on_signal(signum, frame) -> None:
    raise SystemExit(128 + signum)


def _start_worker_process() -> subprocess.Popen:
    """``cadence worker`` in a child process next to the server, sharing its terminal (so
    its emails print there) and its environment (so mail goes where the server's would)."""
    env = {**os.environ, "CADENCE_WORKER_PARENT": str(os.getpid())}
    env.setdefault("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
    return subprocess.Popen([sys.executable, "-m", "cadence.cli", "worker"], env=env)


def _stop_worker_process(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        worker.terminate()
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


def _interval(value: str | int) -> float:
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        seconds = 0
    if not 1 <= seconds <= 86400:
        raise CLIError(f"--interval must be a number of seconds from 1 to 86400, not {value!r}.")
    return seconds


def _pause(seconds: float, stop: threading.Event) -> None:
    """Wait ``seconds`` or until ``stop`` is set, in short sleeps. Not ``stop.wait(seconds)``:
    under a shifted clock (faketime, which the CI's moved-date run uses) a timed wait on a lock
    never returns, while a sleep does; a signal still ends the pause within a quarter second."""
    until = time.monotonic() + seconds
    while not stop.is_set():
        left = until - time.monotonic()
        if left <= 0:
            return
        time.sleep(min(left, 0.25))


def cmd_worker(args: argparse.Namespace) -> int:
    """Every --interval seconds: carry over weeks whose deadline passed, then send the
    reminders and digests that are due and the emails changes queued (mentions, approvals).
    SIGTERM or Ctrl+C stops it between two turns."""
    interval = _interval(args.interval)
    base.setup_django()
    _refuse_unsafe_settings()
    from django.db import DatabaseError, close_old_connections, connections

    from cadence.scheduling import services

    stop = threading.Event()

    def request_stop(signum, frame):
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    parent = os.environ.get("CADENCE_WORKER_PARENT")
    print(f"Cadence worker: a turn every {interval:g} s (Ctrl+C stops it)", flush=True)
    turns = 0
    while not stop.is_set():
        close_old_connections()
        try:
            result = services.tick()
        except DatabaseError as exc:
            # The database may come back: report and try again next turn.
            print(f"cadence worker: {base.expected_failure(exc)}", file=sys.stderr, flush=True)
        except Exception:
            # A bug in one turn must not stop every later email: log it whole, go on.
            logging.getLogger("cadence.worker").exception("A worker turn failed.")
        else:
            turns += 1
            stamp = datetime.now().astimezone().strftime("%Y-%m-%d %H:%M:%S %Z")
            if result.did_something:
                print(f"[{stamp}] {result}", flush=True)
            elif args.verbose:
                print(f"[{stamp}] Turn {turns}: nothing was due.", flush=True)
        if parent and str(os.getppid()) != parent:
            break  # started by `cadence demo`, which is gone
        _pause(interval, stop)
    connections.close_all()
    print("Cadence worker stopped.", flush=True)
    return 0


def register(commands) -> None:
    p = commands.add_parser("migrate", help="create or update the database tables")
    p.add_argument("-v", "--verbose", action="store_true", help="list each migration")
    p.set_defaults(handler=cmd_migrate)

    def server_options(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--host", default=base.DEFAULT_HOST, help=f"address (default {base.DEFAULT_HOST})"
        )
        p.add_argument(
            "--port",
            default=base.default_port(),
            help=f"port (default: the PORT variable, else {base.DEFAULT_PORT})",
        )
        p.add_argument(
            "--workers",
            default=None,
            help="gunicorn worker processes (default: WEB_CONCURRENCY, else 2)",
        )

    p = commands.add_parser("serve", help="serve Cadence over HTTP with gunicorn")
    server_options(p)
    p.set_defaults(handler=cmd_serve)

    p = commands.add_parser(
        "demo", help="migrate, load the demo organization if absent, print its login and serve"
    )
    server_options(p)
    p.add_argument(
        "--no-serve", action="store_true", help="load the demo and print its login, then stop"
    )
    p.set_defaults(handler=cmd_demo)

    p = commands.add_parser(
        "worker", help="carry over weeks and send reminders and digests, in a loop"
    )
    p.add_argument("--interval", default=60, help="seconds between two turns (default 60)")
    p.add_argument(
        "--verbose", action="store_true", help="also print a line after a turn with nothing due"
    )
    p.set_defaults(handler=cmd_worker)
