"""``cadence export-org`` and ``cadence import-org``: the whole-organization archive
(cadence/transfer/archive.py), to move an organization to another installation — SQLite to
PostgreSQL and back — or to keep everything it owns."""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

from cadence.cli import base
from cadence.cli.base import CLIError


def cmd_export_org(args: argparse.Namespace) -> int:
    base.setup_django()
    from cadence.transfer.archive import ArchiveError, organization_export

    organization = base.organization_choice(args.organization)
    target = Path(args.output)
    if target.is_dir():
        raise CLIError(f"{target} is a folder; give the archive's file name.")
    if target.exists() and not args.force:
        raise CLIError(f"{target} already exists; choose another name or add --force.")
    folder = target.resolve().parent
    if not folder.is_dir():
        raise CLIError(f"The folder {folder} does not exist.")
    # Written beside the target and renamed when complete: a failed export leaves no half file.
    handle, partial = tempfile.mkstemp(prefix=".cadence-archive-", suffix=".zip", dir=folder)
    try:
        with os.fdopen(handle, "wb") as out:
            manifest = organization_export(
                actor=None,
                organization=organization,
                out=out,
                with_passwords=args.with_passwords,
            )
        os.replace(partial, target)
    except ArchiveError as exc:
        raise CLIError(str(exc)) from exc
    except OSError as exc:
        raise CLIError(f"Cannot write {target}: {exc.strerror or exc}.") from exc
    finally:
        if os.path.exists(partial):
            os.unlink(partial)
    rows = sum(m["rows"] for m in manifest["members"].values())
    people = manifest["members"].get("orgs.person.jsonl", {}).get("rows", 0)
    print(f"Exported {organization.name}: {rows} rows ({people} people) to {target}.")
    if args.with_passwords:
        print(
            "The archive holds password hashes, two-factor secrets and the single sign-on "
            "client secret: keep it as safe as the database."
        )
    else:
        print(
            "Password hashes, two-factor secrets and the single sign-on client secret are left "
            "out (add --with-passwords to keep them): after an import people set a new password "
            'with "Forgot password".'
        )
    return 0


def cmd_import_org(args: argparse.Namespace) -> int:
    base.setup_django()
    from cadence.transfer.archive import ArchiveError, organization_import

    source = Path(args.file)
    if not source.is_file():
        raise CLIError(f"{source} is not a file.")
    try:
        result = organization_import(source=source)
    except ArchiveError as exc:
        raise CLIError(str(exc)) from exc
    rows = sum(result.rows.values())
    people = result.rows.get("orgs.person", 0)
    print(f"Imported {result.organization.name}: {rows} rows ({people} people).")
    if not result.with_passwords:
        print(
            "The archive held no passwords: people sign in after choosing a new password with "
            '"Forgot password" (an admin can also send them a reset).'
        )
    return 0


def register(commands) -> None:
    p = commands.add_parser(
        "export-org",
        help="write everything an organization owns to an archive file",
        description=(
            "Writes a zip archive of the organization: people, units, cycles, objectives, key "
            "results, check-ins, weekly updates, comments, reviews, scores, settings and the "
            "audit trail. Password hashes and other secrets only with --with-passwords."
        ),
    )
    p.add_argument("--organization", help="organization name (needed when there are several)")
    p.add_argument("--output", required=True, metavar="FILE", help="the archive to write (.zip)")
    p.add_argument(
        "--with-passwords",
        action="store_true",
        help="also password hashes, two-factor secrets and the single sign-on client secret",
    )
    p.add_argument("--force", action="store_true", help="replace FILE if it exists")
    p.set_defaults(handler=cmd_export_org)

    p = commands.add_parser(
        "import-org",
        help="load an organization archive into this installation",
        description=(
            "Loads an archive written by cadence export-org, all or nothing. Refuses when the "
            "organization or one of its people's emails already exists here."
        ),
    )
    p.add_argument("file", metavar="FILE", help="the archive written by cadence export-org")
    p.set_defaults(handler=cmd_import_org)
