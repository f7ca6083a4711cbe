"""Reads of calendar feeds and of the rituals a feed shows.

A feed is found by its secret alone (the calendar app that fetches it signs in as nobody): the
secret's hash is unique across the installation. Everything else is scoped to an organization.
"""

from __future__ import annotations

import hashlib
import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.http import Http404

from cadence.calendars import ics
from cadence.calendars.models import CalendarFeed
from cadence.meetings import selectors as meetings_selectors
from cadence.meetings.models import MeetingSlot
from cadence.okrs.models import REVIEW_WINDOW, Cycle
from cadence.orgs.models import Membership, Organization, Person, Unit
from cadence.orgs.selectors import Access, UnitTree, unit_get
from cadence.reviews.services import cycle_months
from cadence.weekly import selectors as weekly_selectors

# Every feed secret starts so (a string that is not one is no feed, without a query).
TOKEN_PREFIX = "cal_"
MAX_SECRET = 100


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def feed_for_secret(secret: str) -> CalendarFeed | None:
    """The feed (live or revoked) a secret names, or None."""
    if not secret or not secret.startswith(TOKEN_PREFIX) or len(secret) > MAX_SECRET:
        return None
    return (
        CalendarFeed.objects.select_related("organization", "person", "unit", "created_by")
        .filter(token_hash=secret_hash(secret))
        .first()
    )


def feed_serves(feed: CalendarFeed) -> bool:
    """A feed that is not revoked still stops when its person is deactivated or erased, when
    its team is archived, or when whoever made a team's feed is no longer active (they may
    still hold its address)."""
    if feed.is_revoked or not feed.organization.calendar_feeds_on:
        return False  # revoked, or the organization switched calendar feeds off
    if feed.person_id is not None:
        return feed.person.is_active and not feed.person.is_erased
    maker = feed.created_by
    return (
        feed.unit.archived_at is None
        and feed.unit.kind == Unit.Kind.TEAM
        and maker is not None
        and maker.is_active
        and maker.organization_id == feed.organization_id
    )


def person_feed_of(person: Person) -> CalendarFeed | None:
    """A person's live feed, or None."""
    return CalendarFeed.objects.filter(
        organization_id=person.organization_id, person=person, revoked_at__isnull=True
    ).first()


def team_feeds_of(organization: Organization, unit_ids) -> dict:
    """unit id → its live feed, for those of the units that have one (one query)."""
    return {
        f.unit_id: f
        for f in CalendarFeed.objects.filter(
            organization=organization, unit_id__in=list(unit_ids), revoked_at__isnull=True
        ).select_related("created_by")
    }


def team_feed_of(organization: Organization, unit: Unit) -> CalendarFeed | None:
    return team_feeds_of(organization, [unit.id]).get(unit.id)


def manageable_teams(person: Person, tree: UnitTree | None = None) -> list[Unit]:
    """The active teams whose feed and meeting a person may set: as leads of the team or of a
    unit above it, or as an admin (every team). By name."""
    access = Access(person, tree)
    return sorted(
        (
            u
            for u in access.tree.units.values()
            if u.kind == Unit.Kind.TEAM and u.archived_at is None and access.can_lead_unit(u)
        ),
        key=lambda u: (u.name.lower(), str(u.id)),
    )


def team_get(organization: Organization, unit_id) -> Unit:
    """One of the organization's teams (a department or the company has no feed): else 404."""
    unit = unit_get(organization, unit_id)
    if unit.kind != Unit.Kind.TEAM:
        raise Http404("No such team.")
    return unit


# What a feed shows --------------------------------------------------------------------------


def organization_today(organization: Organization, now: datetime) -> date:
    return now.astimezone(zoneinfo.ZoneInfo(organization.time_zone or "UTC")).date()


def cycle_dates(organization: Organization, today: date) -> list[ics.CycleDates]:
    """The organization's cycles a feed may show (not over for more than ``ics.RECENT_END``), as
    the pure module takes them: the months of their monthly reviews (reviews) and the first day
    of their review phase (okrs)."""
    cycles = Cycle.objects.filter(organization=organization, end__gte=today - ics.RECENT_END)
    return [
        ics.CycleDates(
            id=str(c.id),
            name=c.name,
            start=c.start,
            end=c.end,
            closed=c.closed_at is not None,
            review_start=max(c.start, c.end - REVIEW_WINDOW + timedelta(days=1)),
            months=tuple(cycle_months(c)),
        )
        for c in cycles.order_by("start", "end", "name")
    ]


def team_rhythm(
    unit: Unit,
    slot: MeetingSlot | None,
    *,
    deadline: bool = True,
    retrospectives: bool = True,
) -> ics.TeamRhythm:
    rhythm = weekly_selectors.unit_rhythm(unit, unit.organization_id)
    return ics.TeamRhythm(
        id=str(unit.id),
        name=unit.name,
        time_zone=rhythm.time_zone,
        deadline_weekday=rhythm.weekday,
        deadline_at=rhythm.at,
        meeting=(
            ics.MeetingSlot(weekday=slot.weekday, at=slot.at, minutes=slot.minutes)
            if slot is not None
            else None
        ),
        deadline=deadline,
        retrospectives=retrospectives,
    )


def person_rhythms(person: Person) -> list[ics.TeamRhythm]:
    """The weekly rituals in a person's feed: each of their active teams' meeting and
    retrospective, the weekly deadline once (the team their update follows: their primary team,
    else the company's rhythm); viewers write no updates, so no deadline."""
    organization = person.organization
    teams = [
        m.unit
        for m in Membership.objects.filter(
            person=person,
            unit__organization=organization,
            unit__kind=Unit.Kind.TEAM,
            unit__archived_at__isnull=True,
        )
        .select_related("unit")
        .order_by("unit__name", "unit_id")
    ]
    slots = meetings_selectors.meeting_slots(organization, [t.id for t in teams])
    primary = None if person.is_viewer else weekly_selectors.rhythm_unit(person)
    rhythms = [
        team_rhythm(t, slots.get(t.id), deadline=primary is not None and t.id == primary.id)
        for t in teams
    ]
    if primary is not None and primary.id not in {t.id for t in teams}:
        rhythms.insert(0, team_rhythm(primary, None, retrospectives=False))
    return rhythms


@dataclass(frozen=True)
class FeedText:
    body: bytes
    filename: str


def feed_calendar(feed: CalendarFeed, *, now: datetime, url: str = "") -> FeedText:
    """The iCalendar text of a live feed at ``now``."""
    organization = feed.organization
    today = organization_today(organization, now)
    cycles = cycle_dates(organization, today)
    if feed.unit_id is not None:
        unit = feed.unit
        slot = meetings_selectors.meeting_slot_of(organization, unit)
        body = ics.team_feed(team_rhythm(unit, slot), cycles, today=today, now=now, url=url)
        return FeedText(body, "cadence-team.ics")
    person = feed.person
    body = ics.person_feed(
        str(person.id),
        person.name,
        person_rhythms(person),
        cycles,
        today=today,
        now=now,
        url=url,
    )
    return FeedText(body, "cadence.ics")
