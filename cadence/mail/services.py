"""Writes for emails: queue one, claim a send, deliver it, mark it sent — exactly once.

The claim protocol (no queue, no extra service; safe with any number of workers):

1. **Claim** a *scheduled* email (reminder, digest) by inserting its ``Delivery`` row: the unique
   constraints (one reminder per person and week; one digest per person, week and team) make
   every other insert fail with ``IntegrityError``: someone else has the send. A *queued* email
   (mention, approval) was inserted unclaimed by the change that caused it; a worker claims it
   with ``… SET claim_token = new, claimed_at = now WHERE claimed_at IS NULL AND sent_at IS
   NULL``, which changes the row for exactly one worker.
2. **Take over** a claim whose worker died mid-way: a conditional UPDATE
   ``… SET claim_token = new, claimed_at = now WHERE sent_at IS NULL AND claimed_at < now − lease``
   proceeds only if it changed exactly one row. Two workers taking over at once cannot both
   succeed: the database re-checks the WHERE clause on the updated row.
3. **Send** the email outside any transaction, then **mark sent** with an UPDATE guarded by the
   claim token.

A send that fails (the mail server refuses) keeps its claim, records the error and is retried
after the lease, at most ``MAX_ATTEMPTS`` claims in all. The one window that cannot be closed
without the mail server's cooperation lies between the server accepting a message and the
UPDATE that marks it sent: a worker killed exactly there sends that one email again after the
lease. It is one statement long and costs a duplicate, never a loss.

A queued email is queued **inside the transaction of the change** (``delivery_enqueue``): the
row commits with the comment or the approval, or neither does; no request talks to a mail
server. Its subject and bodies are rendered then, so the worker that sends it needs to know
nothing about the apps above this one (docs/decisions.md, "Issue 12 — mail").
"""

from __future__ import annotations

import logging
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.core.mail import get_connection
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from cadence.core import emails
from cadence.mail import hooks
from cadence.mail.models import Delivery
from cadence.orgs.models import Person, Unit

logger = logging.getLogger(__name__)

# A claim older than this whose email is not marked sent belongs to a worker that died.
LEASE = timedelta(minutes=10)
MAX_ATTEMPTS = 5
# Queued emails one worker turn claims at most (the rest wait for the next turn).
TURN_LIMIT = 500


# Queuing -------------------------------------------------------------------------------------


def delivery_enqueue(
    *,
    kind: str,
    person: Person,
    key: str,
    template: str,
    context: dict[str, Any],
    reply_to: str = "",
) -> bool:
    """Queue one email to ``person``, rendered now from the ``template`` trio (see
    ``cadence.core.emails``), for the worker to send. Call it inside the transaction of the
    change the email is about: it commits or rolls back with it. ``key`` names the email
    (``mention:<notification id>``): queuing the same key again does nothing. Returns whether
    a row was added."""
    if not key:
        raise ValueError("A queued email needs its key.")
    rendered = emails.render(template, context)
    created = Delivery.objects.bulk_create(
        [
            Delivery(
                organization_id=person.organization_id,
                kind=kind,
                person=person,
                key=key,
                subject=rendered.subject,
                body=rendered.body,
                html=rendered.html,
                reply_to=reply_to,
                attempts=0,
            )
        ],
        ignore_conflicts=True,
    )
    # ignore_conflicts leaves the primary key set either way: ask the database.
    return bool(created) and Delivery.objects.filter(pk=created[0].pk).exists()


def delivery_enqueue_to_address(
    *,
    kind: str,
    to: str,
    key: str,
    subject: str,
    body: str,
    html: str = "",
    person: Person | None = None,
    organization_id=None,
    unsubscribe_url: str = "",
) -> bool:
    """Queue one already rendered email to the address ``to`` (an invitee, a new address to
    confirm, an account email), for the worker to send; ``person`` when it is about somebody's
    account (then ``organization_id`` is theirs). Same rules as ``delivery_enqueue``: inside the
    transaction of the change, once per ``key``. ``unsubscribe_url``: the one-click unsubscribe
    link of an email to an external subscriber (sent as RFC 8058 headers)."""
    if not key:
        raise ValueError("A queued email needs its key.")
    if not to:
        raise ValueError("A queued email needs an address.")
    if person is not None:
        organization_id = person.organization_id
    created = Delivery.objects.bulk_create(
        [
            Delivery(
                organization_id=organization_id,
                kind=kind,
                person=person,
                to_address=to,
                key=key,
                subject=" ".join(subject.split()),
                body=body,
                html=html or "",
                unsubscribe_url=unsubscribe_url,
                attempts=0,
            )
        ],
        ignore_conflicts=True,
    )
    return bool(created) and Delivery.objects.filter(pk=created[0].pk).exists()


# Claims ------------------------------------------------------------------------------------


def delivery_claim_scheduled(
    *,
    kind: str,
    person: Person,
    unit: Unit,
    week: date,
    lease: timedelta = LEASE,
) -> Delivery | None:
    """Claim one scheduled send (reminder or digest) for this caller: the claimed row, or None
    if someone else holds it, it was already sent, or it was given up."""
    now = timezone.now()
    token = uuid.uuid4()
    try:
        with transaction.atomic():
            return Delivery.objects.create(
                organization_id=unit.organization_id,
                kind=kind,
                person=person,
                unit=unit,
                week=week,
                claim_token=token,
                claimed_at=now,
            )
    except IntegrityError:
        pass
    same = Delivery.objects.filter(kind=kind, person=person, week=week)
    if kind == Delivery.Kind.DIGEST:
        same = same.filter(unit=unit)
    taken = same.filter(
        sent_at__isnull=True, claimed_at__lt=now - lease, attempts__lt=MAX_ATTEMPTS
    ).update(claim_token=token, claimed_at=now, attempts=F("attempts") + 1, updated_at=now)
    if taken != 1:
        return None
    return same.get(claim_token=token)


def _claimable(now: datetime, lease: timedelta) -> Q:
    """A queued row nobody holds: never claimed, or its claim's lease ran out."""
    return Q(sent_at__isnull=True, attempts__lt=MAX_ATTEMPTS) & (
        Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - lease)
    )


def delivery_claim_queued(*, delivery_id: uuid.UUID, lease: timedelta = LEASE) -> Delivery | None:
    """Claim one queued email: the claimed row, or None if another worker holds it, it was
    sent, or it was given up after ``MAX_ATTEMPTS`` claims."""
    now = timezone.now()
    token = uuid.uuid4()
    taken = (
        Delivery.objects.filter(_claimable(now, lease), pk=delivery_id)
        .exclude(key="")
        .update(claim_token=token, claimed_at=now, attempts=F("attempts") + 1, updated_at=now)
    )
    if taken != 1:
        return None
    return Delivery.objects.select_related("person").get(pk=delivery_id, claim_token=token)


def delivery_mark_sent(*, delivery: Delivery) -> bool:
    """Record that the email went out. False if the claim was taken over meanwhile (the lease
    ran out while sending): then the other worker sends it too, and we say so in the log."""
    now = timezone.now()
    marked = Delivery.objects.filter(pk=delivery.pk, claim_token=delivery.claim_token).update(
        sent_at=now, last_error="", updated_at=now
    )
    if not marked:
        logger.warning("The claim on %s was taken over while sending.", delivery)
    return bool(marked)


def delivery_record_failure(*, delivery: Delivery, error: BaseException) -> None:
    """Keep the claim (retried after the lease) and say why it failed."""
    Delivery.objects.filter(pk=delivery.pk, claim_token=delivery.claim_token).update(
        last_error=f"{type(error).__name__}: {error}"[:2000], updated_at=timezone.now()
    )


def delivery_give_up(*, delivery: Delivery, reason: str) -> None:
    """Never send this one (its claim is spent; the reason stays on the row)."""
    Delivery.objects.filter(pk=delivery.pk, claim_token=delivery.claim_token).update(
        attempts=MAX_ATTEMPTS, last_error=reason[:2000], updated_at=timezone.now()
    )


# Sending the queue ---------------------------------------------------------------------------


# How the worker's summary names a kind whose name is not a noun for the email itself.
NOUNS = {
    Delivery.Kind.SUBSCRIBER: "subscriber email",
    Delivery.Kind.REPLY: "reply confirmation",
    Delivery.Kind.NOTICE: "notification",
    Delivery.Kind.DAILY: "daily digest",
}


@dataclass
class SendSummary:
    sent: Counter = field(default_factory=Counter)  # kind → queued emails sent by this turn
    skipped: int = 0  # claimed by another worker between our look and our claim
    failed: int = 0  # the mail backend refused; retried after the lease

    @property
    def total_sent(self) -> int:
        return sum(self.sent.values())

    def __str__(self) -> str:
        parts = [
            f"{n} {NOUNS.get(kind, kind)}{'s' if n != 1 else ''}"
            for kind, n in sorted(self.sent.items())
        ]
        text = f"Sent {', '.join(parts) if parts else 'no queued emails'}"
        if self.failed:
            text += f" ({self.failed} failed, to be retried)"
        return text + "."


def _headers(delivery: Delivery) -> dict[str, str]:
    headers = {"Auto-Submitted": "auto-generated", "X-Cadence-Kind": delivery.kind}
    if delivery.unsubscribe_url:
        # RFC 8058: a mail client's unsubscribe button POSTs "List-Unsubscribe=One-Click" here.
        headers["List-Unsubscribe"] = f"<{delivery.unsubscribe_url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    if delivery.reply_to:
        headers["Reply-To"] = delivery.reply_to
    return headers


def deliveries_send_queued(*, lease: timedelta = LEASE, limit: int = TURN_LIMIT) -> SendSummary:
    """Send the queued emails nobody holds, oldest first, each at most once across all workers,
    over one connection to the mail server. Called by every turn of the worker."""
    summary = SendSummary()
    waiting = list(
        Delivery.objects.filter(_claimable(timezone.now(), lease))
        .exclude(key="")
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    if not waiting:
        return summary
    connection = get_connection()
    try:  # one session for the turn; a refusal here fails each send below, each recorded
        connection.open()
    except Exception:
        logger.warning("Could not connect to the mail server; each send retries.", exc_info=True)
    try:
        for pk in waiting:
            delivery = delivery_claim_queued(delivery_id=pk, lease=lease)
            if delivery is None:
                summary.skipped += 1
                continue
            person = delivery.person
            # Emails about the organization's work stop when a person leaves; account emails
            # (to an address) go out regardless: they are answers to what was just asked.
            if person is not None and not delivery.to_address and not person.is_active:
                delivery_give_up(delivery=delivery, reason="Not sent: the person left.")
                continue
            to = delivery.recipient
            if not to:
                delivery_give_up(delivery=delivery, reason="Not sent: no address.")
                continue
            rendered = emails.Rendered(delivery.subject, delivery.body, delivery.html)
            message = emails.message(rendered, to=to, headers=_headers(delivery))
            message.connection = connection
            try:
                message.send(fail_silently=False)
            except Exception as error:  # recorded on the claim and logged; retried after the lease
                logger.exception("Could not send the %s to %s.", delivery.kind, to)
                delivery_record_failure(delivery=delivery, error=error)
                summary.failed += 1
                _close(connection)  # the next send opens a fresh session
                continue
            if delivery_mark_sent(delivery=delivery):
                summary.sent[delivery.kind] += 1
                try:
                    hooks.delivery_sent(delivery=delivery)
                except Exception:  # the email went out; the record of it is the listener's
                    logger.exception("A listener failed after sending %s.", delivery)
    finally:
        _close(connection)
    return summary


def _close(connection) -> None:
    try:
        connection.close()
    except Exception:
        logger.warning("Could not close the mail connection.", exc_info=True)
