"""``cadence backup FILE`` and ``cadence restore FILE``: a consistent copy of the whole
installation, taken while it runs, and bringing one back (docs/operations.md)."""

from __future__ import annotations

import argparse

from cadence.cli import base
from cadence.cli.base import CLIError


def _migrations(count: int) -> str:
    return f"{count} migration{'s' if count != 1 else ''}"


def cmd_backup(args: argparse.Namespace) -> int:
    base.setup_django()
    from cadence.transfer import backup

    try:
        path = backup.backup_create(file=args.file)
    except backup.BackupError as exc:
        raise CLIError(str(exc)) from exc
    size = path.stat().st_size
    print(
        f"Backed up the {backup.ENGINE_NAMES[backup.database_engine()]} database to {path} "
        f"({size:,} bytes)."
    )
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    base.setup_django()
    from cadence.transfer import backup

    try:
        result = backup.backup_restore(file=args.file, force=args.force)
    except backup.BackupError as exc:
        raise CLIError(str(exc)) from exc
    print(f"Restored the {backup.ENGINE_NAMES[result.engine]} database from {args.file}.")
    if result.unknown_migrations:
        raise CLIError(
            "The backup comes from a newer release of Cadence "
            f"({_migrations(result.unknown_migrations)} this release does not know): install "
            "that release or a later one "
            "before starting the app."
        )
    if result.pending_migrations:
        print(
            f"The backup comes from an older release: {_migrations(result.pending_migrations)} "
            "to apply. Run cadence migrate before starting the app and the worker."
        )
    else:
        print("Its migrations match this release: start the app and the worker.")
    return 0


def register(commands) -> None:
    p = commands.add_parser(
        "backup", help="write a consistent copy of the whole database to FILE, while it runs"
    )
    p.add_argument("file", metavar="FILE")
    p.set_defaults(handler=cmd_backup)

    p = commands.add_parser(
        "restore", help="replace the database with a backup made by cadence backup"
    )
    p.add_argument("file", metavar="FILE")
    p.add_argument(
        "--force",
        action="store_true",
        help="replace a database that holds data (everything in it is lost)",
    )
    p.set_defaults(handler=cmd_restore)
