"""The generator's first half: the organization, its people and unit tree, the cycles, and the
objectives and key results of each cycle with their check-ins."""

from __future__ import annotations

import hashlib
import random
import time as clock
from collections import defaultdict
from datetime import date, timedelta
from uuid import UUID

from django.contrib.auth.hashers import make_password

from bench.dataset import (
    BENCH_PASSWORD,
    COUNTED,
    DEADLINE_TIME,
    DEADLINE_WEEKDAY,
    Obj,
    Shape,
    admin_email,
    api_token,
    fmt_num,
    marker,
    quarter_of,
    utc_at,
)
from bench.generate_activity import Activity
from bench.sink import Sink
from bench.words import (
    FIRST,
    FUNCTIONS,
    LAST,
    METRICS,
    MILESTONES,
    NOTES,
    OBJECTIVE_TITLES,
    STANDALONE_REASONS,
    THRESHOLDS,
)
from cadence.mail.models import Delivery
from cadence.okrs import progress as arithmetic
from cadence.okrs.models import CheckIn, Cycle, KeyResult, Objective
from cadence.orgs.models import ApiToken, Membership, Organization, Person, Unit
from cadence.weekly.models import (
    BUILT_IN,
    Category,
    Item,
    ItemMove,
    WeeklyUpdate,
)


class Generator(Activity):
    def __init__(self, shape: Shape, size: str, seed: int, today: date, progress):
        self.shape = shape
        self.size = size
        self.seed = seed
        self.today = today
        self.progress = progress
        # Per size and seed: two sizes in one database get different ids.
        self.rng = random.Random(f"{size}:{seed}")
        self.began = clock.monotonic()
        self.sink = Sink()
        self.has_progress = any(f.name == "progress" for f in Objective._meta.concrete_fields)
        # The moment "now" stands for: everything generated happened before today began.
        self.now = utc_at(today, 0)

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
        created = utc_at(self.today - timedelta(days=7 * 13 * shape.cycles + 60), 9)
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
            closed_at = utc_at(closed_day, 20) if closed else None
            created = utc_at(start - timedelta(days=28), 9)
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
        objectives: dict[UUID, Obj] = {}
        created = utc_at(start - timedelta(days=10), 10)
        by_unit: dict[int, list[Obj]] = defaultdict(list)

        def objective(unit: int, parent: UUID | None, level: str) -> Obj:
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
            o = Obj(oid, unit, parent, state, commitment, row)
            objectives[oid] = o
            by_unit[unit].append(o)
            return o

        company = [
            objective(self.company, None, "company") for _ in range(shape.company_objectives)
        ]
        department_objectives: dict[int, list[Obj]] = {}
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

    def key_result(self, o: Obj, position: int, c: int) -> tuple[UUID, float | None, list]:
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
            title = template.format(start=fmt_num(start), target=fmt_num(target))
        elif kind_roll < 0.92:
            kind = "threshold"
            template, unit, bound, at_least = rng.choice(THRESHOLDS)
            direction = "at_least" if at_least else "at_most"
            start, target, digits = bound, bound, 1
            title = template.format(target=fmt_num(bound))
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
                at = utc_at(when, 8 + rng.randrange(11), rng.randrange(60))
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
