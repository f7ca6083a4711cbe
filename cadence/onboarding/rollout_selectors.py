"""The rollout checklist (docs/method.md §9): the steps an organization takes to start working
with OKRs, each with why it matters and where in Cadence it is done.

Most steps tick themselves from the organization's data, read for *the rollout's cycle*: of the
current cycle (when not closed) and the cycle being planned, the first with a company objective,
else the one being planned, else the current one. The others an admin ticks by hand
(``RolloutTick``, who and when, audited). Two read the data and also take a hand tick: the
weekly slot and the reviews, whose decision Cadence sees only once it shows in the data.

- levels: the unit tree holds more than the company (a live department or team).
- company_objectives: the rollout's cycle has a live company objective.
- teams_drafted: every leaf unit (a live department or team with no live unit below it) has a
  proposed or approved objective in that cycle.
- aligned: those proposed or approved objectives each align to an objective or say why they
  stand alone (at least one).
- weekly_slot: an admin kept the teams' deadline on the setup checklist, or a team's deadline
  was changed from the default (Friday 17:00).
- reviews: a review (monthly, mid-cycle, retrospective, department or company) is on record in
  the rollout's cycle or an earlier one; the step lists the review dates the cycle sets.
- learn, alignment_session: by hand only.

It sits beside the setup checklist (``selectors.setup_checklist``), which gets the install ready
(units, people, deadline, first company objectives) and then leaves the dashboard; this one
follows the method until every step is done.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from uuid import UUID

from django.db.models import Exists, OuterRef, Subquery
from django.urls import reverse

from cadence.okrs import selectors as okr_selectors
from cadence.okrs.models import Cycle, Objective
from cadence.onboarding.models import Checklist, RolloutTick
from cadence.orgs.models import Organization, Person, Unit
from cadence.orgs.selectors import Access
from cadence.reviews import selectors as review_selectors
from cadence.reviews import services as review_services
from cadence.reviews.models import Review

AUTO = "auto"
HAND = "hand"
BOTH = "both"

DEFAULT_WEEKDAY = Unit.Weekday.FRIDAY
DEFAULT_TIME = time(17, 0)


@dataclass(frozen=True)
class StepSpec:
    id: str
    title: str
    text: str
    ticks: str  # AUTO, HAND or BOTH
    action: str  # the link's words


SPECS = (
    StepSpec(
        "learn",
        "Learn the method",
        "Whoever leads the rollout reads how OKRs work here: objectives that inspire, key results "
        "that measure outcomes, a weekly check-in and honest scoring. The coach's guide shows "
        "each check with a weak and a strong example.",
        HAND,
        "Read the coach's guide",
    ),
    StepSpec(
        "levels",
        "Decide the levels",
        "Choose where objectives are set: the company, perhaps departments, and the teams that do "
        "the work. Fewer levels keep alignment simple.",
        AUTO,
        "Set up departments and teams",
    ),
    StepSpec(
        "company_objectives",
        "Draft the company objectives",
        "Three to five objectives for the cycle, each with why it matters now. They may have no "
        "key results of their own: the teams' results move them.",
        AUTO,
        "Go to the cycle",
    ),
    StepSpec(
        "teams_drafted",
        "Teams draft their objectives",
        "Every team writes its own objectives (not copies of the company's) and proposes them "
        "for approval.",
        AUTO,
        "See the alignment tree",
    ),
    StepSpec(
        "aligned",
        "Teams align their objectives",
        "Each proposed or approved team objective aligns to a company or department objective, "
        "or says why it stands alone.",
        AUTO,
        "See alignment and approvals",
    ),
    StepSpec(
        "alignment_session",
        "Hold the alignment session",
        "Leads meet to read each other's objectives side by side, settle overlaps and gaps, and "
        "agree the dependencies between teams.",
        HAND,
        "Open the alignment tree",
    ),
    StepSpec(
        "weekly_slot",
        "Agree the weekly check-in slot",
        "Each team's weekly update is due at one time every week, and the short check-in meeting "
        "follows it. Keep the default or set each team's.",
        BOTH,
        "Set the teams' deadlines",
    ),
    StepSpec(
        "reviews",
        "Schedule the monthly and end-of-cycle reviews",
        "Leads look at the whole once a month; at the end of the cycle every team scores and "
        "holds its retrospective. Put them in your calendars now.",
        BOTH,
        "Open the review hub",
    ),
)
SPEC_BY_ID = {s.id: s for s in SPECS}
HAND_STEPS = frozenset(s.id for s in SPECS if s.ticks != AUTO)


@dataclass(frozen=True)
class RolloutStep:
    id: str
    title: str
    text: str
    done: bool
    # "auto" (read from the data), the id of the admin who ticked it, or None (not done, or
    # ticked by someone since erased).
    done_by: str | None
    ticked_by: Person | None  # the person who ticked it by hand
    ticked_at: datetime | None
    link: str
    action: str
    hand: bool  # an admin may tick or untick it by hand
    detail: str = ""  # what Cadence read (e.g. the teams still to draft)

    @property
    def by_hand(self) -> bool:
        return self.done and self.done_by != AUTO


@dataclass(frozen=True)
class RolloutChecklist:
    steps: list[RolloutStep]
    cycle: Cycle | None  # the rollout's cycle (None: no cycle yet)

    @property
    def done_count(self) -> int:
        return sum(s.done for s in self.steps)

    @property
    def complete(self) -> bool:
        return all(s.done for s in self.steps)

    @property
    def next_step(self) -> RolloutStep | None:
        return next((s for s in self.steps if not s.done), None)


def rollout_cycle(
    organization: Organization, today: date, cycles: list[Cycle] | None = None
) -> Cycle | None:
    """Of the current cycle (not closed) and the one being planned, the first with a live company
    objective; else the one being planned; else the current one. ``cycles``: the organization's,
    when the caller has them (a page's request)."""
    current, planning = _candidates(organization, today, cycles)
    with_company = set(
        Objective.objects.filter(
            cycle__in=_present(current, planning),
            unit__kind=Unit.Kind.COMPANY,
            organization=organization,
        )
        .exclude(state=Objective.State.ABANDONED)
        .values_list("cycle_id", flat=True)
    )
    return _pick(current, planning, with_company)


def _candidates(
    organization: Organization, today: date, cycles: list[Cycle] | None
) -> tuple[Cycle | None, Cycle | None]:
    """(the current cycle unless closed, the one being planned)."""
    if cycles is None:
        current = okr_selectors.cycle_current(organization, today)
        planning = okr_selectors.cycle_in_planning(organization, today)
    else:
        current = okr_selectors.current_of(cycles, today)
        planning = okr_selectors.in_planning_of(cycles, today)
    if current is not None and current.closed_at is not None:
        current = None
    return current, planning


def _present(current: Cycle | None, planning: Cycle | None) -> list[Cycle]:
    return [c for c in dict.fromkeys([current, planning]) if c is not None]


def _pick(current: Cycle | None, planning: Cycle | None, with_company: set) -> Cycle | None:
    """``rollout_cycle``'s rule, given the ids of the candidates with a live company objective."""
    for cycle in _present(current, planning):
        if cycle.pk in with_company:
            return cycle
    return planning or current


def _leaf_units(units: list[Unit]) -> list[Unit]:
    live = [u for u in units if u.archived_at is None]
    parents = {u.parent_id for u in live}
    return [u for u in live if u.kind != Unit.Kind.COMPANY and u.pk not in parents]


def _review_dates(cycle: Cycle) -> str:
    months = review_services.cycle_months(cycle)
    review_start = review_selectors.cycle_phases(cycle, cycle.start)[2].start
    monthly = ", ".join(m.strftime("%B") for m in months)
    mid = cycle.start + (cycle.end - cycle.start) / 2
    return (
        f"{cycle.name}: monthly reviews in {monthly}; the mid-cycle review from "
        f"{mid:%-d %B}; retrospectives from {review_start:%-d %B %Y}."
    )


def rollout_checklist(
    organization: Organization,
    *,
    today: date | None = None,
    cycles: list[Cycle] | None = None,
    units: list[Unit] | None = None,
) -> RolloutChecklist:
    """The checklist with each step's state, in a fixed number of queries (five; three when
    given the organization's ``cycles`` and ``units``, two without hand ticks)."""
    today = today or review_selectors.organization_today(organization)
    current, planning = _candidates(organization, today, cycles)
    # The live objectives of both candidate cycles: which is the rollout's, and its figures.
    candidate_rows = list(
        Objective.objects.filter(organization=organization, cycle__in=_present(current, planning))
        .exclude(state=Objective.State.ABANDONED)
        .values_list("cycle_id", "unit_id", "unit__kind", "state", "parent_id", "standalone_reason")
    )
    cycle = _pick(
        current,
        planning,
        {row[0] for row in candidate_rows if row[2] == Unit.Kind.COMPANY},
    )
    if units is None:
        units = list(Unit.objects.filter(organization=organization))
    reviews = Review.objects.filter(organization=organization)
    if cycle is not None:
        reviews = reviews.filter(cycle__start__lte=cycle.start)
    # The setup checklist's confirmed deadline, whether a review is on record and whether any
    # step was ticked by hand: one query.
    figures = (
        Organization.objects.filter(pk=organization.pk)
        .annotate(
            deadline_confirmed_at=Subquery(
                Checklist.objects.filter(organization=OuterRef("pk")).values(
                    "deadline_confirmed_at"
                )[:1]
            ),
            has_reviews=Exists(reviews),
            has_ticks=Exists(RolloutTick.objects.filter(organization=OuterRef("pk"))),
        )
        .values("deadline_confirmed_at", "has_reviews", "has_ticks")
        .get()
    )
    ticks = (
        {
            t.step: t
            for t in RolloutTick.objects.filter(organization=organization).select_related(
                "ticked_by"
            )
        }
        if figures["has_ticks"]
        else {}
    )
    live = [u for u in units if u.archived_at is None]
    leaves = _leaf_units(units)
    auto: dict[str, bool] = {"levels": any(u.kind != Unit.Kind.COMPANY for u in live)}
    detail: dict[str, str] = {}
    company_objectives = False
    drafted_units: set[UUID] = set()
    team_objectives: list[tuple[UUID | None, str]] = []
    if cycle is not None:
        rows = [row[1:] for row in candidate_rows if row[0] == cycle.pk]
        leaf_ids = {u.pk for u in leaves}
        for unit_id, kind, state, parent_id, reason in rows:
            if kind == Unit.Kind.COMPANY:
                company_objectives = True
            if unit_id in leaf_ids and state in (
                Objective.State.PROPOSED,
                Objective.State.APPROVED,
            ):
                drafted_units.add(unit_id)
                team_objectives.append((parent_id, reason))
    auto["company_objectives"] = company_objectives
    waiting = [u for u in leaves if u.pk not in drafted_units]
    auto["teams_drafted"] = bool(leaves) and not waiting
    if leaves and waiting:
        names = ", ".join(u.name for u in sorted(waiting, key=lambda u: u.name.lower())[:5])
        more = len(waiting) - 5
        detail["teams_drafted"] = (
            f"{len(leaves) - len(waiting)} of {len(leaves)} teams have proposed objectives; "
            f"still to come: {names}{f' and {more} more' if more > 0 else ''}."
        )
    unaligned = sum(1 for parent_id, reason in team_objectives if not parent_id and not reason)
    auto["aligned"] = bool(team_objectives) and unaligned == 0
    if unaligned:
        detail["aligned"] = (
            f"{unaligned} proposed or approved team objectives neither align nor say why they "
            "stand alone."
            if unaligned != 1
            else "1 proposed or approved team objective neither aligns nor says why it stands "
            "alone."
        )
    auto["weekly_slot"] = bool(
        figures["deadline_confirmed_at"] is not None
        or any(
            u.kind == Unit.Kind.TEAM
            and (u.checkin_weekday != DEFAULT_WEEKDAY or u.checkin_time != DEFAULT_TIME)
            for u in live
        )
    )
    if cycle is not None:
        detail["reviews"] = _review_dates(cycle)
    auto["reviews"] = figures["has_reviews"]
    tree_link = reverse("cycle_tree", args=[cycle.pk]) if cycle else reverse("cycles")
    links = {
        "learn": reverse("coach_guide"),
        "levels": reverse("unit_settings_list"),
        "company_objectives": f"{reverse('dashboard')}?cycle={cycle.pk}"
        if cycle
        else reverse("cycles"),
        "teams_drafted": tree_link,
        "aligned": reverse("approvals"),
        "alignment_session": tree_link,
        "weekly_slot": reverse("unit_settings_list"),
        "reviews": reverse("cycle_review", args=[cycle.pk]) if cycle else reverse("cycles"),
    }
    steps = []
    for spec in SPECS:
        tick = ticks.get(spec.id) if spec.ticks != AUTO else None
        by_data = spec.ticks != HAND and auto.get(spec.id, False)
        done = by_data or tick is not None
        if by_data:
            done_by = AUTO
        elif tick is not None and tick.ticked_by_id is not None:
            done_by = str(tick.ticked_by_id)
        else:
            done_by = None
        steps.append(
            RolloutStep(
                id=spec.id,
                title=spec.title,
                text=spec.text,
                done=done,
                done_by=done_by,
                ticked_by=tick.ticked_by if tick is not None and not by_data else None,
                ticked_at=tick.ticked_at if tick is not None and not by_data else None,
                link=links[spec.id],
                action=spec.action,
                hand=spec.ticks != AUTO and not by_data,
                detail=detail.get(spec.id, ""),
            )
        )
    return RolloutChecklist(steps=steps, cycle=cycle)


def rollout_progress(person: Person, cycles: list[Cycle] | None = None) -> RolloutChecklist | None:
    """The checklist for an admin's dashboard (its compact progress); None for others and once
    every step is done. ``cycles``: the organization's, when the caller has them."""
    if not person.is_admin:
        return None
    # The units from the request's unit tree (read once for the page).
    units = list(Access.of(person).tree.units.values())
    checklist = rollout_checklist(person.organization, cycles=cycles, units=units)
    return None if checklist.complete else checklist
