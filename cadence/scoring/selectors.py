"""Scoring: results of a cycle (scores, bands, success rates), their hand adjustments and the
success-rate history. Org-scoped reads; the rules live in ``cadence.scoring.rules`` (pure)."""

from collections import defaultdict
from dataclasses import dataclass, field, replace

from django.db.models import Q

from cadence.okrs import selectors as okr_selectors
from cadence.okrs.models import Cycle, Objective
from cadence.orgs.models import Organization, Unit
from cadence.orgs.selectors import UnitTree
from cadence.scoring import charts
from cadence.scoring.models import ScoreChange
from cadence.scoring.rules import (
    band,
    score_from_progress,
    succeeded,
    success_rate,
)

SCORED_STATES = (Objective.State.APPROVED, Objective.State.CLOSED)


@dataclass(frozen=True)
class ScoredItem:
    """One objective or key result as the results page shows it."""

    obj: object  # the annotated Objective or KeyResult
    score: float | None  # the score in force (adjusted, computed, or the live preview)
    computed: float | None  # the score computed from progress
    band: object  # scoring.Band | None: the score's band on the 0.0–1.0 scale (the API's)
    adjusted: bool  # a person changed it (see ``changes``)
    changes: list = field(default_factory=list)  # ScoreChange rows, oldest first
    # The commitment in force (a key result's own, else its objective's): pages show the band
    # for it (``scoring.band(..., commitment=...)``), which agrees with success.
    commitment: str = Objective.Commitment.COMMITTED
    shown_band: object = None  # scoring.Band | None: the band pages show
    # The results page's adjustment form for it (None: the reader may not adjust it) and
    # whether it opens (it was sent and refused). Set by the page (``with_forms``).
    form: object = None
    form_open: bool = False


@dataclass(frozen=True)
class ObjectiveResult(ScoredItem):
    success: bool | None = None  # None: not scored
    scoreable: bool = True  # False for drafts, proposals and abandoned objectives
    key_results: list[ScoredItem] = field(default_factory=list)
    can_adjust: bool = False  # the reader may adjust it (set by the page: ``with_forms``)


@dataclass(frozen=True)
class UnitResult:
    unit: Unit
    depth: int
    objectives: list[ObjectiveResult]
    success_rate: float | None
    scored: int
    succeeded: int


@dataclass(frozen=True)
class CycleSummary:
    cycle: Cycle
    scheme: str
    preview: bool  # True until the cycle is closed: scores are computed from live progress
    objectives: list[ObjectiveResult]
    units: list[UnitResult]  # units with objectives in the cycle, in tree order
    success_rate: float | None  # the company's: every scored objective of the cycle
    scored: int
    succeeded: int


def _scored_item(obj, *, closed: bool, changes: list) -> tuple[float | None, float | None]:
    if closed:
        computed = obj.computed_score
        score = obj.score
    else:
        computed = score_from_progress(obj.progress)
        score = obj.score if changes else computed
    return score, computed


def score_changes_for(organization: Organization, objectives: list[Objective]) -> dict:
    """Every score adjustment of these objectives and of their key results, in one query:
    ``{objective or key result id: [ScoreChange, …]}``, oldest first."""
    ids = [o.pk for o in objectives]
    out: dict = defaultdict(list)
    if not ids:
        return out
    rows = (
        ScoreChange.objects.filter(organization=organization)
        .filter(Q(objective__in=ids) | Q(key_result__objective__in=ids))
        .select_related("actor")
        .order_by("created_at")
    )
    for change in rows:
        out[change.objective_id or change.key_result_id].append(change)
    return out


def cycle_summary(
    organization: Organization,
    cycle: Cycle,
    *,
    viewer: okr_selectors.Viewer,
    board=None,
    tree: UnitTree | None = None,
) -> CycleSummary:
    """The cycle's results: each objective's score, band and success, success rates per unit and
    for the company. Before the cycle closes the scores are a preview computed from live
    progress (``preview``); hand adjustments made during the review phase already count.

    A fixed number of queries: the board's, the unit tree's and one for the adjustments."""
    board = board or okr_selectors.board_for_cycle(organization, cycle, viewer=viewer)
    tree = tree or UnitTree.load(organization)
    scheme = organization.grading_scheme
    closed = bool(cycle.closed_at)
    objectives = board.in_cycle()
    changes = score_changes_for(organization, objectives)
    results: list[ObjectiveResult] = []
    for o in objectives:
        scoreable = o.state in SCORED_STATES
        kr_items = []
        for kr in o.krs:
            kr_changes = changes.get(kr.pk, [])
            if scoreable:
                score, computed = _scored_item(kr, closed=closed, changes=kr_changes)
            else:
                score = computed = None
            kr_commitment = kr.commitment or o.commitment
            kr_items.append(
                ScoredItem(
                    obj=kr,
                    score=score,
                    computed=computed,
                    band=band(score, scheme),
                    adjusted=bool(kr_changes),
                    changes=kr_changes,
                    commitment=kr_commitment,
                    shown_band=band(score, scheme, commitment=kr_commitment),
                )
            )
        o_changes = changes.get(o.pk, [])
        if scoreable:
            score, computed = _scored_item(o, closed=closed, changes=o_changes)
        else:
            score = computed = None
        results.append(
            ObjectiveResult(
                obj=o,
                score=score,
                computed=computed,
                band=band(score, scheme),
                adjusted=bool(o_changes),
                changes=o_changes,
                commitment=o.commitment,
                shown_band=band(score, scheme, commitment=o.commitment),
                success=succeeded(o.commitment, score),
                scoreable=scoreable,
                key_results=kr_items,
            )
        )
    by_unit: dict = defaultdict(list)
    for r in results:
        by_unit[r.obj.unit_id].append(r)
    units = []
    for unit, depth in tree.walk():
        if unit.id in by_unit:
            rows = by_unit[unit.id]
            units.append(UnitResult(unit, depth, rows, *_rate(rows)))
    return CycleSummary(cycle, scheme, not closed, results, units, *_rate(results))


def with_forms(summary: CycleSummary, row_for) -> CycleSummary:
    """The summary with each objective row replaced by ``row_for(row)`` (a page's copy with its
    forms), the units' lists following: rows stay frozen, built once per request."""
    rows = [row_for(r) for r in summary.objectives]
    by_id = {r.obj.pk: r for r in rows}
    units = [replace(u, objectives=[by_id[r.obj.pk] for r in u.objectives]) for u in summary.units]
    return replace(summary, objectives=rows, units=units)


def _rate(rows: list[ObjectiveResult]) -> tuple[float | None, int, int]:
    outcomes = [r.success for r in rows if r.success is not None]
    rate = success_rate((r.obj.commitment, r.score) for r in rows)
    return rate, len(outcomes), sum(outcomes)


def score_history(objective: Objective) -> list[ScoreChange]:
    """The hand adjustments of an objective's score, oldest first (its organization's only)."""
    return list(
        ScoreChange.objects.filter(organization_id=objective.organization_id, objective=objective)
        .select_related("actor")
        .order_by("created_at")
    )


@dataclass
class RatePoint:
    cycle: Cycle
    success_rate: float | None
    scored: int
    succeeded: int


def success_rate_history(
    organization: Organization, unit: Unit | None = None, cycles: list[Cycle] | None = None
) -> list[RatePoint]:
    """The success rate of every closed cycle, oldest first: of the company (every scored
    objective) or of one unit's own objectives. Two queries, however many cycles (one given
    the organization's ``cycles``, a page's request's; none without a closed one)."""
    if cycles is None:
        cycles = list(Cycle.objects.filter(organization=organization, closed_at__isnull=False))
    cycles = sorted(
        (c for c in cycles if c.closed_at is not None), key=lambda c: (c.start, c.end, c.name)
    )
    rows = Objective.objects.filter(
        organization=organization,
        cycle__closed_at__isnull=False,
        state__in=SCORED_STATES,
        score__isnull=False,
    )
    if unit is not None:
        rows = rows.filter(unit=unit)
    pairs: dict = defaultdict(list)
    if cycles:
        for cycle_id, commitment, score in rows.values_list("cycle_id", "commitment", "score"):
            pairs[cycle_id].append((commitment, score))
    out = []
    for cycle in cycles:
        outcomes = [succeeded(c, s) for c, s in pairs[cycle.pk]]
        out.append(RatePoint(cycle, success_rate(pairs[cycle.pk]), len(outcomes), sum(outcomes)))
    return out


@dataclass(frozen=True)
class UnitSuccessPanel:
    """The unit page's success-rate history: its own objectives in every closed cycle."""

    unit: Unit
    history: list[RatePoint]
    chart: charts.RateChart
    chart_id: str


def unit_success_panel(
    organization: Organization, unit: Unit, cycles: list[Cycle] | None = None
) -> UnitSuccessPanel:
    """Built by the unit page once (two queries; one given the organization's ``cycles``),
    shown by ``scoring_ui.unit_success_history``."""
    history = success_rate_history(organization, unit, cycles)
    return UnitSuccessPanel(
        unit=unit,
        history=history,
        chart=charts.rate_history([(p.cycle.name, p.success_rate) for p in history]),
        chart_id=f"unit-{unit.pk}-rates",
    )
