"""Writes for Slack and Teams channels: the connections a unit's leads (or an admin) make, the
posts the worker queues when a message is due, and the worker's turn that posts them.

The protocol is the webhooks' (``services``): a post is a row with a unique ``key``
(``<channel>:<message>:<week, day or key result turn>``), so queuing it twice — two workers, two
turns — makes one row; it is **claimed** by a conditional UPDATE with a lease, **posted** outside
any transaction through ``cadence.core.outbound`` (private addresses refused unless the operator
allows them, a timeout, no redirect followed), and its answer **recorded** under the claim: a
2xx posts it, anything else waits ``events.wait_after(attempts)`` and is tried again, up to
``events.MAX_ATTEMPTS`` attempts. Nothing is posted while a page loads: a page only queues.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
import zoneinfo
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import requests
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import dateformat, timezone

from cadence.audit.services import audit_record, changes_between
from cadence.core import outbound
from cadence.core.emails import absolute_url
from cadence.core.errors import Conflict
from cadence.core.limits import MAX_CHANNEL_LABEL, MAX_CHANNELS
from cadence.integrations import addresses
from cadence.integrations import channel_payloads as payloads
from cadence.integrations import channel_selectors as selectors
from cadence.integrations import events as backoff
from cadence.integrations.models import ChannelConnection, ChannelPost, KeyResultMark
from cadence.okrs import progress as arithmetic
from cadence.orgs.models import Person, Unit
from cadence.orgs.selectors import Access
from cadence.weekly.models import PROBLEMS
from cadence.weekly.selectors import primary_team
from cadence.weekly.weeks import format_week

logger = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
TURN_LIMIT = 100
LOG_DAYS = 30
MAX_ERROR = 500
# How often the worker looks for key results that turned off track or stalled, per channel.
ALERTS_EVERY = timedelta(hours=1)


Kind = ChannelConnection.Kind


# Who manages a unit's channels ---------------------------------------------------------------


def can_manage_channels(person: Person, unit: Unit) -> bool:
    """Admins, and leads of the unit or of a unit above it; never viewers or ordinary members."""
    if not person.is_active or person.organization_id != unit.organization_id:
        return False
    if person.is_admin:
        return True
    if person.is_viewer:
        return False
    return Access(person).can_lead_unit(unit)


def _require_manager(actor: Person, unit: Unit) -> None:
    if not can_manage_channels(actor, unit):
        raise PermissionDenied(f"Only admins and the leads of {unit.name} manage its channels.")


def _clean_url(url: str) -> str:
    return addresses.clean_address(url, missing="Paste the channel's incoming webhook address.")


def _clean_messages(chosen: list[str] | None) -> list[str]:
    return addresses.clean_choice(
        chosen,
        payloads.MESSAGES,
        field="messages",
        noun="message",
        missing="Choose at least one message to post.",
    )


def _clean_label(label: str) -> str:
    label = " ".join((label or "").split())
    if len(label) > MAX_CHANNEL_LABEL:
        raise ValidationError({"label": f"Keep the name to {MAX_CHANNEL_LABEL} characters."})
    if any(ord(c) < 32 for c in label):
        raise ValidationError({"label": "Enter a name without control characters."})
    return label


def _facts(channel: ChannelConnection) -> dict[str, Any]:
    # The address is a credential of sorts (whoever has it posts to the channel): its host only.
    return {
        "unit": channel.unit.name,
        "kind": channel.kind,
        "label": channel.label,
        "host": channel.host,
        "messages": channel.messages,
        "active": channel.active,
    }


def _record(actor: Person, kind: str, channel: ChannelConnection, before: dict, after: dict):
    audit_record(
        organization=channel.organization_id,
        kind=kind,
        actor=actor,
        target=channel,
        target_label=f"{channel} ({channel.unit.name})"[:300],
        changes=changes_between(before, after),
    )


@transaction.atomic
def channel_create(
    *,
    actor: Person,
    unit: Unit,
    kind: str,
    url: str,
    messages: list[str],
    label: str = "",
) -> ChannelConnection:
    """Connect a Slack or Teams channel to ``unit`` by its incoming webhook address (admins and
    the unit's leads). The address is checked as the worker will check it: https, and a public
    address unless the operator allows private ones."""
    _require_manager(actor, unit)
    errors: dict[str, str] = {}
    cleaned: dict[str, Any] = {}
    if kind not in Kind.values:
        errors["kind"] = "Choose Slack or Microsoft Teams."
    if unit.archived_at is not None:
        errors["unit"] = f"{unit.name} is archived."
    for name, clean, value in (
        ("url", _clean_url, url),
        ("messages", _clean_messages, messages),
        ("label", _clean_label, label),
    ):
        try:
            cleaned[name] = clean(value)
        except ValidationError as error:
            errors.update({k: v[0] for k, v in error.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    if (
        ChannelConnection.objects.filter(organization_id=unit.organization_id).count()
        >= MAX_CHANNELS
    ):
        raise Conflict(
            f"An organization connects at most {MAX_CHANNELS} channels: remove one first."
        )
    channel = ChannelConnection.objects.create(
        organization_id=unit.organization_id,
        unit=unit,
        kind=kind,
        created_by=actor,
        **cleaned,
    )
    _record(actor, "channel.created", channel, {}, _facts(channel))
    return channel


def _give_up_waiting(channel: ChannelConnection, reason: str) -> int:
    return ChannelPost.objects.filter(connection=channel, state=ChannelPost.State.PENDING).update(
        state=ChannelPost.State.FAILED,
        last_error=reason,
        claim_token=None,
        claimed_until=None,
        updated_at=timezone.now(),
    )


@transaction.atomic
def channel_update(
    *,
    actor: Person,
    channel: ChannelConnection,
    active: bool | None = None,
    messages: list[str] | None = None,
) -> ChannelConnection:
    """Switch a channel on or off, or change its messages. Switched off, its waiting posts are
    given up: switched on again, it receives only what falls due from then on."""
    _require_manager(actor, channel.unit)
    channel = (
        ChannelConnection.objects.select_for_update().select_related("unit").get(pk=channel.pk)
    )
    before = _facts(channel)
    if messages is not None:
        channel.messages = _clean_messages(messages)
    if active is not None:
        channel.active = bool(active)
    channel.save(update_fields=["messages", "active", "updated_at"])
    if before["active"] and not channel.active:
        _give_up_waiting(channel, "Not posted: the channel was switched off.")
    if _facts(channel) != before:
        _record(actor, "channel.updated", channel, before, _facts(channel))
    return channel


@transaction.atomic
def channel_delete(*, actor: Person, channel: ChannelConnection) -> None:
    """Remove a channel with its posts (nothing more is posted to it)."""
    _require_manager(actor, channel.unit)
    _record(actor, "channel.deleted", channel, _facts(channel), {})
    channel.delete()


@transaction.atomic
def channel_test(*, actor: Person, channel: ChannelConnection) -> ChannelPost:
    """Queue a test message to the channel; the worker posts it like any other and its answer
    shows in the channel's log. 409 when the channel is switched off."""
    _require_manager(actor, channel.unit)
    channel = (
        ChannelConnection.objects.select_for_update().select_related("unit").get(pk=channel.pk)
    )
    if not channel.active:
        raise Conflict("This channel is switched off: switch it on to send a test.")
    message = payloads.connected(
        unit=channel.unit.name,
        label=channel.label,
        chosen=channel.messages,
        unit_url=absolute_url(reverse("unit_detail", args=[channel.unit_id])),
        site=settings.SITE_NAME,
    )
    post, _ = _queue(channel, payloads.TEST, str(uuid.uuid4()), message)
    return post


# Queuing what is due -------------------------------------------------------------------------


def _queue(
    channel: ChannelConnection,
    message_kind: str,
    about: str,
    message: payloads.Message,
    now: datetime | None = None,
) -> tuple[ChannelPost, bool]:
    """The post of ``message`` under its key, queued once whoever asks (get_or_create retries
    the read when another worker inserted the same key first)."""
    body = backoff.body_of(payloads.render(channel.kind, message))
    return ChannelPost.objects.get_or_create(
        key=f"{channel.pk}:{message_kind}:{about}"[:200],
        defaults={
            "connection": channel,
            "message": message_kind,
            "payload": body,
            "next_attempt_at": now or timezone.now(),
        },
    )


def _key(channel: ChannelConnection, message_kind: str, about: str) -> str:
    return f"{channel.pk}:{message_kind}:{about}"[:200]


def _digest(channel: ChannelConnection, now: datetime) -> bool:
    due = selectors.digest_due(channel, now)
    if due is None:
        return False
    week, _ = due
    about = format_week(week)
    if selectors.posted_keys([_key(channel, "digest", about)]):
        return False
    report = selectors.digest_report(channel.unit, week)
    if report is None:
        return False
    people = [
        payloads.PersonLine(
            name=p.person.name,
            submitted=p.submitted,
            planned=p.planned,
            done=p.done,
            problems=tuple(
                item.text
                for category, items in p.by_category
                if category.slug == PROBLEMS
                for item in items
            ),
        )
        for p in report.people
    ]
    unit = channel.unit
    message = payloads.digest(
        unit=unit.name,
        week=about,
        people=people,
        report_url=absolute_url(reverse("team_report", args=[unit.pk]) + f"?week={about}"),
        site=settings.SITE_NAME,
    )
    return _queue(channel, "digest", about, message, now)[1]


def _reminders(channel: ChannelConnection, now: datetime) -> bool:
    due = selectors.reminders_due(channel, now)
    if due is None:
        return False
    week, deadline = due
    about = format_week(week)
    if selectors.posted_keys([_key(channel, "reminders", about)]):
        return False
    facts = selectors.reminder_facts(channel.unit, week)
    if not facts.expected:
        return False
    local = timezone.localtime(deadline, timezone=_zone(channel.unit))
    message = payloads.reminders(
        unit=channel.unit.name,
        week=about,
        updated=len(facts.updated),
        expected=len(facts.expected),
        missing=[p.name for p in facts.expected if p.id not in facts.updated],
        deadline=f"{dateformat.format(local, 'l H:i')} ({channel.unit.time_zone})",
        update_url=absolute_url(reverse("weekly_mine")),
        site=settings.SITE_NAME,
    )
    return _queue(channel, "reminders", about, message, now)[1]


def _zone(unit: Unit) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(unit.time_zone)


def _alerts(channel: ChannelConnection, now: datetime) -> bool:
    """Look (at most once per ALERTS_EVERY, claimed) at the unit's key results, and post those
    that turned off track or stalled since the last look. A key result's mark changes by a
    conditional UPDATE in the transaction that queues the post: one worker tells each turn."""
    claimed = (
        ChannelConnection.objects.filter(pk=channel.pk)
        .filter(Q(alerts_checked_at__isnull=True) | Q(alerts_checked_at__lte=now - ALERTS_EVERY))
        .update(alerts_checked_at=now)
    )
    if not claimed:
        return False
    states = selectors.key_result_states(channel.unit, now)
    if not states:
        return False
    with transaction.atomic():
        marks = {
            m.key_result_id: m
            for m in KeyResultMark.objects.filter(
                connection=channel, key_result_id__in=[s.key_result.pk for s in states]
            )
        }
        new = []
        for s in states:
            if s.key_result.pk in marks:
                continue
            # Known before the channel was connected: what it is now is where the channel starts
            # (no flood of old news); new since: it starts on track.
            known = s.key_result.created_at < channel.created_at
            new.append(
                KeyResultMark(
                    connection=channel,
                    key_result=s.key_result,
                    off_track=s.off_track and known,
                    stalled=s.stalled and known,
                )
            )
        KeyResultMark.objects.bulk_create(new, ignore_conflicts=True)
        if new:
            marks = {
                m.key_result_id: m
                for m in KeyResultMark.objects.filter(
                    connection=channel, key_result_id__in=[s.key_result.pk for s in states]
                )
            }
        turned = []
        for s in states:
            mark = marks.get(s.key_result.pk)
            if mark is None or (mark.off_track, mark.stalled) == (s.off_track, s.stalled):
                continue
            worse = (s.off_track and not mark.off_track) or (s.stalled and not mark.stalled)
            changed = KeyResultMark.objects.filter(
                pk=mark.pk, off_track=mark.off_track, stalled=mark.stalled
            ).update(
                off_track=s.off_track,
                stalled=s.stalled,
                alerts=F("alerts") + (1 if worse else 0),
                updated_at=now,
            )
            if changed and worse:
                turned.append((s, mark.alerts + 1))
        if not turned:
            return False
        lines = [
            payloads.KeyResultLine(
                title=s.key_result.title,
                objective=s.objective.title,
                progress=arithmetic.percent(s.progress),
                url=absolute_url(reverse("objective_detail", args=[s.objective.pk])),
                off_track=s.off_track,
                stalled=s.stalled,
            )
            for s, _ in turned
        ]
        about = hashlib.sha256(
            ",".join(sorted(f"{s.key_result.pk}#{n}" for s, n in turned)).encode()
        ).hexdigest()[:32]
        message = payloads.alerts(
            unit=channel.unit.name, key_results=lines, site=settings.SITE_NAME
        )
        return _queue(channel, "alerts", about, message, now)[1]


def _approvals(channel: ChannelConnection, now: datetime) -> bool:
    day = selectors.approvals_day(channel, now)
    if day is None:
        return False
    about = day.isoformat()
    if selectors.posted_keys([_key(channel, "approvals", about)]):
        return False
    facts = selectors.approval_facts(channel.unit)
    if not (facts.waiting_here or facts.own):
        return False
    message = payloads.approvals(
        unit=channel.unit.name,
        waiting_here=[f"{o.title} ({o.unit.name})" for o in facts.waiting_here],
        own=[o.title for o in facts.own],
        approvals_url=absolute_url(reverse("approvals")),
        site=settings.SITE_NAME,
    )
    return _queue(channel, "approvals", about, message, now)[1]


def notification_post(*, notification) -> int:
    """A notification its person wants in their team's channel (``feed.hooks.
    notification_to_channel``): one post to each active Slack channel of the person's team
    (``weekly.selectors.primary_team``), queued in the notification's transaction, once per
    notification and channel. Without a connected channel that is on, nothing. Returns how many
    posts were queued."""
    person = notification.person
    team = primary_team(person)
    if team is None:
        return 0
    channels = ChannelConnection.objects.filter(
        organization_id=person.organization_id,
        unit=team,
        active=True,
        kind=ChannelConnection.Kind.SLACK,
    )
    message = payloads.notice(
        person=person.name,
        text=notification.text,
        url=absolute_url(notification.url or reverse("notifications")),
        site=settings.SITE_NAME,
    )
    queued = 0
    for channel in channels:
        queued += _queue(channel, "notice", str(notification.pk), message)[1]
    return queued


TRIGGERS = {
    "digest": _digest,
    "reminders": _reminders,
    "alerts": _alerts,
    "approvals": _approvals,
}


def channels_queue_due(*, now: datetime) -> int:
    """Queue every message due to a channel at ``now``, each once however many workers ask.
    Returns how many this call queued."""
    queued = 0
    for channel in selectors.active_channels():
        for message_kind in channel.messages or []:
            trigger = TRIGGERS.get(message_kind)
            if trigger is None:
                continue
            try:
                queued += trigger(channel, now)
            except Exception:  # one channel's message must not stop the others; retried next turn
                logger.exception("Could not queue the %s for channel %s.", message_kind, channel.pk)
    return queued


# Claims and posts ----------------------------------------------------------------------------


def _due(now: datetime) -> Q:
    return Q(state=ChannelPost.State.PENDING, next_attempt_at__lte=now) & (
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    )


def post_claim(
    *, post_id: uuid.UUID, now: datetime | None = None, lease: timedelta = LEASE
) -> ChannelPost | None:
    """Claim one due post for this worker (its attempt counted), or None."""
    now = now or timezone.now()
    token = uuid.uuid4()
    taken = ChannelPost.objects.filter(_due(now), pk=post_id).update(
        claim_token=token,
        claimed_until=now + lease,
        attempts=F("attempts") + 1,
        updated_at=now,
    )
    if taken != 1:
        return None
    return ChannelPost.objects.select_related("connection").get(pk=post_id, claim_token=token)


@dataclass(frozen=True)
class Answer:
    status: int | None
    error: str = ""


def post_send(post: ChannelPost) -> Answer:
    """POST the message to the channel's address, outside any transaction: refused addresses,
    a timeout, no redirect followed, the answer's body never read."""
    session = outbound.guarded_session()
    try:
        with session.post(
            post.connection.url,
            data=post.payload.encode(),
            headers={
                "Content-Type": "application/json",
                "User-Agent": f"{settings.SITE_NAME}-Channels/1",
            },
            timeout=outbound.TIMEOUT,
            allow_redirects=False,
            stream=True,
        ) as response:
            return Answer(status=response.status_code)
    except requests.RequestException as error:
        return Answer(status=None, error=f"{type(error).__name__}: {error}"[:MAX_ERROR])
    finally:
        session.close()


def post_record(*, post: ChannelPost, answer: Answer, now: datetime) -> str:
    """Record an attempt's answer under the claim: the post's state after it, or "" when the
    claim was lost meanwhile."""
    mine = ChannelPost.objects.filter(pk=post.pk, claim_token=post.claim_token)
    channel = ChannelConnection.objects.filter(pk=post.connection_id)
    if answer.status is not None and backoff.is_success(answer.status):
        if not mine.update(
            state=ChannelPost.State.DELIVERED,
            response_code=answer.status,
            last_error="",
            sent_at=now,
            claimed_until=None,
            updated_at=now,
        ):
            logger.warning("The claim on channel post %s was lost while posting.", post.pk)
            return ""
        channel.update(failures_in_a_row=0, last_success_at=now)
        return ChannelPost.State.DELIVERED
    error = answer.error
    if answer.status is not None:
        error = f"The channel answered {answer.status}."
        if 300 <= answer.status < 400:
            error += " Redirects are not followed: paste the final address."
    if post.attempts >= backoff.MAX_ATTEMPTS:
        state, more = ChannelPost.State.FAILED, {}
        error += f" Given up after {post.attempts} attempts."
    else:
        state = ChannelPost.State.PENDING
        more = {"next_attempt_at": now + backoff.wait_after(post.attempts)}
    if not mine.update(
        state=state,
        response_code=answer.status,
        last_error=error.strip()[:MAX_ERROR],
        claim_token=None,
        claimed_until=None,
        updated_at=now,
        **more,
    ):
        return ""
    channel.update(failures_in_a_row=F("failures_in_a_row") + 1, last_failure_at=now)
    return state


@dataclass
class TurnSummary:
    queued: int = 0
    posted: int = 0
    retrying: int = 0
    failed: int = 0
    skipped: int = 0
    purged: int = 0

    def __str__(self) -> str:
        if not (self.posted or self.retrying or self.failed or self.purged or self.queued):
            return ""
        text = f"Channels: {payloads.plural(self.posted, 'message')} posted"
        if self.retrying:
            text += f", {self.retrying} to be retried"
        if self.failed:
            text += f", {self.failed} given up"
        if self.queued:
            text += f" ({self.queued} queued this turn)"
        if self.purged:
            text += f"; {self.purged} old log {'entry' if self.purged == 1 else 'entries'} removed"
        return text + "."


def posts_send_due(
    *, now: datetime | None = None, lease: timedelta = LEASE, limit: int = TURN_LIMIT
) -> TurnSummary:
    """Post the due messages nobody holds, oldest first, each attempt made by one worker only;
    a channel whose attempt failed is not tried again in the same turn."""
    now = now or timezone.now()
    summary = TurnSummary()
    waiting = list(
        ChannelPost.objects.filter(_due(now), connection__organization__channels_on=True)
        .order_by("next_attempt_at", "created_at")
        .values_list("pk", "connection_id")[:limit]
    )
    failing: set[uuid.UUID] = set()
    for pk, channel_id in waiting:
        if channel_id in failing:
            continue
        post = post_claim(post_id=pk, now=now, lease=lease)
        if post is None:
            summary.skipped += 1
            continue
        if not post.connection.active:
            ChannelPost.objects.filter(pk=pk, claim_token=post.claim_token).update(
                state=ChannelPost.State.FAILED,
                last_error="Not posted: the channel was switched off.",
                claimed_until=None,
                updated_at=now,
            )
            continue
        state = post_record(post=post, answer=post_send(post), now=now)
        if state == ChannelPost.State.DELIVERED:
            summary.posted += 1
        elif state == ChannelPost.State.PENDING:
            summary.retrying += 1
            failing.add(channel_id)
        elif state == ChannelPost.State.FAILED:
            summary.failed += 1
            failing.add(channel_id)
    return summary


def posts_purge(*, now: datetime | None = None, days: int = LOG_DAYS) -> int:
    cutoff = (now or timezone.now()) - timedelta(days=days)
    deleted, _ = (
        ChannelPost.objects.filter(updated_at__lt=cutoff)
        .exclude(state=ChannelPost.State.PENDING)
        .delete()
    )
    return deleted


def worker_turn(*, now: datetime | None = None) -> str:
    """The worker's turn for channels (``scheduling.hooks.worker_turn``): queue what fell due,
    post what is waiting, trim the log."""
    now = now or timezone.now()
    queued = channels_queue_due(now=now)
    summary = posts_send_due(now=now)
    summary.queued = queued
    summary.purged = posts_purge(now=now)
    return str(summary)
