"""The generator's second half: weekly updates and their items, the cycles' rituals and the
discussion (reviews, approvals, comments, likes, dependencies), and the worker's deliveries."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from uuid import UUID

from bench.dataset import TURN, admin_email, deadline_of, item_row, utc_at
from bench.words import COMMENTS, FUNCTIONS, ITEM_TEXTS, NOTES
from cadence.alignment.models import ApprovalEvent, Dependency
from cadence.coach.models import CheckSetting, Dismissal
from cadence.feed.models import Comment, Like, Mention, Notification
from cadence.mail.models import Delivery
from cadence.meetings.models import MeetingNote
from cadence.orgs.models import Unit
from cadence.retrospectives.models import Learning
from cadence.reviews.models import Review
from cadence.scheduling.models import DigestSubscription
from cadence.scheduling.selectors import REMINDER_LEAD
from cadence.weekly.models import (
    PLANS,
    PROBLEMS,
    PROGRESS,
    Item,
    ItemMove,
    WeeklyUpdate,
)


class Activity:
    """Mixed into ``Generator`` (bench/generate_okrs.py), whose state it reads and writes."""

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
        if deadline_of(weeks[-1]) < self.now:
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
            + ["created_by_id", "late", "settled"],
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
                    deadline = deadline_of(week)
                    submit_day = week + timedelta(days=rng.choice((2, 3, 4, 4)))
                    writes = rng.random() < 0.92 and submit_day < self.today
                    if not writes and not carry:
                        continue
                    update_id = self.uid()
                    submitted_at = (
                        utc_at(submit_day, 9 + rng.randrange(9), rng.randrange(60))
                        if writes
                        else None
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
                        item_row(rows, positions, self.uid(), at, c, t, o, k, s)
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
                            row = item_row(
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
                    # Written after the deadline (not carried in): late, never carried on.
                    late = {row[0] for row in rows if row[8] is None and row[1] >= deadline}
                    for row in rows:
                        items.add(
                            (row[0], row[1], row[2], self.organization_id, update_id, row[3])
                            + (row[4], row[5], row[6], row[7], row[8], person_id)
                            + (row[0] in late, False)
                        )
                    # The rollover: one worker turn after the deadline (or after the items
                    # appeared, if written later), every open item into the next week.
                    carry = []
                    if deadline < self.now:
                        still_open = sorted(
                            (carrying[row[3]], row[7], row)
                            for row in rows
                            if row[3] in carrying and row[0] not in late
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
            at = utc_at(min(end + timedelta(days=3), self.today - timedelta(days=1)), 15)
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
            at = utc_at(week + timedelta(days=1), 10)
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
            at = utc_at(
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
            deadline = deadline_of(week)
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
