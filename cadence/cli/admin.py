"""``cadence remind``, ``rollover``, ``createadmin``, ``token`` (create, list, revoke) and
``manage``: one-off jobs and accounts from the command line."""

from __future__ import annotations

import argparse
import getpass
import uuid
from datetime import datetime

from cadence.cli import base
from cadence.cli.base import CLIError


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
    base.setup_django()
    from cadence.scheduling import services

    moment = _moment(args.now)
    summary = services.run_once(moment)
    print(f"{moment.isoformat(timespec='minutes')}: {summary}")
    return 0


def cmd_rollover(args: argparse.Namespace) -> int:
    """Carry the open plans and problems of --week into the next week (exactly once)."""
    base.setup_django()
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


def cmd_createadmin(args: argparse.Namespace) -> int:
    base.setup_django()
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    from cadence.orgs import services as org_services
    from cadence.orgs.models import Organization, Person

    interactive = base.interactive() and not args.no_input
    organizations = list(Organization.objects.order_by("created_at"))

    def need(value: str | None, flag: str, prompt: str, default: str = "") -> str:
        if value:
            return value.strip()
        if interactive:
            answer = base.ask(prompt, default)
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
    base.setup_django()
    from cadence.orgs import services as org_services
    from cadence.orgs.models import Person

    person = Person.objects.filter(email__iexact=args.email.strip(), is_active=True).first()
    if person is None:
        raise CLIError(f"No active person has the email address {args.email!r}.")
    # Made by the operator, not by the person: the audit trail names no one.
    _token, secret = org_services.api_token_create(
        person=person, name=args.name or "API token", actor=None
    )
    print(f"New API token for {person.name} <{person.email}>. It is shown only once:")
    print(secret)
    return 0


def cmd_token_list(args: argparse.Namespace) -> int:
    """Every API token (of one person with --email): prefix, name, owner, created, last used."""
    base.setup_django()
    from cadence.orgs.models import ApiToken

    tokens = ApiToken.objects.select_related("person").order_by("person__email", "-created_at")
    if args.email:
        tokens = tokens.filter(person__email__iexact=args.email.strip())
    for token in tokens:
        used = f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "never used"
        print(
            f"{token.prefix}…\t{token.name}\t{token.person.email}\t"
            f"{token.created_at:%Y-%m-%d}\t{used}"
        )
    return 0


def cmd_token_revoke(args: argparse.Namespace) -> int:
    """Revoke the token whose prefix (as ``token list`` shows it) or id is given."""
    base.setup_django()
    from cadence.orgs import person_services
    from cadence.orgs.models import ApiToken

    value = args.token.strip().rstrip("…").rstrip(".")
    tokens = ApiToken.objects.select_related("person")
    matches = list(tokens.filter(prefix=value)) if value else []
    if not matches:
        try:
            matches = list(tokens.filter(pk=uuid.UUID(value)))
        except ValueError:  # not an id either
            matches = []
    if len(matches) != 1:
        raise CLIError(
            f"No API token has the prefix or id {args.token!r}."
            if not matches
            else f"Several tokens start with {value!r}: give the token's id."
        )
    token = matches[0]
    person_services.api_token_revoke_by_operator(token=token)
    print(f"Revoked the token {token.prefix}… ({token.name}) of {token.person.email}.")
    return 0


def cmd_setupcode(args: argparse.Namespace) -> int:
    base.setup_django()
    from cadence.onboarding.services import setup_code_issue

    code = setup_code_issue()
    if code is None:
        raise CLIError("This install is set up already; `cadence createadmin` adds an admin.")
    print("Setup code (it works once; the previous one no longer does):")
    print(code)
    return 0


def cmd_manage(args: argparse.Namespace) -> int:
    base.setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["cadence manage", *args.arguments])
    return 0


def register(commands) -> None:
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

    p = commands.add_parser(
        "setupcode", help="print a new one-time code for the first-run setup page (/setup/)"
    )
    p.set_defaults(handler=cmd_setupcode)

    p = commands.add_parser("token", help="API tokens")
    token_commands = p.add_subparsers(dest="token_command", metavar="ACTION")
    token_commands.required = True
    t = token_commands.add_parser("create", help="create an API token; it is the last line")
    t.add_argument("email", metavar="EMAIL")
    t.add_argument("--name", default="API token", help="a label for the token")
    t.set_defaults(handler=cmd_token_create)
    t = token_commands.add_parser("list", help="list API tokens (prefix, name, owner, last use)")
    t.add_argument("--email", help="only this person's tokens")
    t.set_defaults(handler=cmd_token_list)
    t = token_commands.add_parser("revoke", help="revoke an API token by its prefix or id")
    t.add_argument("token", metavar="PREFIX-OR-ID")
    t.set_defaults(handler=cmd_token_revoke)

    p = commands.add_parser("manage", help="run any Django management command (manage help)")
    p.add_argument("arguments", nargs=argparse.REMAINDER)
    p.set_defaults(handler=cmd_manage)
