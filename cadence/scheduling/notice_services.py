"""The worker's notifications of what time brings (``tick``): retrospectives due, key results
that turned off track or stale (``feed.watch``), and the daily digests (``feed.notify``).

A retrospective is due for each team with objectives in a cycle in its review phase and no
completed retrospective (``reviews.selectors.due_now``, the dashboard's list): the team's
members and leads are told once per cycle (the notification's key), on the channels they chose.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cadence.feed import notices, notify, watch
from cadence.okrs.models import Cycle
from cadence.orgs.models import Organization, Person
from cadence.reviews import selectors as review_selectors


def reviews_due_notify(*, now: datetime | None = None) -> int:
    """Tell each team whose retrospective is due, once per cycle. Returns how many were told."""
    now = now or timezone.now()
    told = 0
    for organization in Organization.objects.all():
        today = review_selectors.organization_today(organization)
        cycles = Cycle.objects.filter(
            organization=organization, closed_at__isnull=True, start__lte=today
        )
        for cycle in cycles:
            if cycle.phase_on(today) != Cycle.Phase.REVIEW:
                continue
            due = review_selectors.due_now(organization, cycle, today)
            for team in due.teams_without_retrospective:
                url = reverse("team_retrospective", args=[cycle.pk, team.pk])
                people = (
                    Person.objects.filter(memberships__unit=team, is_active=True)
                    .exclude(role=Person.Role.VIEWER)
                    .distinct()
                )
                for person in people:
                    with transaction.atomic():
                        told += (
                            notify.notify(
                                person=person,
                                kind=notices.REVIEW_DUE,
                                text=f"{team.name}'s retrospective of {cycle.name} is due",
                                url=url,
                                key=f"review_due:{cycle.pk}:{team.pk}",
                            )
                            is not None
                        )
    return told


def notices_due(*, now: datetime) -> str:
    """One turn's notifications of what time brings; a one-line summary, or ""."""
    transitions = watch.key_result_signals_refresh(now=now)
    reviews = reviews_due_notify(now=now)
    digests = notify.daily_digests_send(now=now)
    parts = []
    if transitions:
        parts.append(f"{transitions} key result{'s' * (transitions != 1)} turned")
    if reviews:
        parts.append(f"{reviews} told of a retrospective due")
    if digests:
        parts.append(f"{digests} daily digest{'s' * (digests != 1)} queued")
    return f"Notifications: {', '.join(parts)}." if parts else ""
