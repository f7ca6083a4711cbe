"""Reads for replies by email: how the organization's road in is set up, and what came in last."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings

from cadence.mailin.models import ReceivedReply
from cadence.orgs.models import Organization


@dataclass(frozen=True)
class ReplyStatus:
    on: bool  # the organization's switch
    address: str  # the operator's reply mailbox ("" when none)
    imap: bool  # the worker reads a mailbox
    providers: tuple[str, ...]  # inbound webhooks configured
    last_at: datetime | None  # the last reply taken, of anyone in the organization
    last_via: str
    last_added: int
    last_refused: str


def reply_status(organization: Organization) -> ReplyStatus:
    anymail = getattr(settings, "ANYMAIL", {}) or {}
    providers = tuple(
        name
        for name, key in (
            ("Mailgun", "MAILGUN_WEBHOOK_SIGNING_KEY"),
            ("Postmark", "WEBHOOK_SECRET"),
        )
        if anymail.get(key)
    )
    last = (
        ReceivedReply.objects.filter(organization=organization)
        .order_by("-created_at")
        .only("created_at", "via", "items_added", "refused")
        .first()
    )
    return ReplyStatus(
        on=organization.email_replies_on,
        address=settings.CADENCE_REPLY_ADDRESS or "",
        imap=bool(settings.CADENCE_IMAP_URL),
        providers=providers,
        last_at=last.created_at if last else None,
        last_via=last.get_via_display() if last else "",
        last_added=last.items_added if last else 0,
        last_refused=last.refused if last else "",
    )
