"""The ``cadence`` command line: migrate, serve, demo, worker, remind, rollover, createadmin,
token, people, units, sso, import, export, export-org, import-org, backup, restore, mail-in,
manage.
(The benchmark is not part of the installed command: `make bench`.)

Each module registers its commands on the parser. Expected failures (bad input, an unknown email,
a database that does not answer, a port in use) end with a one-line message on stderr and exit
code 1, never a traceback.
"""

from __future__ import annotations

import argparse
import sys

from cadence.cli import (
    admin,
    archive,
    base,
    exports,
    imports,
    mailin,
    operations,
    people,
    server,
    sso,
    units,
)
from cadence.cli.base import CLIError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cadence",
        description="Cadence: self-hosted OKRs with weekly check-ins.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True
    for module in (
        server,
        admin,
        operations,
        people,
        units,
        sso,
        imports,
        exports,
        archive,
        mailin,
    ):
        module.register(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    if argv and argv[0] == "manage":
        # Everything after "manage" belongs to Django, options included.
        args = argparse.Namespace(handler=admin.cmd_manage, arguments=argv[1:])
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
        message = base.expected_failure(exc)
        if message is None:
            raise
        print(f"cadence: {message}", file=sys.stderr)
        return 1
