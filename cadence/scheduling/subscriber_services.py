"""Writes for external subscribers: an admin adds and removes them, they unsubscribe themselves
by the link in every email, and the worker queues what is due to them (``subscribers_queue_due``,
each turn, before it sends the queue). Each email is a ``cadence.mail`` delivery to an address,
queued once per subscriber and period under its key, and carries RFC 8058's one-click
unsubscribe headers."""

from __future__ import annotations

import logging
import secrets
import zoneinfo
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import dateformat, timezone

from cadence.audit.services import audit_record
from cadence.core import emails
from cadence.core.limits import MAX_EMAIL, MAX_NAME, MAX_SUBSCRIBERS
from cadence.mail import services as mail_services
from cadence.mail.models import Delivery
from cadence.okrs.visibility import Sight
from cadence.orgs.models import Person, Unit
from cadence.scheduling import subscriber_selectors as selectors
from cadence.scheduling.models import ExternalSubscriber
from cadence.scheduling.subscriber_selectors import SubscriberSend
from cadence.weekly import selectors as weekly_selectors
from cadence.weekly.weeks import format_week

logger = logging.getLogger(__name__)

What = ExternalSubscriber.What


def can_manage_subscribers(person: Person) -> bool:
    """Only admins add and remove external subscribers (and see who they are)."""
    return bool(person.is_active and person.is_admin)


def _require_admin(actor: Person) -> None:
    if not can_manage_subscribers(actor):
        raise PermissionDenied("Only admins manage external subscribers.")


def _clean_email(email: str) -> str:
    email = (email or "").strip().lower()
    if not email:
        raise ValidationError({"email": "Enter the address to send the updates to."})
    if len(email) > MAX_EMAIL:
        raise ValidationError({"email": f"An address has at most {MAX_EMAIL} characters."})
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ValidationError({"email": "Enter a valid email address."}) from exc
    return email


def _clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if len(name) > MAX_NAME:
        raise ValidationError({"name": f"A name has at most {MAX_NAME} characters."})
    if "\x00" in name:
        raise ValidationError({"name": "Enter a name without control characters."})
    return name


def _audit(subscriber: ExternalSubscriber, kind: str, *, actor=None, actor_label=None, changes):
    audit_record(
        organization=subscriber.organization,
        kind=kind,
        actor=actor,
        actor_label=actor_label,
        target=subscriber,
        target_label=str(subscriber),
        changes=changes,
    )


@transaction.atomic
def subscriber_add(
    *, actor: Person, email: str, name: str = "", what: str, unit: Unit | None = None
) -> ExternalSubscriber:
    """Subscribe someone outside the organization to a team's weekly digest (``unit``) or to
    the monthly company OKR summary. One subscription per address and update; a person of the
    organization follows digests from their own email settings instead."""
    _require_admin(actor)
    organization = actor.organization
    email = _clean_email(email)
    name = _clean_name(name)
    if what == What.TEAM_DIGEST:
        if unit is None or unit.organization_id != organization.pk:
            raise ValidationError({"what": "Choose a team of your organization."})
        if unit.kind != Unit.Kind.TEAM:
            raise ValidationError({"what": "Only teams have a weekly digest."})
        if unit.archived_at is not None:
            raise ValidationError({"what": f"{unit.name} is archived: it sends no digest."})
    elif what == What.COMPANY_SUMMARY:
        unit = None
    else:
        raise ValidationError({"what": "Choose what they get."})
    if Person.objects.filter(
        organization=organization, email__iexact=email, is_active=True
    ).exists():
        raise ValidationError(
            {
                "email": f"{email} belongs to a person in {organization.name}: they choose their "
                "digests in their own email settings, and read the company's OKRs in Cadence."
            }
        )
    existing = ExternalSubscriber.objects.filter(
        organization=organization, email=email, what=what, unit=unit
    ).first()
    if existing is not None:
        if existing.unsubscribed_at is not None:
            day = dateformat.format(existing.unsubscribed_at, "j F Y")
            raise ValidationError(
                {
                    "email": f"{email} unsubscribed from the {existing.describe()} on {day}. "
                    "If they asked to get it again, remove that entry first."
                }
            )
        raise ValidationError({"email": f"{email} already gets the {existing.describe()}."})
    if ExternalSubscriber.objects.filter(organization=organization).count() >= MAX_SUBSCRIBERS:
        raise ValidationError(
            {"email": f"An organization has at most {MAX_SUBSCRIBERS} external subscribers."}
        )
    try:
        with transaction.atomic():
            subscriber = ExternalSubscriber.objects.create(
                organization=organization,
                email=email,
                name=name,
                what=what,
                unit=unit,
                created_by=actor,
                token=secrets.token_urlsafe(32),
            )
    except IntegrityError as exc:  # the same address added at the same moment by another admin
        raise ValidationError({"email": f"{email} was just added."}) from exc
    _audit(
        subscriber,
        "subscriber.added",
        actor=actor,
        changes={
            "email": [None, email],
            "name": [None, name],
            "what": [None, subscriber.describe()],
        },
    )
    return subscriber


def _stop_queued(subscriber: ExternalSubscriber, reason: str) -> None:
    """Never send what was queued for them and not sent yet (a send a worker holds right now
    may still go out: that one is on its way)."""
    Delivery.objects.filter(
        key__startswith=selectors.subscriber_key_prefix(subscriber), sent_at__isnull=True
    ).update(attempts=mail_services.MAX_ATTEMPTS, last_error=reason, updated_at=timezone.now())


@transaction.atomic
def subscriber_remove(*, actor: Person, subscriber: ExternalSubscriber) -> None:
    """Remove a subscriber (unsubscribed or not): nothing more is sent to them."""
    _require_admin(actor)
    if subscriber.organization_id != actor.organization_id:
        raise PermissionDenied("Only admins of its organization remove a subscriber.")
    subscriber = ExternalSubscriber.objects.select_for_update().get(pk=subscriber.pk)
    _stop_queued(subscriber, "Not sent: the subscriber was removed.")
    _audit(
        subscriber,
        "subscriber.removed",
        actor=actor,
        changes={"email": [subscriber.email, None], "what": [subscriber.describe(), None]},
    )
    subscriber.delete()


@transaction.atomic
def subscriber_unsubscribe(*, subscriber: ExternalSubscriber) -> bool:
    """The subscriber stops their updates by the link in an email (no account, no sign-in: the
    link's token is the authority). Returns whether this unsubscribed them (False if they
    already were)."""
    subscriber = ExternalSubscriber.objects.select_for_update().get(pk=subscriber.pk)
    if subscriber.unsubscribed_at is not None:
        return False
    subscriber.unsubscribed_at = timezone.now()
    subscriber.save(update_fields=["unsubscribed_at", "updated_at"])
    _stop_queued(subscriber, "Not sent: the subscriber unsubscribed.")
    _audit(
        subscriber,
        "subscriber.unsubscribed",
        actor_label=f"{subscriber.email} (by the link in an email)",
        changes={"unsubscribed_at": [None, subscriber.unsubscribed_at]},
    )
    return True


# The worker's part ---------------------------------------------------------------------------


def _unsubscribe_url(subscriber: ExternalSubscriber) -> str:
    return emails.absolute_url(reverse("subscriber_unsubscribe", args=[subscriber.token]))


def _render_digest(send: SubscriberSend, reports: dict) -> emails.Rendered:
    unit = send.unit
    cache_key = ("digest", unit.id, send.week)
    if cache_key not in reports:
        # Someone outside the organization's accounts: only what everyone in it may see.
        reports[cache_key] = weekly_selectors.team_report(
            unit.organization, unit, send.week, viewer=Sight.public(unit.organization_id)
        )
    local = send.deadline.astimezone(zoneinfo.ZoneInfo(unit.time_zone))
    return emails.render(
        "subscriber_digest",
        {
            "subscriber": send.subscriber,
            "organization": unit.organization,
            "unit": unit,
            "week_label": format_week(send.week),
            "deadline_text": dateformat.format(local, "l j F, H:i"),
            "time_zone": unit.time_zone,
            "report": reports[cache_key],
            "unsubscribe_url": _unsubscribe_url(send.subscriber),
        },
    )


def _render_summary(send: SubscriberSend, summaries: dict, now: datetime) -> emails.Rendered:
    organization = send.subscriber.organization
    cache_key = ("summary", organization.id, send.month)
    if cache_key not in summaries:
        summaries[cache_key] = selectors.company_summary(organization, month=send.month, now=now)
    return emails.render(
        "company_summary",
        {
            "subscriber": send.subscriber,
            "organization": organization,
            "summary": summaries[cache_key],
            "unsubscribe_url": _unsubscribe_url(send.subscriber),
        },
    )


def _queue(send: SubscriberSend, rendered: emails.Rendered) -> bool:
    """Queue one email, unless the subscriber unsubscribed or was removed meanwhile: the row is
    locked, so an unsubscribe either comes first (nothing is queued) or after (and stops it)."""
    with transaction.atomic():
        current = (
            ExternalSubscriber.objects.select_for_update()
            .filter(pk=send.subscriber.pk, unsubscribed_at__isnull=True)
            .first()
        )
        if current is None:
            return False
        return mail_services.delivery_enqueue_to_address(
            kind=Delivery.Kind.SUBSCRIBER,
            to=current.email,
            key=send.key,
            subject=rendered.subject,
            body=rendered.body,
            html=rendered.html,
            organization_id=current.organization_id,
            unsubscribe_url=_unsubscribe_url(current),
        )


def subscribers_queue_due(*, now: datetime) -> int:
    """Queue every team digest and monthly summary due to external subscribers at ``now``, each
    once per subscriber and period however many workers run (the key decides). The worker's
    turn sends them right after. Returns how many this call queued."""
    queued = 0
    cache: dict = {}
    for send in selectors.due_team_digests(now) + selectors.due_company_summaries(now):
        try:
            if send.unit is not None:
                rendered = _render_digest(send, cache)
            else:
                rendered = _render_summary(send, cache, now)
            queued += _queue(send, rendered)
        except Exception:  # one subscriber's email must not stop the others; the next turn retries
            logger.exception("Could not queue the update for %s.", send.subscriber)
    return queued
