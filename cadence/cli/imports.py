"""``cadence import okrs FILE``: import objectives, key results and check-ins from a spreadsheet
(the web page's import, for scripted migrations). The command line acts as a person of the
organization (``--as``, by default its first admin), so the services check what that person may
change and the audit trail names them, with "command line" on the import's own event."""

from __future__ import annotations

import argparse
from pathlib import Path

from cadence.cli import base
from cadence.cli.base import CLIError

MB = 1024 * 1024


def _read(path: str, limit: int) -> tuple[str, Path]:
    """The file's name and path: it is read from disk as it is parsed, never held whole."""
    file = Path(path)
    if not file.is_file():
        raise CLIError(f"There is no file {path!r}.")
    size = file.stat().st_size
    if size > limit:
        raise CLIError(
            f"{file.name} is {size / MB:.1f} MB; an import takes files of at most {limit // MB} MB."
        )
    return file.name, file


def _actor(organization, email: str | None):
    from cadence.orgs.models import Person
    from cadence.orgs.selectors import people_of

    if email:
        person = people_of(organization).filter(email__iexact=email.strip()).first()
        if person is None:
            raise CLIError(f"Nobody active in {organization.name} has the email {email!r}.")
        return person
    admin = people_of(organization).filter(role=Person.Role.ADMIN).order_by("created_at").first()
    if admin is None:
        raise CLIError(f"{organization.name} has no active admin: name the importer with --as.")
    return admin


def cmd_import_okrs(args: argparse.Namespace) -> int:
    base.setup_django()
    from django.core.exceptions import PermissionDenied

    from cadence.core.limits import MAX_IMPORT_BYTES
    from cadence.transfer import services
    from cadence.transfer.okr_import import ImportFiles

    organization = base.organization_choice(args.organization)
    actor = _actor(organization, args.actor)
    okr_name, okr_data = _read(args.file, MAX_IMPORT_BYTES)
    check_in_name, check_in_data = "", None
    if args.checkins:
        check_in_name, check_in_data = _read(args.checkins, MAX_IMPORT_BYTES)
    files = ImportFiles(okr_name, okr_data, check_in_name, check_in_data)
    try:
        if args.dry_run:
            plan = services.okr_import_dry_run(actor=actor, organization=organization, files=files)
        else:
            # Planned once, inside the import's transaction: refused whole at the first error.
            plan = services.okr_import_apply(
                actor=actor,
                organization=organization,
                plan=services.Plan(source=files),
                via="command line",
            )
    except services.ImportRefused as refused:
        plan = refused.plan
    except PermissionDenied as exc:
        raise CLIError(f"{actor.email}: {exc}") from None
    for warning in plan.warnings:
        print(f"warning: {warning}")
    counts = plan.counts()
    would = args.dry_run or bool(plan.errors)
    create, change, add = (
        ("to create", "to change", "to add")
        if would
        else (
            "created",
            "changed",
            "added",
        )
    )
    for label, name in (("objectives", "objectives"), ("key results", "key_results")):
        print(
            f"{label}: {counts[name + '_created']} {create}, {counts[name + '_updated']} {change}, "
            f"{counts[name + '_unchanged']} unchanged"
        )
    print(
        f"check-ins: {counts['check_ins_created']} {add}, {counts['check_ins_unchanged']} "
        "already there"
    )
    errors = plan.sorted_errors()
    for error in errors:
        print(error.as_line())
    if plan.errors_dropped:
        print(f"… and {plan.errors_dropped:,} more errors after these.")
    if errors:
        n = plan.error_count
        print(f"{n:,} error{'s' if n != 1 else ''}: nothing was imported.")
        return 1
    if not plan.changes_anything:
        print("Nothing to import: the file matches what is saved.")
    elif args.dry_run:
        print("Dry run: nothing was saved.")
    else:
        print("Imported.")
    return 0


def register(commands) -> None:
    p = commands.add_parser("import", help="import OKRs from a spreadsheet")
    import_commands = p.add_subparsers(dest="import_command", metavar="WHAT")
    import_commands.required = True
    t = import_commands.add_parser(
        "okrs",
        help="objectives, key results and check-ins from an XLSX or CSV file (dry run first, "
        "then all or nothing)",
    )
    t.add_argument("file", metavar="FILE", help="an XLSX workbook or a CSV file of OKRs")
    t.add_argument("--checkins", metavar="FILE", help="a separate CSV or XLSX of check-ins")
    t.add_argument("--organization", help="organization name (needed when there are several)")
    t.add_argument(
        "--as",
        dest="actor",
        metavar="EMAIL",
        help="the admin or lead the import is made as (default: the organization's first admin)",
    )
    t.add_argument("--dry-run", action="store_true", help="say what would change and save nothing")
    t.set_defaults(handler=cmd_import_okrs)
