"""Writes of notifications: telling a person of an event on the channels they chose, their
preferences, and the daily digest.

``notify`` is the one way a notification is made, whichever app's event it is (feed's own
comments, likes and mentions; alignment's approvals and dependencies and kpis' band crossings
through their hooks; the worker's key-result transitions and reviews due). It runs inside the
transaction of the change it tells of, so a rollback tells nobody, and each channel follows the
person's preference for the kind (``notices``):

- in the app: the row is shown on the notifications page (``in_app``);
- email: one email queued now (``cadence.mail``), or, for a person who takes the daily digest,
  the row waits for it (``digest_pending``);
- the team's Slack channel: ``hooks.notification_to_channel`` (integrations queues the post).

A person is told only of what they can see: their own organization's, while they are active,
never of their own doing.
"""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from cadence.audit.services import audit_record
from cadence.core import emails
from cadence.feed import hooks, notices
from cadence.feed import selectors as feed_selectors
from cadence.feed.models import DailyDigest, Notification, NotificationPreference
from cadence.mail import services as mail_services
from cadence.mail.models import Delivery
from cadence.okrs.models import Objective
from cadence.okrs.visibility import sight_of
from cadence.orgs.models import Person
from cadence.weekly.selectors import person_time_zone

NOTICE_KEY = "notice:"
DAILY_KEY = "daily:"
# Notifications one digest lists at most (the rest are counted, and all are on the page).
DIGEST_LINES = 50


def choices_of(person: Person) -> dict[tuple[str, str], bool]:
    """The person's stored choices, (kind, channel) → on."""
    return {
        (p.kind, p.channel): p.enabled for p in NotificationPreference.objects.filter(person=person)
    }


def takes_daily_digest(person: Person) -> bool:
    return DailyDigest.objects.filter(person=person, enabled=True).exists()


def _objective_concerned(comment, objective, key_result):
    """The objective a notice is about, if any: its own, its key result's, or that of what the
    comment is on (directly or through a weekly item's link)."""
    if objective is not None:
        return objective
    if key_result is not None:
        return key_result.objective
    if comment is not None:
        if comment.objective_id:
            return comment.objective
        if comment.key_result_id:
            return comment.key_result.objective
        item = comment.item if comment.item_id else None
        if item is not None and item.objective_id:
            return item.objective
        if item is not None and item.key_result_id:
            return item.key_result.objective
    return None


def notify(
    *,
    person: Person,
    kind: str,
    text: str,
    url: str,
    actor: Person | None = None,
    key: str = "",
    comment=None,
    objective=None,
    key_result=None,
    kpi=None,
    email_template: str = "notification",
    email_context: dict[str, Any] | None = None,
    email_kind: str = Delivery.Kind.NOTICE,
    email_key_prefix: str = NOTICE_KEY,
    email: bool = True,
) -> Notification | None:
    """Tell ``person`` of an event of ``kind`` ("``text``", leading to the site path ``url``)
    on the channels they want it on. Call it inside the transaction of the change. Returns the
    notification, or None when nobody is told: the person cannot see it (another organization,
    not active), is the actor, wants it on no channel, or ``key`` was already told.
    ``email=False`` (the demo's history) queues no email, whatever the preference."""
    about = next((o for o in (comment, objective, key_result, kpi) if o is not None), None)
    if not person.is_active or (actor is not None and actor.pk == person.pk):
        return None
    if about is not None and about.organization_id != person.organization_id:
        return None
    if actor is not None and actor.organization_id != person.organization_id:
        return None
    concerned = _objective_concerned(comment, objective, key_result)
    if concerned is not None and not sight_of(person).sees(concerned):
        return None  # about a private objective they may not see (okrs.visibility)
    choices = choices_of(person)
    in_app = notices.wanted(choices, kind, notices.IN_APP)
    by_email = email and notices.wanted(choices, kind, notices.EMAIL) and bool(person.email)
    # A team's channel is read by people Cadence does not know: nothing about a private one.
    in_channel = notices.wanted(choices, kind, notices.SLACK) and (
        concerned is None or concerned.visibility == Objective.Visibility.ORGANIZATION
    )
    if not (in_app or by_email or in_channel):
        return None
    digest = by_email and takes_daily_digest(person)
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                organization_id=person.organization_id,
                person=person,
                kind=kind,
                actor=actor,
                comment=comment,
                objective=objective,
                key_result=key_result,
                kpi=kpi,
                text=text[:300],
                url=url[:500],
                key=key[:200],
                in_app=in_app,
                digest_pending=digest,
            )
    except IntegrityError:
        return None  # told already (the same key or comment): once is the point
    if by_email and not digest:
        context = {
            "person": person,
            "actor": actor,
            "notification": notification,
            "text": notification.text,
            "url": emails.absolute_url(url),
            "notifications_url": emails.absolute_url(reverse("notifications")),
            "settings_url": emails.absolute_url(reverse("notification_settings")),
            **(email_context or {}),
        }
        mail_services.delivery_enqueue(
            kind=email_kind,
            person=person,
            key=f"{email_key_prefix}{notification.pk}",
            template=email_template,
            context=context,
        )
    if in_channel:
        hooks.notification_to_channel(notification=notification)
    return notification


def notify_once(*, people, kind: str, text: str, url: str, key: str) -> int:
    """Tell each of ``people`` once under ``key`` (what the worker tells on every turn while it
    stays due): those already told are found in one query, not by a refused insert each turn.
    Returns how many were told now."""
    people = list(people)
    told_before = set(
        Notification.objects.filter(person__in=people, key=key[:200]).values_list(
            "person_id", flat=True
        )
    )
    told = 0
    for person in people:
        if person.pk in told_before:
            continue
        with transaction.atomic():
            told += notify(person=person, kind=kind, text=text, url=url, key=key) is not None
    return told


def notification_emailed(*, delivery: Delivery) -> None:
    """The worker sent a notification's own email (``mail.hooks.delivery_sent``): say so."""
    if delivery.kind == Delivery.Kind.NOTICE and delivery.key.startswith(NOTICE_KEY):
        Notification.objects.filter(
            pk=delivery.key.removeprefix(NOTICE_KEY), emailed_at__isnull=True
        ).update(emailed_at=delivery.sent_at or timezone.now())
    elif delivery.kind == Delivery.Kind.DAILY:
        Notification.objects.filter(digest=delivery, emailed_at__isnull=True).update(
            emailed_at=delivery.sent_at or timezone.now()
        )


# Preferences -----------------------------------------------------------------------------------


@transaction.atomic
def notification_preferences_update(
    *,
    actor: Person,
    person: Person,
    choices: dict[tuple[str, str], bool],
    daily_digest: bool,
    digest_hour: int,
) -> None:
    """A person's own choices: each kind on each channel, and whether emails come one by one or
    as a daily digest at ``digest_hour`` (0–23, their time zone). Only for themselves."""
    if actor.pk != person.pk or not actor.is_active:
        raise PermissionDenied("You choose your own notifications only.")
    unknown = [
        f"{kind}/{channel}"
        for kind, channel in choices
        if kind not in notices.BY_VALUE or channel not in notices.CHANNELS
    ]
    if unknown:
        raise ValidationError({"__all__": f"Unknown notification choices: {', '.join(unknown)}."})
    if isinstance(digest_hour, bool) or not isinstance(digest_hour, int):
        raise ValidationError({"digest_hour": "Choose an hour from 0 to 23."})
    if not 0 <= digest_hour <= 23:
        raise ValidationError({"digest_hour": "Choose an hour from 0 to 23."})
    before = notices.grid(choices_of(person))
    for (kind, channel), enabled in choices.items():
        NotificationPreference.objects.update_or_create(
            person=person,
            kind=kind,
            channel=channel,
            defaults={"organization_id": person.organization_id, "enabled": bool(enabled)},
        )
    after = notices.grid(choices_of(person))
    digest, _ = DailyDigest.objects.select_for_update().get_or_create(
        person=person, defaults={"organization_id": person.organization_id}
    )
    digest_before = {"daily_digest": digest.enabled, "digest_hour": digest.hour}
    digest.enabled, digest.hour = bool(daily_digest), digest_hour
    digest.save(update_fields=["enabled", "hour", "updated_at"])
    if not digest.enabled:
        # Emails come one by one again: what waited for the digest is not emailed afterwards
        # (it is on the notifications page).
        Notification.objects.filter(person=person, digest_pending=True).update(digest_pending=False)
    changes = {
        f"{kind}/{channel}": [before[kind, channel], after[kind, channel]]
        for kind, channel in after
        if before[kind, channel] != after[kind, channel]
    }
    for name, value in digest_before.items():
        now = {"daily_digest": digest.enabled, "digest_hour": digest.hour}[name]
        if value != now:
            changes[name] = [value, now]
    if changes:
        audit_record(
            organization=person.organization,
            kind="person.notifications_changed",
            actor=actor,
            target=person,
            target_label=person.name,
            changes=changes,
        )


# Reading -----------------------------------------------------------------------------------------


@transaction.atomic
def notifications_mark_read(*, actor: Person, notification_ids=None) -> int:
    """Mark the actor's own notifications read (these ids, or all); returns how many changed."""
    unread = Notification.objects.filter(person=actor, read_at__isnull=True)
    if notification_ids is not None:
        unread = unread.filter(pk__in=list(notification_ids))
    return unread.update(read_at=timezone.now())


# The daily digest --------------------------------------------------------------------------------


def _local_now(person: Person, now: datetime, time_zone: str) -> datetime:
    try:
        zone = zoneinfo.ZoneInfo(time_zone or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo("UTC")
    return now.astimezone(zone)


def digest_due_day(*, hour: int, last_on: date | None, local_now: datetime) -> date | None:
    """Pure: the local day whose digest is due at ``local_now`` (its hour has come and it was
    not claimed yet), or None."""
    today = local_now.date()
    if local_now.hour < hour or (last_on is not None and last_on >= today):
        return None
    return today


def daily_digest_send(*, person: Person, now: datetime, time_zone: str) -> bool:
    """The person's digest of the day, if due: claim the day (a conditional UPDATE of their
    ``DailyDigest``: one worker wins), gather what waits for it, queue one email under the
    day's key and mark what it carries, all in one transaction. Returns whether an email was
    queued."""
    settings_row = DailyDigest.objects.filter(person=person, enabled=True).first()
    if settings_row is None:
        return False
    local = _local_now(person, now, time_zone)
    day = digest_due_day(hour=settings_row.hour, last_on=settings_row.last_on, local_now=local)
    if day is None:
        return False
    with transaction.atomic():
        claimed = (
            DailyDigest.objects.filter(pk=settings_row.pk, enabled=True)
            .filter(Q(last_on__isnull=True) | Q(last_on__lt=day))
            .update(last_on=day, updated_at=timezone.now())
        )
        if claimed != 1:
            return False  # another worker has today's digest
        waiting = list(
            Notification.objects.filter(
                person=person, digest_pending=True, comment__deleted_at__isnull=True
            )
            .filter(feed_selectors.notification_sight(person))
            .select_related("actor")
            .order_by("created_at")
        )
        if not waiting or not person.is_active:
            return False
        key = f"{DAILY_KEY}{person.pk}:{day.isoformat()}"
        queued = mail_services.delivery_enqueue(
            kind=Delivery.Kind.DAILY,
            person=person,
            key=key,
            template="notifications_digest",
            context={
                "person": person,
                "day": day,
                "lines": [
                    {"text": n.text or "You were mentioned", "url": emails.absolute_url(n.url)}
                    for n in waiting[:DIGEST_LINES]
                ],
                "more": max(0, len(waiting) - DIGEST_LINES),
                "count": len(waiting),
                "notifications_url": emails.absolute_url(reverse("notifications")),
                "settings_url": emails.absolute_url(reverse("notification_settings")),
            },
        )
        if not queued:
            return False
        delivery = Delivery.objects.get(key=key)
        Notification.objects.filter(pk__in=[n.pk for n in waiting]).update(
            digest_pending=False, digest=delivery
        )
        return True


def daily_digests_send(*, now: datetime | None = None) -> int:
    """Every due daily digest (the worker's turn). Returns how many were queued."""
    now = now or timezone.now()
    queued = 0
    people = Person.objects.filter(daily_digest__enabled=True, is_active=True).select_related(
        "organization", "daily_digest"
    )
    for person in people:
        queued += daily_digest_send(person=person, now=now, time_zone=person_time_zone(person))
    return queued
