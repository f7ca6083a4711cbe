"""Reads for scheduled emails: what is due at a moment, and who follows which team's digest.

``due_sends`` is the whole schedule (docs/method.md §4): it is a pure reading of the database at a
moment, so the worker, ``cadence remind --now …`` and the tests ask it the same question.

- **Reminder**: from ``REMINDER_LEAD`` (2 hours) before a team's weekly deadline until the
  deadline, one reminder to each member whose primary team it is, who has not written their
  update for that week, who has not opted out, and who is in the organization's rollout
  (``orgs.rollout``: everyone, team leads only, or the pilot units' people). A run that starts
  after the deadline (the worker was down) sends no reminder for that week: a reminder about a
  deadline that has passed is noise, and the digest covers it.
- **Digest**: after a team's deadline, the team report of that week to everyone who was on the
  team (and is in the rollout) or subscribed to it at the deadline (and has not opted out of
  digests: a subscription is the person's own choice, so it holds outside the rollout), until
  the next deadline replaces it. Only the *last* deadline counts: a run after a long downtime sends
  last week's digest, not one per missed week. A week in which nobody on the team wrote an
  update has no digest.

Sends already marked sent are left out; a claimed but unsent one stays due (the claim decides).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from uuid import UUID

from django.db.models import Exists, QuerySet

from cadence.mail.models import Delivery
from cadence.orgs.models import Membership, Person, Unit
from cadence.orgs.rollout_selectors import people_in_rollout
from cadence.scheduling.models import DigestSubscription
from cadence.weekly import selectors as weekly_selectors
from cadence.weekly.models import WeeklyUpdate
from cadence.weekly.weeks import next_week, previous_week, week_of


def follows_digest(person: Person, unit_ref) -> Exists:
    """Whether the person follows the digest of the unit (``unit_ref``: an ``OuterRef`` to its
    id): an annotation of the unit's own query, for ``context_processors.DigestFollows``."""
    return Exists(DigestSubscription.objects.filter(person=person, unit_id=unit_ref))


REMINDER_LEAD = timedelta(hours=2)


@dataclass(frozen=True)
class DueSend:
    kind: str  # Delivery.Kind
    person: Person
    unit: Unit  # the team: whose deadline, or whose report
    week: date  # Monday
    deadline: datetime

    @property
    def key(self) -> tuple[str, UUID, date, UUID]:
        return (self.kind, self.person.id, self.week, self.unit.id)


def _teams() -> list[Unit]:
    return list(
        Unit.objects.filter(
            kind=Unit.Kind.TEAM, organization__isnull=False, archived_at__isnull=True
        )
        .select_related("organization")
        .order_by("organization_id", "name")
    )


def reminder_window(unit: Unit, now: datetime) -> tuple[date, datetime] | None:
    """The week whose reminder window (deadline − lead ≤ now < deadline) holds ``now``."""
    this_week = week_of(now, unit.time_zone)
    # A deadline early on a Monday opens its window in the previous local week.
    for week in (this_week, next_week(this_week)):
        deadline = weekly_selectors.team_deadline(unit, week)
        if deadline - REMINDER_LEAD <= now < deadline:
            return week, deadline
    return None


def last_deadline(unit: Unit, now: datetime) -> tuple[date, datetime]:
    """The most recent week whose deadline is at or before ``now``, and that deadline."""
    week = next_week(week_of(now, unit.time_zone))
    while True:
        deadline = weekly_selectors.team_deadline(unit, week)
        if deadline <= now:
            return week, deadline
        week = previous_week(week)


def _updated(pairs: set[tuple[UUID, date]]) -> set[tuple[UUID, date]]:
    """Which (person id, week) pairs have an update the person wrote themselves."""
    if not pairs:
        return set()
    people = {p for p, _ in pairs}
    weeks = {w for _, w in pairs}
    rows = WeeklyUpdate.objects.filter(
        person_id__in=people, week__in=weeks, submitted_at__isnull=False
    ).values_list("person_id", "week")
    return set(rows) & pairs


def _sent(weeks: set[date]) -> set[tuple[str, UUID, date, UUID]]:
    if not weeks:
        return set()
    rows = Delivery.objects.filter(week__in=weeks, sent_at__isnull=False).values_list(
        "kind", "person_id", "week", "unit_id"
    )
    return set(rows)


def _due_reminders(teams: list[Unit], now: datetime) -> list[DueSend]:
    windows = {}
    for team in teams:
        window = reminder_window(team, now)
        if window is not None:
            windows[team.id] = (team, *window)
    if not windows:
        return []
    candidates = (
        Person.objects.filter(
            is_active=True,
            weekly_reminders=True,
            memberships__unit_id__in=list(windows),
        )
        .exclude(role=Person.Role.VIEWER)
        .select_related("organization")
        .distinct()
        .order_by("organization_id", "name", "id")
    )
    inside = people_in_rollout(candidates)
    candidates = [p for p in candidates if p.pk in inside]
    rhythm = weekly_selectors.rhythm_units(person_ids=[p.id for p in candidates])
    sends = []
    for person in candidates:
        primary = rhythm.get(person.id)
        if primary is None or primary.id not in windows:
            continue  # their deadline is their primary team's, and it is not close
        team, week, deadline = windows[primary.id]
        sends.append(DueSend(Delivery.Kind.REMINDER, person, team, week, deadline))
    updated = _updated({(s.person.id, s.week) for s in sends})
    return [s for s in sends if (s.person.id, s.week) not in updated]


def _due_digests(teams: list[Unit], now: datetime) -> list[DueSend]:
    last = {team.id: last_deadline(team, now) for team in teams}
    if not last:
        return []
    members: dict[UUID, list[tuple[Person, datetime]]] = {}
    for m in Membership.objects.filter(
        unit_id__in=list(last), person__is_active=True
    ).select_related("person"):
        members.setdefault(m.unit_id, []).append((m.person, m.created_at))
    subscribers: dict[UUID, list[tuple[Person, datetime]]] = {}
    for s in DigestSubscription.objects.filter(
        unit_id__in=list(last), person__is_active=True
    ).select_related("person"):
        subscribers.setdefault(s.unit_id, []).append((s.person, s.created_at))
    written = _updated(
        {(p.id, last[unit_id][0]) for unit_id, rows in members.items() for p, _ in rows}
    )
    organizations = {team.organization_id: team.organization for team in teams}
    everyone = [p for rows in members.values() for p, _ in rows]
    for person in everyone:
        person.organization = organizations[person.organization_id]
    inside = people_in_rollout(everyone)
    sends = []
    for team in teams:
        week, deadline = last[team.id]
        team_members = members.get(team.id, [])
        if not any((p.id, week) in written for p, _ in team_members):
            continue  # nobody on the team wrote an update that week: nothing to report
        recipients: dict[UUID, Person] = {}
        members_inside = [(p, since) for p, since in team_members if p.id in inside]
        for person, since in [*members_inside, *subscribers.get(team.id, [])]:
            if since <= deadline and person.weekly_digests:
                recipients[person.id] = person
        for person in sorted(recipients.values(), key=lambda p: (p.name, p.id)):
            person.organization = team.organization
            sends.append(DueSend(Delivery.Kind.DIGEST, person, team, week, deadline))
    return sends


def due_sends(now: datetime) -> list[DueSend]:
    """Every reminder and digest due at ``now`` (aware) and not yet sent, reminders first."""
    teams = _teams()
    sends = _due_reminders(teams, now) + _due_digests(teams, now)
    sent = _sent({s.week for s in sends})
    return [s for s in sends if s.key not in sent]


def subscriptions_of(person: Person) -> QuerySet[DigestSubscription]:
    return DigestSubscription.objects.filter(
        organization=person.organization, person=person
    ).select_related("unit")


def is_subscribed(person: Person, unit: Unit) -> bool:
    return DigestSubscription.objects.filter(person=person, unit=unit).exists()


def deliveries_of(person: Person) -> QuerySet[Delivery]:
    return Delivery.objects.filter(person=person).select_related("unit")
