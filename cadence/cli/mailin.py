"""``cadence mail-in``: one received email on standard input becomes weekly items (a mail
server's pipe, e.g. Postfix's ``pipe`` transport or an alias ``"|cadence mail-in"``)."""

from __future__ import annotations

import argparse
import os
import sys

from cadence.cli import base

# sysexits.h: a temporary failure. Mail servers keep the message and try again later, where any
# other failure would bounce it to its sender.
EX_TEMPFAIL = 75
# Larger messages are no weekly update (and are not read into memory whole).
MAX_BYTES = 10 * 1024 * 1024


def cmd_mail_in(args: argparse.Namespace) -> int:
    """Read one RFC 822 message from standard input and process it. Exit 0 when it was added
    or ignored (the reason on standard error), so the mail server does not bounce it again and
    again; 75 when the database failed, so the mail server retries it later."""
    raw = sys.stdin.buffer.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        print("cadence: mail-in: ignored a message larger than 10 MB.", file=sys.stderr)
        return 0
    base.setup_django()
    from django.db import DatabaseError

    from cadence.mailin import services
    from cadence.mailin.models import ReceivedReply

    # Postfix's pipe names the envelope recipient in ${original_recipient}; local(8) sets it.
    recipients = tuple(r for r in (args.recipient, os.environ.get("ORIGINAL_RECIPIENT", "")) if r)
    try:
        outcome = services.reply_receive(raw=raw, via=ReceivedReply.Via.PIPE, recipients=recipients)
    except DatabaseError as exc:
        print(f"cadence: mail-in: {base.expected_failure(exc)}", file=sys.stderr)
        return EX_TEMPFAIL
    print(f"cadence: mail-in: {outcome}", file=sys.stderr)
    return 0


def register(commands) -> None:
    p = commands.add_parser(
        "mail-in",
        help="read one email (a reply to a reminder or digest) from standard input and add its "
        "lines to the sender's weekly update",
    )
    p.add_argument(
        "--recipient",
        metavar="ADDRESS",
        default="",
        help="the envelope recipient, when the mail server knows it (e.g. Postfix's "
        "${original_recipient})",
    )
    p.set_defaults(handler=cmd_mail_in)
