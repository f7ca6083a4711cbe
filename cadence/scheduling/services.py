"""Writes for scheduled emails — work out what is due, claim each send, render it, send it,
mark it sent (the claim protocol is ``cadence/mail/services.py``'s) — and a person's
notification settings and digest subscriptions. A worker turn (``tick``) also sends the emails
other apps queued (mentions, approvals).
"""

from __future__ import annotations

import logging
import zoneinfo
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import dateformat, timezone

from cadence.audit import services as audit_services
from cadence.core import emails
from cadence.mail import services as mail_services
from cadence.mail.models import Delivery
from cadence.okrs.visibility import sight_of
from cadence.orgs import person_services
from cadence.orgs.models import Membership, Person, Unit
from cadence.scheduling import hooks, notice_services, selectors, subscriber_services
from cadence.scheduling.models import DigestSubscription
from cadence.scheduling.selectors import DueSend
from cadence.weekly import selectors as weekly_selectors
from cadence.weekly.weeks import format_week

logger = logging.getLogger(__name__)

LEASE = mail_services.LEASE
MAX_ATTEMPTS = mail_services.MAX_ATTEMPTS


# Claims ------------------------------------------------------------------------------------


def delivery_claim(*, send: DueSend, lease: timedelta = LEASE) -> Delivery | None:
    """Claim one due reminder or digest for this caller: the claimed row, or None if someone
    else holds it or it was already sent."""
    return mail_services.delivery_claim_scheduled(
        kind=send.kind, person=send.person, unit=send.unit, week=send.week, lease=lease
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
        # Answering the email writes the update (mailin), when a reply mailbox is configured.
        "reply_to": hooks.reply_address(person=person),
    }


def _headers(kind: str, context: dict) -> dict[str, str]:
    headers = {
        "List-Unsubscribe": f"<{context['settings_url']}>",
        "Auto-Submitted": "auto-generated",
        "X-Cadence-Kind": kind,
    }
    if context.get("reply_to"):
        headers["Reply-To"] = context["reply_to"]
    return headers


def _update_path(send: DueSend) -> str:
    return reverse("weekly_update", args=[send.person.id, format_week(send.week)])


def _report_path(send: DueSend) -> str:
    return reverse("team_report", args=[send.unit.id]) + f"?week={format_week(send.week)}"


def _send_reminder(send: DueSend) -> None:
    context = _common_context(send)
    context["update_url"] = emails.absolute_url(_update_path(send))
    emails.reminder(to=send.person.email, context=context, headers=_headers(send.kind, context))


def _send_digest(send: DueSend, reports: dict) -> None:
    # Read as its recipient: items linked to objectives they may not see are left out.
    sight = sight_of(send.person)
    key = (send.unit.id, send.week, sight)
    if key not in reports:
        reports[key] = weekly_selectors.team_report(
            send.unit.organization, send.unit, send.week, viewer=sight
        )
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
            mail_services.delivery_record_failure(delivery=delivery, error=error)
            summary.failed += 1
            continue
        if mail_services.delivery_mark_sent(delivery=delivery):
            summary.sent[send.kind] += 1
    return summary


@dataclass
class TickSummary:
    carried: int
    sends: RunSummary
    queued: mail_services.SendSummary = field(default_factory=mail_services.SendSummary)
    # Audit events past their retention, deleted this turn.
    purged: int = 0
    # What the apps above scheduling did this turn (hooks.worker_turn), one line each.
    others: list[str] = field(default_factory=list)

    @property
    def did_something(self) -> bool:
        return bool(
            self.carried
            or self.sends.total_sent
            or self.sends.failed
            or self.queued.total_sent
            or self.queued.failed
            or self.purged
            or self.others
        )

    def __str__(self) -> str:
        text = f"Carried over {self.carried} item{'s' if self.carried != 1 else ''}. {self.sends}"
        if self.queued.total_sent or self.queued.failed:
            text += f" {self.queued}"
        if self.purged:
            plural = "s" if self.purged != 1 else ""
            text += f" Removed {self.purged} audit event{plural} past their retention."
        for line in self.others:
            text += f" {line}"
        return text


def tick(now: datetime | None = None) -> TickSummary:
    """One turn of the worker: carry over the weeks whose deadline passed, then send what is
    due (carry-over first, so a digest is read after its week was closed), then the emails
    queued by changes (mentions, approvals) and for external subscribers, then what the apps
    above scheduling do each turn (``hooks.worker_turn``)."""
    from cadence.weekly import services as weekly_services

    now = now or timezone.now()
    carried = weekly_services.rollover_due(now=now)
    sends = run_once(now)
    # External subscribers' digests and summaries join the queue sent right below, and so do
    # the notifications time brings (key results turned, retrospectives due, daily digests).
    subscriber_services.subscribers_queue_due(now=now)
    noticed = notice_services.notices_due(now=now)
    queued = mail_services.deliveries_send_queued()
    purged = audit_services.audit_purge(now=now)
    others = [line for line in [noticed, *hooks.worker_turn(now=now)] if line]
    return TickSummary(carried=carried, sends=sends, queued=queued, purged=purged, others=others)


# Settings and subscriptions ------------------------------------------------------------------


def notification_settings_update(
    *, person: Person, weekly_reminders: bool, weekly_digests: bool, time_zone: str
) -> Person:
    """A person's own notification settings; a blank time zone means their team's. (Their
    profile's service, which records the change in the audit trail.)"""
    return person_services.person_profile_update(
        actor=person,
        person=person,
        weekly_reminders=bool(weekly_reminders),
        weekly_digests=bool(weekly_digests),
        time_zone=time_zone or "",
    )


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
