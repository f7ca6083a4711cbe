"""``cadence units list`` and ``cadence units create``: the organization's departments and teams
from the command line (for scripted setups). The command line has no person: its changes are
recorded in the audit trail as made by "command line"."""

from __future__ import annotations

import argparse

from cadence.cli import base
from cadence.cli.base import CLIError

ACTOR_LABEL = "command line"


def cmd_units_list(args: argparse.Namespace) -> int:
    """The unit tree, one unit a line, indented under its parent, with its id."""
    base.setup_django()
    from cadence.orgs.selectors import UnitTree

    organization = base.organization_choice(args.organization)
    for unit, depth in UnitTree.load(organization).walk():
        labels = [unit.get_kind_display().lower()]
        if unit.archived_at is not None:
            labels.append("archived")
        print(f"{'  ' * depth}{unit.name} ({', '.join(labels)})  {unit.id}")
    return 0


def cmd_units_create(args: argparse.Namespace) -> int:
    base.setup_django()
    from cadence.orgs import services
    from cadence.orgs.selectors import company_unit, units_of

    organization = base.organization_choice(args.organization)
    if args.parent:
        wanted = args.parent.strip().lower()
        parents = [
            u for u in units_of(organization) if u.name.lower() == wanted or str(u.id) == wanted
        ]
        if not parents:
            raise CLIError(f"{organization.name} has no unit called {args.parent!r}.")
        if len(parents) > 1:
            raise CLIError(
                f"Several units are called {args.parent!r}: give the parent's id "
                "(cadence units list shows it)."
            )
        parent = parents[0]
    else:
        parent = company_unit(organization)
    unit = services.unit_create(
        actor=None,
        actor_label=ACTOR_LABEL,
        organization=organization,
        parent=parent,
        name=args.name,
        kind=args.kind,
    )
    print(f"Created the {unit.kind} {unit.name} in {parent.name}.  {unit.id}")
    return 0


def register(commands) -> None:
    p = commands.add_parser("units", help="departments and teams: list them, create one")
    unit_commands = p.add_subparsers(dest="units_command", metavar="ACTION")
    unit_commands.required = True

    t = unit_commands.add_parser("list", help="the unit tree, indented, with ids")
    t.add_argument("--organization", help="organization name (needed when there are several)")
    t.set_defaults(handler=cmd_units_list)

    t = unit_commands.add_parser("create", help="create a department or a team")
    t.add_argument("name", metavar="NAME")
    t.add_argument("--kind", choices=["department", "team"], default="team", help="default: team")
    t.add_argument(
        "--parent", metavar="UNIT", help="the parent's name or id (default: the company)"
    )
    t.add_argument("--organization", help="organization name (needed when there are several)")
    t.set_defaults(handler=cmd_units_create)
