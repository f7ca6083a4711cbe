"""Reads for Slack and Teams channels: an organization's or a unit's connections (another
organization's is missing: Http404), and the facts each message tells, read at a moment.

What is due (the worker asks at each turn; docs/decisions.md, "Issue 15 — Slack and Teams"):

- **Digest**: a team's last deadline passed and somebody on the team wrote that week's update
  (the email digest's rule, ``scheduling.selectors``), for a channel connected before that
  deadline. Once per channel and week.
- **Reminder summary**: while the team's reminders go out (``scheduling.selectors.reminder_window``,
  the two hours before the deadline). Once per channel and week.
- **Alerts**: a key result of the unit's own objectives (running cycles, not drafts) that turned
  off track (its pace) or stalled (``okrs.progress.is_stalled``) since the channel last looked;
  looked at most once an hour per channel.
- **Approvals**: from 09:00 on a working day in the unit's time zone, when proposals wait on the
  unit's leads or the unit's own proposals wait above it. Once per channel and day.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime, time
from uuid import UUID

from django.db.models import Q, QuerySet
from django.http import Http404

from cadence.core.ids import uuid_or_404
from cadence.integrations.models import ChannelConnection, ChannelPost
from cadence.okrs import progress as arithmetic
from cadence.okrs import selectors as okr_selectors
from cadence.okrs.models import Cycle, Objective
from cadence.okrs.visibility import Sight
from cadence.orgs.models import Organization, Person, Unit
from cadence.orgs.rollout_selectors import people_in_rollout
from cadence.scheduling import selectors as schedule
from cadence.weekly import selectors as weekly_selectors
from cadence.weekly.models import WeeklyUpdate

# Posts a channel's log shows at most (the newest).
LOG_ROWS = 10
# The approvals summary goes out from this local time on working days.
APPROVALS_TIME = time(9, 0)


def channels_of(organization: Organization) -> QuerySet[ChannelConnection]:
    return (
        ChannelConnection.objects.filter(organization=organization)
        .select_related("unit", "created_by")
        .order_by("unit__name", "created_at")
    )


def channels_of_unit(unit: Unit) -> QuerySet[ChannelConnection]:
    return channels_of(unit.organization).filter(unit=unit)


def channel_get(organization: Organization, channel_id) -> ChannelConnection:
    channel = channels_of(organization).filter(pk=uuid_or_404(channel_id)).first()
    if channel is None:
        raise Http404("No such channel.")
    return channel


def posts_of(channels: list[ChannelConnection], limit: int = LOG_ROWS) -> dict[UUID, list]:
    """Each channel's newest posts, newest first (one query per channel: a page shows few)."""
    return {
        c.pk: list(
            ChannelPost.objects.filter(connection=c)
            .defer("payload")
            .order_by("-created_at")[:limit]
        )
        for c in channels
    }


def active_channels() -> list[ChannelConnection]:
    """Every channel switched on, of a unit not archived, of any organization that has not
    switched channels off (the worker's)."""
    return list(
        ChannelConnection.objects.filter(
            active=True, unit__archived_at__isnull=True, organization__channels_on=True
        )
        .select_related("unit", "organization")
        .order_by("organization_id", "created_at")
    )


def posted_keys(keys: list[str]) -> set[str]:
    if not keys:
        return set()
    return set(ChannelPost.objects.filter(key__in=keys).values_list("key", flat=True))


# Digest and reminders --------------------------------------------------------------------------


def digest_due(channel: ChannelConnection, now: datetime) -> tuple[date, datetime] | None:
    """The week whose digest the channel gets at ``now`` (its deadline passed, since the channel
    was connected), or None. Whether anybody wrote is the report's to say."""
    unit = channel.unit
    if unit.kind != Unit.Kind.TEAM:
        return None
    week, deadline = schedule.last_deadline(unit, now)
    if channel.created_at > deadline:
        return None
    return week, deadline


def digest_report(unit: Unit, week: date) -> weekly_selectors.TeamReport | None:
    """The team's report of ``week``, or None when nobody on the team wrote an update."""
    # A channel is read by people Cadence does not know: only what the whole organization sees.
    report = weekly_selectors.team_report(
        unit.organization, unit, week, viewer=Sight.public(unit.organization_id)
    )
    if not any(p.submitted for p in report.people):
        return None
    return report


def reminders_due(channel: ChannelConnection, now: datetime) -> tuple[date, datetime] | None:
    unit = channel.unit
    if unit.kind != Unit.Kind.TEAM:
        return None
    return schedule.reminder_window(unit, now)


@dataclass(frozen=True)
class ReminderFacts:
    expected: list[Person]  # whose weekly deadline is this team's
    updated: set[UUID]


def reminder_facts(unit: Unit, week: date) -> ReminderFacts:
    """Who writes their update at this team's deadline (members whose primary team it is, not
    viewers, active, in the organization's rollout), and which of them wrote this week's."""
    members = list(
        Person.objects.filter(is_active=True, memberships__unit=unit)
        .exclude(role=Person.Role.VIEWER)
        .distinct()
        .order_by("name", "id")
    )
    rhythm = weekly_selectors.rhythm_units(person_ids=[p.id for p in members])
    inside = people_in_rollout(members)
    expected = [
        p
        for p in members
        if (r := rhythm.get(p.id)) is not None and r.id == unit.id and p.id in inside
    ]
    updated = set(
        WeeklyUpdate.objects.filter(
            person_id__in=[p.id for p in expected], week=week, submitted_at__isnull=False
        ).values_list("person_id", flat=True)
    )
    return ReminderFacts(expected=expected, updated=updated)


# Key results that turned -------------------------------------------------------------------


@dataclass(frozen=True)
class KeyResultState:
    key_result: object  # the KeyResult model
    objective: Objective
    progress: float | None
    off_track: bool
    stalled: bool


def key_result_states(unit: Unit, now: datetime) -> list[KeyResultState]:
    """The key results of the unit's own objectives in its running cycles (proposed or approved:
    drafts are not the plan yet, abandoned ones are over), with whether each is off track (its
    pace today) and stalled."""
    today = now.astimezone(zoneinfo.ZoneInfo(unit.time_zone)).date()
    cycles = Cycle.objects.filter(
        organization_id=unit.organization_id,
        start__lte=today,
        end__gte=today,
        closed_at__isnull=True,
    )
    states = []
    for cycle in cycles:
        board = okr_selectors.board_for_cycle(
            unit.organization,
            cycle,
            today=today,
            viewer=Sight.public(unit.organization_id),
            scope=Q(unit=unit, cycle=cycle)
            & Q(state__in=[Objective.State.PROPOSED, Objective.State.APPROVED]),
        )
        objectives = board.in_cycle()
        histories = okr_selectors.key_result_histories_many(objectives, now=now)
        for objective in objectives:
            for kr in objective.krs:
                history = histories.get(kr.id)
                states.append(
                    KeyResultState(
                        key_result=kr.model,
                        objective=objective.model,
                        progress=kr.progress,
                        off_track=kr.pace == arithmetic.OFF_TRACK,
                        stalled=bool(history and history.stalled),
                    )
                )
    return states


# Approvals ----------------------------------------------------------------------------------


def approvals_day(channel: ChannelConnection, now: datetime) -> date | None:
    """The local day whose approvals summary is due at ``now`` (a working day, from 09:00), or
    None."""
    local = now.astimezone(zoneinfo.ZoneInfo(channel.unit.time_zone))
    if local.weekday() >= 5 or local.time() < APPROVALS_TIME:
        return None
    return local.date()


@dataclass(frozen=True)
class ApprovalFacts:
    waiting_here: list[Objective]  # proposals the unit's leads approve
    own: list[Objective]  # the unit's own proposals, waiting above it


def approval_facts(unit: Unit) -> ApprovalFacts:
    """Proposed objectives waiting on the unit (aligned to one of its objectives, whose owner or
    leads approve them, or standalone in a unit right below it, whose leads approve them), and
    the unit's own proposals. Two queries."""
    proposed = Objective.objects.filter(
        organization_id=unit.organization_id, state=Objective.State.PROPOSED
    ).select_related("unit")
    here = proposed.filter(
        Q(parent__unit=unit) | Q(parent__isnull=True, unit__parent=unit)
    ).order_by("updated_at")
    return ApprovalFacts(
        waiting_here=list(here[:50]),
        own=list(proposed.filter(unit=unit).order_by("updated_at")[:50]),
    )
