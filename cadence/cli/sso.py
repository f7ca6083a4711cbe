"""``cadence sso show`` and ``cadence sso set``: the operator sets an organization's OpenID
Connect single sign-on without a browser (the same rules as Settings → Single sign-on; recorded
in the audit trail as made by "command line"). The client secret is read from an environment
variable or a file, never from the command line, where other users of the machine see it."""

from __future__ import annotations

import argparse
import os
import sys

from cadence.cli import base
from cadence.cli.base import CLIError

SECRET_VARIABLE = "SSO_CLIENT_SECRET"


def _secret(args: argparse.Namespace) -> str | None:
    if args.client_secret_file:
        try:
            if args.client_secret_file == "-":
                return sys.stdin.read().strip()
            with open(args.client_secret_file, encoding="utf-8") as file:
                return file.read().strip()
        except (OSError, UnicodeDecodeError) as exc:
            raise CLIError(f"Cannot read the client secret: {exc}.") from exc
    return os.environ.get(SECRET_VARIABLE, "").strip() or None


def cmd_sso_show(args: argparse.Namespace) -> int:
    base.setup_django()
    from cadence.accounts.sso import domains_of, sso_for

    organization = base.organization_choice(args.organization)
    sso = sso_for(organization)
    if sso is None:
        print(f"{organization.name} has no single sign-on.")
        return 0
    print(f"provider:    {sso.name}")
    print(f"enabled:     {'yes' if sso.enabled else 'no'}")
    print(f"issuer:      {sso.issuer}")
    print(f"client id:   {sso.client_id}")
    print(f"secret:      {'set' if sso.client_secret else 'not set'}")
    print(f"domains:     {', '.join(domains_of(sso)) or '(none)'}")
    print(f"required:    {'yes' if sso.require_sso else 'no'}")
    return 0


def cmd_sso_set(args: argparse.Namespace) -> int:
    base.setup_django()
    from cadence.accounts.sso import domains_of, parse_domains, sso_for, sso_settings_set

    organization = base.organization_choice(args.organization)
    current = sso_for(organization)

    def keep(value, field, default=""):
        if value is not None:
            return value
        return getattr(current, field) if current is not None else default

    domains = (
        parse_domains(args.domains)
        if args.domains is not None
        else (domains_of(current) if current is not None else [])
    )
    sso = sso_settings_set(
        actor=None,
        organization=organization,
        enabled=not args.disable,
        name=keep(args.name, "name"),
        issuer=keep(args.issuer, "issuer"),
        client_id=keep(args.client_id, "client_id"),
        client_secret=_secret(args),
        domains=domains,
        require_sso=keep(args.require, "require_sso", False),
    )
    state = "on" if sso.enabled else "off"
    required = ", required" if sso.require_sso else ""
    print(f"Single sign-on with {sso.name} is {state}{required} for {organization.name}.")
    return 0


def register(commands) -> None:
    p = commands.add_parser("sso", help="an organization's single sign-on (OpenID Connect)")
    actions = p.add_subparsers(dest="sso_command", metavar="ACTION")
    actions.required = True

    t = actions.add_parser("show", help="the organization's provider (never its secret)")
    t.add_argument("--organization", help="organization name (needed when there are several)")
    t.set_defaults(handler=cmd_sso_show)

    t = actions.add_parser(
        "set",
        help="set the provider; options left out keep their saved values",
        description=(
            f"The client secret comes from --client-secret-file FILE ('-' reads standard input) "
            f"or the {SECRET_VARIABLE} environment variable; without either, the saved one stays."
        ),
    )
    t.add_argument("--organization", help="organization name (needed when there are several)")
    t.add_argument("--name", help="the provider's name on the sign-in button, e.g. Okta")
    t.add_argument("--issuer", help="the provider's issuer address")
    t.add_argument("--client-id", help="the client id the provider gave you")
    t.add_argument("--client-secret-file", metavar="FILE", help="a file holding the secret")
    t.add_argument("--domains", help="email domains whose people sign in this way, a,b")
    t.add_argument(
        "--require",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="nobody but admins signs in with a password",
    )
    t.add_argument("--disable", action="store_true", help="turn single sign-on off")
    t.set_defaults(handler=cmd_sso_set)
