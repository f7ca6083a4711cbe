"""Reads for external subscribers: an organization's list, the one an unsubscribe link names, and
what is due to them at a moment (docs/decisions.md, "Issue 13 — external subscribers").

- **Team digest**: when a team's weekly digest goes out to its people (its last deadline has
  passed and somebody on the team wrote an update that week, ``selectors``' rule), the same
  week's report goes to each of the team's subscribers who was subscribed at the deadline.
- **Company summary**: from 09:00 on the first working day (Monday to Friday) of a month, in the
  organization's time zone, until the month ends, to each subscriber subscribed by then. Only
  the current month counts: a worker that was down for a month sends one summary, not two.

A send's ``key`` names the queued email (``cadence.mail``): one per subscriber and period, so two
workers, or two turns, queue it once.
"""

from __future__ import annotations

import re
import zoneinfo
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import dateformat

from cadence.core.ids import uuid_or_404
from cadence.mail.models import Delivery
from cadence.okrs import progress as arithmetic
from cadence.okrs import selectors as okr_selectors
from cadence.okrs.models import Objective
from cadence.okrs.visibility import Sight
from cadence.orgs.models import Membership, Organization, Unit
from cadence.orgs.selectors import company_unit
from cadence.scheduling import selectors
from cadence.scheduling.models import ExternalSubscriber
from cadence.weekly.weeks import format_week

# The monthly summary goes out from this local time on the month's first working day.
SUMMARY_TIME = time(9, 0)
# A token as subscriber_add makes them (secrets.token_urlsafe(32)); anything else is no token.
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")

STATUS_WORDS = {
    arithmetic.ON_TRACK: "on track",
    arithmetic.AT_RISK: "at risk",
    arithmetic.OFF_TRACK: "off track",
}


# The admin's list and the unsubscribe link ---------------------------------------------------


def subscribers_of(organization: Organization) -> QuerySet[ExternalSubscriber]:
    return ExternalSubscriber.objects.filter(organization=organization).select_related(
        "unit", "created_by"
    )


def subscriber_get(organization: Organization, subscriber_id) -> ExternalSubscriber:
    subscriber = subscribers_of(organization).filter(pk=uuid_or_404(subscriber_id)).first()
    if subscriber is None:
        raise Http404("No such subscriber.")
    return subscriber


def subscriber_by_token(token: str) -> ExternalSubscriber | None:
    """The subscriber an unsubscribe link names, or None for a link that names nobody (mistyped,
    cut short, made up, or its subscriber removed since)."""
    if not TOKEN_PATTERN.match(token or ""):
        return None
    return (
        ExternalSubscriber.objects.filter(token=token)
        .select_related("organization", "unit")
        .first()
    )


def teams_for_subscribing(organization: Organization) -> list[Unit]:
    return list(
        Unit.objects.filter(
            organization=organization, kind=Unit.Kind.TEAM, archived_at__isnull=True
        ).order_by("name")
    )


def subscriber_key(subscriber: ExternalSubscriber, period: str) -> str:
    """The queued email's key: every email to a subscriber starts ``subscriber:<id>:``."""
    return f"subscriber:{subscriber.pk}:{period}"


def subscriber_key_prefix(subscriber: ExternalSubscriber) -> str:
    return f"subscriber:{subscriber.pk}:"


# What is due -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SubscriberSend:
    subscriber: ExternalSubscriber
    key: str
    # A team digest: the team, its week and deadline.
    unit: Unit | None = None
    week: date | None = None
    deadline: datetime | None = None
    # A company summary: the first day of the month it opens, and the moment it was due.
    month: date | None = None
    due_at: datetime | None = None


def _not_queued(sends: list[SubscriberSend]) -> list[SubscriberSend]:
    if not sends:
        return []
    queued = set(
        Delivery.objects.filter(key__in=[s.key for s in sends]).values_list("key", flat=True)
    )
    return [s for s in sends if s.key not in queued]


def _active(what: str) -> QuerySet[ExternalSubscriber]:
    return (
        ExternalSubscriber.objects.filter(what=what, unsubscribed_at__isnull=True)
        .select_related("organization", "unit")
        .order_by("organization_id", "email", "id")
    )


def due_team_digests(now: datetime) -> list[SubscriberSend]:
    """The team digests due to subscribers at ``now`` and not queued yet."""
    subscribers = list(_active(ExternalSubscriber.What.TEAM_DIGEST))
    if not subscribers:
        return []
    wanted = {s.unit_id for s in subscribers}
    # The teams whose digests go out at all (the scheduler's own list).
    teams = [t for t in selectors._teams() if t.id in wanted]
    last = {t.id: selectors.last_deadline(t, now) for t in teams}
    members: dict = {}
    for unit_id, person_id in Membership.objects.filter(
        unit_id__in=list(last), person__is_active=True
    ).values_list("unit_id", "person_id"):
        members.setdefault(unit_id, []).append(person_id)
    written = selectors._updated(
        {(p, last[unit_id][0]) for unit_id, people in members.items() for p in people}
    )
    reporting = {
        t.id: t for t in teams if any((p, last[t.id][0]) in written for p in members.get(t.id, []))
    }
    sends = []
    for subscriber in subscribers:
        team = reporting.get(subscriber.unit_id)
        if team is None:
            continue
        week, deadline = last[team.id]
        if subscriber.created_at > deadline:
            continue  # subscribed after this week's deadline: their first is next week's
        sends.append(
            SubscriberSend(
                subscriber=subscriber,
                key=subscriber_key(subscriber, f"digest:{format_week(week)}"),
                unit=team,
                week=week,
                deadline=deadline,
            )
        )
    return _not_queued(sends)


def first_working_day(month: date) -> date:
    """The first Monday-to-Friday day of the month ``month`` falls in."""
    day = month.replace(day=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def summary_due_at(organization: Organization, now: datetime) -> tuple[date, datetime] | None:
    """The month whose summary is due at ``now`` (its first day) and when it became due, or
    None before this month's summary time."""
    zone = zoneinfo.ZoneInfo(organization.time_zone)
    month = now.astimezone(zone).date().replace(day=1)
    due_at = datetime.combine(first_working_day(month), SUMMARY_TIME, tzinfo=zone)
    if now < due_at:
        return None
    return month, due_at


def due_company_summaries(now: datetime) -> list[SubscriberSend]:
    """The monthly company summaries due to subscribers at ``now`` and not queued yet."""
    sends = []
    for subscriber in _active(ExternalSubscriber.What.COMPANY_SUMMARY):
        due = summary_due_at(subscriber.organization, now)
        if due is None:
            continue
        month, due_at = due
        if subscriber.created_at > due_at:
            continue  # subscribed after this month's went out: their first is next month's
        sends.append(
            SubscriberSend(
                subscriber=subscriber,
                key=subscriber_key(subscriber, f"summary:{month:%Y-%m}"),
                month=month,
                due_at=due_at,
            )
        )
    return _not_queued(sends)


# The company summary's content ---------------------------------------------------------------


@dataclass
class KeyResultLine:
    title: str
    progress_text: str
    change_text: str = ""


@dataclass
class ObjectiveLine:
    title: str
    status_text: str
    key_results: list[KeyResultLine] = field(default_factory=list)


@dataclass
class CompanySummary:
    month_label: str  # "December 2026": the month it opens
    previous_month_label: str  # "November 2026": the month whose changes it tells
    cycle: object | None
    elapsed_text: str
    objectives: list[ObjectiveLine]
    check_ins: int

    @property
    def check_ins_text(self) -> str:
        if not self.check_ins:
            return "no check-ins on the company's key results"
        plural = "s" if self.check_ins != 1 else ""
        return f"{self.check_ins} check-in{plural} on the company's key results"


def _points_text(change: float) -> str:
    points = round(change * 100)
    if points == 0:
        return "no change"
    return f"{'up' if points > 0 else 'down'} {abs(points)} point{'s' if abs(points) != 1 else ''}"


def _status_text(objective: Objective) -> str:
    if objective.is_abandoned:
        return "Abandoned."
    if objective.progress is None:
        text = "No progress measured yet."
    else:
        pace = STATUS_WORDS.get(objective.pace or "", "")
        text = f"{arithmetic.percent(objective.progress)} done" + (f", {pace}." if pace else ".")
    if objective.state == Objective.State.PROPOSED:
        text += " (Proposed, not approved yet.)"
    return text


def company_summary(organization: Organization, *, month: date, now: datetime) -> CompanySummary:
    """The company objectives of the current cycle with their progress and status, in words, and
    each key result's change since the first day of the previous month. Drafts are left out:
    they are not the company's yet."""
    zone = zoneinfo.ZoneInfo(organization.time_zone)
    today = now.astimezone(zone).date()
    previous = (month - timedelta(days=1)).replace(day=1)
    since = datetime.combine(previous, time(0, 0), tzinfo=zone)
    cycle = okr_selectors.cycle_current(organization, today)
    lines: list[ObjectiveLine] = []
    check_ins = 0
    elapsed = ""
    if cycle is not None:
        elapsed = arithmetic.percent(cycle.expected_on(today))
        company = company_unit(organization)
        board = okr_selectors.board_for_cycle(
            organization,
            cycle,
            today=today,
            # Read by someone with no account: only what the whole organization sees.
            viewer=Sight.public(organization.id),
            scope=Q(unit=company) & ~Q(state=Objective.State.DRAFT),
        )
        objectives = [o for o in board.in_cycle() if o.unit_id == company.id]
        histories = okr_selectors.key_result_histories_many(objectives, now=now)
        for objective in objectives:
            line = ObjectiveLine(title=objective.title, status_text=_status_text(objective))
            for kr in objective.krs:
                history = histories.get(kr.id)
                recent = [c for c in history.check_ins if c.at >= since] if history else []
                check_ins += len(recent)
                change = ""
                if recent and kr.progress is not None:
                    before = arithmetic.kr_progress(
                        kr.kind,
                        start=kr.start,
                        target=kr.target,
                        direction=kr.direction or None,
                        current=arithmetic.value_at(history.points, since, kr.start),
                    )
                    if before is not None:
                        since_text = dateformat.format(previous, "j F")
                        change = f"{_points_text(kr.progress - before)} since {since_text}"
                line.key_results.append(
                    KeyResultLine(
                        title=kr.title,
                        progress_text=arithmetic.percent(kr.progress),
                        change_text=change,
                    )
                )
            lines.append(line)
    return CompanySummary(
        month_label=dateformat.format(month, "F Y"),
        previous_month_label=dateformat.format(previous, "F Y"),
        cycle=cycle,
        elapsed_text=elapsed,
        objectives=lines,
        check_ins=check_ins,
    )
