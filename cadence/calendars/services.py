"""Writes of calendar feeds: make (or remake) a person's or a team's feed, revoke one, note a
fetch. Keyword-only, permission-checked, atomic, audited."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from cadence.audit.services import audit_record
from cadence.calendars.models import CalendarFeed
from cadence.calendars.selectors import TOKEN_PREFIX, secret_hash
from cadence.orgs.models import Person, Unit
from cadence.orgs.selectors import Access

# A fetch is noted at most this often (calendar apps poll; a feed is not a write per poll).
FETCH_NOTE_EVERY = timedelta(minutes=1)


def can_manage_team_feed(actor: Person, unit: Unit) -> bool:
    """A team's feed is made and revoked by the leads of the team or of a unit above it, and
    by admins."""
    return (
        actor.is_active
        and actor.organization_id == unit.organization_id
        and unit.kind == Unit.Kind.TEAM
        and Access(actor).can_lead_unit(unit)
    )


def _label(feed: CalendarFeed) -> str:
    owner = feed.person.name if feed.person_id else f"team {feed.unit.name}"
    return f"Calendar feed of {owner} ({feed.prefix}…)"


def _revoke(feed: CalendarFeed, actor: Person, now: datetime) -> None:
    feed.revoked_at = now
    feed.revoked_by = actor
    feed.save(update_fields=["revoked_at", "revoked_by", "updated_at"])
    audit_record(
        organization=feed.organization_id,
        kind="calendar_feed.revoked",
        actor=actor,
        target=feed,
        target_label=_label(feed),
    )


@transaction.atomic
def calendar_feed_create(
    *, actor: Person, person: Person | None = None, unit: Unit | None = None
) -> tuple[CalendarFeed, str]:
    """A new feed address for ``person`` (only their own) or for the team ``unit``; the owner's
    live feed, if any, is revoked (its address stops at once). Returns the feed and its secret,
    shown once: only the secret's hash is kept."""
    if (person is None) == (unit is None):
        raise ValidationError({"owner": "A feed belongs to one person or one team."})
    owner = person or unit
    if not actor.is_active or actor.organization_id != owner.organization_id:
        raise PermissionDenied("You are not part of this organization.")
    if person is not None:
        if person.pk != actor.pk:
            raise PermissionDenied("Only you make your own calendar feed.")
        # The owner's row, locked: two makes at once queue here, so one live feed remains.
        Person.objects.select_for_update().filter(pk=person.pk).first()
        live = CalendarFeed.objects.select_for_update().filter(
            person=person, revoked_at__isnull=True
        )
    else:
        if unit.kind != Unit.Kind.TEAM:
            raise ValidationError({"owner": "Only teams have a calendar feed."})
        if unit.archived_at is not None:
            raise ValidationError({"owner": f"{unit.name} is archived."})
        if not can_manage_team_feed(actor, unit):
            raise PermissionDenied(f"Only leads of {unit.name} or above and admins do this.")
        Unit.objects.select_for_update().filter(pk=unit.pk).first()
        live = CalendarFeed.objects.select_for_update().filter(unit=unit, revoked_at__isnull=True)
    now = timezone.now()
    for old in live:
        old.person, old.unit = person, unit  # (already read: no query for the audit label)
        _revoke(old, actor, now)
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    feed = CalendarFeed.objects.create(
        organization_id=owner.organization_id,
        person=person,
        unit=unit,
        token_hash=secret_hash(secret),
        prefix=secret[:10],
        created_by=actor,
    )
    audit_record(
        organization=feed.organization_id,
        kind="calendar_feed.created",
        actor=actor,
        target=feed,
        target_label=_label(feed),
    )
    return feed, secret


def can_revoke(actor: Person, feed: CalendarFeed) -> bool:
    if not actor.is_active or actor.organization_id != feed.organization_id:
        return False
    if feed.person_id is not None:
        return feed.person_id == actor.pk or actor.is_admin
    return can_manage_team_feed(actor, feed.unit)


@transaction.atomic
def calendar_feed_revoke(*, actor: Person, feed: CalendarFeed) -> None:
    """Revoke a live feed: its address answers 410 Gone from now on. A person revokes their own
    (an admin anyone's); a team's, whoever may make it."""
    if actor.organization_id != feed.organization_id:
        raise PermissionDenied("You are not part of this organization.")
    if not can_revoke(actor, feed):
        raise PermissionDenied("You may not revoke this calendar feed.")
    feed = (
        CalendarFeed.objects.select_for_update(of=("self",))
        .select_related("person", "unit")
        .get(pk=feed.pk)
    )
    if feed.is_revoked:
        return
    _revoke(feed, actor, timezone.now())


def calendar_feed_fetched(*, feed: CalendarFeed, now: datetime) -> None:
    """Note that a calendar fetched the feed (the page's check that a subscription works), at
    most once a minute."""
    if feed.last_fetched_at is None or now - feed.last_fetched_at >= FETCH_NOTE_EVERY:
        CalendarFeed.objects.filter(pk=feed.pk).update(last_fetched_at=now)
        feed.last_fetched_at = now
