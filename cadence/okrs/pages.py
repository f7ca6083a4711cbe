"""What the OKR pages show, built in one place per kind of page: the board's objectives with
what a person may do on each, the dashboard's unit figures, the alignment tree's levels and the
key results' charts. Reads through the selectors; no rule of its own beyond ordering (who may
do what is ``okrs.permissions``, shared with the services).

Used by the okrs pages and by the pages of the apps above okrs that show objectives (cadence.web,
meetings, reviews).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.urls import reverse

from cadence.okrs import charts, forecasts, permissions, selectors
from cadence.okrs.models import Cycle, Objective
from cadence.orgs import selectors as org_selectors
from cadence.orgs.models import Person, Unit
from cadence.orgs.selectors import Access, UnitTree

KIND_ORDER = {Unit.Kind.COMPANY: 0, Unit.Kind.DEPARTMENT: 1, Unit.Kind.TEAM: 2}


# The rows the pages show ---------------------------------------------------------------------


_ReadsThrough = selectors.ReadsThrough


@dataclass(frozen=True)
class KeyResultDetail:
    """What a key result's card shows beyond its row: its history, latest check-in first, and
    its chart's coordinates (a page that shows only the history's markers leaves them out)."""

    history: selectors.KeyResultHistory
    recent_check_ins: tuple = ()
    chart: dict | None = None


@dataclass(frozen=True)
class KeyResultRow(_ReadsThrough):
    """A key result as a page shows it to this person."""

    _model = "kr"

    kr: selectors.BoardKeyResult
    can_check_in: bool
    detail: KeyResultDetail | None = None

    @property
    def history(self):
        return self.detail.history if self.detail else None

    @property
    def recent_check_ins(self) -> tuple:
        return self.detail.recent_check_ins if self.detail else ()

    @property
    def chart(self):
        return self.detail.chart if self.detail else None

    @property
    def forecast(self) -> forecasts.Forecast | None:
        """Where it is heading by the cycle's end, on a page that loaded its history."""
        return self.detail.history.forecast if self.detail else None


@dataclass(frozen=True)
class ObjectiveRow(_ReadsThrough):
    """An objective of a board as a page shows it to this person: its key results' rows, what
    the person may do, and the objective it aligns to when the board holds it (never
    ``objective.parent``: a query)."""

    _model = "objective"

    objective: selectors.BoardObjective
    krs: tuple[KeyResultRow, ...]
    can_edit: bool
    is_open: bool
    parent_on_board: selectors.BoardObjective | None


def board_rows(
    board: selectors.Board,
    person: Person,
    access: Access,
    *,
    details: Mapping[UUID, KeyResultDetail] | None = None,
    units: set[UUID] | None = None,
) -> dict[UUID, ObjectiveRow]:
    """Every objective of the board as this person's row (no query: ``access`` holds the
    memberships), or only those of ``units`` (what a page shows of a board that also holds
    what it reads for something else); ``details`` adds the cards' histories and charts."""
    details = details or {}
    return {
        o.id: ObjectiveRow(
            objective=o,
            krs=tuple(
                KeyResultRow(
                    kr=kr,
                    can_check_in=permissions.can_check_in(person, o, kr, access),
                    detail=details.get(kr.id),
                )
                for kr in o.krs
            ),
            can_edit=permissions.can_edit_objective(person, o, access),
            is_open=permissions.objective_is_open(o),
            parent_on_board=board.objectives.get(o.parent_id),
        )
        for o in board.objectives.values()
        if units is None or o.unit_id in units
    }


def rows_by_unit(board: selectors.Board, rows: Mapping[UUID, ObjectiveRow]) -> dict:
    """The board's objectives of its cycle by unit, as rows, in the board's order (the units
    whose objectives have rows)."""
    by_unit = {
        unit_id: [rows[o.id] for o in objectives if o.id in rows]
        for unit_id, objectives in board.by_unit().items()
    }
    return {unit_id: found for unit_id, found in by_unit.items() if found}


def key_result_details(
    objective: selectors.BoardObjective, *, today: date
) -> tuple[dict[UUID, KeyResultDetail], dict]:
    """The history and chart of each key result of an annotated objective, and the histories
    themselves (the coach judges the same ones)."""
    histories = selectors.key_result_histories(objective)
    return chart_details([objective], histories, today=today), histories


def chart_details(
    objectives: list[selectors.BoardObjective],
    histories: Mapping[UUID, selectors.KeyResultHistory],
    *,
    today: date,
) -> dict[UUID, KeyResultDetail]:
    """The history, latest check-ins and chart of each key result of these objectives, from
    histories already loaded (``selectors.key_result_histories_many``): no query."""
    details = {}
    for objective in objectives:
        cycle = objective.cycle
        for kr in objective.krs:
            history = histories[kr.id]
            details[kr.id] = KeyResultDetail(
                history=history,
                recent_check_ins=tuple(reversed(history.check_ins)),
                chart=charts.kr_chart(
                    kind=kr.kind,
                    start=kr.start,
                    target=kr.target,
                    direction=kr.direction or None,
                    history=history.points,
                    cycle_start=cycle.start,
                    cycle_end=cycle.end,
                    today=today,
                    aspirational=(kr.commitment or objective.commitment)
                    == Objective.Commitment.ASPIRATIONAL,
                    start_at_cycle_start=not kr.start_from_first_check_in,
                    forecast=history.forecast,
                ),
            )
    return details


@dataclass(frozen=True)
class ObjectiveForecast:
    """An objective's forecast progress at its cycle's end: the weighted mean of its key
    results' forecasts (``forecasts.objective_forecast``), how many of them have one, and
    whether it falls short of success (1.0 committed, 0.7 aspirational)."""

    progress: float
    short: bool
    counted: int
    of: int
    end: date


def objective_forecast(
    objective: selectors.BoardObjective, histories: Mapping[UUID, selectors.KeyResultHistory]
) -> ObjectiveForecast | None:
    """The roll-up of the forecasts of an objective's key results (their histories loaded), or
    None when none has a forecast."""
    items = [
        (histories[kr.id].forecast if kr.id in histories else None, kr.weight)
        for kr in objective.krs
    ]
    progress = forecasts.objective_forecast(items)
    if progress is None:
        return None
    return ObjectiveForecast(
        progress=progress,
        short=forecasts.falls_short(progress, aspirational=objective.is_aspirational),
        counted=sum(1 for f, _w in items if f is not None),
        of=len(items),
        end=objective.cycle.end,
    )


def history_details(
    histories: Mapping[UUID, selectors.KeyResultHistory],
) -> dict[UUID, KeyResultDetail]:
    """Key results' histories alone, for the rows of a page that shows their markers (this
    week's change, stalled, stale) without cards or charts: the meeting and review pages."""
    return {kr_id: KeyResultDetail(history=history) for kr_id, history in histories.items()}


@dataclass(frozen=True)
class UnitFigures:
    """A unit's objectives in a cycle as a line of figures: how many and their progress
    (``count`` and ``progress`` None when no cycle is shown). ``depth`` and ``folded`` for the
    dashboard's overview (a folded unit counts the units below it in)."""

    unit: Unit
    count: int | None = None
    progress: float | None = None
    depth: int = 0
    folded: bool = False


@dataclass(frozen=True)
class TeamRow:
    """One of my units on the dashboard: its figures, my role, its objectives, whether I may
    add one."""

    unit: Unit
    count: int
    progress: float | None
    role: str
    objectives: tuple[Objective, ...]
    can_edit: bool


@dataclass(frozen=True)
class UnitNode:
    """A unit of the tree of units: its own objectives (when shown in full), its sub-units, how
    many live objectives it holds itself, and the count and progress of the live objectives in
    it and below it."""

    unit: Unit
    depth: int
    folded: bool
    objectives: tuple[Objective, ...]
    children: tuple[UnitNode, ...]
    unshown: int
    own_count: int
    count: int
    progress: float | None


@dataclass(frozen=True)
class TreeNode:
    """An objective of the alignment tree: folded (its content loads when opened) or in full,
    with what aligns to it that the page loaded (in tree order) and how many more there are."""

    objective: ObjectiveRow
    folded: bool
    children: tuple[TreeNode, ...]
    unshown: int


@dataclass(frozen=True)
class AlignmentTree:
    board: selectors.Board
    nodes: Mapping[UUID, TreeNode]


def ancestors_on_board(
    board: selectors.Board, objective: Objective | selectors.BoardObjective
) -> list[selectors.BoardObjective]:
    out: list[selectors.BoardObjective] = []
    seen = {objective.id}
    node = board.objectives.get(objective.parent_id)
    while node is not None and node.id not in seen:
        out.append(node)
        seen.add(node.id)
        node = board.objectives.get(node.parent_id)
    return out


def unit_order(unit: Unit) -> tuple:
    return (KIND_ORDER.get(unit.kind, 3), unit.name)


def tree_order(objective: Objective) -> tuple:
    return (KIND_ORDER.get(objective.unit.kind, 3), objective.unit.name, objective.position)


OVERVIEW_ROWS = 60  # the dashboard's overview shows as many levels of units as fit


def overview(tree: UnitTree, stats: dict) -> list[UnitFigures]:
    """Units below the company, each with its objectives' count and progress, as many levels
    deep as fit in OVERVIEW_ROWS. A unit whose sub-units are left out counts them in."""
    rows = [(unit, depth) for unit, depth in tree.walk() if unit.kind != Unit.Kind.COMPANY]
    deepest = max((depth for _unit, depth in rows), default=0)
    while deepest > 1 and sum(1 for _u, d in rows if d <= deepest) > OVERVIEW_ROWS:
        deepest -= 1
    empty = selectors.UnitStat()
    out = []
    for unit, depth in rows:
        if depth > deepest:
            continue
        stat = stats.get(unit.id, empty)
        folded = depth == deepest and bool(tree.children.get(unit.id))
        if folded:
            for below in tree.descendants(unit.id):
                stat = stat + stats.get(below.id, empty)
        out.append(UnitFigures(unit, stat.count, stat.progress, depth=depth, folded=folded))
    return out


def subunit_rows(tree: UnitTree, unit: Unit, stats: dict | None) -> list[UnitFigures]:
    """The units directly below a unit, in order, each with its objectives' count and progress
    in the cycle (``stats`` from ``selectors.unit_stats``; None: no cycle, names only)."""
    below = sorted(tree.children.get(unit.id, []), key=unit_order)
    if stats is None:
        return [UnitFigures(u) for u in below]
    empty = selectors.UnitStat()
    return [
        UnitFigures(u, stats.get(u.id, empty).count, stats.get(u.id, empty).progress) for u in below
    ]


def mine_and_below(tree: UnitTree, units: list[Unit]) -> set:
    """The units a person belongs to and every unit below them: what "due now" asks of them."""
    out = {u.id for u in units}
    for unit in units:
        out.update(u.id for u in tree.descendants(unit.id))
    return out


def my_units(tree: UnitTree, access: Access) -> list[Unit]:
    """The units a person belongs to, below the company, in the dashboard's order."""
    return sorted(
        (
            tree.units[unit_id]
            for unit_id in access.memberships
            if unit_id in tree.units and tree.units[unit_id].kind != Unit.Kind.COMPANY
        ),
        key=lambda u: (KIND_ORDER[u.kind], u.name),
    )


def team_figures(unit: Unit, stats: dict) -> UnitFigures:
    """A unit's header figures on the dashboard: its objectives in the cycle and their
    progress, from the same grouped query as the overview (so the two never disagree)."""
    stat = stats.get(unit.id, selectors.UnitStat())
    return UnitFigures(unit, stat.count, stat.progress)


def team_rows(
    person: Person, access: Access, units: list[Unit], stats: dict, by_unit: dict
) -> list[TeamRow]:
    """My units on the dashboard, each with its figures and objectives."""
    rows = []
    for unit in units:
        figures = team_figures(unit, stats)
        rows.append(
            TeamRow(
                unit=unit,
                count=figures.count,
                progress=figures.progress,
                role=access.memberships[unit.id],
                objectives=tuple(by_unit.get(unit.id, [])),
                can_edit=permissions.can_edit_unit_okrs(person, unit, access),
            )
        )
    return rows


def alignment_tree(
    person: Person, access: Access, cycle: Cycle, start: list, *, fold=(), extra=()
) -> AlignmentTree:
    """The objectives of an alignment tree below ``start``: whole levels in full while they fit,
    the next one folded (see selectors.tree_levels); ``fold``: shown folded from the start."""
    organization = person.organization
    eager, folded = selectors.tree_levels(
        organization, cycle, start, viewer=person, folded=set(fold)
    )
    board = selectors.board_for_cycle(
        organization,
        cycle,
        viewer=person,
        scope=Q(pk__in=[*eager, *folded, *extra]),
        key_results_of=eager,
    )
    rows = board_rows(board, person, access)
    nodes: dict[UUID, TreeNode] = {}

    def node(objective: selectors.BoardObjective, seen: frozenset) -> TreeNode:
        if objective.id not in nodes:
            children = [
                c for c in sorted(board.children(objective), key=tree_order) if c.id not in seen
            ]
            nodes[objective.id] = TreeNode(
                objective=rows[objective.id],
                folded=objective.id in folded,
                children=tuple(node(c, seen | {c.id}) for c in children),
                unshown=len(objective.child_ids) - len(children),
            )
        return nodes[objective.id]

    for objective in board.objectives.values():
        node(objective, frozenset({objective.id}))
    return AlignmentTree(board=board, nodes=nodes)


def units_tree(
    organization, cycle: Cycle, tree: UnitTree, start: Unit, *, viewer: selectors.Viewer
) -> tuple[UnitNode, selectors.Board]:
    """The tree of units from ``start``: whole levels while they fit, the next folded (see
    selectors.unit_levels); the objectives of the units shown in full, for their progress."""
    stats = selectors.unit_stats(organization, cycle, viewer=viewer)
    eager, folded = selectors.unit_levels(tree, stats, start)
    board = selectors.board_for_cycle(
        organization, cycle, viewer=viewer, scope=Q(unit_id__in=eager)
    )
    depth = len(tree.ancestors(start.id))
    return unit_node(tree, start, board.by_unit(), stats, eager, folded, depth), board


def unit_node(
    tree: UnitTree,
    unit: Unit,
    by_unit: dict,
    stats: dict,
    eager: set,
    folded: set,
    depth: int = 0,
) -> UnitNode:
    """A unit of the tree (each objective counts once in the figures)."""
    empty = selectors.UnitStat()
    own = stats.get(unit.id, empty)
    below = own
    for descendant in tree.descendants(unit.id):
        below = below + stats.get(descendant.id, empty)
    full = unit.id in eager
    children = [
        unit_node(tree, child, by_unit, stats, eager, folded, depth + 1)
        for child in sorted(tree.children.get(unit.id, []), key=unit_order)
        if full and (child.id in eager or child.id in folded)
    ]
    return UnitNode(
        unit=unit,
        depth=depth,
        folded=not full,
        objectives=tuple(by_unit.get(unit.id, [])) if full else (),
        children=tuple(children),
        unshown=len(tree.children.get(unit.id, [])) - len(children) if full else 0,
        own_count=own.live,
        count=below.live,
        progress=below.progress,
    )


# What the pages about one objective, and the tree's, share ----------------------------------


def objective_url(objective: Objective, anchor: str = "") -> str:
    url = reverse("objective_detail", args=[objective.id])
    return f"{url}#{anchor}" if anchor else url


def require_editor(person: Person, objective: Objective) -> Access:
    """The page of a change to the objective: its unit's editors only, or a personal
    objective's owner (the services agree)."""
    access = Access(person)
    if objective.is_personal:
        if refusal := permissions.objective_editor_refusal(person, objective, access):
            raise refusal
        return access
    if not permissions.can_edit_unit_okrs(person, objective.unit, access):
        raise PermissionDenied(
            f"Only members of {objective.unit.name}, its leads and admins may change this."
        )
    return access


def require_admin(person: Person, doing: str) -> None:
    if not permissions.can_manage_cycles(person):
        raise PermissionDenied(f"Only organization admins {doing}.")


def people(person: Person):
    """The people an owner is chosen among, by name."""
    return org_selectors.people_of(person.organization).order_by("name")


def objective_context(objective: Objective, **extra) -> dict:
    """What every page about one objective passes to its template."""
    return {
        "objective": objective,
        "cycle": objective.cycle,
        "cycle_switch_action": reverse("dashboard"),
        **extra,
    }


def tree_cycle(request, cycle_id) -> tuple[Cycle, UnitTree, Access]:
    """The cycle of an alignment tree page, the unit tree and the reader's access to it."""
    cycle = selectors.request_cycle(request, cycle_id)
    access = Access.of(request.user)
    return cycle, access.tree, access
