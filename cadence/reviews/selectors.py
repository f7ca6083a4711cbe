"""Reviews: a cycle's phases and what is due now, its monthly and mid-cycle reviews, and the
target changes made at them. Org-scoped reads."""

import zoneinfo
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from uuid import UUID

from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, OuterRef, Q
from django.utils import timezone

from cadence.core.flags import said_empty
from cadence.okrs import selectors as okr_selectors
from cadence.okrs.models import (
    PLANNING_WINDOW,
    REVIEW_WINDOW,
    Cycle,
    KeyResult,
    Objective,
    TargetChange,
)
from cadence.orgs.models import Organization, Unit
from cadence.orgs.selectors import UnitTree
from cadence.reviews.models import Review
from cadence.weekly.weeks import monday_of

OPEN_OBJECTIVE_STATES = (Objective.State.DRAFT, Objective.State.PROPOSED, Objective.State.APPROVED)


def organization_today(organization: Organization) -> date:
    """Today's date in the organization's time zone."""
    return datetime.now(zoneinfo.ZoneInfo(organization.time_zone or "UTC")).date()


@dataclass
class PhaseStep:
    key: str
    label: str
    start: date | None
    end: date | None
    current: bool


def cycle_phases(cycle: Cycle, today: date) -> list[PhaseStep]:
    """The four phases of a cycle with their dates (docs/method.md §1), the current one marked:
    planning in the weeks before the start, active, review in the last two weeks and after the
    end, closed once closed."""
    current = cycle.phase_on(today)
    review_start = cycle.end - REVIEW_WINDOW + timedelta(days=1)
    closed_on = timezone.localtime(cycle.closed_at).date() if cycle.closed_at else None
    return [
        PhaseStep(
            "planning",
            "Planning",
            cycle.start - PLANNING_WINDOW,
            cycle.start - timedelta(days=1),
            current == "planning",
        ),
        PhaseStep(
            "active", "Active", cycle.start, review_start - timedelta(days=1), current == "active"
        ),
        PhaseStep("review", "Review", review_start, closed_on, current == "review"),
        PhaseStep("closed", "Closed", closed_on, None, current == "closed"),
    ]


@dataclass
class MissingCheckIns:
    unit: Unit
    key_results: list[KeyResult]  # empty in the compact form, which only counts them
    count: int = 0

    def __post_init__(self) -> None:
        self.count = self.count or len(self.key_results)


@dataclass
class DueNow:
    """What a cycle's phase asks for today: teams without approved OKRs while planning, key
    results without a check-in this week while active, teams without a completed retrospective
    during the review. Nothing once closed."""

    phase: str
    today: date
    week: date  # the Monday of today's ISO week
    teams_without_approved: list[Unit] = field(default_factory=list)
    missing_check_ins: list[MissingCheckIns] = field(default_factory=list)
    teams_without_retrospective: list[Unit] = field(default_factory=list)

    @property
    def phase_label(self) -> str:
        return Cycle.Phase(self.phase).label

    @property
    def count(self) -> int:
        return (
            len(self.teams_without_approved)
            + sum(g.count for g in self.missing_check_ins)
            + len(self.teams_without_retrospective)
        )


def _unit_order(unit: Unit) -> tuple:
    return ({"company": 0, "department": 1, "team": 2}.get(unit.kind, 3), unit.name.lower())


def check_in_week_start(organization: Organization, today: date | None = None) -> datetime:
    """When this week's check-ins began: Monday 00:00 in the organization's time zone (a key
    result without a check-in since is due now)."""
    today = today or organization_today(organization)
    return datetime.combine(
        monday_of(today), time.min, tzinfo=zoneinfo.ZoneInfo(organization.time_zone or "UTC")
    )


def due_now(
    organization: Organization,
    cycle: Cycle,
    today: date | None = None,
    *,
    viewer: okr_selectors.Viewer,
    compact: bool = False,
    unit_ids=None,
    stats: dict | None = None,
    units: dict | None = None,
) -> DueNow:
    """At most three queries, however many teams and key results. ``compact`` (the dashboard)
    counts the key results without a check-in per unit instead of listing them; ``unit_ids``
    narrows everything to those units (the dashboard: the reader's own). The compact count
    runs no query given the cycle's ``stats`` (``okrs.selectors.unit_stats`` counted since
    ``week_start``) and the organization's ``units`` by id (its unit tree's)."""
    today = today or organization_today(organization)
    phase = cycle.phase_on(today)
    due = DueNow(phase=phase, today=today, week=monday_of(today))
    if compact and phase == Cycle.Phase.ACTIVE and stats is not None and units is not None:
        counts = {
            uid: s.unchecked
            for uid, s in stats.items()
            if s.unchecked and (unit_ids is None or uid in unit_ids)
        }
        due.missing_check_ins = sorted(
            (MissingCheckIns(units[uid], [], n) for uid, n in counts.items() if uid in units),
            key=lambda g: _unit_order(g.unit),
        )
        return due
    objectives = okr_selectors.objectives_of(organization, viewer).filter(cycle=cycle)
    teams = Unit.objects.filter(organization=organization, kind=Unit.Kind.TEAM)
    if unit_ids is not None:
        unit_ids = list(unit_ids)
        objectives = objectives.filter(unit_id__in=unit_ids)
        teams = teams.filter(id__in=unit_ids)
    if phase == Cycle.Phase.PLANNING:
        approved = objectives.filter(state=Objective.State.APPROVED).values("unit_id")
        due.teams_without_approved = sorted(teams.exclude(id__in=approved), key=_unit_order)
    elif phase == Cycle.Phase.ACTIVE:
        # No check-in since this week's Monday began, in the organization's time zone.
        week_start = check_in_week_start(organization, today)
        # The open objectives' ids first (the (organization, cycle, unit) index), then their key
        # results by objective id: no scan of the organization's key results.
        open_ids = list(
            objectives.filter(state__in=OPEN_OBJECTIVE_STATES).values_list("id", flat=True)
        )
        krs = KeyResult.objects.filter(
            Q(last_check_in_at__isnull=True) | Q(last_check_in_at__lt=week_start),
            objective_id__in=open_ids,
        )
        if compact:
            counts = dict(
                krs.order_by()
                .values("objective__unit_id")
                .annotate(n=Count("id"))
                .values_list("objective__unit_id", "n")
            )
            units = Unit.objects.filter(organization=organization, id__in=list(counts))
            due.missing_check_ins = sorted(
                (MissingCheckIns(unit, [], counts[unit.id]) for unit in units),
                key=lambda g: _unit_order(g.unit),
            )
            return due
        by_unit: dict = defaultdict(list)
        for kr in krs.select_related("owner", "objective", "objective__unit").order_by(
            "objective__position", "objective__created_at", "position", "created_at"
        ):
            by_unit[kr.objective.unit_id].append(kr)
        due.missing_check_ins = sorted(
            (MissingCheckIns(krs[0].objective.unit, krs) for krs in by_unit.values()),
            key=lambda g: _unit_order(g.unit),
        )
    elif phase == Cycle.Phase.REVIEW:
        done = Review.objects.filter(
            organization=organization,
            cycle=cycle,
            kind=Review.Kind.RETROSPECTIVE,
            completed_at__isnull=False,
        ).values("unit_id")
        due.teams_without_retrospective = sorted(
            teams.filter(id__in=objectives.values("unit_id")).exclude(id__in=done),
            key=_unit_order,
        )
    return due


def reviews_of(organization: Organization, cycle: Cycle, *, kind: str | None = None, unit=None):
    """A cycle's reviews (every kind), optionally of one kind or unit."""
    qs = Review.objects.filter(organization=organization, cycle=cycle).select_related("unit")
    if kind:
        qs = qs.filter(kind=kind)
    if unit is not None:
        qs = qs.filter(unit=unit)
    return qs.order_by("kind", "period", "unit__name")


def periodic_review_find(
    organization: Organization, cycle: Cycle, unit: Unit, kind: str, period: date | None = None
):
    """The unit's monthly (``period``: first of the month) or mid-cycle review, or None."""
    return (
        Review.objects.filter(
            organization=organization, cycle=cycle, unit=unit, kind=kind, period=period
        )
        .select_related("updated_by")
        .first()
    )


@dataclass(frozen=True)
class ReviewGroup:
    unit: Unit
    depth: int
    objectives: list[okr_selectors.BoardObjective]


@dataclass(frozen=True)
class ReviewBoard:
    """A review page's objectives: the cycle's board, the groups the page shows (a unit and
    those below it, tree order) and the history of each shown key result (its markers:
    stalled, stale, this week's change)."""

    board: okr_selectors.Board
    groups: list[ReviewGroup]
    histories: dict[UUID, okr_selectors.KeyResultHistory]


def review_board(
    organization: Organization,
    cycle: Cycle,
    unit: Unit,
    tree: UnitTree,
    *,
    today: date,
    viewer: okr_selectors.Viewer,
) -> ReviewBoard:
    """The unit's objectives and those of every unit below it, grouped by unit (tree order), as
    on the cycle's board, with the shown key results' histories. A fixed number of queries."""
    board = okr_selectors.board_for_cycle(organization, cycle, today=today, viewer=viewer)
    by_unit = board.by_unit()
    wanted = {unit.id} | {u.id for u in tree.descendants(unit.id)}
    groups = [
        ReviewGroup(u, depth, by_unit.get(u.id, []))
        for u, depth in tree.walk()
        if u.id in wanted and by_unit.get(u.id)
    ]
    shown = [o for g in groups for o in g.objectives]
    histories = okr_selectors.key_result_histories_many(shown)
    return ReviewBoard(board=board, groups=groups, histories=histories)


def target_changes_of(key_result: KeyResult):
    return (
        TargetChange.objects.filter(
            organization_id=key_result.organization_id, key_result=key_result
        )
        .select_related("actor", "review")
        .order_by("created_at")
    )


def target_histories_many(key_results: list[KeyResult]) -> dict:
    """``{key result id: [TargetChange, …]}`` (oldest first) for key results of one
    organization: one query whatever their number."""
    by_kr: dict = defaultdict(list)
    if key_results:
        for change in (
            TargetChange.objects.filter(
                organization_id=key_results[0].organization_id,
                key_result__in=[k.id for k in key_results],
            )
            .select_related("actor")
            .order_by("created_at")
        ):
            by_kr[change.key_result_id].append(change)
    return by_kr


@dataclass(frozen=True)
class KeyResultTargets:
    """A key result whose target was changed, with its changes (oldest first)."""

    key_result: KeyResult
    changes: tuple[TargetChange, ...]


@dataclass(frozen=True)
class ObjectiveTargetChanges:
    """The objective page's "Target changes": each of its key results whose target changed, in
    the key results' order, and how many changes there are in all."""

    key_results: tuple[KeyResultTargets, ...]

    @property
    def count(self) -> int:
        return sum(len(k.changes) for k in self.key_results)


def objective_review_flags() -> dict:
    """The flags of an objective page's panels of this app (cadence.core.flags): where it was
    carried from or to, the target changes of its key results."""
    return {
        "has_carry_links": ExpressionWrapper(
            Q(carried_from__isnull=False)
            | Exists(Objective.objects.filter(carried_from=OuterRef("pk"))),
            output_field=BooleanField(),
        ),
        "has_target_changes": Exists(
            TargetChange.objects.filter(key_result__objective=OuterRef("pk"))
        ),
    }


def objective_target_changes(
    objective: okr_selectors.BoardObjective, *, flags: Objective | None = None
) -> ObjectiveTargetChanges:
    """The target changes of a board objective's key results: one query whatever their number
    (none when ``flags``, the objective as its page read it, says there are none)."""
    if said_empty(flags, "has_target_changes"):
        return ObjectiveTargetChanges(key_results=())
    by_kr = target_histories_many(list(objective.krs))
    return ObjectiveTargetChanges(
        key_results=tuple(
            KeyResultTargets(key_result=kr, changes=tuple(by_kr[kr.id]))
            for kr in objective.krs
            if by_kr.get(kr.id)
        )
    )


def carry_links(
    organization: Organization, objective: Objective, *, viewer: okr_selectors.Viewer
) -> dict:
    """Where an objective was carried forward from, and the objectives carried from it (one
    query for both; none when the objective was read with its flag and it has neither)."""
    if said_empty(objective, "has_carry_links"):
        return {"carried_from": None, "carried_to": []}
    linked = Q(carried_from=objective)
    if objective.carried_from_id:
        linked |= Q(pk=objective.carried_from_id)
    carried_from, carried_to = None, []
    for other in (
        okr_selectors.objectives_of(organization, viewer)
        .filter(linked)
        .select_related("cycle")
        .order_by("cycle__start", "created_at")
    ):
        if other.pk == objective.carried_from_id:
            carried_from = other
        if other.carried_from_id == objective.pk:
            carried_to.append(other)
    return {"carried_from": carried_from, "carried_to": carried_to}


# --- What okrs asks of reviews (okrs.hooks, registered in ReviewsConfig.ready) ------------------


def cycle_review_count(cycle: Cycle) -> int:
    """How many reviews a cycle holds (a cycle with reviews is not deleted)."""
    return Review.objects.filter(cycle=cycle).count()


def cycle_reviewed_months(cycle: Cycle) -> set[date]:
    """The months (first days) a monthly review of the cycle was written for."""
    return set(
        Review.objects.filter(cycle=cycle, kind=Review.Kind.MONTHLY).values_list(
            "period", flat=True
        )
    )
