"""The ``cadence`` command line: migrate, serve, demo, worker, remind, rollover, createadmin,
token create, bench, manage.

Expected failures (bad input, an unknown email, a database that does not answer, a port in
use) end with a one-line message on stderr and exit code 1, never a traceback.
"""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import warnings
from datetime import datetime
from pathlib import Path

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
PACKAGE_ROOT = Path(__file__).resolve().parent.parent


class CLIError(Exception):
    """An expected failure: printed as a message, exit code 1."""


# Django set-up ---------------------------------------------------------------------------


def _static_manifest_exists() -> bool:
    static_root = Path(os.environ.get("STATIC_ROOT", PACKAGE_ROOT / "staticfiles"))
    return (static_root / "staticfiles.json").is_file()


def _setup_django(*, serving: bool = False) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cadence.settings")
    if serving and not _static_manifest_exists():
        # No collectstatic has run: serve static files as they are, straight from the app's
        # folders (WhiteNoise finds them), instead of the hashed manifest storage.
        os.environ.setdefault("CADENCE_PLAIN_STATIC", "1")
        # WhiteNoise would warn that STATIC_ROOT does not exist: expected without collectstatic.
        warnings.filterwarnings("ignore", message="No directory at: ")
    import django

    django.setup()


def _port(value: str | int) -> int:
    try:
        port = int(value)
    except (TypeError, ValueError) as exc:
        raise CLIError(f"The port must be a number between 1 and 65535, not {value!r}.") from exc
    if not 1 <= port <= 65535:
        raise CLIError(f"The port must be a number between 1 and 65535, not {value!r}.")
    return port


def _positive(name: str, value: str | int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if number < 1:
        raise CLIError(f"{name} must be a whole number of at least 1, not {value!r}.")
    return number


def _default_port() -> str:
    return os.environ.get("PORT", str(DEFAULT_PORT))


# Commands --------------------------------------------------------------------------------


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
    _setup_django()
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

    _check_port_free(host, port)
    application = get_wsgi_application()
    # Import every view and the API's schemas once, here, before the workers are forked: they
    # share those pages of memory and none of them pays for it on its first request.
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018
    # Workers are forked from this process: they must not share its database connection.
    connections.close_all()
    options = {
        "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
        "workers": workers or _positive("WEB_CONCURRENCY", os.environ.get("WEB_CONCURRENCY", 2)),
        "threads": _positive("GUNICORN_THREADS", os.environ.get("GUNICORN_THREADS", 4)),
        "timeout": 60,
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


def cmd_serve(args: argparse.Namespace) -> int:
    port = _port(args.port)
    workers = _positive("--workers", args.workers) if args.workers is not None else None
    _setup_django(serving=True)
    print(f"Cadence is serving at http://{args.host}:{port}/ (Ctrl+C stops it)", flush=True)
    serve(host=args.host, port=port, workers=workers)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    port = _port(args.port)
    workers = _positive("--workers", args.workers) if args.workers is not None else None
    _setup_django(serving=not args.no_serve)
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
    print("Serving the demo with its worker; emails print here (Ctrl+C stops both)", flush=True)
    worker = _start_worker_process()
    try:
        serve(host=args.host, port=port, workers=workers)
    finally:
        _stop_worker_process(worker)
    return 0


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


def cmd_worker(args: argparse.Namespace) -> int:
    """Every --interval seconds: carry over weeks whose deadline passed, then send the
    reminders and digests that are due. SIGTERM or Ctrl+C stops it between two turns."""
    interval = _interval(args.interval)
    _setup_django()
    from django.db import DatabaseError, close_old_connections, connections

    from cadence.scheduling import services

    stop = threading.Event()

    def request_stop(signum, frame):
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    parent = os.environ.get("CADENCE_WORKER_PARENT")
    print(f"Cadence worker: a turn every {interval:g} s (Ctrl+C stops it)", flush=True)
    while not stop.is_set():
        close_old_connections()
        try:
            result = services.tick()
        except DatabaseError as exc:
            # The database may come back: report and try again next turn.
            print(f"cadence worker: {_expected_failure(exc)}", file=sys.stderr, flush=True)
        except Exception:
            # A bug in one turn must not stop every later email: log it whole, go on.
            logging.getLogger("cadence.worker").exception("A worker turn failed.")
        else:
            if result.carried or result.sends.total_sent or result.sends.failed:
                stamp = datetime.now().astimezone().strftime("%Y-%m-%d %H:%M:%S %Z")
                print(
                    f"[{stamp}] Carried over {result.carried} item"
                    f"{'s' if result.carried != 1 else ''}. {result.sends}",
                    flush=True,
                )
        if parent and str(os.getppid()) != parent:
            break  # started by `cadence demo`, which is gone
        stop.wait(interval)
    connections.close_all()
    print("Cadence worker stopped.", flush=True)
    return 0


def _moment(text: str | None) -> datetime:
    """--now: an ISO date-time; without an offset it is read in the TIME_ZONE setting."""
    from django.utils import timezone

    if not text:
        return timezone.now()
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise CLIError(
            f"--now must be an ISO date and time such as 2026-11-27T15:30+01:00, not {text!r}."
        ) from exc
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def cmd_remind(args: argparse.Namespace) -> int:
    """Send the reminders and digests due at --now (default: now), once. Safe to repeat: a
    send already made, by this command or the worker, is not made again."""
    _setup_django()
    from cadence.scheduling import services

    moment = _moment(args.now)
    summary = services.run_once(moment)
    print(f"{moment.isoformat(timespec='minutes')}: {summary}")
    return 0


def cmd_rollover(args: argparse.Namespace) -> int:
    """Carry the open plans and problems of --week into the next week (exactly once)."""
    _setup_django()
    from cadence.weekly import services as weekly_services
    from cadence.weekly.weeks import WeekError, format_week, next_week, parse_week

    try:
        monday = parse_week(args.week)
    except WeekError as exc:
        raise CLIError(str(exc)) from exc
    carried = weekly_services.rollover_week(week=monday)
    print(
        f"Carried {carried} item{'s' if carried != 1 else ''} over from {format_week(monday)} "
        f"into {format_week(next_week(monday))}."
    )
    return 0


def _ask(prompt: str, default: str = "") -> str:
    suffix = f" [{default}]" if default else ""
    answer = input(f"{prompt}{suffix}: ").strip()
    return answer or default


def _interactive() -> bool:
    return sys.stdin.isatty()


def cmd_createadmin(args: argparse.Namespace) -> int:
    _setup_django()
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    from cadence.orgs import services as org_services
    from cadence.orgs.models import Organization, Person

    interactive = _interactive() and not args.no_input
    organizations = list(Organization.objects.order_by("created_at"))

    def need(value: str | None, flag: str, prompt: str, default: str = "") -> str:
        if value:
            return value.strip()
        if interactive:
            answer = _ask(prompt, default)
            if answer:
                return answer
        if default:
            return default
        raise CLIError(f"Give {flag} (or run the command in a terminal to be asked).")

    org_default = organizations[0].name if len(organizations) == 1 else ""
    org_name = need(args.organization, "--organization", "Organization", org_default)
    email = need(args.email, "--email", "Email")
    try:
        validate_email(email)
    except ValidationError as exc:
        raise CLIError(f"{email!r} is not a valid email address.") from exc
    default_name = email.split("@")[0].replace(".", " ").replace("_", " ").title()
    name = need(args.name, "--name", "Name", default_name)

    password = args.password
    if not password:
        if not interactive:
            raise CLIError("Give --password (or run the command in a terminal to be asked).")
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Password (again): "):
            raise CLIError("The two passwords differ.")
    try:
        validate_password(password)
    except ValidationError as exc:
        raise CLIError(" ".join(exc.messages)) from exc

    matches = [o for o in organizations if o.name.strip().lower() == org_name.strip().lower()]
    if len(matches) > 1:
        raise CLIError(f"Several organizations are called {org_name!r}; cannot tell which one.")
    if matches:
        organization = matches[0]
        person = org_services.person_create(
            organization=organization,
            email=email,
            name=name,
            role=Person.Role.ADMIN,
            password=password,
        )
        print(f"Added {person.email} as an admin of {organization.name}.")
    else:
        organization = org_services.organization_create(
            name=org_name, admin_email=email, admin_name=name, admin_password=password
        )
        print(f"Created organization {organization.name} with admin {email}.")
    return 0


def cmd_token_create(args: argparse.Namespace) -> int:
    _setup_django()
    from cadence.orgs import services as org_services
    from cadence.orgs.models import Person

    person = Person.objects.filter(email__iexact=args.email.strip(), is_active=True).first()
    if person is None:
        raise CLIError(f"No active person has the email address {args.email!r}.")
    _token, secret = org_services.api_token_create(person=person, name=args.name or "API token")
    print(f"New API token for {person.name} <{person.email}>. It is shown only once:")
    print(secret)
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    """Generate an organization of --size and measure it over HTTP (cadence/bench/run.py)."""
    from cadence.bench import run as bench

    try:
        return bench.run(args)
    except bench.BenchError as exc:
        raise CLIError(str(exc)) from exc


def cmd_manage(args: argparse.Namespace) -> int:
    _setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["cadence manage", *args.arguments])
    return 0


# Parser ----------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cadence",
        description="Cadence: self-hosted OKRs with weekly check-ins.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True

    p = commands.add_parser("migrate", help="create or update the database tables")
    p.add_argument("-v", "--verbose", action="store_true", help="list each migration")
    p.set_defaults(handler=cmd_migrate)

    def server_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("--host", default=DEFAULT_HOST, help=f"address (default {DEFAULT_HOST})")
        p.add_argument(
            "--port",
            default=_default_port(),
            help=f"port (default: the PORT variable, else {DEFAULT_PORT})",
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
    p.set_defaults(handler=cmd_worker)

    p = commands.add_parser(
        "remind", help="send the reminders and digests due now (or at --now), once"
    )
    p.add_argument(
        "--now",
        metavar="ISO-DATETIME",
        help="the moment to send for, e.g. 2026-11-27T15:30+01:00 (default: now)",
    )
    p.set_defaults(handler=cmd_remind)

    p = commands.add_parser(
        "rollover", help="carry a week's open plans and problems into the next week"
    )
    p.add_argument("--week", required=True, metavar="YYYY-Www", help="the week, e.g. 2026-W47")
    p.set_defaults(handler=cmd_rollover)

    p = commands.add_parser(
        "createadmin",
        help="create an organization with its first admin, or add an admin to one",
    )
    p.add_argument("--email")
    p.add_argument("--name")
    p.add_argument(
        "--organization",
        help="organization name; an existing organization of that name gets the new admin",
    )
    p.add_argument("--password")
    p.add_argument("--no-input", action="store_true", help="never prompt")
    p.set_defaults(handler=cmd_createadmin)

    p = commands.add_parser("token", help="API tokens")
    token_commands = p.add_subparsers(dest="token_command", metavar="ACTION")
    token_commands.required = True
    t = token_commands.add_parser("create", help="create an API token; it is the last line")
    t.add_argument("email", metavar="EMAIL")
    t.add_argument("--name", default="API token", help="a label for the token")
    t.set_defaults(handler=cmd_token_create)

    p = commands.add_parser(
        "bench", help="generate an organization of a given size and benchmark it (make bench)"
    )
    from cadence.bench.run import add_arguments as bench_arguments

    bench_arguments(p)
    p.set_defaults(handler=cmd_bench)

    p = commands.add_parser("manage", help="run any Django management command (manage help)")
    p.add_argument("arguments", nargs=argparse.REMAINDER)
    p.set_defaults(handler=cmd_manage)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    if argv and argv[0] == "manage":
        # Everything after "manage" belongs to Django, options included.
        args = argparse.Namespace(handler=cmd_manage, arguments=argv[1:])
    else:
        args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except CLIError as exc:
        print(f"cadence: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(file=sys.stderr)
        return 130
    except Exception as exc:
        message = _expected_failure(exc)
        if message is None:
            raise
        print(f"cadence: {message}", file=sys.stderr)
        return 1


def _expected_failure(exc: Exception) -> str | None:
    """A message for failures a user can fix (bad input, database down), else None."""
    from django.core.exceptions import ValidationError
    from django.db import DatabaseError

    if isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            return " ".join(
                f"{'' if field == '__all__' else field + ': '}{message}"
                for field, messages in exc.message_dict.items()
                for message in messages
            )
        return " ".join(exc.messages)
    if isinstance(exc, DatabaseError):
        from django.conf import settings

        engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return (
            f"the database ({engine}) failed: {first_line}. Check DATABASE_URL and that the "
            "database is running and migrated (cadence migrate)."
        )
    return None


if __name__ == "__main__":
    sys.exit(main())
