"""Planning: the next cycle seen from this one — its objectives' outcome, what was carried
forward, what repeats. Org-scoped reads."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from cadence.coach.text import same_objective
from cadence.okrs import selectors as okr_selectors
from cadence.okrs.models import Cycle, Objective
from cadence.orgs.models import Organization, Unit
from cadence.orgs.selectors import Access, UnitTree
from cadence.scoring.rules import Band, band, display, score_from_progress

# A repeated objective is flagged as in the coach (cadence.coach.text.same_objective): the
# same words as one of its unit's objectives in the previous cycle, or carried forward from one.
REPEATED_HINT = "Repeated from {cycle}: is it a KPI to watch rather than a change to make?"


def next_cycle_choices(organization: Organization, cycle: Cycle) -> list[Cycle]:
    """The open cycles of the same kind that start after ``cycle`` ends, soonest first."""
    return list(
        okr_selectors.cycles_of(organization)
        .filter(kind=cycle.kind, start__gt=cycle.end, closed_at__isnull=True)
        .order_by("start", "name")
    )


def previous_cycle(organization: Organization, cycle: Cycle) -> Cycle | None:
    """The latest cycle of the same kind that ended before ``cycle`` started."""
    return (
        okr_selectors.cycles_of(organization)
        .filter(kind=cycle.kind, end__lt=cycle.start)
        .order_by("-end")
        .first()
    )


@dataclass(frozen=True)
class PlanRow:
    """An objective of the cycle planned from: its outcome (score and band, a preview from
    progress until it is scored), where it was carried, and whether it repeats an earlier one."""

    id: UUID
    title: str
    commitment_label: str
    state_label: str
    is_abandoned: bool
    carried_from_id: UUID | None
    score: float | None
    preview: bool
    score_text: str
    band: Band | None
    repeated_from: str | None  # the earlier cycle's name
    successors: tuple[Objective, ...]  # carried forward from it, soonest first
    successor: Objective | None  # its successor in the target cycle

    @property
    def pk(self) -> UUID:
        return self.id


@dataclass(frozen=True)
class PlannedRow:
    """An objective already in the target cycle."""

    id: UUID
    title: str
    state_label: str
    repeated_from: str | None  # the cycle planned from, when it repeats one of its objectives

    @property
    def pk(self) -> UUID:
        return self.id


@dataclass(frozen=True)
class UnitPlan:
    unit: Unit
    depth: int
    objectives: list[PlanRow]  # of the cycle planned from
    planned: list[PlannedRow]  # already in the next cycle
    can_edit: bool = False  # the reader may carry objectives into this unit


@dataclass(frozen=True)
class NextCyclePlan:
    cycle: Cycle
    target: Cycle | None
    previous: Cycle | None
    units: list[UnitPlan]
    carried_count: int


def _titles_by_unit(objectives) -> dict:
    out: dict = defaultdict(list)
    for unit_id, title in objectives:
        out[unit_id].append(title)
    return out


def _repeats(title: str, titles) -> bool:
    return any(same_objective(title, other) for other in titles)


def _plan_row(o: Objective, scheme: str, *, successors, target, repeated_from) -> PlanRow:
    if o.is_abandoned:
        score, preview = None, False
    elif o.score is not None:
        score, preview = o.score, False
    else:
        score = None if o.progress is None else score_from_progress(o.progress)
        preview = score is not None
    return PlanRow(
        id=o.id,
        title=o.title,
        commitment_label=o.get_commitment_display(),
        state_label=o.get_state_display(),
        is_abandoned=o.is_abandoned,
        carried_from_id=o.carried_from_id,
        score=score,
        preview=preview,
        score_text=display(score, scheme, commitment=o.commitment),
        band=band(score, scheme, commitment=o.commitment),
        repeated_from=repeated_from,
        successors=tuple(successors),
        successor=next((s for s in successors if target and s.cycle_id == target.id), None),
    )


def next_cycle_plan(
    organization: Organization,
    cycle: Cycle,
    target: Cycle | None,
    *,
    viewer: okr_selectors.Viewer,
    today: date | None = None,
    access: Access | None = None,
) -> NextCyclePlan:
    """Every unit's objectives of ``cycle`` (with score and band, their successors, and a
    repeated flag) and what ``target`` already holds per unit; with the reader's ``access``,
    the units they may carry objectives into. A fixed number of queries."""
    scheme = organization.grading_scheme
    board = okr_selectors.board_for_cycle(organization, cycle, today=today, viewer=viewer)
    objectives = board.in_cycle()
    ids = [o.id for o in objectives]
    successors: dict = defaultdict(list)
    for child in (
        okr_selectors.objectives_of(organization, viewer)
        .filter(carried_from__in=ids)
        .select_related("cycle")
        .order_by("cycle__start", "created_at")
    ):
        successors[child.carried_from_id].append(child)
    previous = previous_cycle(organization, cycle)
    previous_titles = _titles_by_unit(
        okr_selectors.objectives_of(organization, viewer)
        .filter(cycle=previous)
        .exclude(state=Objective.State.ABANDONED)
        .values_list("unit_id", "title")
        if previous
        else []
    )
    carried_from_cycle = dict(
        okr_selectors.objectives_of(organization, viewer)
        .filter(pk__in=[o.carried_from_id for o in objectives if o.carried_from_id])
        .values_list("pk", "cycle__name")
    )
    rows: dict = defaultdict(list)
    for o in objectives:
        if o.carried_from_id in carried_from_cycle:
            repeated_from = carried_from_cycle[o.carried_from_id]
        elif previous and _repeats(o.title, previous_titles.get(o.unit_id, ())):
            repeated_from = previous.name
        else:
            repeated_from = None
        rows[o.unit_id].append(
            _plan_row(
                o,
                scheme,
                successors=successors.get(o.id, []),
                target=target,
                repeated_from=repeated_from,
            )
        )
    planned: dict = defaultdict(list)
    if target is not None:
        here_titles = _titles_by_unit((o.unit_id, o.title) for o in objectives)
        for o in (
            okr_selectors.objectives_of(organization, viewer)
            .filter(cycle=target)
            .select_related("unit", "carried_from")
            .order_by("position", "created_at", "id")
        ):
            carried = o.carried_from is not None and o.carried_from.cycle_id == cycle.id
            repeated = carried or _repeats(o.title, here_titles.get(o.unit_id, ()))
            planned[o.unit_id].append(
                PlannedRow(
                    id=o.id,
                    title=o.title,
                    state_label=o.get_state_display(),
                    repeated_from=cycle.name if repeated else None,
                )
            )
    units = [
        UnitPlan(
            unit,
            depth,
            rows.get(unit.id, []),
            planned.get(unit.id, []),
            can_edit=access is not None and access.can_edit_unit(unit),
        )
        for unit, depth in UnitTree.load(organization).walk()
        if rows.get(unit.id) or planned.get(unit.id)
    ]
    return NextCyclePlan(
        cycle=cycle,
        target=target,
        previous=previous,
        units=units,
        carried_count=sum(1 for r in rows.values() for o in r if o.successor is not None),
    )
