"""Writes for scheduled emails: claim a send, deliver it, mark it sent — exactly once — and a
person's notification settings and digest subscriptions.

The claim protocol (no queue, no extra service; safe with any number of workers):

1. **Claim** by inserting the ``Delivery`` row. Its unique constraints (one reminder per person
   and week; one digest per person, week and team) make every other insert fail with
   ``IntegrityError``: someone else has the send.
2. **Take over** a claim whose worker died mid-way: a conditional UPDATE
   ``… SET claim_token = new, claimed_at = now WHERE sent_at IS NULL AND claimed_at < now − lease``
   proceeds only if it changed exactly one row. Two workers taking over at once cannot both
   succeed: the database re-checks the WHERE clause on the updated row.
3. **Send** the email outside any transaction, then **mark sent** with an UPDATE guarded by the
   claim token.

A send that fails (the mail server refuses) keeps its claim, records the error and is retried
after the lease, at most ``MAX_ATTEMPTS`` times. The one window that cannot be closed without
the mail server's cooperation lies between the server accepting a message and the UPDATE that
marks it sent: a worker killed exactly there sends that one email again after the lease. It is
one statement long and costs a duplicate, never a loss.
"""

from __future__ import annotations

import logging
import uuid
import zoneinfo
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import dateformat, timezone

from cadence.core import emails
from cadence.orgs.models import Membership, Person, Unit, validate_time_zone
from cadence.scheduling import selectors
from cadence.scheduling.models import Delivery, DigestSubscription
from cadence.scheduling.selectors import DueSend
from cadence.weekly import selectors as weekly_selectors
from cadence.weekly.weeks import format_week

logger = logging.getLogger(__name__)

# A claim older than this whose email is not marked sent belongs to a worker that died.
LEASE = timedelta(minutes=10)
MAX_ATTEMPTS = 5


# Claims ------------------------------------------------------------------------------------


def delivery_claim(*, send: DueSend, lease: timedelta = LEASE) -> Delivery | None:
    """Claim one send for this caller: the claimed row, or None if someone else holds it or
    it was already sent."""
    now = timezone.now()
    token = uuid.uuid4()
    try:
        with transaction.atomic():
            return Delivery.objects.create(
                organization_id=send.unit.organization_id,
                kind=send.kind,
                person=send.person,
                unit=send.unit,
                week=send.week,
                claim_token=token,
                claimed_at=now,
            )
    except IntegrityError:
        pass
    same = Delivery.objects.filter(kind=send.kind, person=send.person, week=send.week)
    if send.kind == Delivery.Kind.DIGEST:
        same = same.filter(unit=send.unit)
    taken = same.filter(
        sent_at__isnull=True, claimed_at__lt=now - lease, attempts__lt=MAX_ATTEMPTS
    ).update(claim_token=token, claimed_at=now, attempts=F("attempts") + 1, updated_at=now)
    if taken != 1:
        return None
    return same.get(claim_token=token)


def delivery_mark_sent(*, delivery: Delivery) -> bool:
    """Record that the email went out. False if the claim was taken over meanwhile (the lease
    ran out while sending): then the other worker sends it too, and we say so in the log."""
    now = timezone.now()
    marked = Delivery.objects.filter(pk=delivery.pk, claim_token=delivery.claim_token).update(
        sent_at=now, last_error="", updated_at=now
    )
    if not marked:
        logger.warning("The claim on %s %s was taken over while sending.", delivery.kind, delivery)
    return bool(marked)


def delivery_record_failure(*, delivery: Delivery, error: BaseException) -> None:
    """Keep the claim (retried after the lease) and say why it failed."""
    Delivery.objects.filter(pk=delivery.pk, claim_token=delivery.claim_token).update(
        last_error=f"{type(error).__name__}: {error}"[:2000], updated_at=timezone.now()
    )


# The emails --------------------------------------------------------------------------------


def _local(moment: datetime, time_zone: str) -> datetime:
    return moment.astimezone(zoneinfo.ZoneInfo(time_zone))


def _common_context(send: DueSend) -> dict:
    person = send.person
    time_zone = weekly_selectors.person_time_zone(person)
    return {
        "person": person,
        "unit": send.unit,
        "week": send.week,
        "week_label": format_week(send.week),
        "deadline": send.deadline,
        # Formatted here: the template's date filter would convert to the server's time zone.
        "deadline_text": dateformat.format(_local(send.deadline, time_zone), "l j F, H:i"),
        "deadline_short": dateformat.format(_local(send.deadline, time_zone), "l H:i"),
        "time_zone": time_zone,
        "settings_url": emails.absolute_url(reverse("notification_settings")),
    }


def _headers(kind: str, context: dict) -> dict[str, str]:
    return {
        "List-Unsubscribe": f"<{context['settings_url']}>",
        "Auto-Submitted": "auto-generated",
        "X-Cadence-Kind": kind,
    }


def _update_path(send: DueSend) -> str:
    return reverse("weekly_update", args=[send.person.id, format_week(send.week)])


def _report_path(send: DueSend) -> str:
    return reverse("team_report", args=[send.unit.id]) + f"?week={format_week(send.week)}"


def _send_reminder(send: DueSend) -> None:
    context = _common_context(send)
    context["update_url"] = emails.absolute_url(_update_path(send))
    emails.reminder(to=send.person.email, context=context, headers=_headers(send.kind, context))


def _send_digest(send: DueSend, reports: dict) -> None:
    key = (send.unit.id, send.week)
    if key not in reports:
        reports[key] = weekly_selectors.team_report(send.unit.organization, send.unit, send.week)
    context = _common_context(send)
    context["report"] = reports[key]
    context["report_url"] = emails.absolute_url(_report_path(send))
    context["is_member"] = Membership.objects.filter(unit=send.unit, person=send.person).exists()
    emails.digest(to=send.person.email, context=context, headers=_headers(send.kind, context))


# The scheduler -----------------------------------------------------------------------------


@dataclass
class RunSummary:
    sent: Counter = field(default_factory=Counter)  # kind → emails sent by this run
    skipped: int = 0  # due, but claimed or sent by someone else
    failed: int = 0  # the mail backend refused; retried after the lease

    @property
    def total_sent(self) -> int:
        return sum(self.sent.values())

    def __str__(self) -> str:
        reminders, digests = self.sent[Delivery.Kind.REMINDER], self.sent[Delivery.Kind.DIGEST]
        text = (
            f"Sent {reminders} reminder{'s' if reminders != 1 else ''} and "
            f"{digests} digest{'s' if digests != 1 else ''}"
        )
        extra = []
        if self.skipped:
            extra.append(f"{self.skipped} already claimed or sent elsewhere")
        if self.failed:
            extra.append(f"{self.failed} failed, to be retried")
        return text + (f" ({'; '.join(extra)})" if extra else "") + "."


def run_once(now: datetime | None = None, *, lease: timedelta = LEASE) -> RunSummary:
    """Send every reminder and digest due at ``now``, each at most once across all workers."""
    now = now or timezone.now()
    summary = RunSummary()
    reports: dict = {}
    for send in selectors.due_sends(now):
        delivery = delivery_claim(send=send, lease=lease)
        if delivery is None:
            summary.skipped += 1
            continue
        try:
            if send.kind == Delivery.Kind.REMINDER:
                _send_reminder(send)
            else:
                _send_digest(send, reports)
        except Exception as error:  # recorded on the claim and logged; retried after the lease
            logger.exception("Could not send the %s to %s.", send.kind, send.person.email)
            delivery_record_failure(delivery=delivery, error=error)
            summary.failed += 1
            continue
        if delivery_mark_sent(delivery=delivery):
            summary.sent[send.kind] += 1
    return summary


@dataclass
class TickSummary:
    carried: int
    sends: RunSummary


def tick(now: datetime | None = None) -> TickSummary:
    """One turn of the worker: carry over the weeks whose deadline passed, then send what is
    due (carry-over first, so a digest is read after its week was closed)."""
    from cadence.weekly import services as weekly_services

    now = now or timezone.now()
    carried = weekly_services.rollover_due(now=now)
    return TickSummary(carried=carried, sends=run_once(now))


# Settings and subscriptions ------------------------------------------------------------------


@transaction.atomic
def notification_settings_update(
    *, person: Person, weekly_reminders: bool, weekly_digests: bool, time_zone: str
) -> Person:
    """A person's own notification settings; a blank time zone means their team's."""
    time_zone = (time_zone or "").strip()
    if time_zone:
        try:
            validate_time_zone(time_zone)
        except ValidationError as exc:
            raise ValidationError({"time_zone": "Choose a time zone from the list."}) from exc
    person = Person.objects.select_for_update().get(pk=person.pk)
    person.weekly_reminders = bool(weekly_reminders)
    person.weekly_digests = bool(weekly_digests)
    person.time_zone = time_zone
    person.save(update_fields=["weekly_reminders", "weekly_digests", "time_zone", "updated_at"])
    return person


def _require_team(actor: Person, unit: Unit) -> None:
    if unit.organization_id != actor.organization_id or not actor.is_active:
        raise PermissionDenied("You can only follow teams of your organization.")
    if unit.kind != Unit.Kind.TEAM:
        raise ValidationError({"unit": "Only teams have a weekly digest."})


@transaction.atomic
def digest_subscribe(*, actor: Person, unit: Unit) -> DigestSubscription:
    """Follow a team's weekly digest (anyone in the organization, viewers included)."""
    _require_team(actor, unit)
    subscription, _ = DigestSubscription.objects.get_or_create(
        unit=unit, person=actor, defaults={"organization_id": unit.organization_id}
    )
    return subscription


@transaction.atomic
def digest_unsubscribe(*, actor: Person, unit: Unit) -> bool:
    """Stop following a team's digest. Returns whether there was a subscription."""
    _require_team(actor, unit)
    deleted, _ = DigestSubscription.objects.filter(unit=unit, person=actor).delete()
    return bool(deleted)
