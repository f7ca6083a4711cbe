"""Organization-scoped reads of cycles, objectives and key results, with progress computed.

Progress is never stored: it is computed from the key results' current values each time it is
read (a few queries for a whole cycle, however many objectives), so a parent's roll-up cannot
be stale.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from uuid import UUID

from django.db import connections, router
from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    TextField,
)
from django.db.models.expressions import RawSQL
from django.http import Http404
from django.utils import timezone

from cadence.core.ids import uuid_or_404
from cadence.okrs import histories, hooks
from cadence.okrs import progress as arithmetic

# A key result's check-ins and markers, in their own module; read through this one as before.
from cadence.okrs.forecasts import Forecast
from cadence.okrs.histories import (  # noqa: F401
    KeyResultHistory,
    forecasts_many,
    key_result_histories,
    key_result_histories_many,
)
from cadence.okrs.models import CheckIn, Cycle, KeyResult, Objective
from cadence.okrs.visibility import Sight, sight_of
from cadence.orgs.models import Organization, Person, Unit

# Every read of objectives names its reader (cadence.okrs.visibility): a person or a Sight.
Viewer = Person | Sight

# Cycles -----------------------------------------------------------------------------------


def cycles_of(organization: Organization) -> QuerySet[Cycle]:
    return Cycle.objects.filter(organization=organization)


def cycle_get(organization: Organization, cycle_id) -> Cycle:
    cycle = cycles_of(organization).filter(pk=uuid_or_404(cycle_id)).first()
    if cycle is None:
        raise Http404("No such cycle.")
    return cycle


@dataclass(frozen=True)
class CycleHoldings:
    """What a cycle holds: only an empty one can be deleted."""

    objectives: int
    reviews: int

    @property
    def empty(self) -> bool:
        return not (self.objectives or self.reviews)


def cycle_holdings(cycle: Cycle) -> CycleHoldings:
    return CycleHoldings(
        objectives=Objective.objects.filter(cycle=cycle).count(),
        reviews=hooks.cycle_review_count(cycle),
    )


def cycle_current(organization: Organization, today: date | None = None) -> Cycle | None:
    """The shortest cycle running today; else the next one to start; else the latest."""
    return current_of(list(cycles_of(organization)), today or timezone.localdate())


def current_of(cycles: list[Cycle], today: date) -> Cycle | None:
    """``cycle_current`` among cycles already loaded (the header has them all)."""
    running = [c for c in cycles if c.start <= today <= c.end]
    if running:
        return min(running, key=lambda c: (c.end - c.start, c.start))
    upcoming = [c for c in cycles if c.start > today]
    if upcoming:
        return min(upcoming, key=lambda c: c.start)
    return max(cycles, key=lambda c: c.end) if cycles else None


def cycle_in_planning(organization: Organization, today: date | None = None) -> Cycle | None:
    """The next cycle to start (its planning phase), if any: where new objectives are drafted."""
    today = today or timezone.localdate()
    return (
        cycles_of(organization)
        .filter(start__gt=today, closed_at__isnull=True)
        .order_by("start", "name")
        .first()
    )


def request_cycles(request) -> list[Cycle]:
    """The signed-in person's organization's cycles, newest first, read once per request: the
    header lists them and a page of a cycle finds its own among them (``request_cycle``)."""
    cycles = getattr(request, "_cadence_cycles", None)
    if cycles is None:
        cycles = request._cadence_cycles = list(
            Cycle.objects.filter(organization_id=request.user.organization_id)
        )
    return cycles


def request_cycle(request, cycle_id) -> Cycle:
    """``cycle_get`` among the request's cycles (404 if it is not one of them): for a page
    that reads its cycle and then changes none."""
    wanted = uuid_or_404(cycle_id)
    for cycle in request_cycles(request):
        if cycle.id == wanted:
            return cycle
    raise Http404("No such cycle.")


def in_planning_of(cycles: list[Cycle], today: date) -> Cycle | None:
    """``cycle_in_planning`` among cycles already loaded."""
    upcoming = [c for c in cycles if c.start > today and c.closed_at is None]
    return min(upcoming, key=lambda c: (c.start, c.name)) if upcoming else None


def cycle_of_request(cycles: list[Cycle], cycle_id, today: date) -> Cycle | None:
    """``cycle_for_request`` among the organization's cycles already loaded (the header's)."""
    if cycle_id:
        wanted = uuid_or_404(cycle_id)
        for cycle in cycles:
            if cycle.id == wanted:
                return cycle
        raise Http404("No such cycle.")
    return current_of(cycles, today)


def cycle_for_request(organization: Organization, cycle_id) -> Cycle | None:
    """The cycle a page asked for (404 if foreign), else the current one."""
    if cycle_id:
        return cycle_get(organization, cycle_id)
    return cycle_current(organization)


# Objectives -------------------------------------------------------------------------------


def objectives_of(organization: Organization, viewer: Viewer) -> QuerySet[Objective]:
    """The organization's objectives this reader may see."""
    return Objective.objects.filter(organization=organization).filter(sight_of(viewer).objectives())


def personal_objectives_of(
    organization: Organization, person: Person, *, viewer: Viewer, cycle: Cycle | None = None
) -> QuerySet[Objective]:
    """A person's own objectives that this reader may see (their owner, their leads, admins;
    everyone for those the owner shares), newest cycle first."""
    qs = Objective.objects.filter(organization=organization, owner_person=person).filter(
        sight_of(viewer).objectives(personal=True)
    )
    if cycle is not None:
        qs = qs.filter(cycle=cycle)
    return qs.select_related("cycle", "parent").order_by("-cycle__start", "position", "created_at")


def key_results_owned(
    organization: Organization, person: Person, cycle: Cycle, *, viewer: Viewer
) -> QuerySet[KeyResult]:
    """The key results a person owns on units' objectives of a cycle that the reader may see
    (with their objective and its unit), in board order."""
    return (
        KeyResult.objects.filter(organization=organization, owner=person, objective__cycle=cycle)
        .filter(sight_of(viewer).objectives("objective__"))
        .select_related("objective", "objective__unit")
        .order_by("objective__unit__name", "objective__position", "position", "created_at")
    )


def objective_get(
    organization: Organization, objective_id, *, viewer: Viewer, flags: dict | None = None
) -> Objective:
    """The objective (a unit's, or a personal one its reader may see), or 404 when it is
    missing, another organization's or hidden from the reader (the three look the same).
    ``flags``: name → ``Exists`` read with it, for its page's panels (cadence.core.flags)."""
    objective = (
        Objective.objects.filter(organization=organization)
        .annotate(**(flags or {}))
        .filter(sight_of(viewer).objectives(personal=True))
        .select_related(
            "cycle",
            "unit",
            "unit__parent",
            "owner",
            "parent",
            "parent__owner",
            "parent__unit",
            "owner_person",
        )
        .filter(pk=uuid_or_404(objective_id))
        .first()
    )
    if objective is None:
        raise Http404("No such objective.")
    return objective


def key_result_get(organization: Organization, key_result_id, *, viewer: Viewer) -> KeyResult:
    kr = (
        KeyResult.objects.filter(organization=organization, pk=uuid_or_404(key_result_id))
        .filter(sight_of(viewer).objectives("objective__", personal=True))
        .select_related("objective", "objective__cycle", "objective__unit", "owner")
        .first()
    )
    if kr is None:
        raise Http404("No such key result.")
    return kr


def check_ins_of(key_result: KeyResult) -> QuerySet[CheckIn]:
    return (
        CheckIn.objects.filter(organization_id=key_result.organization_id, key_result=key_result)
        .select_related("author")
        .order_by("at", "created_at")
    )


class ReadsThrough:
    """A row reads through to its model for the model's own fields (``o.title``, ``kr.kind``):
    templates and schemas name a row as they name the model. What the row computed is its own;
    code that needs the model itself (a query's filter, a service, a discussion) takes it by
    name (``row.model``)."""

    __slots__ = ()
    _model: str = "model"

    def __getattr__(self, name: str):
        if name.startswith("_") or name == self._model:
            raise AttributeError(name)
        return getattr(getattr(self, self._model), name)

    def __str__(self) -> str:
        return str(getattr(self, self._model))


@dataclass(frozen=True, slots=True, eq=False)
class BoardKeyResult(ReadsThrough):
    """A key result as its cycle's board sees it: its expected progress and pace today, whether
    its confidence disagrees with its pace, and the commitment in force (its own, else its
    objective's). Its own fields, ``progress`` among them, read through to ``model``.
    ``forecast`` is filled only by a board loaded ``with_forecasts`` (what the API answers)."""

    model: KeyResult
    expected: float
    pace: str | None
    mismatch: bool
    commitment_in_force: str
    forecast: Forecast | None = None


@dataclass(frozen=True, slots=True, eq=False)
class BoardObjective(ReadsThrough):
    """An objective as its cycle's board sees it: its key results, the ids of the objectives
    aligned to it, its expected progress and pace today. ``progress`` is the stored roll-up
    (a field of the model, read through like the others)."""

    model: Objective
    krs: tuple[BoardKeyResult, ...]
    child_ids: tuple[UUID, ...]
    expected: float
    pace: str | None
    # The objective it aligns to, as the reader may know it: None when that one is private to
    # people the reader is not among (the model keeps the truth).
    parent_id: UUID | None = None


@dataclass
class Board:
    """Every objective of a cycle (and of the shorter cycles inside it) as a ``BoardObjective``
    (key results, expected progress and pace; the models are left as loaded)."""

    cycle: Cycle
    today: date
    objectives: dict[UUID, BoardObjective] = field(default_factory=dict)
    # ``board_for_cycle``'s ``flags`` read with the objectives (None: no objective to read
    # them from).
    flags: dict[str, bool] | None = None
    # With ``check_in_stamps``: each key result's check-ins, (how many, when the last was
    # written), read with the key results (``histories.markers_many``' keys).
    check_in_stamps: dict[UUID, tuple] | None = None

    @property
    def expected(self) -> float:
        return self.cycle.expected_on(self.today)

    def in_cycle(self) -> list[BoardObjective]:
        return [o for o in self.objectives.values() if o.cycle_id == self.cycle.id]

    def roots(self) -> list[BoardObjective]:
        """Objectives of this cycle not aligned to another objective of this board."""
        return [
            o for o in self.in_cycle() if o.parent_id is None or o.parent_id not in self.objectives
        ]

    def children(self, objective: BoardObjective) -> list[BoardObjective]:
        return [self.objectives[c] for c in objective.child_ids if c in self.objectives]

    def for_units(self, unit_ids) -> list[BoardObjective]:
        unit_ids = set(unit_ids)
        return [o for o in self.in_cycle() if o.unit_id in unit_ids]

    def by_unit(self) -> dict[UUID, list[BoardObjective]]:
        out: dict[UUID, list[BoardObjective]] = defaultdict(list)
        for o in self.in_cycle():
            out[o.unit_id].append(o)
        return out

    def unit_progress(self, unit_id: UUID) -> float | None:
        """A unit's progress: the plain mean of its live objectives' progress."""
        return arithmetic.weighted_mean(
            (o.progress, 1.0) for o in self.for_units([unit_id]) if not o.is_abandoned
        )


class IdList(Subquery):
    """A subquery's ids (one column named ``listed_id``, in its order) as one value of the outer
    row: an array on PostgreSQL, comma-separated hexadecimal ids on SQLite (Django stores a UUID
    as 32 hex characters there); ``IdList.ids`` reads either back as UUIDs."""

    output_field = TextField()

    def as_sql(self, compiler, connection, template=None, **extra):
        sql, params = super().as_sql(compiler, connection, template=template, **extra)
        if connection.vendor == "postgresql":
            return f"ARRAY{sql}", params
        return f"(SELECT GROUP_CONCAT(listed.listed_id, ',') FROM {sql} listed)", params

    @staticmethod
    def ids(value) -> list[UUID]:
        if not value:
            return []
        if isinstance(value, str):
            return [UUID(hex=part) for part in value.split(",")]
        return [v if isinstance(v, UUID) else UUID(str(v)) for v in value]


def board_for_cycle(
    organization: Organization,
    cycle: Cycle,
    *,
    today: date | None = None,
    viewer: Viewer,
    scope: Q | None = None,
    key_results_of: set[UUID] | None = None,
    with_forecasts: bool = False,
    personal: bool = False,
    flags: dict | None = None,
    check_in_stamps: bool = False,
) -> Board:
    """Two queries whatever the number of objectives: objectives (with their cycle, unit and
    owner) and their key results, also with a ``scope``, which narrows the objectives loaded
    (a page loads what it shows; progress is stored, so part of a tree needs nothing else) and
    reads the ids of their aligned children with them.
    ``key_results_of`` limits which of the loaded objectives get their key results;
    ``with_forecasts`` adds one query, their check-ins, for each key result's forecast;
    ``personal`` lets the personal objectives the reader may see in (a page of one objective);
    ``flags`` (name → an ``Exists`` that does not depend on the row: whether a page's panel has
    anything to read) are read with the objectives, into ``Board.flags``;
    ``check_in_stamps`` reads, with the key results, how many check-ins each has and when the
    last was written, into ``Board.check_in_stamps`` (a list of many key results' markers,
    ``histories.markers_many``, then costs no query of its own when they are kept)."""
    today = today or timezone.localdate()
    in_cycle = _in_cycle(cycle)
    sight = sight_of(viewer)
    seen = Objective.objects.filter(organization=organization).filter(
        sight.objectives(personal=personal)
    )
    found = seen.filter(in_cycle)
    if scope is not None:
        # Part of a tree: what the scope names, each row with the ids of its aligned children
        # the reader may see, loaded or not (a child's cycle lies within its parent's, so within
        # the board's), read in the same query as one value per row: a department's hundreds
        # of team objectives cost no row, no model and no query of their own.
        children = seen.filter(in_cycle, sight.objectives(), parent_id=OuterRef("pk"))
        found = found.filter(scope).annotate(
            scoped_child_ids=IdList(
                children.order_by("position", "created_at", "id").values(listed_id=F("pk"))
            )
        )
    found = found.select_related("cycle", "unit", "owner").order_by("position", "created_at", "id")
    if flags:
        found = found.annotate(**{f"flag_{name}": flag for name, flag in flags.items()})
    if not sight.everything:
        # Whether the reader may see each one's parent: in the same query (one join).
        found = found.annotate(
            parent_seen=ExpressionWrapper(sight.objectives("parent__"), output_field=BooleanField())
        )
    objectives = list(found)
    # What was read for the board, not for the models: taken off them (they keep what they are).
    read_flags = None
    if flags and objectives:
        read_flags = {name: bool(getattr(objectives[0], f"flag_{name}")) for name in flags}
        for o in objectives:
            for name in flags:
                del o.__dict__[f"flag_{name}"]
    scoped_children: dict[UUID, list[UUID]] = {}
    if scope is not None:
        for o in objectives:
            scoped_children[o.id] = IdList.ids(o.__dict__.pop("scoped_child_ids"))
    loaded = {o.id: o for o in objectives}
    krs: dict[UUID, list[KeyResult]] = {o.id: [] for o in objectives}
    child_ids: dict[UUID, list[UUID]] = {o.id: [] for o in objectives}
    with_krs = [o.id for o in objectives if key_results_of is None or o.id in key_results_of]
    stamps: dict[UUID, tuple] | None = {} if check_in_stamps else None
    if with_krs:
        rows = (
            KeyResult.objects.filter(organization=organization, objective__in=with_krs)
            .select_related("owner")
            .order_by("position", "created_at", "id")
        )
        if stamps is not None:
            check_ins = CheckIn.objects.filter(key_result_id=OuterRef("pk")).order_by()
            rows = rows.annotate(
                stamp_count=Subquery(
                    check_ins.values("key_result_id").annotate(n=Count("id")).values("n")
                ),
                stamp_written=Subquery(check_ins.order_by("-updated_at").values("updated_at")[:1]),
            )
        for kr in rows:
            if stamps is not None:
                count, written = kr.__dict__.pop("stamp_count"), kr.__dict__.pop("stamp_written")
                if count:
                    stamps[kr.pk] = histories.check_in_stamp(count, written)
            krs[kr.objective_id].append(kr)
    if scope is None:
        for o in objectives:
            if o.parent_id in loaded:
                child_ids[o.parent_id].append(o.id)
    else:
        # The aligned children read with the scope (in the board's order), loaded or not.
        child_ids.update(scoped_children)
    board = Board(cycle=cycle, today=today, flags=read_flags, check_in_stamps=stamps)
    board.objectives = {
        o.id: board_objective(o, krs[o.id], child_ids[o.id], today=today) for o in objectives
    }
    if with_forecasts:
        found = forecasts_many(list(board.objectives.values()), today=today)
        board.objectives = {
            key: replace(o, krs=tuple(replace(kr, forecast=found.get(kr.id)) for kr in o.krs))
            for key, o in board.objectives.items()
        }
    return board


def board_objective(
    objective: Objective, krs: list[KeyResult], child_ids: list[UUID], *, today: date
) -> BoardObjective:
    """An objective and its key results as on the board: expected progress and pace today.
    Progress itself is the stored roll-up (``Objective.progress``, kept by services), so any
    subset of a tree can be read without loading the rest."""
    expected = objective.cycle.expected_on(today)
    abandoned = objective.is_abandoned
    rows = []
    for kr in krs:
        commitment = kr.commitment or objective.commitment
        aspirational = commitment == Objective.Commitment.ASPIRATIONAL
        pace = (
            None if abandoned else arithmetic.pace(kr.progress, expected, aspirational=aspirational)
        )
        rows.append(
            BoardKeyResult(
                model=kr,
                expected=expected,
                pace=pace,
                mismatch=arithmetic.confidence_mismatch(kr.confidence or None, pace),
                commitment_in_force=commitment,
            )
        )
    parent_seen = getattr(objective, "parent_seen", True)
    return BoardObjective(
        model=objective,
        krs=tuple(rows),
        child_ids=tuple(child_ids),
        parent_id=objective.parent_id if parent_seen else None,
        expected=expected,
        pace=None
        if abandoned
        else arithmetic.pace(objective.progress, expected, aspirational=objective.is_aspirational),
    )


@dataclass(frozen=True)
class UnitStat:
    """A unit's objectives in a cycle: how many, how many are live (not abandoned), and the sum
    and number of the live, measured ones' progress (so that units add up the tree)."""

    count: int = 0
    total: float = 0.0
    measured: int = 0
    live: int = 0
    # The key results of its open objectives without a check-in since a moment (``unit_stats``'
    # ``unchecked_since``; 0 when not asked).
    unchecked: int = 0

    @property
    def progress(self) -> float | None:
        return arithmetic.clamp(self.total / self.measured) if self.measured else None

    def __add__(self, other: UnitStat) -> UnitStat:
        return UnitStat(
            self.count + other.count,
            self.total + other.total,
            self.measured + other.measured,
            self.live + other.live,
            self.unchecked + other.unchecked,
        )


# The states of an objective still being worked on (``permissions.OPEN_STATES``).
_OPEN_STATES = (Objective.State.DRAFT, Objective.State.PROPOSED, Objective.State.APPROVED)


def unit_stats(
    organization: Organization,
    cycle: Cycle,
    *,
    viewer: Viewer,
    unchecked_since: datetime | None = None,
) -> dict[UUID, UnitStat]:
    """Per unit, its own objectives of the cycle counted and their stored progress summed. One
    query, grouped in the database: a unit's progress is the plain mean of its live objectives
    (as ``Board.unit_progress``). With ``unchecked_since``, the same query also counts the key
    results of its open objectives with no check-in since then (the dashboard's "Due now")."""
    return unit_stats_and_flags(
        organization, cycle, viewer=viewer, unchecked_since=unchecked_since
    )[0]


def unit_stats_and_flags(
    organization: Organization,
    cycle: Cycle,
    *,
    viewer: Viewer,
    unchecked_since: datetime | None = None,
    flags: dict | None = None,
) -> tuple[dict[UUID, UnitStat], dict | None]:
    """``unit_stats``, and in the same query the page's ``flags`` (name → an ``Exists`` that
    does not depend on the row, e.g. whether a panel has anything to list): their values, or
    None when the cycle has no objective the reader sees (no row to read them from)."""
    live = ~Q(state=Objective.State.ABANDONED)
    measured = live & Q(progress__isnull=False)
    figures = {
        "count": Count("id"),
        "total": Sum("progress", filter=measured),
        "measured": Count("id", filter=measured),
        "live": Count("id", filter=live),
    }
    if unchecked_since is not None:
        unchecked = (
            KeyResult.objects.filter(objective_id=OuterRef("id"))
            .filter(Q(last_check_in_at__isnull=True) | Q(last_check_in_at__lt=unchecked_since))
            .order_by()
            .values("objective_id")
            .annotate(n=Count("id"))
            .values("n")
        )
        figures["unchecked"] = Sum(Subquery(unchecked), filter=Q(state__in=_OPEN_STATES))
    flags = flags or {}
    rows = list(
        objectives_of(organization, viewer)
        .filter(cycle=cycle)
        .order_by()
        .values("unit_id")
        .annotate(**figures, **{f"flag_{name}": flag for name, flag in flags.items()})
    )
    stats = {
        r["unit_id"]: UnitStat(
            r["count"], r["total"] or 0.0, r["measured"], r["live"], r.get("unchecked") or 0
        )
        for r in rows
    }
    found = {name: bool(rows[0][f"flag_{name}"]) for name in flags} if rows else None
    return stats, found


# Alignment tree ----------------------------------------------------------------------------
#
# A tree shows whole levels at once while they fit in a budget of objectives; the first level
# that does not fit is shown folded (a summary that loads its content when opened), and a level
# too wide even for that is left behind a "show" control. A small organization sees its whole
# tree; a large one gets a page whose size does not grow with it.

TREE_EAGER = 80  # objectives shown in full on one page or fragment
TREE_FOLDED = 60  # folded summaries shown at most


def _in_cycle(cycle: Cycle) -> Q:
    return Q(cycle=cycle) | Q(cycle__start__gte=cycle.start, cycle__end__lte=cycle.end)


def tree_roots(
    organization: Organization, cycle: Cycle, *, viewer: Viewer
) -> tuple[list[UUID], list[UUID]]:
    """Ids of the cycle's objectives not aligned to an objective of its board: the company's,
    then the others (in unit order). One query."""
    sight = sight_of(viewer)
    outside = Q(parent__cycle__start__lt=cycle.start) | Q(parent__cycle__end__gt=cycle.end)
    roots = Q(parent__isnull=True) | outside
    if not sight.everything:
        # Aligned to an objective this reader may not see: a root of the tree they see.
        roots |= Q(parent__isnull=False) & ~sight.objectives("parent__")
    rows = (
        objectives_of(organization, sight)
        .filter(cycle=cycle)
        .filter(roots)
        .order_by("unit__name", "position", "created_at")
        .values_list("id", "unit__kind")
    )
    company, others = [], []
    for objective_id, kind in rows:
        (company if kind == Unit.Kind.COMPANY else others).append(objective_id)
    return company, others


def tree_levels(
    organization: Organization,
    cycle: Cycle,
    start: list[UUID],
    *,
    viewer: Viewer,
    budget: int | None = None,
    folded: set[UUID] | None = None,
) -> tuple[set[UUID], set[UUID]]:
    """Which objectives below ``start`` (always shown in full) to show in full, and which folded
    (``folded``: some already are). One query per level shown."""
    budget = TREE_EAGER if budget is None else budget
    eager, folded = set(start), set(folded or ())
    level = list(start)
    while level:
        below = list(
            objectives_of(organization, viewer)
            .filter(_in_cycle(cycle), parent_id__in=level)
            .values_list("id", flat=True)
        )
        if not below:
            break
        if len(eager) + len(below) > budget:
            if len(folded) + len(below) <= TREE_FOLDED:
                folded = set(below)
            break
        eager.update(below)
        level = below
    return eager, folded


def unit_levels(
    tree, stats: dict[UUID, UnitStat], start: Unit, *, budget: int | None = None
) -> tuple[set[UUID], set[UUID]]:
    """The same for the tree of units: which units to show with their objectives, which folded.
    No query (the unit tree and the statistics are loaded)."""
    budget = TREE_EAGER if budget is None else budget
    empty = UnitStat()
    eager, folded = {start.id}, set()
    used = stats.get(start.id, empty).count
    level = [start]
    while level:
        below = [child for unit in level for child in tree.children.get(unit.id, [])]
        if not below:
            break
        cost = len(below) + sum(stats.get(u.id, empty).count for u in below)
        if used + cost > budget:
            if len(below) <= TREE_FOLDED:
                folded = {u.id for u in below}
            break
        used += cost
        eager.update(u.id for u in below)
        level = below
    return eager, folded


def objectives_page(
    organization: Organization,
    cycle: Cycle,
    *,
    viewer: Viewer,
    unit: Unit | None = None,
    person: Person | None = None,
    offset: int = 0,
    limit: int = 100,
    today: date | None = None,
) -> tuple[list[BoardObjective], int]:
    """One page of a cycle's own objectives (optionally one unit's, or one person's personal
    objectives that the reader may see), as on the board, in a stable order (unit, position,
    creation), with their key results' forecasts, and how many there are in all. Five queries
    whatever the page's offset or the cycle's size."""
    if person is not None:
        objectives = personal_objectives_of(organization, person, viewer=viewer, cycle=cycle)
    else:
        objectives = objectives_of(organization, viewer).filter(cycle=cycle)
    if unit is not None:
        objectives = objectives.filter(unit=unit)
    ordered = objectives.order_by("unit__name", "unit_id", "position", "created_at", "id")
    ids = list(ordered.values_list("id", flat=True)[offset : offset + limit])
    total = objectives.count()
    if not ids:
        return [], total
    board = board_for_cycle(
        organization,
        cycle,
        today=today,
        viewer=viewer,
        scope=Q(pk__in=ids),
        with_forecasts=True,
        personal=person is not None,
    )
    return [board.objectives[i] for i in ids], total


# How far up ``objective_page_scope`` walks: alignment chains are a few levels deep; the bound
# only stops a corrupt loop of parents.
ANCESTOR_DEPTH = 64


def objective_page_scope(objective: Objective) -> Q:
    """A board scope: the objective, the objectives above it (a recursive walk up the parent
    links, WITH RECURSIVE on both engines) and the units' objectives aligned to it, as one
    subquery of the board's own query: no query of its own. One ``IN`` of a UNION, not three
    conditions OR'ed, which PostgreSQL can only answer by reading every objective."""
    connection = connections[router.db_for_read(Objective)]
    pk = Objective._meta.pk
    table = connection.ops.quote_name(Objective._meta.db_table)
    sql = (
        f"WITH RECURSIVE up(id, parent_id, depth) AS ("
        f" SELECT o.id, o.parent_id, 0 FROM {table} o WHERE o.id = %s"
        f" UNION ALL"
        f" SELECT o.id, o.parent_id, up.depth + 1 FROM {table} o"
        f" JOIN up ON o.id = up.parent_id WHERE up.depth < %s"
        f") SELECT id FROM up"
        f" UNION SELECT c.id FROM {table} c WHERE c.parent_id = %s AND c.owner_person_id IS NULL"
    )
    at = pk.get_db_prep_value(objective.pk, connection)
    return Q(pk__in=RawSQL(sql, (at, ANCESTOR_DEPTH, at)))


def units_and_parents(organization: Organization, cycle: Cycle, unit_ids, *, viewer: Viewer) -> Q:
    """A board scope: the cycle's objectives of these units and the objectives they align to
    (subqueries of the board's own query: no query here)."""
    rows = (
        objectives_of(organization, viewer)
        .filter(cycle=cycle, unit_id__in=list(unit_ids))
        .order_by()
    )
    # One subquery, a UNION: two IN subqueries OR'ed cannot be estimated, and PostgreSQL then
    # plans for thousands of rows (hashing every objective, person and unit) to find a few.
    return Q(pk__in=rows.values("pk").union(rows.filter(parent__isnull=False).values("parent_id")))


def objective_annotated(
    organization: Organization, objective: Objective, *, viewer: Viewer, today: date | None = None
) -> BoardObjective:
    """The objective alone, as on its cycle's board (key results with their forecasts,
    progress, pace, the ids of the objectives aligned to it): what the API answers with. Four
    queries."""
    board = board_for_cycle(
        organization,
        objective.cycle,
        today=today,
        viewer=viewer,
        scope=Q(pk=objective.pk),
        with_forecasts=True,
        personal=objective.is_personal,
    )
    return board.objectives[objective.id]


def objective_with_progress(
    organization: Organization, objective: Objective, *, viewer: Viewer, today: date | None = None
) -> tuple[BoardObjective, Board]:
    """The objective as on its cycle's board, with only what its page shows loaded:
    itself, its ancestors and the objectives aligned to it (and their key results)."""
    # Itself, its ancestors and the objectives aligned to it, all in the board's own query
    # (which filters by the reader's sight; units' objectives only, as ever).
    scope = objective_page_scope(objective)
    board = board_for_cycle(
        organization,
        objective.cycle,
        today=today,
        viewer=viewer,
        scope=scope,
        personal=objective.is_personal,
    )
    return board.objectives[objective.id], board


def objectives_for_parent_choice(
    organization: Organization,
    cycle: Cycle,
    *,
    viewer: Viewer,
    exclude: Objective | None = None,
) -> QuerySet[Objective]:
    """Objectives a new or edited objective in ``cycle`` may align to: same organization, a
    cycle that covers this one, not abandoned."""
    qs = (
        objectives_of(organization, viewer)
        .filter(cycle__start__lte=cycle.start, cycle__end__gte=cycle.end)
        .exclude(state=Objective.State.ABANDONED)
        .select_related("unit", "cycle")
        .order_by("unit__kind", "unit__name", "title")
    )
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return qs


def objectives_for_links(
    organization: Organization, *, viewer: Viewer, unit_ids, today: date | None = None
):
    """Open objectives of these units in the cycles running today, with their key results
    (``key_results.all()`` prefetched): what a weekly item may be linked to. Two queries."""
    today = today or timezone.localdate()
    return (
        objectives_of(organization, viewer)
        .filter(unit_id__in=list(unit_ids), cycle__start__lte=today, cycle__end__gte=today)
        .exclude(state=Objective.State.ABANDONED)
        .select_related("unit", "cycle")
        .prefetch_related("key_results")
        .order_by("unit__name", "position", "created_at")
    )


# Open key results of people who left: listed on the people page for reassignment.
LEFT_OPEN_KEY_RESULTS = 200


def open_key_results_of_deactivated(organization: Organization) -> list[KeyResult]:
    """Key results owned by deactivated people in cycles not closed, on objectives still in play
    (not abandoned), by owner and title: at most ``LEFT_OPEN_KEY_RESULTS``. One query."""
    return list(
        KeyResult.objects.filter(
            organization=organization,
            owner__is_active=False,
            owner__organization=organization,
            objective__cycle__closed_at__isnull=True,
        )
        .exclude(objective__state__in=[Objective.State.ABANDONED, Objective.State.CLOSED])
        .select_related("owner", "objective", "objective__cycle")
        .order_by("owner__name", "objective__cycle__start", "title")[:LEFT_OPEN_KEY_RESULTS]
    )
