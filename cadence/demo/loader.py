"""Load the demo organization (Northwind Labs) through the same services the product uses.

``load_demo`` is idempotent: when the demo organization exists it is returned untouched. All
dates are relative to ``today`` (the current quarter, the previous one and the year around it)
and the check-in history is generated from a fixed seed, so one day always gives the same demo.
So are eight weeks of weekly updates (plans, progress, problems, lessons learned) for every team
member, carried over week by week by the product's own rollover, and a few comments and likes.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from cadence.alignment import services as alignment_services
from cadence.alignment.models import ApprovalEvent, Dependency
from cadence.alignment.selectors import can_approve
from cadence.demo import content
from cadence.demo.content import KeyResultSpec, ObjectiveSpec, PlanSpec
from cadence.feed import services as feed_services
from cadence.feed.models import Comment, Notification
from cadence.ideas import services as ideas_services
from cadence.ideas.models import Comment as IdeaComment
from cadence.ideas.models import Idea, Round, Vote
from cadence.kpis import services as kpi_services
from cadence.okrs import services as okr_services
from cadence.okrs.models import Cycle, KeyResult, Objective, TargetChange
from cadence.okrs.progress import clamp, expected_progress, kr_progress, pace
from cadence.onboarding import services as onboarding_services
from cadence.oneonones import selectors as one_on_one_selectors
from cadence.oneonones import services as one_on_one_services
from cadence.oneonones.models import ActionItem, Note, TalkingPoint
from cadence.orgs import services as org_services
from cadence.orgs.models import Membership, Organization, Person, Unit
from cadence.orgs.selectors import Access, company_unit
from cadence.planning import services as planning_services
from cadence.retrospectives import services as retrospectives_services
from cadence.retrospectives.models import Learning
from cadence.reviews import services as reviews_services
from cadence.reviews.models import Review
from cadence.scoring import services as scoring_services
from cadence.scoring.models import ScoreChange
from cadence.weekly import selectors as weekly_selectors
from cadence.weekly import services as weekly_services
from cadence.weekly.models import PROBLEMS, PROGRESS, Item, ItemMove, WeeklyUpdate

DEMO_TIME_ZONE = "UTC"


class DemoError(Exception):
    """The demo cannot be loaded (for example, its admin email already belongs elsewhere)."""


def find_demo() -> Organization | None:
    """The demo organization if it has been loaded: the one whose admin is admin@example.com."""
    person = (
        Person.objects.select_related("organization")
        .filter(email__iexact=content.ADMIN_EMAIL, organization__name=content.ORGANIZATION_NAME)
        .first()
    )
    return person.organization if person else None


def quarter_of(day: date) -> tuple[date, date]:
    first_month = 3 * ((day.month - 1) // 3) + 1
    start = date(day.year, first_month, 1)
    next_start = (
        date(day.year + 1, 1, 1) if first_month == 10 else date(day.year, first_month + 3, 1)
    )
    return start, next_start - timedelta(days=1)


def quarter_name(start: date) -> str:
    return f"Q{(start.month - 1) // 3 + 1} {start.year}"


def load_demo(*, today: date | None = None, now: datetime | None = None) -> Organization:
    """Create Northwind Labs unless it exists; return it either way.

    ``today`` (default: today) decides the content; ``now`` (default: the current moment if
    it falls on ``today``, else noon of ``today``) decides which week people write in — the
    next one once Friday's deadline has passed — and bounds the current week's timestamps."""
    existing = find_demo()
    if existing is not None:
        return existing
    if Person.objects.filter(email__iexact=content.ADMIN_EMAIL).exists():
        raise DemoError(
            f"{content.ADMIN_EMAIL} already belongs to another organization, so the demo "
            "cannot be loaded into this database. Use a fresh database for the demo."
        )
    taken = sorted(
        Person.objects.filter(email__in=[p.email for p in content.PEOPLE]).values_list(
            "email", flat=True
        )
    )
    if taken:
        raise DemoError(
            "These demo email addresses are already in use in this database: "
            + ", ".join(taken)
            + ". Use a fresh database for the demo."
        )
    today = today or timezone.localdate()
    if now is None:
        now = timezone.now()
        if now.astimezone(ZoneInfo(DEMO_TIME_ZONE)).date() != today:
            now = datetime.combine(today, time(12), tzinfo=ZoneInfo(DEMO_TIME_ZONE))
    with transaction.atomic():
        return _Builder(today, now).build()


@dataclass
class _Cycles:
    year: Cycle
    current: Cycle
    previous: Cycle
    next: Cycle

    def get(self, key: str) -> Cycle:
        return getattr(self, key)


class _Builder:
    def __init__(self, today: date, now: datetime):
        self.today = today
        self.now = now
        self.tz = ZoneInfo(DEMO_TIME_ZONE)
        # The current week's writes end before the hour the demo loads in (not at the second,
        # so two loads in the same hour give the same demo).
        self.written_by = now.replace(minute=0, second=0, microsecond=0) - timedelta(minutes=1)
        self.people: dict[str, Person] = {}
        self.units: dict[str, Unit] = {}
        self.members: dict[str, list[Person]] = {}  # unit key → leads first, then members
        self.objectives: dict[str, Objective] = {}
        self.key_results: dict[str, KeyResult] = {}
        # Times the services cannot set (they stamp "now"): applied at the end of the build.
        self.move_times: dict = {}  # item id → when it moved, in order
        self.late_at: datetime | None = None  # when late progress was recorded

    # Structure --------------------------------------------------------------------------

    def build(self) -> Organization:
        admin_spec = content.PEOPLE[0]
        organization = org_services.organization_create(
            name=content.ORGANIZATION_NAME,
            admin_email=admin_spec.email,
            admin_name=admin_spec.name,
            admin_password=content.DEMO_PASSWORD,
            time_zone=DEMO_TIME_ZONE,
        )
        self.organization = organization
        self.people[admin_spec.key] = organization.people.get()
        for spec in content.PEOPLE[1:]:
            self.people[spec.key] = org_services.person_create(
                organization=organization,
                email=spec.email,
                name=spec.name,
                role=spec.role,
                password=content.DEMO_PASSWORD if spec.login else None,
            )
        company = company_unit(organization)
        self.units["company"] = company
        self._join("company", content.COMPANY_LEADS, content.COMPANY_MEMBERS)
        for spec in content.UNITS:
            self.units[spec.key] = org_services.unit_create(
                actor=None,
                actor_label="demo loader",
                organization=organization,
                parent=self.units[spec.parent] if spec.parent else company,
                name=spec.name,
                kind=spec.kind,
            )
            self._join(spec.key, spec.leads, spec.members)
        cycles = self._cycles()
        for spec in (*content.OBJECTIVES, *content.NEXT_OBJECTIVES):
            self._objective(spec, cycles)
        self._dependencies()
        self._kpis(cycles)
        self._weekly()
        self._discussion()
        self._rituals(cycles)
        self._ideas(cycles)
        self._one_on_one()
        self._personal(cycles)
        self._rollout()
        return organization

    def _rollout(self) -> None:
        """Everyone takes part (the default mode). The admin kept the teams' deadline and read the
        method; the alignment session is the step left, so the checklist shows what is left."""
        admin = self.people[content.PEOPLE[0].key]
        onboarding_services.checklist_confirm_deadline(actor=admin)
        onboarding_services.rollout_step_tick(actor=admin, step="learn")

    def _join(self, unit_key: str, leads, members) -> None:
        unit = self.units[unit_key]
        people = []
        for key in leads:
            org_services.membership_set(
                actor=None,
                actor_label="demo loader",
                unit=unit,
                person=self.people[key],
                role=Membership.Role.LEAD,
            )
            people.append(self.people[key])
        for key in members:
            org_services.membership_set(
                actor=None,
                actor_label="demo loader",
                unit=unit,
                person=self.people[key],
                role=Membership.Role.MEMBER,
            )
            people.append(self.people[key])
        self.members[unit_key] = people

    def _cycles(self) -> _Cycles:
        admin = self.people["avery"]
        start, end = quarter_of(self.today)
        previous_start, previous_end = quarter_of(start - timedelta(days=1))
        next_start, next_end = quarter_of(end + timedelta(days=1))
        return _Cycles(
            next=okr_services.cycle_create(
                actor=admin,
                name=quarter_name(next_start),
                kind=Cycle.Kind.QUARTER,
                start=next_start,
                end=next_end,
            ),
            year=okr_services.cycle_create(
                actor=admin,
                name=str(self.today.year),
                kind=Cycle.Kind.YEAR,
                start=date(self.today.year, 1, 1),
                end=date(self.today.year, 12, 31),
            ),
            previous=okr_services.cycle_create(
                actor=admin,
                name=quarter_name(previous_start),
                kind=Cycle.Kind.QUARTER,
                start=previous_start,
                end=previous_end,
            ),
            current=okr_services.cycle_create(
                actor=admin, name=quarter_name(start), kind=Cycle.Kind.QUARTER, start=start, end=end
            ),
        )

    def _kpis(self, cycles: _Cycles) -> None:
        """Each team's KPIs with their values, one a week (one a month for monthly ones) up to
        today, entered by their owner; a recovery objective drafted by the unit's lead where
        the KPI has left its band."""
        for spec in content.KPIS:
            owner = self.people[spec.owner]
            kpi = kpi_services.kpi_create(
                actor=owner,
                unit=self.units[spec.unit],
                name=spec.name,
                unit_of_measure=spec.unit_of_measure,
                band_min=spec.band_min,
                band_max=spec.band_max,
                frequency=spec.frequency,
                owner=owner,
            )
            step = 30 if spec.frequency == "monthly" else 7
            last = len(spec.values) - 1
            for i, value in enumerate(spec.values):
                kpi_services.kpi_value_add(
                    actor=owner,
                    kpi=kpi,
                    value=value,
                    at=self.today - timedelta(days=step * (last - i)),
                    today=self.today,
                )
            if spec.recovery:
                lead = self.members[spec.unit][0]
                objective = kpi_services.kpi_recovery_create(
                    actor=lead,
                    kpi=kpi,
                    cycle=cycles.current,
                    title=spec.recovery,
                    why=f"{spec.name}: {spec.values[-1]:g} {spec.unit_of_measure} this week.",
                    owner=lead,
                    standalone_reason=spec.recovery_reason,
                )
                title, start, target, unit = spec.recovery_kr
                kr = okr_services.key_result_create(
                    actor=lead,
                    objective=objective,
                    title=title,
                    start=start,
                    target=target,
                    unit=unit,
                    owner=lead,
                )
                # Drafted the hour after the value that took it out was entered.
                Objective.objects.filter(pk=objective.pk).update(created_at=self.written_by)
                KeyResult.objects.filter(pk=kr.pk).update(created_at=self.written_by)

    def _objective(self, spec: ObjectiveSpec, cycles: _Cycles) -> None:
        cycle = cycles.get(spec.cycle)
        parent = self.objectives[spec.parent] if spec.parent else None
        if parent is not None and not parent.cycle.contains(cycle):
            # In January the previous quarter lies in last year: it cannot align to this year.
            parent = None
        author = self.people[spec.author]
        objective = okr_services.objective_create(
            actor=author,
            cycle=cycle,
            unit=self.units[spec.unit],
            title=spec.title,
            why=spec.why,
            commitment=spec.commitment,
            parent=parent,
            owner=self.people[spec.owner],
            standalone_reason=spec.standalone_reason,
            visibility=spec.visibility,
        )
        self.objectives[spec.key] = objective
        planned_at = self._planned_at(cycle)
        krs = []
        for kr_spec in spec.key_results:
            kr = okr_services.key_result_create(
                actor=author,
                objective=objective,
                title=kr_spec.title,
                kind=kr_spec.kind,
                start=kr_spec.start,
                target=kr_spec.target,
                unit=kr_spec.unit,
                direction=kr_spec.direction,
                owner=self.people[kr_spec.owner],
            )
            krs.append(kr.pk)
            self.key_results[kr_spec.key] = kr
            self._history(kr, kr_spec, spec)
        # The demo's OKRs were set while planning the cycle, not today: no service moves
        # creation times, and "stale" counts from when a key result was created.
        Objective.objects.filter(pk=objective.pk).update(created_at=planned_at)
        KeyResult.objects.filter(pk__in=krs).update(created_at=planned_at)
        self._review(spec, objective, planned_at)

    def _review(self, spec: ObjectiveSpec, objective: Objective, when: datetime) -> None:
        """Propose → approve (or return) through the alignment services, as the team and its
        approver would (never the person who proposed it); the trail is dated when the OKRs
        were planned."""
        author = self.people[spec.author]
        if spec.state == Objective.State.DRAFT:
            return
        alignment_services.objective_propose(actor=author, objective=objective)
        approver = self._approver(objective)
        if spec.state == "returned":
            alignment_services.objective_return(
                actor=approver, objective=objective, comment=spec.review, notify=False
            )
        elif spec.state in (Objective.State.APPROVED, Objective.State.CLOSED):
            alignment_services.objective_approve(actor=approver, objective=objective, notify=False)
        if spec.state == Objective.State.CLOSED:
            okr_services.objective_set_state(actor=author, objective=objective, state=spec.state)
        for n, event in enumerate(ApprovalEvent.objects.filter(objective=objective)):
            ApprovalEvent.objects.filter(pk=event.pk).update(
                created_at=when + timedelta(hours=2 + 20 * n)
            )

    def _approver(self, objective: Objective) -> Person:
        """The parent objective's owner, else the first lead above the team, else the admin;
        never the person who proposed it (``can_approve`` says so)."""
        objective = Objective.objects.select_related("parent__owner", "unit").get(pk=objective.pk)
        candidates = [objective.parent.owner] if objective.parent_id else []
        candidates += [p for p in self.people.values() if not p.is_admin]
        for person in candidates:
            if person is not None and can_approve(Access(person), objective):
                return person
        return self.people["avery"]

    def _dependencies(self) -> None:
        for spec in content.DEPENDENCIES:
            objective = self.objectives[spec.objective]
            author = next(o.author for o in content.OBJECTIVES if o.key == spec.objective)
            dependency = alignment_services.dependency_create(
                actor=self.people[author],
                objective=objective,
                provider=self.units[spec.provider],
                description=spec.description,
            )
            if spec.state == Dependency.State.REQUESTED:
                continue
            provider_lead = self.members[spec.provider][0]
            alignment_services.dependency_acknowledge(actor=provider_lead, dependency=dependency)
            alignment_services.dependency_set_state(
                actor=provider_lead, dependency=dependency, state=spec.state, note=spec.note
            )

    def _planned_at(self, cycle: Cycle) -> datetime:
        """Ten days before the cycle starts (never in the future: next quarter is being planned
        now)."""
        planned = datetime.combine(cycle.start - timedelta(days=10), time(10, 0), tzinfo=self.tz)
        latest = datetime.combine(self.today - timedelta(days=3), time(10, 0), tzinfo=self.tz)
        return min(planned, latest)

    # History ----------------------------------------------------------------------------

    def _check_in_times(self, cycle: Cycle, rng: random.Random) -> list[datetime]:
        """One check-in a week, usually on Friday (sometimes Thursday or Monday), between the
        cycle's start and yesterday."""
        times = []
        monday = cycle.start - timedelta(days=cycle.start.weekday())
        last_day = min(cycle.end, self.today - timedelta(days=1))
        while monday <= last_day:
            day = monday + timedelta(days=rng.choices((4, 3, 0), weights=(7, 2, 1))[0])
            if cycle.start <= day <= last_day:
                moment = time(rng.randint(9, 17), rng.choice((0, 10, 15, 25, 30, 40, 45, 55)))
                times.append(datetime.combine(day, moment, tzinfo=self.tz))
            monday += timedelta(days=7)
        return times

    def _history(self, kr: KeyResult, spec: KeyResultSpec, objective: ObjectiveSpec) -> None:
        rng = random.Random(f"{content.SEED}:{spec.key}")
        cycle = kr.objective.cycle
        times = self._check_in_times(cycle, rng)
        if spec.shape == "stale" and len(times) >= 4:
            times = times[:-2]
        if not times:
            return
        expected = [expected_progress(t.date(), cycle.start, cycle.end) for t in times]
        values = _values(spec, expected, rng)
        aspirational = objective.commitment == Objective.Commitment.ASPIRATIONAL
        unit_key = objective.unit
        team = self.members[unit_key]
        owner = self.people[spec.owner]
        others = [p for p in team if p.pk != owner.pk] or [owner]
        notes = list(spec.notes)
        for i, (moment, value) in enumerate(zip(times, values, strict=True)):
            progress = _progress_of(kr, value)
            confidence = _confidence(progress, expected[i], aspirational, spec, rng)
            last = i == len(times) - 1
            if last and spec.last_note:
                note = spec.last_note
            elif notes and rng.random() < 0.7:
                note = notes.pop(0)
            else:
                note = ""
            author = owner if rng.random() < 0.75 else rng.choice(others)
            okr_services.check_in_create(
                actor=author,
                key_result=kr,
                value=value,
                confidence=confidence,
                note=note,
                at=moment,
            )

    # Weekly updates ----------------------------------------------------------------------

    def _at(self, day: date, hour: int, minute: int = 0) -> datetime:
        return datetime.combine(day, time(hour, minute), tzinfo=self.tz)

    def _weekly(self) -> None:
        """Eight finished weeks of Plans, Progress and Problems for every team member, carried
        over at each Friday's deadline by the product's rollover, one piece of late progress
        in the last of them, and the current week part-filled (see ``_current_week``).

        The current week is the one people write in when the demo loads: this week until
        Friday's deadline, next week from then on (``weekly.selectors.unit_current_week``)."""
        admin = self.people["avery"]
        self.lessons = weekly_services.category_create(
            actor=admin, name=content.LESSONS_CATEGORY
        ).slug
        # Every demo team keeps the default rhythm (Friday 17:00, UTC), as the company does.
        current = weekly_selectors.unit_current_week(self.units["company"], self.now)
        weeks = [current - timedelta(weeks=n) for n in range(content.WEEKS_OF_UPDATES, 0, -1)]
        self.weeks = weeks
        self.last_deadline = weekly_selectors.team_deadline(self.units["company"], weeks[-1])
        self.done: dict[tuple[date, str], list[Item]] = {}
        teams = [spec.key for spec in content.UNITS if spec.kind == Unit.Kind.TEAM]
        for week in weeks:
            for team in teams:
                for index, person in enumerate(self.members[team]):
                    self._week_of(person, team, week, lead=index == 0)
            # Friday's deadline has passed: what is still open carries into the next week.
            weekly_services.rollover_week(organization=self.organization, week=week)
        self._late_progress(teams, weeks[-1])
        for team in teams:
            self._current_week(team, current)
        self._apply_times()

    def _linkable(self, plan: PlanSpec, week: date) -> KeyResult | None:
        """The plan's key result, once its cycle is being planned (OKRs are set ten days
        before a cycle starts) and until it ends."""
        kr = self.key_results.get(plan.key_result) if plan.key_result else None
        if kr is None:
            return None
        cycle = kr.objective.cycle
        if not (cycle.start - timedelta(days=10) <= week + timedelta(days=4) <= cycle.end):
            return None
        return kr

    def _move(self, person: Person, item: Item, category: str, when: datetime) -> None:
        weekly_services.item_move(actor=person, item=item, category=category)
        self.move_times.setdefault(item.pk, []).append(when)

    def _week_of(self, person: Person, team: str, week: date, *, lead: bool) -> None:
        """A finished week of one person: carried items dealt with, plans made (most done,
        some stuck), now and then unplanned work and a lesson learned."""
        rng = random.Random(f"{content.SEED}:weekly:{person.email}:{week.isoformat()}")
        # Now and then someone misses a week; their open items wait in the carried list.
        if week != self.weeks[0] and rng.random() < 0.07:
            return

        def during_week() -> datetime:
            day = week + timedelta(days=rng.randint(1, 4))
            return self._at(day, rng.randint(9, 16), rng.choice((0, 15, 30, 45)))

        carried = self._carried(person, week)
        done_here: list[Item] = []
        for item in carried:
            roll = rng.random()
            if item.category.slug == PROBLEMS:
                target = PROGRESS if roll < 0.6 else ("plans" if roll < 0.85 else None)
            else:
                target = PROGRESS if roll < 0.7 else (PROBLEMS if roll < 0.82 else None)
            if target:
                self._move(person, item, target, during_week())
                if target == PROGRESS:
                    done_here.append(item)
        open_texts = {item.text for item in carried}
        pool = [p for p in content.PLANS[team] if p.text not in open_texts]
        own = [p for p in pool if self._owns(person, p)]
        others = [p for p in pool if not self._owns(person, p)]
        count = rng.randint(2, 3)
        chosen = (rng.sample(own, min(len(own), 2)) + rng.sample(others, len(others)))[:count]
        monday = self._at(week, 9, rng.choice((0, 10, 20, 40)))
        for n, plan in enumerate(chosen):
            item = weekly_services.item_create(
                actor=person,
                person=person,
                week=week,
                category="plans",
                text=plan.text,
                key_result=self._linkable(plan, week),
                at=monday + timedelta(minutes=3 * n),
            )
            roll = rng.random()
            if roll < 0.68:
                self._move(person, item, PROGRESS, during_week())
                done_here.append(item)
            elif roll < 0.8:
                self._move(person, item, PROBLEMS, during_week())
        if rng.random() < 0.25:
            weekly_services.item_create(
                actor=person,
                person=person,
                week=week,
                category=PROGRESS,
                text=rng.choice(content.UNPLANNED),
                at=during_week(),
            )
        lessons = content.LESSONS.get(team, ())
        if lead and lessons and rng.random() < 0.3:
            weekly_services.item_create(
                actor=person,
                person=person,
                week=week,
                category=self.lessons,
                text=rng.choice(lessons),
                at=self._at(week + timedelta(days=4), 16),
            )
        if not lead:
            self.done.setdefault((week, team), []).extend(done_here)

    def _carried(self, person: Person, week: date) -> list[Item]:
        """The person's items of the week that the rollover carried in (and that are live)."""
        return list(
            Item.objects.filter(
                update__person=person,
                update__week=week,
                carried_over_from__isnull=False,
                deleted_at__isnull=True,
            )
            .select_related("category")
            .order_by("category__position", "position")
        )

    def _late_progress(self, teams: list[str], week: date) -> None:
        """After the last finished week's deadline, one person records late progress there: a
        carried plan finished after all (which takes its carried copy out of the current week)
        and a line of work they forgot; both are marked late."""
        deadline = self.last_deadline
        at = min(deadline + timedelta(hours=16), self.written_by)
        if at - timedelta(minutes=2) <= deadline:
            return  # the demo loads within the hour after the deadline: nothing late yet
        for team in teams:
            for person in self.members[team][1:]:
                carried_on = (
                    Item.objects.filter(
                        update__person=person,
                        update__week=week,
                        category__slug="plans",
                        category__unit__isnull=True,
                        deleted_at__isnull=True,
                        carried_to__isnull=False,
                    )
                    .select_related("category")
                    .order_by("position")
                    .first()
                )
                if carried_on is None:
                    continue
                self.late_at = at - timedelta(minutes=2)
                self._move(person, carried_on, PROGRESS, self.late_at)
                weekly_services.item_create(
                    actor=person,
                    person=person,
                    week=week,
                    category=PROGRESS,
                    text=content.LATE_PROGRESS,
                    at=at,
                )
                return

    def _written_at(self, rng: random.Random, week: date) -> datetime:
        """A moment someone wrote in the current week: during the week so far (or, before it
        starts, on the day the demo loads), never after the hour the demo loads in."""
        first = min(week, self.today)
        day = first + timedelta(days=rng.randint(0, (self.today - first).days))
        if day == self.today:
            start = self._at(day, 7, 0)
            if day < week:  # planning ahead, once the week before has closed
                start = max(start, self.last_deadline + timedelta(minutes=5))
            moment = start + timedelta(minutes=rng.randint(0, 150))
        else:
            moment = self._at(day, rng.randint(9, 16), rng.choice((0, 15, 30, 45)))
        return min(moment, self.written_by)

    def _later(self, rng: random.Random, moment: datetime) -> datetime:
        return max(moment, min(moment + timedelta(minutes=rng.randint(20, 240)), self.written_by))

    def _current_week(self, team: str, week: date) -> None:
        """The week people write in now, part-filled as far as it has gone: the further into
        the week, the more people have written their update and the more plans are done. Some
        have not written yet (their carried items wait), at least one has; at least one plan
        is done and one problem is open. The same day gives the same week."""
        people = self.members[team]
        # From 0 (Friday evening, the week not started) to 1 (Friday, the deadline close).
        share = min(1.0, max(0.0, ((self.today - week).days + 3.5) / 8))
        rngs = [
            random.Random(f"{content.SEED}:current:{p.email}:{week.isoformat()}") for p in people
        ]
        writes = [rng.random() < 0.3 + 0.55 * share for rng in rngs]
        if not any(writes):
            writes[0] = True
        if all(writes) and len(writes) > 1:
            writes[-1] = False
        open_plans: list[tuple[Person, random.Random, Item]] = []
        done = problems = 0
        carried_of = {person.pk: self._carried(person, week) for person in people}
        # A plan already on someone's list this week is not planned again by a teammate.
        taken = {i.text for items in carried_of.values() for i in items}
        for person, rng, wrote in zip(people, rngs, writes, strict=True):
            carried = carried_of[person.pk]
            problems += sum(1 for i in carried if i.category.slug == PROBLEMS)
            if not wrote:
                continue
            pool = [p for p in content.PLANS[team] if p.text not in taken]
            own = [p for p in pool if self._owns(person, p)]
            others = [p for p in pool if not self._owns(person, p)]
            chosen = (rng.sample(own, min(len(own), 2)) + rng.sample(others, len(others)))[
                : rng.randint(1, 3)
            ]
            plans = [i for i in carried if i.category.slug == "plans"]
            taken |= {plan.text for plan in chosen}
            for plan in chosen:
                plans.append(
                    weekly_services.item_create(
                        actor=person,
                        person=person,
                        week=week,
                        category="plans",
                        text=plan.text,
                        key_result=self._linkable(plan, week),
                        at=self._written_at(rng, week),
                    )
                )
            for item in plans:
                roll = rng.random()
                if roll < 0.1 + 0.45 * share:
                    self._move(person, item, PROGRESS, self._later(rng, self._item_time(item)))
                    done += 1
                elif roll > 0.93:
                    self._move(person, item, PROBLEMS, self._later(rng, self._item_time(item)))
                    problems += 1
                else:
                    open_plans.append((person, rng, item))
        if not done and open_plans:
            person, rng, item = open_plans.pop(0)
            self._move(person, item, PROGRESS, self._later(rng, self._item_time(item)))
        if not problems and open_plans:
            person, rng, item = open_plans.pop()
            self._move(person, item, PROBLEMS, self._later(rng, self._item_time(item)))

    def _item_time(self, item: Item) -> datetime:
        """When an item was written: its own time, or for a carried copy the deadline it was
        carried at (the previous Friday, 17:00)."""
        if item.carried_over_from_id:
            return self._at(item.update.week - timedelta(days=3), 17)
        return item.created_at

    def _owns(self, person: Person, plan: PlanSpec) -> bool:
        kr = self.key_results.get(plan.key_result) if plan.key_result else None
        return kr is not None and kr.owner_id == person.pk

    def _apply_times(self) -> None:
        """Put the weekly history at the moments it happened: plans when they were written
        (``item_create(at=…)``), moves during the week (a late one after the deadline), carried
        items at the previous Friday's deadline (17:00), an update's first own write."""
        items = list(
            Item.objects.filter(organization=self.organization).select_related(
                "update", "carried_over_from__update"
            )
        )
        for item in items:
            if item.carried_over_from_id:
                friday = item.carried_over_from.update.week + timedelta(days=4)
                item.created_at = self._at(friday, 17)
            if item.settled:
                item.deleted_at = self.late_at
        Item.objects.bulk_update(items, ["created_at", "deleted_at"], batch_size=500)
        moves = list(
            ItemMove.objects.filter(item__organization=self.organization).order_by(
                "created_at", "id"
            )
        )
        written: dict = {}  # update id → its first own write (an item or a move)
        update_of = {item.pk: item.update_id for item in items}
        for item in items:
            if not item.carried_over_from_id and not item.late:
                first = written.get(item.update_id)
                written[item.update_id] = min(first or item.created_at, item.created_at)
        seen: dict = {}
        for move in moves:
            times = self.move_times[move.item_id]
            move.created_at = times[seen.get(move.item_id, 0)]
            seen[move.item_id] = seen.get(move.item_id, 0) + 1
            first = written.get(update_of[move.item_id])
            written[update_of[move.item_id]] = min(first or move.created_at, move.created_at)
        ItemMove.objects.bulk_update(moves, ["created_at"], batch_size=500)
        updates = list(WeeklyUpdate.objects.filter(organization=self.organization))
        for update in updates:
            update.created_at = self._at(update.week - timedelta(days=3), 17)
            if update.submitted_at is not None:
                update.submitted_at = written.get(update.pk, update.created_at)
        WeeklyUpdate.objects.bulk_update(updates, ["created_at", "submitted_at"], batch_size=500)

    # The cycle's rituals -----------------------------------------------------------------

    def _rituals(self, cycles: _Cycles) -> None:
        """Close the previous quarter (scores, two adjustments with reasons, every team's
        retrospective, a department summary, the company-wide review), carry one unfinished
        objective forward, and hold the current quarter's monthly and mid-cycle reviews."""
        previous, current = cycles.previous, cycles.current
        admin = self.people["avery"]
        close_day = min(previous.end + timedelta(days=3), self.today - timedelta(days=1))
        review_day = min(previous.end + timedelta(days=5), self.today - timedelta(days=1))
        scoring_services.cycle_close(actor=admin, cycle=previous, now=self._at(close_day, 9))
        for spec in content.SCORE_ADJUSTMENTS:
            objective = Objective.objects.get(pk=self.objectives[spec.objective].pk)
            if objective.computed_score is None:
                continue
            score = round(min(1.0, max(0.0, objective.computed_score + spec.change)), 1)
            if score != objective.score:
                change = scoring_services.objective_score_adjust(
                    actor=self.people[spec.actor],
                    objective=objective,
                    score=score,
                    reason=spec.reason,
                )
                ScoreChange.objects.filter(pk=change.pk).update(created_at=self._at(review_day, 10))
        for n, spec in enumerate(content.RETROSPECTIVES):
            unit = self.units[spec.team]
            author = self.people[spec.author]
            explanations = {
                str(self.objectives[key].pk): text for key, text in spec.explanations.items()
            }
            retrospectives_services.retrospective_save(
                actor=author,
                cycle=previous,
                unit=unit,
                answers=dict(spec.answers),
                overview=spec.overview,
                satisfaction=spec.satisfaction,
                worked=spec.worked,
                failed=spec.failed,
                learnings=list(spec.learnings),
                explanations=explanations,
            )
            review = retrospectives_services.retrospective_complete(
                actor=author, cycle=previous, unit=unit
            )
            when = self._at(review_day, 11, 10 * n)
            Review.objects.filter(pk=review.pk).update(
                created_at=when - timedelta(hours=1), updated_at=when, completed_at=when
            )
        department = content.DEPARTMENT_SUMMARY
        review = retrospectives_services.department_review_save(
            actor=self.people[department["author"]],
            cycle=previous,
            unit=self.units[department["unit"]],
            answers=dict(department["answers"]),
            notes=department["notes"],
            takeaways=list(department["takeaways"]),
        )
        Review.objects.filter(pk=review.pk).update(
            created_at=self._at(review_day, 13), updated_at=self._at(review_day, 14)
        )
        company = content.COMPANY_REVIEW
        review = retrospectives_services.company_review_save(
            actor=admin,
            cycle=previous,
            answers=dict(company["answers"]),
            notes=company["notes"],
            summary=company["summary"],
            ideas=list(company["ideas"]),
        )
        Review.objects.filter(pk=review.pk).update(
            created_at=self._at(review_day, 15), updated_at=self._at(review_day, 16)
        )
        Learning.objects.filter(organization=self.organization).update(
            created_at=self._at(review_day, 16)
        )
        for key, cycle_key, trend, notes in content.CARRIED:
            self._carry(key, cycles.get(cycle_key), trend, notes)
        self._periodic_reviews(current)

    def _one_on_one(self) -> None:
        """Jonas's weekly 1:1 with Lena: three meetings held, with talking points, shared notes,
        a private note each, action items (one done, one carried since the first meeting) and
        feedback on what her work did for the onboarding key result."""
        lead = self.people[content.ONE_ON_ONE_LEAD]
        member = self.people[content.ONE_ON_ONE_MEMBER]
        pair = one_on_one_services.pair_create(
            actor=lead,
            member=member,
            frequency="weekly",
            weekday=content.ONE_ON_ONE_WEEKDAY,
            at=time(content.ONE_ON_ONE_HOUR, 0),
            minutes=30,
            starts_on=self.today - timedelta(weeks=8),
        )
        schedule = one_on_one_selectors.schedule_of(pair)
        upcoming = schedule.next_meeting(self.now)
        held = [upcoming - timedelta(weeks=n) for n in (3, 2, 1)]
        meetings = [one_on_one_services.meeting_create(actor=lead, pair=pair, at=at) for at in held]
        raised: list[tuple[ActionItem, int | None, int]] = []
        for index, (meeting, spec) in enumerate(
            zip(meetings, content.ONE_ON_ONE_MEETINGS, strict=True)
        ):
            written = meeting.at + timedelta(minutes=5)
            for author, text in spec["points"]:
                point = one_on_one_services.talking_point_add(
                    actor=self.people[author], pair=pair, meeting=meeting, text=text
                )
                TalkingPoint.objects.filter(pk=point.pk).update(created_at=written)
            notes = [(a, t, False) for a, t in spec["shared"]]
            if spec["private"]:
                notes.append((*spec["private"], True))
            for author, text, private in notes:
                note = one_on_one_services.note_add(
                    actor=self.people[author],
                    pair=pair,
                    meeting=meeting,
                    text=text,
                    private=private,
                )
                Note.objects.filter(pk=note.pk).update(created_at=written, updated_at=written)
            for owner, text, done_after in spec["items"]:
                item = one_on_one_services.action_item_add(
                    actor=lead, pair=pair, meeting=meeting, owner=owner, text=text
                )
                raised.append((item, done_after, index))
        for item, done_after, index in raised:
            if done_after is not None:
                done_in = meetings[index + done_after]
                one_on_one_services.action_item_tick(
                    actor=member,
                    item=item,
                    meeting=done_in,
                    now=done_in.at + timedelta(minutes=20),
                )
        for author, text, kr_key in content.ONE_ON_ONE_FEEDBACK:
            one_on_one_services.feedback_add(
                actor=self.people[author],
                pair=pair,
                text=text,
                key_result=self.key_results.get(kr_key) if kr_key else None,
            )

    def _personal(self, cycles: _Cycles) -> None:
        """One person's own development objective with its key results and a few check-ins,
        spread over the cycle so far."""
        spec = content.PERSONAL_OBJECTIVE
        person = self.people[spec["person"]]
        cycle = cycles.get("current")
        parent = self.objectives.get(spec["parent"])
        objective = okr_services.personal_objective_create(
            actor=person,
            cycle=cycle,
            title=spec["title"],
            why=spec["why"],
            commitment=Objective.Commitment.ASPIRATIONAL,
            parent=parent if parent is not None and parent.cycle_id == cycle.id else None,
        )
        planned_at = self._planned_at(cycle)
        Objective.objects.filter(pk=objective.pk).update(created_at=planned_at)
        start = self._at(cycle.start, 9)
        # Evenly spread, the last one two days ago (she keeps them current); none in a cycle
        # too young for them.
        recent = self.written_by - timedelta(days=2)
        for title, first, target, unit, values in spec["key_results"]:
            kr = okr_services.key_result_create(
                actor=person,
                objective=objective,
                title=title,
                start=first,
                target=target,
                unit=unit,
                owner=person,
            )
            KeyResult.objects.filter(pk=kr.pk).update(created_at=planned_at)
            young = recent - start < timedelta(days=len(values))
            for index, value in enumerate(() if young else values, start=1):
                okr_services.check_in_create(
                    actor=person,
                    key_result=kr,
                    value=value,
                    confidence="on_track",
                    at=start + (recent - start) * index / len(values),
                )

    def _carry(self, key: str, cycle: Cycle, trend: float, notes: tuple[str, ...]) -> None:
        """Carry an objective forward at planning time, have it approved, and give its key
        results a history in their new cycle."""
        spec = next(o for o in content.OBJECTIVES if o.key == key)
        carried = planning_services.objective_carry_forward(
            actor=self.people[spec.author], objective=self.objectives[key], cycle=cycle
        )
        self.objectives[f"{key}_carried"] = carried
        planned_at = self._planned_at(cycle)
        krs = list(KeyResult.objects.filter(objective=carried).select_related("objective__cycle"))
        Objective.objects.filter(pk=carried.pk).update(created_at=planned_at)
        KeyResult.objects.filter(pk__in=[kr.pk for kr in krs]).update(created_at=planned_at)
        self._review(replace(spec, state=Objective.State.APPROVED), carried, planned_at)
        specs = {kr_spec.title: kr_spec for kr_spec in spec.key_results}
        for kr in krs:
            kr_spec = replace(
                specs[kr.title],
                key=f"{specs[kr.title].key}_carried",
                start=kr.start,
                trend=trend,
                notes=notes,
            )
            self._history(kr, kr_spec, spec)

    def _periodic_reviews(self, cycle: Cycle) -> None:
        """The monthly reviews of the months already over, and the mid-cycle review (with a
        target changed for a reason) once the cycle is halfway."""
        months = [
            m for m in reviews_services.cycle_months(cycle) if quarter_month_end(m) < self.today
        ]
        for month, spec in zip(months, content.MONTHLY_REVIEWS, strict=False):
            review = reviews_services.review_save(
                actor=self.people[spec["author"]],
                cycle=cycle,
                unit=self.units[spec["unit"]],
                kind=Review.Kind.MONTHLY,
                period=month,
                answers=dict(spec["answers"]),
                notes=spec["notes"],
            )
            when = self._at(quarter_month_end(month) + timedelta(days=3), 10)
            Review.objects.filter(pk=review.pk).update(created_at=when, updated_at=when)
        middle = cycle.start + (cycle.end - cycle.start) / 2
        if self.today <= middle + timedelta(days=1):
            return
        when = self._at(middle + timedelta(days=1), 14)
        for spec in content.MID_CYCLE_REVIEWS:
            review = reviews_services.review_save(
                actor=self.people[spec["author"]],
                cycle=cycle,
                unit=self.units[spec["unit"]],
                kind=Review.Kind.MID_CYCLE,
                answers=dict(spec["answers"]),
                notes=spec["notes"],
            )
            Review.objects.filter(pk=review.pk).update(created_at=when, updated_at=when)
            change = spec.get("target_change")
            if change:
                target_change = reviews_services.key_result_change_target(
                    actor=self.people[spec["author"]],
                    key_result=self.key_results[change["key_result"]],
                    target=change["target"],
                    reason=change["reason"],
                    review=review,
                )
                TargetChange.objects.filter(pk=target_change.pk).update(created_at=when)

    # The ideas round ------------------------------------------------------------------------

    def _ideas(self, cycles: _Cycles) -> None:
        """The Product team's ideas round for next quarter, answered, upvoted and commented on
        over last week and closed since; its lead promoted two ideas into draft objectives and
        declined one. The services stamp today: the round's days and the rows' times are moved
        a fortnight back afterwards (no service sets them)."""
        lead = self.people[content.IDEAS_ROUND_LEAD]
        ideas_round = ideas_services.ideas_round_open(
            actor=lead,
            unit=self.units[content.IDEAS_ROUND_UNIT],
            cycle=cycles.next,
            opens_on=self.today,
            closes_on=self.today + timedelta(days=6),
            today=self.today,
        )
        prompts = list(ideas_round.prompts.all())
        opened = self.today - timedelta(days=13)
        ideas = []
        for n, (author, prompt, title, detail, voters) in enumerate(content.IDEAS):
            idea = ideas_services.idea_add(
                actor=self.people[author],
                prompt=prompts[prompt],
                title=title,
                detail=detail,
                today=self.today,
            )
            Idea.objects.filter(pk=idea.pk).update(created_at=self._at(opened, 9 + n))
            for voter in voters:
                ideas_services.idea_vote_set(
                    actor=self.people[voter], idea=idea, on=True, today=self.today
                )
            ideas.append(idea)
        Vote.objects.filter(idea__round=ideas_round).update(
            created_at=self._at(opened + timedelta(days=2), 15)
        )
        for author, index, text in content.IDEA_COMMENTS:
            comment = ideas_services.idea_comment_add(
                actor=self.people[author], idea=ideas[index], text=text, today=self.today
            )
            IdeaComment.objects.filter(pk=comment.pk).update(
                created_at=self._at(opened + timedelta(days=1), 11)
            )
        Round.objects.filter(pk=ideas_round.pk).update(
            opens_on=opened,
            closes_on=opened + timedelta(days=6),
            created_at=self._at(opened, 8),
        )
        promoted = [
            ideas_services.idea_promote(actor=lead, idea=ideas[index], title=title).pk
            for index, title in content.IDEAS_PROMOTED
        ]
        index, reason = content.IDEA_DECLINED
        ideas_services.idea_decline(actor=lead, idea=ideas[index], reason=reason)
        # Decided the day after it closed; everyone was told when it opened.
        decided = self._at(opened + timedelta(days=7), 10)
        Objective.objects.filter(pk__in=promoted).update(created_at=decided, updated_at=decided)
        Idea.objects.filter(round=ideas_round).update(updated_at=decided)
        Idea.objects.filter(round=ideas_round, decided_at__isnull=False).update(decided_at=decided)
        Notification.objects.filter(objective_id__in=promoted).update(created_at=decided)
        Notification.objects.filter(key=f"ideas_round:{ideas_round.pk}").update(
            created_at=self._at(opened, 8)
        )

    # Comments and likes ------------------------------------------------------------------

    def _comment(self, author: str, target, text: str, when: datetime) -> Comment:
        comment = feed_services.comment_create(
            actor=self.people[author], target=target, text=text, notify_by_email=False
        )
        Comment.objects.filter(pk=comment.pk).update(created_at=when)
        Notification.objects.filter(comment=comment).update(created_at=when)
        return comment

    def _discussion(self) -> None:
        """A few comments and likes on last week's work and on the OKRs, and one @mention."""
        last = self.weeks[-1]
        for n, (author, team, text) in enumerate(content.ITEM_COMMENTS):
            done = [i for i in self.done.get((last, team), []) if i.deleted_at is None]
            if not done:
                continue
            item = done[0]
            self._comment(author, item, text, self._at(last + timedelta(days=4), 10 + n))
            feed_services.like_toggle(actor=self.people[author], target=item)
            for colleague in self.members[team][1:]:
                if colleague.pk != item.update.person_id:
                    feed_services.like_toggle(actor=colleague, target=item)
                    break
        targets = {**self.objectives, **self.key_results}
        for n, (author, key, text) in enumerate(content.OKR_COMMENTS):
            when = self._at(last + timedelta(days=1 + n % 4), 11, 5 * n)
            self._comment(author, targets[key], text, when)
        for person, key in content.OKR_LIKES:
            feed_services.like_toggle(actor=self.people[person], target=targets[key])


def quarter_month_end(month: date) -> date:
    """The last day of the month that starts on ``month``."""
    return date(month.year + month.month // 12, month.month % 12 + 1, 1) - timedelta(days=1)


def _progress_of(kr: KeyResult, value: float) -> float | None:
    return kr_progress(
        kr.kind,
        start=kr.start,
        target=kr.target,
        current=value,
        direction=kr.direction or None,
    )


def _values(spec: KeyResultSpec, expected: list[float], rng: random.Random) -> list[float]:
    """The value reported at each check-in, following the key result's trend and shape."""
    n = len(expected)
    if spec.kind == "milestone":
        done_at = spec.done_at if spec.done_at is not None else 2.0
        return [1.0 if e >= done_at else 0.0 for e in expected]
    if spec.kind == "threshold":
        low, high = spec.path or (spec.target, spec.target)
        wobble = abs(high - low) / 16
        values = [low + (high - low) * e + rng.uniform(-wobble, wobble) for e in expected]
        if spec.breach_from_end and n >= spec.breach_from_end + 1:
            i = n - spec.breach_from_end
            gap = abs(high - low) or 1.0
            if spec.direction == "at_most":
                values[i] = spec.target + gap
            else:
                values[i] = spec.target - gap * 2.5
        return [round(v, spec.decimals) for v in values]
    progresses = []
    for e in expected:
        base = e**1.8 if spec.shape == "late" else e
        progresses.append(clamp(spec.trend * base + rng.uniform(-0.03, 0.04)))
    if spec.shape == "stalled" and n >= 4:
        progresses[-2] = progresses[-1] = progresses[-3]
    if spec.shape == "dip" and n >= 3:
        progresses[-1] = clamp(progresses[-2] - 0.12)
    values = [spec.start + (spec.target - spec.start) * p for p in progresses]
    return [round(v, spec.decimals) if spec.decimals else float(round(v)) for v in values]


def _confidence(
    progress: float | None,
    expected: float,
    aspirational: bool,
    spec: KeyResultSpec,
    rng: random.Random,
) -> str:
    """What the owner reports: mostly what the numbers say, a little optimistic early on."""
    if spec.optimistic or expected < 0.15 or progress == 1:
        return KeyResult.Confidence.ON_TRACK
    if spec.kind == "milestone":
        planned = spec.done_at if spec.done_at is not None else 1.0
        return KeyResult.Confidence.ON_TRACK if expected < planned else KeyResult.Confidence.AT_RISK
    if spec.kind == "threshold":
        return KeyResult.Confidence.OFF_TRACK
    computed = pace(progress, expected, aspirational=aspirational)
    if computed == KeyResult.Confidence.OFF_TRACK and rng.random() < 0.3:
        return KeyResult.Confidence.AT_RISK
    return computed or KeyResult.Confidence.ON_TRACK
