"""Every email about a person's account goes through ``send_account_email``: allauth's (password
reset, email change confirmation, "your password was changed", two-factor notices, through
``adapter.AccountAdapter.send_mail``) and Cadence's own (the lockout notice, ``throttle``).

House rule: no request talks to a mail server. The email is queued as a ``cadence.mail``
Delivery row in the transaction of what caused it, and the worker sends it (claimed, retried,
exactly once).
"""

from __future__ import annotations

import uuid
from typing import Any

from cadence.core import emails as core_emails
from cadence.mail.models import Delivery
from cadence.mail.services import delivery_enqueue_to_address
from cadence.orgs.models import Person


def send_account_email(
    *, to: str, subject: str, text: str, html: str | None = None, person: Person | None = None
) -> None:
    """Queue one account email to the address ``to``; ``person`` is whose account it is about
    (found by the address when not given; none for an address that is nobody's)."""
    if person is None:
        person = Person.objects.filter(email__iexact=to).first()
    delivery_enqueue_to_address(
        kind=Delivery.Kind.ACCOUNT,
        to=to,
        key=f"account:{uuid.uuid4()}",
        subject=subject,
        body=text,
        html=html or "",
        person=person,
    )


def send_template_email(
    name: str, *, to: str, context: dict[str, Any], person: Person | None = None
) -> None:
    """One of Cadence's own account emails, a trio under ``templates/emails/<name>/``."""
    message = core_emails.make_message(name, to=to, context=context)
    html = next((body for body, kind in message.alternatives if kind == "text/html"), None)
    send_account_email(to=to, subject=message.subject, text=message.body, html=html, person=person)
