"""The benchmark's organization: generated deterministically, at a chosen size, with bulk inserts.

``generate(size, seed=…, today=…)`` writes one organization (people, the unit tree, memberships,
eight quarterly cycles of objectives and key results with their weekly check-ins, weekly updates
and their items, reviews, approvals, comments, likes, dependencies …) and returns a ``Dataset``
naming the rows the benchmark requests. ``existing(size, seed=…)`` finds a dataset generated
earlier in the same database.

The generator bypasses the services for speed (raw ``INSERT … executemany`` on SQLite, ``COPY``
on PostgreSQL), so it stores every denormalized value itself, exactly as the services would:
a key result's ``current`` / ``confidence`` / ``last_check_in_at`` are its latest check-in's;
closed cycles have ``closed_at`` and their approved objectives are closed and scored like
``reviews.services.cycle_close`` does (``okrs.progress.score`` of the rolled-up progress);
``Objective.progress`` is the roll-up of ``okrs.progress.roll_up``; weekly updates are once per
person and week, and an item is carried over at most once.

Same size, seed and ``today`` → the same rows (ids included): every random choice comes from one
``random.Random(seed)`` and every timestamp from ``today``. Everything happens before ``today``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import random
import time as clock
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from uuid import UUID

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.db.models import DateField, DateTimeField, ForeignKey, JSONField, TimeField, UUIDField
from django.utils import timezone

from cadence.alignment.models import ApprovalEvent, Dependency
from cadence.coach.models import CheckSetting, Dismissal
from cadence.feed.models import Comment, Like, Mention, Notification
from cadence.meetings.models import MeetingNote
from cadence.okrs import progress as arithmetic
from cadence.okrs.models import CheckIn, Cycle, KeyResult, Objective
from cadence.orgs.models import ApiToken, Membership, Organization, Person, Unit
from cadence.orgs.services import TOKEN_PREFIX
from cadence.reviews.models import Learning, Review
from cadence.scheduling.models import Delivery, DigestSubscription
from cadence.scheduling.selectors import REMINDER_LEAD
from cadence.weekly.models import (
    BUILT_IN,
    PLANS,
    PROBLEMS,
    PROGRESS,
    Category,
    Item,
    ItemMove,
    WeeklyUpdate,
)

GENERATOR_VERSION = 3  # 3: ids and token per size (sizes share a database); 2: carry-over
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


# Reading a dataset back ----------------------------------------------------------------------

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

# Models with no organization column: how to reach it.
VIA = {
    Membership: "unit__organization",
    ItemMove: "item__organization",
    Mention: "comment__organization",
    ApiToken: "person__organization",
}


def count_rows(organization_id) -> dict[str, int]:
    out = {}
    for label, model in COUNTED.items():
        lookup = VIA.get(model, "organization")
        out[label] = model.objects.filter(**{lookup: organization_id}).count()
    return out


def existing(size: str, *, seed: int = 42) -> Dataset | None:
    """The dataset generated earlier in this database for this size, seed and generator
    version, else None."""
    organization = Organization.objects.filter(name=marker(size, seed)).first()
    if organization is None:
        return None
    return _describe(organization, size, seed, count_rows(organization.pk))


def _describe(organization: Organization, size: str, seed: int, counts: dict) -> Dataset:
    """The rows the benchmark requests, found the same way whether just generated or not."""
    admin = Person.objects.get(organization=organization, email=admin_email(size, seed))
    cycle = Cycle.objects.get(organization=organization, closed_at__isnull=True)
    team = (
        Unit.objects.filter(
            organization=organization,
            kind=Unit.Kind.TEAM,
            memberships__person=admin,
            memberships__role=Membership.Role.LEAD,
        )
        .order_by("name")
        .first()
    )
    objective = (
        Objective.objects.filter(
            organization=organization,
            cycle=cycle,
            unit=team,
            state=Objective.State.APPROVED,
            parent__isnull=False,
        )
        .order_by("position")
        .first()
    )
    # The first key result of each team's first approved objective, over ~50 teams.
    first_objectives = {}
    for unit_id, objective_id in (
        Objective.objects.filter(
            organization=organization,
            cycle=cycle,
            unit__kind=Unit.Kind.TEAM,
            state=Objective.State.APPROVED,
        )
        .order_by("unit__name", "position")
        .values_list("unit_id", "id")
    ):
        first_objectives.setdefault(unit_id, objective_id)
    chosen = list(first_objectives.values())[:: max(1, len(first_objectives) // 50)][:50]
    krs = {}
    for objective_id, kr_id in (
        KeyResult.objects.filter(organization=organization, objective_id__in=chosen)
        .order_by("position")
        .values_list("objective_id", "id")
    ):
        krs.setdefault(objective_id, kr_id)
    return Dataset(
        size=size,
        seed=seed,
        organization_id=organization.pk,
        admin_email=admin.email,
        admin_password=BENCH_PASSWORD,
        api_token=api_token(seed, size),
        cycle_id=cycle.pk,
        team_unit_id=team.pk,
        department_unit_id=team.parent_id,
        objective_id=objective.pk,
        key_result_ids=[krs[o] for o in chosen if o in krs],
        counts=counts,
    )


# Removing a dataset --------------------------------------------------------------------------


def remove(size: str, *, seed: int = 42) -> bool:
    """Delete the dataset of this size and seed, whichever generator version wrote it (its
    people's emails would collide with a new one's). Raw deletes by organization: fast at any
    size; foreign keys are checked at commit. True when there was one."""
    prefix = marker(size, seed).rsplit(" v", 1)[0] + " v"
    found = False
    for organization in Organization.objects.filter(name__startswith=prefix):
        if organization.name[len(prefix) : -1].isdigit():
            _remove_organization(organization)
            found = True
    return found


def _remove_organization(organization: Organization) -> None:
    key = Organization._meta.pk.get_db_prep_value(organization.pk, connection)
    with transaction.atomic(), connection.cursor() as cursor:
        for model, lookup in VIA.items():
            parent_field = lookup.split("__")[0]
            parent = model._meta.get_field(parent_field).related_model
            cursor.execute(
                f'DELETE FROM "{model._meta.db_table}" WHERE "{parent_field}_id" IN '
                f'(SELECT "id" FROM "{parent._meta.db_table}" WHERE "organization_id" = %s)',
                [key],
            )
        for model in [*COUNTED.values(), Organization]:
            if model in VIA:
                continue
            column = "id" if model is Organization else "organization_id"
            cursor.execute(f'DELETE FROM "{model._meta.db_table}" WHERE "{column}" = %s', [key])
        _remove_other_org_rows(cursor, key)


def _remove_other_org_rows(cursor, organization_id) -> None:
    """Any table with an organization column the generator does not write (e.g. added later)."""
    from django.apps import apps

    for model in apps.get_models():
        if model in COUNTED.values() or model is Organization:
            continue
        names = {f.name for f in model._meta.concrete_fields}
        if "organization" in names:
            cursor.execute(
                f'DELETE FROM "{model._meta.db_table}" WHERE "organization_id" = %s',
                [organization_id],
            )


# Bulk writing --------------------------------------------------------------------------------


class _Table:
    """Rows of one model, given as tuples in ``columns`` order (attnames), written in batches."""

    def __init__(self, sink: _Sink, model, columns: list[str]):
        by_attname = {f.attname: f for f in model._meta.concrete_fields}
        unknown = [c for c in columns if c not in by_attname]
        if unknown:
            raise ValueError(f"{model.__name__} has no {unknown}")
        self.sink = sink
        self.model = model
        self.missing = [f for f in model._meta.concrete_fields if f.attname not in columns]
        self.fields = [by_attname[c] for c in columns] + self.missing
        self.defaults = tuple(f.get_default() for f in self.missing)
        self.rows: list[tuple] = []
        self.count = 0
        table = model._meta.db_table
        names = ", ".join(f'"{f.column}"' for f in self.fields)
        if sink.vendor == "postgresql":
            self.sql = f'COPY "{table}" ({names}) FROM STDIN'
        else:
            marks = ", ".join("?" for _ in self.fields)
            self.sql = f'INSERT INTO "{table}" ({names}) VALUES ({marks})'
        self.converters = [sink.converter(f) for f in self.fields]

    @property
    def total(self) -> int:
        return self.count + len(self.rows)

    def add(self, row: tuple) -> None:
        self.rows.append(row)
        if len(self.rows) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        defaults = self.defaults
        convert = [(i, c) for i, c in enumerate(self.converters) if c is not None]
        out = []
        for row in self.rows:
            values = list(row + defaults) if defaults else list(row)
            for i, c in convert:
                v = values[i]
                if v is not None:
                    values[i] = c(v)
            out.append(values)
        self.sink.write(self, out)
        self.count += len(out)
        self.rows = []


class _Sink:
    def __init__(self):
        connection.ensure_connection()
        self.vendor = connection.vendor
        self.raw = connection.connection
        self.tables: dict[type, _Table] = {}

    def table(self, model, columns: list[str]) -> _Table:
        if model not in self.tables:
            self.tables[model] = _Table(self, model, columns)
        return self.tables[model]

    def converter(self, f) -> Callable | None:
        if isinstance(f, JSONField):
            return json.dumps
        if self.vendor == "postgresql":
            return None  # psycopg's COPY takes UUIDs, dates and aware datetimes as they are
        target = f.target_field if isinstance(f, ForeignKey) else f
        if isinstance(target, UUIDField):
            return _hex
        if isinstance(f, DateTimeField):
            return _naive_utc
        if isinstance(f, DateField):
            return date.isoformat
        if isinstance(f, TimeField):
            return str
        return None

    def write(self, table: _Table, rows: list[list]) -> None:
        if self.vendor == "postgresql":
            with self.raw.cursor() as cursor, cursor.copy(table.sql) as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            self.raw.executemany(table.sql, rows)

    def flush(self) -> None:
        for table in self.tables.values():
            table.flush()


def _hex(value: UUID) -> str:
    return value.hex


def _naive_utc(value: datetime) -> str:
    return str(value.astimezone(UTC).replace(tzinfo=None))


# Words ---------------------------------------------------------------------------------------

FIRST = [
    "Ada",
    "Ben",
    "Chloe",
    "Dmitri",
    "Elena",
    "Farid",
    "Grace",
    "Hiro",
    "Ines",
    "Jonas",
    "Kofi",
    "Lena",
    "Mateo",
    "Nadia",
    "Omar",
    "Priya",
    "Quinn",
    "Rosa",
    "Sami",
    "Tara",
    "Umar",
    "Vera",
    "Wen",
    "Xavier",
    "Yara",
    "Zane",
    "Aiko",
    "Bruno",
    "Carmen",
    "Dev",
    "Esme",
    "Felix",
    "Gita",
    "Hugo",
    "Isla",
    "Jae",
    "Kira",
    "Luca",
    "Mira",
    "Noor",
]
LAST = [
    "Okafor",
    "Silva",
    "Novak",
    "Chen",
    "Patel",
    "Berg",
    "Moreau",
    "Tanaka",
    "Costa",
    "Weber",
    "Mensah",
    "Larsen",
    "Rossi",
    "Ahmed",
    "Kim",
    "Nowak",
    "Garcia",
    "Hughes",
    "Singh",
    "Olsen",
    "Dubois",
    "Ivanova",
    "Mwangi",
    "Fischer",
    "Lopez",
    "Sato",
    "Walsh",
    "Haddad",
    "Kaur",
    "Jensen",
    "Ortiz",
    "Petrov",
    "Reyes",
    "Brandt",
    "Nakamura",
    "Quist",
    "Ferreira",
    "Adeyemi",
    "Lindqvist",
    "Varga",
]
FUNCTIONS = (
    "Engineering",
    "Sales",
    "Marketing",
    "Customer Success",
    "Finance",
    "People",
    "Operations",
    "Product",
    "Data",
    "Security",
)
OBJECTIVE_TITLES = (
    "Make onboarding effortless for new customers",
    "Win the mid-market segment in {area}",
    "Delight customers with a faster product",
    "Build a reliable platform customers trust",
    "Grow revenue from existing accounts",
    "Make {area} a great place to work",
    "Cut the cost of serving each customer",
    "Turn support into a reason customers stay",
    "Ship with confidence every day",
    "Become the obvious choice in {area}",
    "Understand our customers better than anyone",
    "Protect customer data without slowing anyone down",
)
# (title template, unit, low start, high start, up?)
METRICS = (
    ("Increase weekly active accounts from {start} to {target}", "", 800, 5000, True),
    ("Raise net promoter score from {start} to {target}", "", 10, 40, True),
    ("Reduce median response time from {start} to {target} hours", "h", 8, 48, False),
    ("Grow qualified pipeline from {start} to {target} k€", "k€", 200, 2000, True),
    ("Cut monthly churn from {start}% to {target}%", "%", 2, 8, False),
    ("Lift trial-to-paid conversion from {start}% to {target}%", "%", 4, 20, True),
    ("Reduce p95 page load from {start} ms to {target} ms", "ms", 600, 2500, False),
    ("Increase self-serve signups from {start} to {target} a month", "", 150, 1200, True),
    ("Reduce open escalations from {start} to {target}", "", 40, 220, False),
    ("Raise feature adoption from {start}% to {target}%", "%", 10, 45, True),
)
THRESHOLDS = (
    ("Keep uptime at or above {target}%", "%", 99.5, True),
    ("Keep cost per ticket at or below {target} €", "€", 12.0, False),
    ("Keep employee engagement at or above {target}", "", 7.5, True),
    ("Keep defect escape rate at or below {target}%", "%", 3.0, False),
)
MILESTONES = (
    "Launch self-serve billing to all customers",
    "Sign the first enterprise reseller agreement",
    "Pass the SOC 2 type II audit",
    "Open the Lisbon support hub",
    "Retire the legacy reporting stack",
)
NOTES = (
    "Better week than expected.",
    "Slower than planned: two people out.",
    "Launch moved the number.",
    "Flat this week; waiting on the data team.",
    "Experiment B is winning.",
    "Seasonal dip, as last year.",
)
ITEM_TEXTS = {
    PLANS: (
        "Draft the {area} rollout plan",
        "Interview five customers about onboarding",
        "Prepare the pricing experiment",
        "Review the funnel numbers with the team",
        "Pair on the migration script",
        "Write the incident review",
    ),
    PROGRESS: (
        "Shipped the new signup form",
        "Closed three enterprise renewals",
        "Cut the build time to 6 minutes",
        "Published the {area} playbook",
        "Hired the second data engineer",
        "Fixed the billing retry bug",
    ),
    PROBLEMS: (
        "Blocked on legal review of the contract",
        "Vendor API rate limits slow the import",
        "Not enough time for customer calls",
        "Flaky tests in the payment service",
    ),
}
COMMENTS = (
    "Nice work — what changed?",
    "Can we talk about this at the check-in?",
    "Does this need help from another team?",
    "Great progress, keep going.",
    "Which customers were these?",
)
STANDALONE_REASONS = (
    "Keeps the lights on: required by our customer contracts.",
    "A regulatory deadline that no department objective covers.",
)


# Generating ----------------------------------------------------------------------------------


def quarter_of(day: date) -> tuple[date, date]:
    first_month = 3 * ((day.month - 1) // 3) + 1
    start = date(day.year, first_month, 1)
    following = (
        date(day.year + 1, 1, 1) if first_month == 10 else date(day.year, first_month + 3, 1)
    )
    return start, following - timedelta(days=1)


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=UTC)


# Every generated unit's weekly deadline: Friday 17:00 UTC.
DEADLINE_WEEKDAY = 4
DEADLINE_TIME = time(17)
# The worker's turn: it acts this long after a deadline, a reminder window or a new update.
TURN = timedelta(minutes=1)


def _deadline(week: date) -> datetime:
    """``weekly.selectors.team_deadline`` for a generated unit."""
    return datetime.combine(week + timedelta(days=DEADLINE_WEEKDAY), DEADLINE_TIME, tzinfo=UTC)


@dataclass
class _Obj:
    id: UUID
    unit: int
    parent: UUID | None
    state: str
    commitment: str
    row: list
    krs: list[tuple[float | None, float]] = field(default_factory=list)


def generate(
    size: str,
    *,
    seed: int = 42,
    today: date | None = None,
    progress: Callable[[str], object] = print,
) -> Dataset:
    """Write the dataset of this size and seed (replacing one written before) and describe it."""
    if size not in SIZES:
        raise ValueError(f"unknown size {size!r}: choose one of {', '.join(SIZES)}")
    today = today or timezone.localdate()
    began = clock.monotonic()
    if remove(size, seed=seed):
        progress(f"removed the previous {size} dataset ({clock.monotonic() - began:.1f} s)")
    generator = _Generator(SIZES[size], size, seed, today, progress)
    with transaction.atomic():
        generator.run()
    # Statistics for the query planner (SQLite has none until ANALYZE writes sqlite_stat1).
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    generator.say("analyzed")
    recompute = _recompute_progress(generator.organization_id)
    if recompute is not None:
        generator.say(f"objective_progress_recompute: {recompute} objectives changed (expect 0)")
    counts = {label: generator.sink.tables[model].count for label, model in COUNTED.items()}
    organization = Organization.objects.get(pk=generator.organization_id)
    dataset = _describe(organization, size, seed, counts)
    total = sum(counts.values())
    generator.say(f"done: {total:,} rows")
    return dataset


def _recompute_progress(organization_id) -> int | None:
    """The services' own from-scratch recompute, as a check (0 changed when the generator
    stored the same roll-up). None while the service does not exist."""
    from cadence.okrs import services

    recompute = getattr(services, "objective_progress_recompute", None)
    if recompute is None:
        return None
    return recompute(organization=Organization.objects.get(pk=organization_id))


class _Generator:
    def __init__(self, shape: Shape, size: str, seed: int, today: date, progress):
        self.shape = shape
        self.size = size
        self.seed = seed
        self.today = today
        self.progress = progress
        # Per size and seed: two sizes in one database get different ids.
        self.rng = random.Random(f"{size}:{seed}")
        self.began = clock.monotonic()
        self.sink = _Sink()
        self.has_progress = any(f.name == "progress" for f in Objective._meta.concrete_fields)
        # The moment "now" stands for: everything generated happened before today began.
        self.now = _at(today, 0)

    def say(self, what: str) -> None:
        self.progress(f"[{self.size} {clock.monotonic() - self.began:7.1f} s] {what}")

    def uid(self) -> UUID:
        return UUID(int=self.rng.getrandbits(128), version=4)

    def run(self) -> None:
        self.org_and_people()
        self.say(f"{self.shape.people:,} people, {len(self.units):,} units")
        self.cycles()
        for index in range(len(self.cycle_rows)):
            self.okrs_of_cycle(index)
        self.say(
            f"{self.sink.tables[Objective].total:,} objectives, "
            f"{self.sink.tables[KeyResult].total:,} key results, "
            f"{self.sink.tables[CheckIn].total:,} check-ins"
        )
        self.weekly()
        self.say(
            f"{self.sink.tables[WeeklyUpdate].total:,} weekly updates, "
            f"{self.sink.tables[Item].total:,} items, {self.sink.tables[ItemMove].total:,} moves"
        )
        self.rituals_and_discussion()
        self.deliveries()
        self.say(f"{self.sink.tables[Delivery].total:,} reminders and digests sent")
        self.sink.flush()
        for model in COUNTED.values():
            self.sink.table(model, ["id"])  # a table nothing was written to counts 0
        self.say("written; committing")

    # Organization, units, people -------------------------------------------------------------

    def org_and_people(self) -> None:
        rng, shape, sink = self.rng, self.shape, self.sink
        created = _at(self.today - timedelta(days=7 * 13 * shape.cycles + 60), 9)
        self.organization_id = self.uid()
        sink.table(
            Organization,
            ["id", "created_at", "updated_at", "name", "default_cycle_kind", "time_zone"],
        ).add(
            (self.organization_id, created, created, marker(self.size, self.seed), "quarter", "UTC")
        )
        sink.tables[Organization].flush()
        units = sink.table(
            Unit,
            ["id", "created_at", "updated_at", "organization_id", "parent_id", "name", "kind"]
            + ["checkin_weekday", "checkin_time", "time_zone"],
        )
        org = self.organization_id
        # units: list of (id, kind, parent index, department index)
        self.units: list[tuple[UUID, str, int | None, int | None]] = []

        def unit(name, kind, parent, department):
            uid = self.uid()
            parent_id = self.units[parent][0] if parent is not None else None
            units.add(
                (uid, created, created, org, parent_id, name, kind)
                + (DEADLINE_WEEKDAY, DEADLINE_TIME, "UTC")
            )
            self.units.append((uid, kind, parent, department))
            return len(self.units) - 1

        self.company = unit("Bench Company", Unit.Kind.COMPANY, None, None)
        self.departments: list[int] = []
        self.teams: list[int] = []
        self.teams_of: dict[int, list[int]] = defaultdict(list)
        for d, team_count in enumerate(shape.teams_per_department):
            function = FUNCTIONS[d % len(FUNCTIONS)]
            dept = unit(f"{function} {d + 1:02d}", Unit.Kind.DEPARTMENT, self.company, d)
            self.departments.append(dept)
            for t in range(team_count):
                team = unit(f"{function} {d + 1:02d} · Team {t + 1:02d}", Unit.Kind.TEAM, dept, d)
                self.teams.append(team)
                self.teams_of[dept].append(team)

        people = sink.table(
            Person,
            ["id", "created_at", "updated_at", "organization_id", "email", "name", "role"]
            + ["password", "time_zone", "is_active", "weekly_reminders", "weekly_digests"],
        )
        memberships = sink.table(
            Membership, ["id", "created_at", "updated_at", "unit_id", "person_id", "role"]
        )
        admin_hash = make_password(BENCH_PASSWORD)
        self.people: list[UUID] = []
        self.names: list[str] = []
        self.members: dict[int, list[int]] = {}  # unit index → person indexes (lead first)
        for team in self.teams:
            members = []
            for _ in range(shape.people_per_team):
                i = len(self.people)
                pid = self.uid()
                first, last = rng.choice(FIRST), rng.choice(LAST)
                name = f"{first} {last}"
                if i == 0:
                    email, role, password = admin_email(self.size, self.seed), "admin", admin_hash
                else:
                    email = f"{first}.{last}.{i}@{self.size}-s{self.seed}.bench.example".lower()
                    role, password = "member", f"!{rng.getrandbits(128):032x}"
                people.add(
                    (pid, created, created, org, email, name, role, password, "", True, True, True)
                )
                self.people.append(pid)
                self.names.append(name)
                members.append(i)
            self.members[team] = members
            for k, person in enumerate(members):
                role = Membership.Role.LEAD if k == 0 else Membership.Role.MEMBER
                memberships.add(
                    (self.uid(), created, created, self.units[team][0], self.people[person], role)
                )
        # A department's lead is the lead of its first team; the company's, the first
        # department's lead (the admin leads the first team only, so "my" OKRs are one team's).
        for dept in self.departments:
            lead = self.members[self.teams_of[dept][0]][0]
            if lead == 0:
                lead = self.members[self.teams_of[dept][0]][1]
            self.members[dept] = [lead]
            memberships.add(
                (self.uid(), created, created, self.units[dept][0], self.people[lead], "lead")
            )
        ceo = self.members[self.departments[0]][0]
        self.members[self.company] = [ceo]
        memberships.add(
            (self.uid(), created, created, self.units[self.company][0], self.people[ceo], "lead")
        )
        token = api_token(self.seed, self.size)
        sink.table(
            ApiToken,
            ["id", "created_at", "updated_at", "person_id", "name", "token_hash", "prefix"],
        ).add(
            (
                self.uid(),
                created,
                created,
                self.people[0],
                "Benchmark",
                hashlib.sha256(token.encode()).hexdigest(),
                token[:10],
            )
        )
        categories = sink.table(
            Category,
            ["id", "created_at", "updated_at", "organization_id", "unit_id", "slug", "name"]
            + ["position", "carries_over"],
        )
        self.categories = {}
        for position, (slug, name, carries) in enumerate(BUILT_IN):
            cid = self.uid()
            categories.add((cid, created, created, org, None, slug, name, position, carries))
            self.categories[slug] = cid
        sink.flush()

    # Cycles, OKRs, check-ins -----------------------------------------------------------------

    def cycles(self) -> None:
        start, end = quarter_of(self.today)
        spans = [(start, end)]
        for _ in range(self.shape.cycles - 1):
            start, end = quarter_of(spans[0][0] - timedelta(days=1))
            spans.insert(0, (start, end))
        table = self.sink.table(
            Cycle,
            ["id", "created_at", "updated_at", "organization_id", "name", "kind", "start", "end"]
            + ["closed_at"],
        )
        self.cycle_rows = []
        for index, (start, end) in enumerate(spans):
            closed = index < len(spans) - 1
            # After the last check-in of the cycle (they stop at 19:00 on its last day).
            closed_day = min(end + timedelta(days=7), self.today - timedelta(days=1))
            closed_at = _at(closed_day, 20) if closed else None
            created = _at(start - timedelta(days=28), 9)
            name = f"Q{(start.month - 1) // 3 + 1} {start.year}"
            cid = self.uid()
            table.add(
                (
                    cid,
                    created,
                    closed_at or created,
                    self.organization_id,
                    name,
                    "quarter",
                    start,
                    end,
                    closed_at,
                )
            )
            self.cycle_rows.append((cid, start, end, closed_at))
        self.kr_pool: dict[tuple[int, int], list[tuple[UUID, UUID]]] = defaultdict(list)
        self.objective_pool: dict[int, list[tuple[UUID, int]]] = defaultdict(list)  # by cycle

    def okrs_of_cycle(self, c: int) -> None:
        rng, shape = self.rng, self.shape
        cycle_id, start, end, closed_at = self.cycle_rows[c]
        closed = closed_at is not None
        objectives: dict[UUID, _Obj] = {}
        created = _at(start - timedelta(days=10), 10)
        by_unit: dict[int, list[_Obj]] = defaultdict(list)

        def objective(unit: int, parent: UUID | None, level: str) -> _Obj:
            roll = rng.random()
            if level != "team":
                state = "approved"
            elif closed:
                state = "abandoned" if roll < 0.03 else "draft" if roll < 0.05 else "approved"
            else:
                state = (
                    "abandoned"
                    if roll < 0.02
                    else "draft"
                    if roll < 0.07
                    else "proposed"
                    if roll < 0.13
                    else "approved"
                )
            standalone = ""
            if level == "team" and rng.random() < 0.03:
                parent, standalone = None, rng.choice(STANDALONE_REASONS)
            commitment = "aspirational" if rng.random() < 0.3 else "committed"
            members = self.members[unit]
            owner = self.people[rng.choice(members)]
            at = created + timedelta(minutes=rng.randrange(60 * 24 * 7))
            area = FUNCTIONS[(self.units[unit][3] or 0) % len(FUNCTIONS)]
            title = rng.choice(OBJECTIVE_TITLES).format(area=area)
            oid = self.uid()
            position = len(by_unit[unit])
            carried = None
            if level == "team" and c > 0 and rng.random() < 0.05:
                previous = self.last_team_objectives.get(unit)
                if previous:
                    carried = previous
            row = [
                oid,
                at,
                at,
                self.organization_id,
                cycle_id,
                self.units[unit][0],
                parent,
                owner,
                self.people[members[0]],
                title,
                "Because our customers told us so." if rng.random() < 0.5 else "",
                commitment,
                state,
                "Priorities changed mid-quarter." if state == "abandoned" else "",
                standalone,
                position,
                None,  # computed_score
                None,  # score
                None,  # scored_at
                carried,
            ]
            o = _Obj(oid, unit, parent, state, commitment, row)
            objectives[oid] = o
            by_unit[unit].append(o)
            return o

        company = [
            objective(self.company, None, "company") for _ in range(shape.company_objectives)
        ]
        department_objectives: dict[int, list[_Obj]] = {}
        for dept in self.departments:
            department_objectives[dept] = [
                objective(dept, rng.choice(company).id, "department")
                for _ in range(shape.department_objectives)
            ]
        self.last_team_objectives_next: dict[int, UUID] = {}
        for dept in self.departments:
            for team in self.teams_of[dept]:
                for _ in range(rng.choice(shape.team_objectives)):
                    o = objective(team, rng.choice(department_objectives[dept]).id, "team")
                    self.last_team_objectives_next[team] = o.id
        self.last_team_objectives = self.last_team_objectives_next

        # Key results and their check-ins.
        krs = self.sink.table(
            KeyResult,
            ["id", "created_at", "updated_at", "organization_id", "objective_id", "owner_id"]
            + ["title", "kind", "start", "target", "unit", "direction", "weight", "commitment"]
            + ["position", "current", "confidence", "last_check_in_at", "computed_score", "score"],
        )
        for o in objectives.values():
            scored = closed and o.state == "approved"
            for position in range(rng.choice(shape.key_results)):
                kr_id, progress_now, row = self.key_result(o, position, c)
                o.krs.append((progress_now, row[12]))
                if scored:
                    row[18] = row[19] = arithmetic.score(progress_now)
                krs.add(tuple(row))
                team = self.units[o.unit][1] == Unit.Kind.TEAM
                if team and o.state in ("approved", "proposed"):
                    self.kr_pool[(o.unit, c)].append((kr_id, o.id))

        # Roll-up (as board_for_cycle / objective_progress_recompute) and scores (as cycle_close).
        nodes = {
            oid: arithmetic.Node(krs=list(o.krs), abandoned=o.state == "abandoned")
            for oid, o in objectives.items()
        }
        # Children in the order the database lists objectives (position, created_at), so the
        # floating-point sums are the same as objective_progress_recompute's, to the last bit.
        for oid, o in sorted(
            objectives.items(), key=lambda item: (item[1].row[15], item[1].row[1])
        ):
            if o.parent in nodes:
                nodes[o.parent].children.append(oid)
        rolled = arithmetic.roll_up(nodes)
        columns = [
            "id",
            "created_at",
            "updated_at",
            "organization_id",
            "cycle_id",
            "unit_id",
            "parent_id",
            "owner_id",
            "created_by_id",
            "title",
            "why",
            "commitment",
            "state",
            "abandon_reason",
            "standalone_reason",
            "position",
            "computed_score",
            "score",
            "scored_at",
            "carried_from_id",
        ]
        if self.has_progress:
            columns.append("progress")
        table = self.sink.table(Objective, columns)
        for oid, o in objectives.items():
            row = o.row
            if closed and o.state == "approved":
                row[12] = "closed"
                row[16] = row[17] = arithmetic.score(rolled[oid])
                row[18] = closed_at
                row[2] = closed_at
            if self.has_progress:
                row.append(rolled[oid])
            table.add(tuple(row))
            self.objective_pool[c].append((oid, o.unit, row[12], o.parent, row[1], row[8]))

    def key_result(self, o: _Obj, position: int, c: int) -> tuple[UUID, float | None, list]:
        rng = self.rng
        cycle_id, start_day, end_day, closed_at = self.cycle_rows[c]
        kind_roll = rng.random()
        direction = ""
        if kind_roll < 0.8:
            kind = "metric"
            template, unit, low, high, up = rng.choice(METRICS)
            base = rng.uniform(low, high)
            change = rng.uniform(0.2, 0.8)
            start, target = (base, base * (1 + change)) if up else (base, base * (1 - change))
            digits = 0 if abs(target - start) >= 20 else 1
            start, target = round(start, digits), round(target, digits)
            if start == target:
                target = start + (1 if up else -1)
            title = template.format(start=_num(start), target=_num(target))
        elif kind_roll < 0.92:
            kind = "threshold"
            template, unit, bound, at_least = rng.choice(THRESHOLDS)
            direction = "at_least" if at_least else "at_most"
            start, target, digits = bound, bound, 1
            title = template.format(target=_num(bound))
        else:
            kind = "milestone"
            unit, start, target, digits = "", 0.0, 1.0, 0
            title = rng.choice(MILESTONES)
        weight = 2.0 if rng.random() < 0.1 else 1.0
        members = self.members[o.unit]
        owner_index = rng.choice(members)
        owner = self.people[owner_index]
        lead = self.people[members[0]]
        kr_id = self.uid()
        created = o.row[1]

        # The check-in history: weekly (one day of the week per key result), sometimes twice,
        # sometimes skipped; up to the end of the cycle or yesterday, whichever is first.
        final = rng.uniform(0.15, 1.15)
        shape_exponent = rng.uniform(0.7, 1.5)
        stall_at = rng.uniform(0.35, 0.85) if rng.random() < 0.15 else 2.0
        holds = rng.uniform(0.5, 0.95)
        done_at = rng.uniform(0.35, 1.3)
        offset = rng.randrange(5)
        never = closed_at is None and rng.random() < 0.08
        span = (end_day - start_day).days or 1
        last_day = min(end_day, self.today - timedelta(days=1))
        check_ins = self.sink.table(
            CheckIn,
            ["id", "created_at", "updated_at", "organization_id", "key_result_id", "author_id"]
            + ["value", "confidence", "note", "at"],
        )
        latest = None
        day = start_day - timedelta(days=start_day.weekday()) + timedelta(days=offset)
        while not never and day <= last_day:
            days = [day]
            if rng.random() < 0.25:
                days.append(day + timedelta(days=2))
            skip = rng.random() < 0.07
            for when in days:
                if skip or when < start_day or when > last_day:
                    continue
                x = min((when - start_day).days / span, stall_at)
                if kind == "metric":
                    p = final * x**shape_exponent + rng.gauss(0, 0.03)
                    value = round(start + (target - start) * p, digits)
                elif kind == "threshold":
                    ok = rng.random() < holds
                    delta = bound * rng.uniform(0.005, 0.05)
                    above = ok == (direction == "at_least")
                    value = round(bound + delta if above else bound - delta, 2)
                else:
                    value = 1.0 if x >= done_at else 0.0
                p = arithmetic.kr_progress(
                    kind, start=start, target=target, current=value, direction=direction or None
                )
                expected = (when - start_day).days / span
                computed = arithmetic.pace(p, expected)
                confidence = (
                    rng.choice(("on_track", "at_risk", "off_track"))
                    if rng.random() < 0.15
                    else computed or "on_track"
                )
                at = _at(when, 8 + rng.randrange(11), rng.randrange(60))
                note = rng.choice(NOTES) if rng.random() < 0.15 else ""
                author = owner if rng.random() < 0.9 else lead
                check_ins.add(
                    (
                        self.uid(),
                        at,
                        at,
                        self.organization_id,
                        kr_id,
                        author,
                        value,
                        confidence,
                        note,
                        at,
                    )
                )
                latest = (value, confidence, at)
            day += timedelta(days=7)
        current, confidence, last_at = latest if latest else (None, "", None)
        value_now = current if current is not None else start
        progress_now = arithmetic.kr_progress(
            kind, start=start, target=target, current=value_now, direction=direction or None
        )
        commitment = "aspirational" if rng.random() < 0.05 else ""
        row = [
            kr_id,
            created,
            last_at or created,
            self.organization_id,
            o.id,
            owner,
            title,
            kind,
            start,
            target,
            unit,
            direction,
            weight,
            commitment,
            position,
            current,
            confidence,
            last_at,
            None,  # computed_score
            None,  # score
        ]
        return kr_id, progress_now, row

    # Weekly updates --------------------------------------------------------------------------

    def weekly(self) -> None:
        """Weekly updates as people and ``cadence worker`` would have left them: each week's
        items are written when the update is submitted; done ones are moved to Progress before
        the deadline; at the deadline the rollover (``weekly.services.rollover_due``, one
        worker turn after it) copies every item still open in a carrying category into the
        person's next week, and such a copy is closed or carried on in turn."""
        rng = self.rng
        first = self.cycle_rows[0][1]
        weeks = []
        week = first - timedelta(days=first.weekday())
        while week <= self.today:
            weeks.append(week)
            week += timedelta(days=7)
        # This week's deadline passed already (today is a Saturday or Sunday): its open items
        # are in next week's update, where the rollover put them.
        if _deadline(weeks[-1]) < self.now:
            weeks.append(weeks[-1] + timedelta(days=7))

        def cycle_of(day: date) -> int | None:
            for index, (_cid, start, end, _closed) in enumerate(self.cycle_rows):
                if start <= day <= end:
                    return index
            return None

        week_cycle = [cycle_of(w + timedelta(days=3)) for w in weeks]
        self.weeks = weeks
        updates = self.sink.table(
            WeeklyUpdate,
            ["id", "created_at", "updated_at", "organization_id", "person_id", "week"]
            + ["submitted_at"],
        )
        items = self.sink.table(
            Item,
            ["id", "created_at", "updated_at", "organization_id", "update_id", "category_id"]
            + ["text", "objective_id", "key_result_id", "position", "carried_over_from_id"]
            + ["created_by_id"],
        )
        moves = self.sink.table(
            ItemMove,
            ["id", "created_at", "updated_at", "item_id", "from_category_id", "to_category_id"]
            + ["actor_id"],
        )
        plans, progress_c, problems = (self.categories[s] for s in (PLANS, PROGRESS, PROBLEMS))
        category_id = {PLANS: plans, PROGRESS: progress_c, PROBLEMS: problems}
        carrying = {plans: 0, problems: 2}  # category → its position (the rollover's order)
        # How often an open item is closed (moved to Progress) before the deadline.
        closes = {plans: 0.75, problems: 0.6}
        closes_copy = 0.8
        recent_weeks = set(weeks[-4:])
        self.recent_items: list[tuple[UUID, int]] = []  # (item id, person index)
        self.submitted: dict[tuple[int, date], datetime] = {}  # (person index, week) → when
        for team in self.teams:
            area = FUNCTIONS[self.units[team][3] % len(FUNCTIONS)]
            for person in self.members[team]:
                person_id = self.people[person]
                # The previous week's open items, in the order the rollover carries them:
                # (when carried, source id, category, text, objective, key result).
                carry: list[tuple[datetime, UUID, UUID, str, UUID | None, UUID | None]] = []
                for w, week in enumerate(weeks):
                    deadline = _deadline(week)
                    submit_day = week + timedelta(days=rng.choice((2, 3, 4, 4)))
                    writes = rng.random() < 0.92 and submit_day < self.today
                    if not writes and not carry:
                        continue
                    update_id = self.uid()
                    submitted_at = (
                        _at(submit_day, 9 + rng.randrange(9), rng.randrange(60)) if writes else None
                    )
                    if writes:
                        self.submitted[(person, week)] = submitted_at
                    first_at = min(c[0] for c in carry) if carry else submitted_at
                    updates.add(
                        (update_id, first_at, submitted_at or first_at, self.organization_id)
                        + (person_id, week, submitted_at)
                    )
                    # Rows of this update: [id, created, updated, category, text, objective,
                    # key result, position, carried from]; positions are per category.
                    rows: list[list] = []
                    positions: dict[UUID, int] = defaultdict(int)

                    copies = [
                        _item_row(rows, positions, self.uid(), at, c, t, o, k, s)
                        for at, s, c, t, o, k in carry
                    ]
                    new = []
                    if writes:
                        pool = (
                            self.kr_pool.get((team, week_cycle[w]), ())
                            if week_cycle[w] is not None
                            else ()
                        )
                        for _ in range(rng.choice((1, 1, 2, 2, 2, 3))):
                            roll = rng.random()
                            slug = PLANS if roll < 0.45 else PROGRESS if roll < 0.85 else PROBLEMS
                            text = rng.choice(ITEM_TEXTS[slug]).format(area=area)
                            kr_id = objective_id = None
                            if pool and rng.random() < 0.35:
                                kr_id, objective_id = rng.choice(pool)
                            row = _item_row(
                                rows,
                                positions,
                                self.uid(),
                                submitted_at,
                                category_id[slug],
                                text,
                                objective_id,
                                kr_id,
                                None,
                            )
                            new.append(row)
                            if week in recent_weeks:
                                self.recent_items.append((row[0], person))
                    # Closing open items: after they were written, before the deadline (and
                    # before now); an update written after its deadline closes nothing.
                    end = min(deadline, self.now)
                    moved = []
                    if writes and submitted_at < end:
                        for row in copies + new:
                            chance = closes_copy if row[8] is not None else closes.get(row[3], 0)
                            if rng.random() < chance:
                                at = submitted_at + (end - submitted_at) * rng.random()
                                if submitted_at < at < end:
                                    moved.append((at, row))
                    for at, row in sorted(moved, key=lambda pair: pair[0]):
                        moves.add((self.uid(), at, at, row[0], row[3], progress_c, person_id))
                        row[2], row[3] = at, progress_c
                        row[7] = positions[progress_c]  # last in Progress, as item_move does
                        positions[progress_c] += 1
                    for row in rows:
                        items.add(
                            (row[0], row[1], row[2], self.organization_id, update_id, row[3])
                            + (row[4], row[5], row[6], row[7], row[8], person_id)
                        )
                    # The rollover: one worker turn after the deadline (or after the items
                    # appeared, if written later), every open item into the next week.
                    carry = []
                    if deadline < self.now:
                        still_open = sorted(
                            (carrying[row[3]], row[7], row) for row in rows if row[3] in carrying
                        )
                        carry = [
                            (max(deadline, r[1]) + TURN, r[0], r[3], r[4], r[5], r[6])
                            for _c, _p, r in still_open
                        ]

    # Reviews, approvals, meetings, discussion ------------------------------------------------

    def rituals_and_discussion(self) -> None:
        rng, org, sink = self.rng, self.organization_id, self.sink
        current = len(self.cycle_rows) - 1
        reviews = sink.table(
            Review,
            ["id", "created_at", "updated_at", "organization_id", "cycle_id", "unit_id", "kind"]
            + ["period", "answers", "overview", "satisfaction", "worked", "failed"]
            + ["completed_at", "created_by_id", "updated_by_id"],
        )
        learnings = sink.table(
            Learning,
            ["id", "created_at", "updated_at", "organization_id", "review_id", "cycle_id"]
            + ["unit_id", "kind", "text", "position"],
        )
        for cycle_id, _start, end, _closed in self.cycle_rows[:current]:
            at = _at(min(end + timedelta(days=3), self.today - timedelta(days=1)), 15)
            for unit, kind in (
                [(t, "retrospective") for t in self.teams]
                + [(d, "department") for d in self.departments]
                + [(self.company, "company")]
            ):
                lead = self.people[self.members[unit][0]]
                review_id = self.uid()
                reviews.add(
                    (review_id, at, at, org, cycle_id, self.units[unit][0], kind, None, {})
                    + ("A steady quarter with one big win.", rng.choice(("yes", "partly", "no")))
                    + ("Weekly check-ins kept us honest.", "Too many objectives at once.")
                    + (at, lead, lead)
                )
                learning_kind = {"retrospective": "learning", "department": "takeaway"}.get(
                    kind, "idea"
                )
                for position in range(2):
                    learnings.add(
                        (self.uid(), at, at, org, review_id, cycle_id, self.units[unit][0])
                        + (learning_kind, rng.choice(NOTES), position)
                    )

        # The approval trail of every proposed, approved or closed objective.
        events = sink.table(
            ApprovalEvent,
            ["id", "created_at", "updated_at", "organization_id", "objective_id", "actor_id"]
            + ["action", "comment", "parent_id"],
        )
        for pool in self.objective_pool.values():
            for oid, unit, state, parent, created, author in pool:
                if state not in ("proposed", "approved", "closed"):
                    continue
                proposed = created + timedelta(hours=2)
                events.add(
                    (self.uid(), proposed, proposed, org, oid, author, "proposed", "", parent)
                )
                if state != "proposed":
                    above = self.units[unit][2]
                    approver = self.people[self.members[above][0]] if above is not None else author
                    approved = created + timedelta(days=1)
                    events.add(
                        (self.uid(), approved, approved, org, oid, approver, "approved", "", parent)
                    )

        # Meeting notes: every team, every week of the last two cycles.
        notes = sink.table(
            MeetingNote,
            ["id", "created_at", "updated_at", "organization_id", "unit_id", "week", "text"]
            + ["author_id"],
        )
        first = self.cycle_rows[max(0, current - 1)][1]
        week = first - timedelta(days=first.weekday()) + timedelta(days=7)
        while week + timedelta(days=1) < self.today:
            at = _at(week + timedelta(days=1), 10)
            for team in self.teams:
                lead = self.people[self.members[team][0]]
                notes.add(
                    (self.uid(), at, at, org, self.units[team][0], week, "Agreed next steps.", lead)
                )
            week += timedelta(days=7)

        # Dependencies between teams of different departments, in the current cycle.
        current_team_objectives = [
            (oid, unit, author)
            for oid, unit, state, _p, _c, author in self.objective_pool[current]
            if self.units[unit][1] == Unit.Kind.TEAM and state != "abandoned"
        ]
        dependencies = sink.table(
            Dependency,
            ["id", "created_at", "updated_at", "organization_id", "objective_id", "provider_id"]
            + ["description", "state", "requested_by_id", "acknowledged_by_id", "acknowledged_at"],
        )
        start = self.cycle_rows[current][1]
        for _ in range(max(2, len(self.teams) * 3 // 5)):
            oid, unit, author = rng.choice(current_team_objectives)
            provider = rng.choice(self.teams)
            if provider == unit:
                continue
            at = _at(
                min(start + timedelta(days=rng.randrange(1, 20)), self.today - timedelta(days=1)),
                11,
            )
            state = rng.choice(("requested", "acknowledged", "acknowledged", "at_risk", "done"))
            acknowledged = state != "requested"
            dependencies.add(
                (self.uid(), at, at, org, oid, self.units[provider][0], "Needs an API from you.")
                + (state, author, self.people[self.members[provider][0]] if acknowledged else None)
                + (at + timedelta(hours=3) if acknowledged else None,)
            )

        # Discussion of the last four weeks: comments and likes on weekly items and current
        # objectives; the admin is mentioned in a few comments (notifications, some unread).
        comments = sink.table(
            Comment,
            ["id", "created_at", "updated_at", "organization_id", "author_id", "text", "item_id"]
            + ["objective_id", "key_result_id"],
        )
        mentions = sink.table(
            Mention, ["id", "created_at", "updated_at", "comment_id", "person_id"]
        )
        notifications = sink.table(
            Notification,
            ["id", "created_at", "updated_at", "organization_id", "person_id", "kind", "actor_id"]
            + ["comment_id", "read_at", "emailed_at"],
        )
        likes = sink.table(
            Like, ["id", "created_at", "updated_at", "organization_id", "person_id", "item_id"]
        )
        recent_start = self.now - timedelta(days=28)
        admin_handle = admin_email(self.size, self.seed).split("@")[0]
        mentioned = 0
        for item_id, person in self.recent_items:
            team_members = self.members[self.teams[person // self.shape.people_per_team]]
            if rng.random() < 0.05:
                author_index = rng.choice(team_members)
                at = recent_start + timedelta(minutes=rng.randrange(60 * 24 * 27))
                text = rng.choice(COMMENTS)
                mention_admin = author_index != 0 and mentioned < 20 and rng.random() < 0.2
                if mention_admin:
                    text = f"@{admin_handle} {text}"
                comment_id = self.uid()
                comments.add(
                    (comment_id, at, at, org, self.people[author_index], text, item_id, None, None)
                )
                if mention_admin:
                    mentioned += 1
                    mentions.add((self.uid(), at, at, comment_id, self.people[0]))
                    read_at = at + timedelta(hours=5) if mentioned % 2 else None
                    notifications.add(
                        (
                            self.uid(),
                            at,
                            at,
                            org,
                            self.people[0],
                            "mention",
                            self.people[author_index],
                        )
                        + (comment_id, read_at, at + timedelta(minutes=1))
                    )
            if rng.random() < 0.1:
                liker = rng.choice(team_members)
                at = recent_start + timedelta(minutes=rng.randrange(60 * 24 * 27))
                likes.add((self.uid(), at, at, org, self.people[liker], item_id))
        for oid, unit, *_rest in current_team_objectives:
            if rng.random() < 0.1:
                author = self.people[rng.choice(self.members[unit])]
                at = recent_start + timedelta(minutes=rng.randrange(60 * 24 * 27))
                comments.add(
                    (self.uid(), at, at, org, author, rng.choice(COMMENTS), None, oid, None)
                )

        # Coach: one organization setting and a few dismissed warnings.
        admin = self.people[0]
        created = self.now - timedelta(days=40)
        sink.table(
            CheckSetting,
            ["id", "created_at", "updated_at", "organization_id", "check_id", "enabled", "level"]
            + ["changed_by_id"],
        ).add((self.uid(), created, created, org, "kr-restates-kpi", True, "info", admin))
        dismissals = sink.table(
            Dismissal,
            ["id", "created_at", "updated_at", "organization_id", "check_id", "objective_id"]
            + ["reason", "dismissed_by_id"],
        )
        for oid, _unit, author in rng.sample(
            current_team_objectives, min(50, len(current_team_objectives))
        ):
            dismissals.add(
                (
                    self.uid(),
                    created,
                    created,
                    org,
                    "obj-has-metric",
                    oid,
                    "It is a mission.",
                    author,
                )
            )

        # Department leads follow each of their teams' weekly digest.
        subscriptions = sink.table(
            DigestSubscription,
            ["id", "created_at", "updated_at", "organization_id", "unit_id", "person_id"],
        )
        self.subscribers: dict[int, list[tuple[int, datetime]]] = defaultdict(list)
        for dept in self.departments:
            lead = self.members[dept][0]
            for team in self.teams_of[dept][1:]:
                subscriptions.add(
                    (self.uid(), created, created, org, self.units[team][0], self.people[lead])
                )
                self.subscribers[team].append((lead, created))

    # The scheduler's record ------------------------------------------------------------------

    def deliveries(self) -> None:
        """The reminders and digests ``cadence worker`` sent for every past week, claimed and
        marked sent as ``scheduling.services.run_once`` records them (see
        ``scheduling.selectors``): a reminder to each team member who had not written their
        update when the window opened (``REMINDER_LEAD`` before the deadline); after the
        deadline (or, if nobody had written yet, when the first one did) the team's digest to
        its members and to whoever subscribed before the deadline. Everyone has both emails on
        and every generated person is in exactly one team, which sets their deadline."""
        rng, org = self.rng, self.organization_id
        table = self.sink.table(
            Delivery,
            ["id", "created_at", "updated_at", "organization_id", "kind", "person_id", "unit_id"]
            + ["week", "claim_token", "claimed_at", "sent_at", "attempts", "last_error"],
        )

        def send(kind, person, team, week, at):
            sent = at + timedelta(seconds=2)
            table.add(
                (self.uid(), at, sent, org, kind, self.people[person], self.units[team][0], week)
                + (UUID(int=rng.getrandbits(128), version=4), at, sent, 1, "")
            )

        for week in self.weeks:
            deadline = _deadline(week)
            window = deadline - REMINDER_LEAD + TURN
            if window >= self.now:
                break
            for team in self.teams:
                members = self.members[team]
                written = [
                    self.submitted[(p, week)] for p in members if (p, week) in self.submitted
                ]
                for person in members:
                    submitted = self.submitted.get((person, week))
                    if submitted is None or submitted > window:
                        send(Delivery.Kind.REMINDER, person, team, week, window)
                if deadline >= self.now or not written:
                    continue  # no digest: not due yet, or nobody on the team wrote
                at = max(deadline, min(written)) + TURN
                recipients = list(members)
                for person, since in self.subscribers.get(team, ()):
                    if since <= deadline and person not in recipients:
                        recipients.append(person)
                for person in recipients:
                    send(Delivery.Kind.DIGEST, person, team, week, at)


def _item_row(rows, positions, item_id, at, category, text, objective_id, kr_id, source) -> list:
    """A weekly item's row, last in its category: [id, created, updated, category, text,
    objective, key result, position, carried from]."""
    row = [item_id, at, at, category, text, objective_id, kr_id, positions[category], source]
    positions[category] += 1
    rows.append(row)
    return row


def _num(value: float) -> str:
    return f"{value:g}" if abs(value) < 1e6 else f"{value:,.0f}"
