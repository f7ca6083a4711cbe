"""``cadence people list|invite|deactivate|erase``: an organization's people from the command line.
Changes are recorded in the audit trail as made by the "command line"."""

from __future__ import annotations

import argparse

from cadence.cli import base
from cadence.cli.base import CLIError


def cmd_people_list(args: argparse.Namespace) -> int:
    base.setup_django()
    from cadence.accounts import selectors as invitation_selectors
    from cadence.orgs import person_selectors

    organization = base.organization_choice(args.organization)
    people = person_selectors.people_all(organization).prefetch_related("memberships__unit")
    if not args.all:
        people = people.filter(is_active=True)
    for person in people:
        units = ", ".join(sorted(m.unit.name for m in person.memberships.all()))
        state = "" if person.is_active else "  (deactivated)"
        print(f"{person.email}\t{person.name}\t{person.role}\t{units}{state}")
    if args.all:
        for invitation in invitation_selectors.invitations_pending(organization):
            state = invitation_selectors.invitation_state(invitation)
            print(
                f"{invitation.email}\t{invitation.name}\t{invitation.role}\t\t({state} invitation)"
            )
    return 0


def cmd_people_invite(args: argparse.Namespace) -> int:
    base.setup_django()
    from cadence.accounts import services as invitation_services
    from cadence.orgs.models import Unit
    from cadence.orgs.selectors import units_of

    organization = base.organization_choice(args.organization)
    units = []
    for name in args.team or []:
        found = list(
            units_of(organization).exclude(kind=Unit.Kind.COMPANY).filter(name__iexact=name)
        )
        if len(found) != 1:
            raise CLIError(
                f"No team is called {name!r}."
                if not found
                else f"Several units are called {name!r}; rename one first."
            )
        units.extend(found)
    invitation = invitation_services.invitation_create(
        actor=None,
        organization=organization,
        email=args.email,
        name=args.name or "",
        role=args.role,
        units=units,
    )
    print(
        f"Invited {invitation.email} to {organization.name} as {invitation.role}; the email goes "
        f"out with the worker's next turn. The link works until "
        f"{invitation.expires_at:%Y-%m-%d %H:%M %Z}."
    )
    return 0


def cmd_people_deactivate(args: argparse.Namespace) -> int:
    base.setup_django()
    from cadence.orgs import person_selectors, person_services

    organization = base.organization_choice(args.organization)
    person = person_selectors.person_by_email(organization, args.email)
    if person is None:
        raise CLIError(f"Nobody in {organization.name} has the email address {args.email!r}.")
    if not person.is_active:
        raise CLIError(f"{person.email} is already deactivated.")
    person_services.person_deactivate(actor=None, person=person)
    print(f"Deactivated {person.name} <{person.email}>: they cannot sign in; tokens revoked.")
    return 0


def cmd_people_erase(args: argparse.Namespace) -> int:
    base.setup_django()
    from cadence.orgs import person_selectors, person_services

    organization = base.organization_choice(args.organization)
    person = person_selectors.person_by_email(organization, args.email)
    if person is None:
        raise CLIError(f"Nobody in {organization.name} has the email address {args.email!r}.")
    if person.is_active:
        raise CLIError(
            f"{person.email} is still active. Deactivate them first "
            "(cadence people deactivate), then erase them."
        )
    person = person_services.person_erase(actor=None, person=person)
    print(
        f"Erased {args.email}: now {person.name}, who cannot sign in; their OKRs and weekly "
        "updates stay under that name."
    )
    return 0


def register(commands) -> None:
    p = commands.add_parser("people", help="list, invite, deactivate and erase people")
    people_commands = p.add_subparsers(dest="people_command", metavar="ACTION")
    people_commands.required = True

    def with_organization(parser):
        parser.add_argument(
            "--organization", help="the organization's name (needed when there are several)"
        )
        return parser

    t = with_organization(people_commands.add_parser("list", help="list the active people"))
    t.add_argument(
        "--all", action="store_true", help="also deactivated people and open invitations"
    )
    t.set_defaults(handler=cmd_people_list)

    t = with_organization(
        people_commands.add_parser("invite", help="invite someone by email (queued for the worker)")
    )
    t.add_argument("email", metavar="EMAIL")
    t.add_argument("--name", help="their name (they can change it on accepting)")
    t.add_argument("--role", choices=["admin", "member", "viewer"], default="member")
    t.add_argument(
        "--team", action="append", metavar="NAME", help="a team they join (repeat for several)"
    )
    t.set_defaults(handler=cmd_people_invite)

    t = with_organization(
        people_commands.add_parser("deactivate", help="deactivate someone who left")
    )
    t.add_argument("email", metavar="EMAIL")
    t.set_defaults(handler=cmd_people_deactivate)

    t = with_organization(
        people_commands.add_parser(
            "erase", help="erase a deactivated person's name, email and sign-in (GDPR)"
        )
    )
    t.add_argument("email", metavar="EMAIL")
    t.set_defaults(handler=cmd_people_erase)
