"""What a benchmark dataset is: its sizes, the names and token it is found by, and the calendar
every part of the generator follows (bench/generate.py)."""

from __future__ import annotations

import base64
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from uuid import UUID

from cadence.alignment.models import ApprovalEvent, Dependency
from cadence.coach.models import CheckSetting, Dismissal
from cadence.feed.models import Comment, Like, Mention, Notification
from cadence.mail.models import Delivery
from cadence.meetings.models import MeetingNote
from cadence.okrs.models import CheckIn, Cycle, KeyResult, Objective
from cadence.orgs.models import ApiToken, Membership, Person, Unit
from cadence.orgs.services import TOKEN_PREFIX
from cadence.retrospectives.models import Learning
from cadence.reviews.models import Review
from cadence.scheduling.models import DigestSubscription
from cadence.weekly.models import (
    Category,
    Item,
    ItemMove,
    WeeklyUpdate,
)

# 4: items written after their week's deadline are late and not carried; 3: ids and token per
# size (sizes share a database); 2: carry-over
GENERATOR_VERSION = 4
BENCH_PASSWORD = "cadence-bench"
BATCH = 20_000


@dataclass(frozen=True)
class Shape:
    """An organization's size. People: ``people_per_team`` in every team, nobody else."""

    teams_per_department: tuple[int, ...]
    people_per_team: int = 10
    cycles: int = 8
    company_objectives: int = 4
    department_objectives: int = 3
    team_objectives: tuple[int, ...] = (4, 5)  # chosen per team and cycle (≈100k OKRs at org-100k)
    key_results: tuple[int, ...] = (3, 4, 4, 5)  # chosen per objective

    @property
    def departments(self) -> int:
        return len(self.teams_per_department)

    @property
    def teams(self) -> int:
        return sum(self.teams_per_department)

    @property
    def people(self) -> int:
        return self.teams * self.people_per_team


SIZES: dict[str, Shape] = {
    "small": Shape(teams_per_department=(3, 2)),  # 50 people, 2 departments, 5 teams
    "org-100k": Shape(teams_per_department=(10,) * 50),  # 5,000 people, 50 × 10 teams
}


@dataclass
class Dataset:
    size: str
    seed: int
    organization_id: UUID
    admin_email: str
    admin_password: str
    api_token: str
    cycle_id: UUID
    team_unit_id: UUID
    department_unit_id: UUID
    objective_id: UUID
    key_result_ids: list[UUID]
    counts: dict[str, int] = field(default_factory=dict)


def marker(size: str, seed: int) -> str:
    """The organization's name, which is how ``existing`` recognises a dataset."""
    return f"Bench {size} (seed {seed}, v{GENERATOR_VERSION})"


def admin_email(size: str, seed: int) -> str:
    return f"admin-{size}-s{seed}@bench.example"


def api_token(seed: int, size: str) -> str:
    """The admin's API token: deterministic from the size and seed (its own stream, so it is
    known without regenerating; per size, so that sizes can share a database)."""
    rng = random.Random(f"cadence-bench-token-{size}-{seed}")
    return TOKEN_PREFIX + base64.urlsafe_b64encode(rng.randbytes(32)).rstrip(b"=").decode()


# Tables counted in Dataset.counts, by label.
COUNTED = {
    "people": Person,
    "units": Unit,
    "memberships": Membership,
    "cycles": Cycle,
    "objectives": Objective,
    "key_results": KeyResult,
    "check_ins": CheckIn,
    "weekly_categories": Category,
    "weekly_updates": WeeklyUpdate,
    "weekly_items": Item,
    "item_moves": ItemMove,
    "approval_events": ApprovalEvent,
    "dependencies": Dependency,
    "reviews": Review,
    "learnings": Learning,
    "meeting_notes": MeetingNote,
    "comments": Comment,
    "mentions": Mention,
    "notifications": Notification,
    "likes": Like,
    "check_settings": CheckSetting,
    "dismissals": Dismissal,
    "digest_subscriptions": DigestSubscription,
    "deliveries": Delivery,
    "api_tokens": ApiToken,
}


# The calendar ----------------------------------------------------------------------------------


def quarter_of(day: date) -> tuple[date, date]:
    first_month = 3 * ((day.month - 1) // 3) + 1
    start = date(day.year, first_month, 1)
    following = (
        date(day.year + 1, 1, 1) if first_month == 10 else date(day.year, first_month + 3, 1)
    )
    return start, following - timedelta(days=1)


def utc_at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=UTC)


# Every generated unit's weekly deadline: Friday 17:00 UTC.
DEADLINE_WEEKDAY = 4
DEADLINE_TIME = time(17)
# The worker's turn: it acts this long after a deadline, a reminder window or a new update.
TURN = timedelta(minutes=1)


def deadline_of(week: date) -> datetime:
    """``weekly.selectors.team_deadline`` for a generated unit."""
    return datetime.combine(week + timedelta(days=DEADLINE_WEEKDAY), DEADLINE_TIME, tzinfo=UTC)


@dataclass
class Obj:
    id: UUID
    unit: int
    parent: UUID | None
    state: str
    commitment: str
    row: list
    krs: list[tuple[float | None, float]] = field(default_factory=list)


def item_row(rows, positions, item_id, at, category, text, objective_id, kr_id, source) -> list:
    """A weekly item's row, last in its category: [id, created, updated, category, text,
    objective, key result, position, carried from]."""
    row = [item_id, at, at, category, text, objective_id, kr_id, positions[category], source]
    positions[category] += 1
    rows.append(row)
    return row


def fmt_num(value: float) -> str:
    return f"{value:g}" if abs(value) < 1e6 else f"{value:,.0f}"
