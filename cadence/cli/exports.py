"""``cadence export okrs|check-ins|weekly|scores|learnings``: a cycle's export as CSV or XLSX,
the same file the pages and the API download, to a file or (CSV) to standard output."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cadence.cli import base
from cadence.cli.base import CLIError

WHATS = ("okrs", "check-ins", "weekly", "scores", "learnings")  # cadence.transfer.exports.WHATS
FORMATS = ("csv", "xlsx")


def _cycle(organization, name: str):
    from cadence.okrs.selectors import cycles_of

    wanted = name.strip().lower()
    matches = [
        c
        for c in cycles_of(organization)
        if c.name.strip().lower() == wanted or str(c.id) == wanted
    ]
    if not matches:
        raise CLIError(f"{organization.name} has no cycle called {name!r}.")
    if len(matches) > 1:
        raise CLIError(f"Several cycles are called {name!r}: give the cycle's id.")
    return matches[0]


def _unit(organization, text: str):
    """A unit by its path below the company ("Product/Web"), its name or its id (any case)."""
    from cadence.orgs.selectors import UnitTree

    tree = UnitTree.load(organization)
    wanted = text.strip().strip("/").lower()

    def path(unit) -> str:
        names = [u.name for u in reversed(tree.ancestors(unit.pk)) if u.parent_id]
        return "/".join([*names, unit.name]).lower()

    units = list(tree.units.values())
    for matches in (
        [u for u in units if str(u.id) == wanted],
        [u for u in units if u.parent_id and path(u) == wanted],
        [u for u in units if u.name.strip().lower() == wanted],
    ):
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise CLIError(
                f"Several units are called {text!r}: give its path (Department/Team) or its id "
                "(cadence units list shows it)."
            )
    raise CLIError(f"{organization.name} has no unit called {text!r}.")


def cmd_export(args: argparse.Namespace) -> int:
    if args.format == "xlsx" and not args.output:
        raise CLIError("An XLSX file cannot go to the terminal: name it with --output FILE.")
    base.setup_django()
    from cadence.okrs.visibility import Sight
    from cadence.transfer import exports

    organization = base.organization_choice(args.organization)
    cycle = _cycle(organization, args.cycle)
    unit = _unit(organization, args.unit) if args.unit else None
    # The operator's command line: the whole organization, private objectives included.
    out = exports.export_file(
        organization, cycle, args.what, args.format, unit, viewer=Sight.whole(organization.id)
    )
    if not args.output:
        sys.stdout.flush()
        sys.stdout.buffer.write(out.content)
        sys.stdout.buffer.flush()
        return 0
    target = Path(args.output)
    try:
        target.write_bytes(out.content)
    except OSError as exc:
        raise CLIError(f"Cannot write {target}: {exc.strerror or exc}.") from exc
    print(f"Wrote {target} ({len(out.content):,} bytes).", file=sys.stderr)
    return 0


def register(commands) -> None:
    p = commands.add_parser(
        "export", help="a cycle's OKRs, check-ins, weekly items, scores or learnings as CSV/XLSX"
    )
    p.add_argument("what", choices=WHATS, metavar="WHAT", help=", ".join(WHATS))
    p.add_argument("--cycle", required=True, metavar="NAME", help="the cycle's name or id")
    p.add_argument(
        "--unit",
        metavar="UNIT",
        help="only this unit and the units below it: its path (Product/Web), name or id",
    )
    p.add_argument("--format", choices=FORMATS, default="csv", help="default: csv")
    p.add_argument(
        "--output", metavar="FILE", help="write to FILE (default: standard output, CSV only)"
    )
    p.add_argument("--organization", help="organization name (needed when there are several)")
    p.set_defaults(handler=cmd_export)
