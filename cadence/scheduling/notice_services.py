"""The worker's notifications of what time brings (``tick``): reviews and retrospectives due, key
results that turned off track or stale (``feed.watch``), and the daily digests (``feed.notify``).

A retrospective is due for each team with objectives in a cycle in its review phase and no
completed retrospective (``reviews.selectors.due_now``, the dashboard's list): the team's
members and leads are told once per cycle (the notification's key), on the channels they chose.
The reviews leads hold during the cycle (docs/method.md §5) are asked of the team's leads: the
mid-cycle review once the cycle is half way through, each month's review in the month's last
week; each once (per cycle, per month), and only while the team has not written it. People
outside the organization's rollout (``orgs.rollout``) are not told.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.urls import reverse
from django.utils import timezone

from cadence.feed import notices, notify, watch
from cadence.okrs.models import Cycle
from cadence.okrs.visibility import Sight
from cadence.orgs.models import Membership, Organization, Person, Unit
from cadence.orgs.rollout_selectors import people_in_rollout
from cadence.reviews import selectors as review_selectors
from cadence.reviews import services as review_services
from cadence.reviews.models import Review

# A month's review is asked for in the month's last this many days.
MONTHLY_REVIEW_NOTICE = timedelta(days=7)


def _in_rollout(people) -> list[Person]:
    people = list(people)
    inside = people_in_rollout(people)
    return [p for p in people if p.pk in inside]


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
            # Whether a team's retrospective is due does not depend on who reads it.
            due = review_selectors.due_now(
                organization, cycle, today, viewer=Sight.whole(organization.id)
            )
            for team in due.teams_without_retrospective:
                url = reverse("team_retrospective", args=[cycle.pk, team.pk])
                people = (
                    Person.objects.filter(memberships__unit=team, is_active=True)
                    .exclude(role=Person.Role.VIEWER)
                    .select_related("organization")
                    .distinct()
                )
                told += notify.notify_once(
                    people=_in_rollout(people),
                    kind=notices.REVIEW_DUE,
                    text=f"{team.name}'s retrospective of {cycle.name} is due",
                    url=url,
                    key=f"review_due:{cycle.pk}:{team.pk}",
                )
    return told


def _next_month(first: date) -> date:
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)


def periodic_reviews_due(cycle: Cycle, today: date) -> list[tuple[Unit, str, date | None]]:
    """The (team, kind, period) reviews a running cycle asks of its teams today and nobody has
    written: the mid-cycle review from the cycle's middle on, the month's review in its last
    week (two queries)."""
    if cycle.phase_on(today) not in (Cycle.Phase.ACTIVE, Cycle.Phase.REVIEW) or today > cycle.end:
        return []
    asked: list[tuple[str, date | None]] = []
    if today >= cycle.start + (cycle.end - cycle.start) / 2:
        asked.append((Review.Kind.MID_CYCLE, None))
    month = today.replace(day=1)
    if (
        month in review_services.cycle_months(cycle)
        and _next_month(month) - today <= MONTHLY_REVIEW_NOTICE
    ):
        asked.append((Review.Kind.MONTHLY, month))
    if not asked:
        return []
    teams = list(
        Unit.objects.filter(
            organization_id=cycle.organization_id,
            kind=Unit.Kind.TEAM,
            archived_at__isnull=True,
            id__in=cycle.objectives.values("unit_id"),
        ).order_by("name")
    )
    written = set(
        Review.objects.filter(
            cycle=cycle, kind__in=[kind for kind, _ in asked], unit__in=teams
        ).values_list("unit_id", "kind", "period")
    )
    return [
        (team, kind, period)
        for team in teams
        for kind, period in asked
        if (team.id, kind, period) not in written
    ]


def periodic_reviews_notify(*, now: datetime | None = None) -> int:
    """Ask each team's leads for the reviews due (``periodic_reviews_due``), once each."""
    now = now or timezone.now()
    told = 0
    for organization in Organization.objects.all():
        today = review_selectors.organization_today(organization)
        cycles = Cycle.objects.filter(
            organization=organization, closed_at__isnull=True, start__lte=today, end__gte=today
        )
        for cycle in cycles:
            for team, kind, period in periodic_reviews_due(cycle, today):
                if kind == Review.Kind.MONTHLY:
                    url = reverse("review_monthly", args=[cycle.pk, period.strftime("%Y-%m")])
                    what = f"the {period.strftime('%B')} review"
                    key = f"review_due:{cycle.pk}:{team.pk}:{period:%Y-%m}"
                else:
                    url = reverse("review_mid_cycle", args=[cycle.pk])
                    what = "the mid-cycle review"
                    key = f"review_due:{cycle.pk}:{team.pk}:mid"
                leads = (
                    Person.objects.filter(
                        memberships__unit=team,
                        memberships__role=Membership.Role.LEAD,
                        is_active=True,
                    )
                    .select_related("organization")
                    .distinct()
                )
                told += notify.notify_once(
                    people=_in_rollout(leads),
                    kind=notices.REVIEW_DUE,
                    text=f"{team.name}: {what} of {cycle.name} is due",
                    url=f"{url}?unit={team.pk}",
                    key=key,
                )
    return told


def notices_due(*, now: datetime) -> str:
    """One turn's notifications of what time brings; a one-line summary, or ""."""
    transitions = watch.key_result_signals_refresh(now=now)
    reviews = reviews_due_notify(now=now) + periodic_reviews_notify(now=now)
    digests = notify.daily_digests_send(now=now)
    parts = []
    if transitions:
        parts.append(f"{transitions} key result{'s' * (transitions != 1)} turned")
    if reviews:
        parts.append(f"{reviews} told of a review due")
    if digests:
        parts.append(f"{digests} daily digest{'s' * (digests != 1)} queued")
    return f"Notifications: {', '.join(parts)}." if parts else ""
