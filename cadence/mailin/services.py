"""Writes for replies by email: a received message becomes items of its sender's current week.

``reply_receive`` is the one way in, whichever road the message came by (``cadence mail-in``
from an MTA's pipe, the worker reading an IMAP mailbox, a provider's inbound webhook):

1. read the message (``messages.read_message``); a message a machine sent (out-of-office,
   bounce, list) adds nothing;
2. find the signed reply address among its recipients and check it: well-formed, signed by this
   site for that person in their organization, not expired, the person active;
3. the ``From`` address must be the person's own email (case aside);
4. in ONE transaction: insert the ``ReceivedReply`` row (unique per person and Message-ID — the
   claim: a second copy of the message, from any road or any worker, waits for the first one's
   transaction and then finds the row and adds nothing), add every item through
   ``weekly.services.item_create`` (the person as the actor: the weekly rules, permissions and
   limits apply), and queue the answer email (``mail``'s claimed delivery, sent by the worker):
   what was added, with a link to the week's page. Items are all or nothing: when the weekly
   rules refuse one line, none is added and the answer says why.

Messages that fail 1–3 are answered by nobody (an answer to a forged or stale address would
mail a stranger) and leave no row; the caller gets the reason (``Outcome``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from cadence.core import emails
from cadence.core.errors import Conflict
from cadence.mail import services as mail_services
from cadence.mail.models import Delivery
from cadence.mailin import parsing, tokens
from cadence.mailin.messages import Received, read_message
from cadence.mailin.models import ReceivedReply
from cadence.orgs.models import Person
from cadence.weekly import selectors as weekly_selectors
from cadence.weekly import services as weekly_services
from cadence.weekly.weeks import format_week

logger = logging.getLogger(__name__)

# The most items one reply adds (a longer reply is most likely not an update).
MAX_ITEMS = 50
# Messages one worker turn reads from the mailbox at most (the rest wait for the next turn).
IMAP_TURN_LIMIT = 100
IMAP_TIMEOUT = 30


# The reply address ------------------------------------------------------------------------


def reply_address_for(*, person: Person, now: datetime | None = None) -> str:
    """The signed address replies to ``person``'s reminders and digests go to, valid for
    ``CADENCE_REPLY_DAYS``; "" when no reply mailbox is configured or the person cannot write
    an update (a viewer, someone who left). Answers ``scheduling.hooks.reply_address``."""
    base = settings.CADENCE_REPLY_ADDRESS
    if not base or "@" not in base or not person.is_active or person.is_viewer:
        return ""
    if not person.organization.email_replies_on:
        return ""  # switched off: the reminders say nothing of answering them
    expires = (now or timezone.now()) + timedelta(days=settings.CADENCE_REPLY_DAYS)
    token = tokens.token_make(
        person_id=person.pk, organization_id=person.organization_id, expires=expires
    )
    return tokens.reply_address(base, token)


@transaction.atomic
def reply_test_send(*, actor: Person, now: datetime | None = None) -> str:
    """An admin checks the whole road: an email to them whose answer goes to their own signed
    reply address, queued for the worker. Answering it adds its lines to their week, as a
    reminder's answer would. Returns the reply address it carries."""
    if not actor.is_admin:
        raise PermissionDenied("Only admins test the organization's integrations.")
    if not settings.CADENCE_REPLY_ADDRESS:
        raise Conflict(
            {"reply": "No reply mailbox is configured: the operator sets CADENCE_REPLY_ADDRESS."}
        )
    if not actor.organization.email_replies_on:
        raise Conflict({"reply": "Replies by email are switched off for the organization."})
    now = now or timezone.now()
    address = reply_address_for(person=actor, now=now)
    if not address:
        raise Conflict({"reply": "You cannot write a weekly update, so you have no reply address."})
    week_label = format_week(weekly_selectors.current_week(actor, now))
    mail_services.delivery_enqueue(
        kind=Delivery.Kind.REPLY,
        person=actor,
        key=f"mailin-test:{actor.pk}:{now.isoformat()}",
        template="mailin_test",
        context={"person": actor, "week_label": week_label},
        reply_to=address,
    )
    return address


# Receiving ---------------------------------------------------------------------------------


@dataclass
class Outcome:
    """What became of one message: ``added`` items, or nothing and why (``reason``)."""

    taken: bool = False  # the person's reply, processed now (items added or refused)
    duplicate: bool = False  # the same message was taken before
    added: list[tuple[str, str]] = field(default_factory=list)  # (category name, text)
    reason: str = ""

    def __str__(self) -> str:
        if self.taken and self.added:
            n = len(self.added)
            return f"Added {n} item{'s' if n != 1 else ''}."
        if self.duplicate:
            return "Already processed this message; nothing added."
        return f"Nothing added: {self.reason}"


def _person_of(received: Received, now: datetime) -> tuple[Person | None, str]:
    """The person whose signed address the message went to, or the reason there is none."""
    base = settings.CADENCE_REPLY_ADDRESS
    if not base:
        return None, "no reply address is configured (CADENCE_REPLY_ADDRESS)."
    found = [t for t in (tokens.token_in(a, base) for a in received.recipients) if t]
    if not found:
        return None, "the message was not sent to a reply address."
    reason = "the reply address is not one this site signed."
    for token in found:
        claim = tokens.token_read(token)
        if claim is None:
            continue
        person = Person.objects.select_related("organization").filter(pk=claim.person_id).first()
        if person is None or not claim.verifies(person.organization_id):
            continue
        if claim.expired(now):
            reason = "the reply address has expired; answer a newer reminder."
            continue
        if not person.is_active:
            reason = "the person has left the organization."
            continue
        if not person.organization.email_replies_on:
            reason = "the organization has switched replies by email off."
            continue
        return person, ""
    return None, reason


def _confirm(
    *, person: Person, reply: ReceivedReply, week, added: list[tuple[str, str]], refused: str
) -> None:
    week_label = format_week(week)
    url = emails.absolute_url(reverse("weekly_update", args=[person.pk, week_label]))
    mail_services.delivery_enqueue(
        kind=Delivery.Kind.REPLY,
        person=person,
        key=f"mailin:{reply.pk}",
        template="mailin_reply",
        context={
            "person": person,
            "week_label": week_label,
            "added": added,
            "refused": refused,
            "update_url": url,
        },
    )


def _refusal(error: ValidationError | PermissionDenied) -> str:
    if isinstance(error, PermissionDenied):
        return str(error) or "You may not write this update."
    messages = [m for ms in error.message_dict.values() for m in ms]
    return " ".join(dict.fromkeys(messages)) or "The weekly update refused it."


@transaction.atomic
def _take(
    *, person: Person, received: Received, via: str, now: datetime
) -> tuple[ReceivedReply | None, Outcome]:
    week = weekly_selectors.current_week(person, now)
    try:
        with transaction.atomic():
            reply = ReceivedReply.objects.create(
                organization_id=person.organization_id,
                person=person,
                message_id=received.message_id,
                via=via,
                week=week,
            )
    except IntegrityError:
        return None, Outcome(duplicate=True, reason="already processed.")
    team, _ = weekly_selectors.team_and_rhythm(person)
    categories = weekly_selectors.categories_for(person.organization, team)
    names = {c.slug: c.name for c in categories}
    lines = parsing.items_from_reply(
        parsing.reply_text(received.text), [(c.slug, c.name) for c in categories]
    )
    added: list[tuple[str, str]] = []
    refused = ""
    if not lines:
        refused = "The reply had no new lines to add (quoted text and signatures are left out)."
    elif len(lines) > MAX_ITEMS:
        refused = f"The reply had {len(lines)} lines; one reply adds at most {MAX_ITEMS}."
    else:
        try:
            with transaction.atomic():
                for slug, text in lines:
                    item = weekly_services.item_create(
                        actor=person, person=person, week=week, category=slug, text=text
                    )
                    added.append((names.get(slug, item.category.name), item.text))
        except (ValidationError, PermissionDenied) as error:
            added, refused = [], _refusal(error)
    reply.items_added, reply.refused = len(added), refused
    reply.save(update_fields=["items_added", "refused", "updated_at"])
    _confirm(person=person, reply=reply, week=week, added=added, refused=refused)
    outcome = Outcome(taken=True, added=added, reason=refused)
    return reply, outcome


def reply_receive(
    *, raw: bytes, via: str, recipients: tuple[str, ...] = (), now: datetime | None = None
) -> Outcome:
    """Process one received message (RFC 822 bytes) — see the module's docstring. ``via``: a
    ``ReceivedReply.Via``; ``recipients``: envelope addresses known besides its headers."""
    now = now or timezone.now()
    received = read_message(raw, recipients=tuple(r for r in recipients if r))
    if received.automatic:
        return Outcome(reason=f"sent automatically ({received.automatic}).")
    person, reason = _person_of(received, now)
    if person is None:
        return Outcome(reason=reason)
    if received.sender != person.email.lower():
        return Outcome(reason="the sender is not the person the reply address belongs to.")
    _, outcome = _take(person=person, received=received, via=via, now=now)
    return outcome


# The inbound webhook ----------------------------------------------------------------------


def inbound_received(sender, event, esp_name, **kwargs) -> None:
    """django-anymail's ``inbound`` signal: a provider posted one received message (its
    signature already checked by anymail's view). Hands it to ``reply_receive``."""
    message = event.message
    if message is None:
        return
    recipients = (message.envelope_recipient or "",)
    outcome = reply_receive(
        raw=message.as_bytes(), via=ReceivedReply.Via.WEBHOOK, recipients=recipients
    )
    logger.info("Inbound email from %s: %s", esp_name, outcome)


# The mailbox (IMAP) -------------------------------------------------------------------------


@dataclass(frozen=True)
class Mailbox:
    host: str
    port: int
    secure: bool
    user: str
    password: str
    folder: str


def mailbox_from_url(url: str) -> Mailbox:
    """``imaps://user:pass@host:993/INBOX`` (``imap://`` for a server on this machine)."""
    parts = urlsplit(url)
    if parts.scheme not in ("imap", "imaps") or not parts.hostname:
        raise ValueError("CADENCE_IMAP_URL must look like imaps://user:password@host:993/INBOX.")
    secure = parts.scheme == "imaps"
    return Mailbox(
        host=parts.hostname,
        port=parts.port or (993 if secure else 143),
        secure=secure,
        user=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        folder=unquote(parts.path.lstrip("/")) or "INBOX",
    )


@dataclass
class PollSummary:
    added: int = 0
    ignored: int = 0
    duplicates: int = 0

    def __str__(self) -> str:
        if not (self.added or self.ignored or self.duplicates):
            return ""
        text = f"Read {self.added + self.ignored + self.duplicates} replies from the mailbox"
        return text + f" ({self.added} added to weekly updates, {self.ignored} ignored)."


def mailbox_poll(*, now: datetime | None = None, limit: int = IMAP_TURN_LIMIT) -> PollSummary:
    """Read the unseen messages of ``CADENCE_IMAP_URL``'s folder, process each, then mark it
    seen. Two workers reading at once both may fetch a message; its ``ReceivedReply`` row
    lets one of them add its items. A message whose processing failed stays unseen and is
    read again next turn."""
    import imaplib

    summary = PollSummary()
    box = mailbox_from_url(settings.CADENCE_IMAP_URL)
    client_class = imaplib.IMAP4_SSL if box.secure else imaplib.IMAP4
    client = client_class(box.host, box.port, timeout=IMAP_TIMEOUT)
    try:
        client.login(box.user, box.password)
        status, _ = client.select(_quoted(box.folder))
        if status != "OK":
            raise imaplib.IMAP4.error(f"cannot open the folder {box.folder!r}")
        status, data = client.uid("SEARCH", None, "UNSEEN")
        uids = (data[0] or b"").split() if status == "OK" else []
        for uid in uids[:limit]:
            status, parts = client.uid("FETCH", uid, "(BODY.PEEK[])")
            raw = next((p[1] for p in parts or [] if isinstance(p, tuple)), None)
            if status != "OK" or raw is None:
                continue
            outcome = reply_receive(raw=raw, via=ReceivedReply.Via.IMAP, now=now)
            if outcome.duplicate:
                summary.duplicates += 1
            elif outcome.taken:
                summary.added += 1
            else:
                summary.ignored += 1
                logger.info("A message in the reply mailbox was ignored: %s", outcome.reason)
            client.uid("STORE", uid, "+FLAGS.SILENT", r"(\Seen)")
    finally:
        try:
            client.logout()
        except (imaplib.IMAP4.error, OSError):
            logger.warning("Could not log out of the reply mailbox.", exc_info=True)
    return summary


def _quoted(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def worker_turn(*, now: datetime) -> str:
    """``scheduling.hooks.worker_turn``: read the reply mailbox when ``CADENCE_IMAP_URL`` is
    set. A mailbox that cannot be read is logged and tried again next turn."""
    if not settings.CADENCE_IMAP_URL:
        return ""
    try:
        return str(mailbox_poll(now=now))
    except Exception:  # logged; the worker's other work goes on and the next turn tries again
        logger.exception("Could not read the reply mailbox (CADENCE_IMAP_URL).")
        return "Could not read the reply mailbox (see the log)."


def person_erased(*, person: Person, email: str, name: str) -> set[str]:
    """``orgs.hooks.person_erased``: the record of their replies goes with them."""
    ReceivedReply.objects.filter(person=person).delete()
    return set()
