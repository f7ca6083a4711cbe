"""Reviews: selectors. Four sections, each owned by one person while this app is being built."""

import zoneinfo
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from cadence.coach.text import same_objective
from cadence.okrs import selectors as okr_selectors
from cadence.okrs.models import PLANNING_WINDOW, REVIEW_WINDOW, Cycle, KeyResult, Objective
from cadence.orgs.models import Organization, Unit
from cadence.orgs.selectors import UnitTree
from cadence.reviews import questions, scoring
from cadence.reviews.models import Learning, Review, ScoreChange, TargetChange
from cadence.reviews.scoring import (
    band,
    display,
    score_from_progress,
    succeeded,
    success_rate,
)
from cadence.weekly.weeks import monday_of

# --- Scoring, closing, results and charts -----------------------------------------------------

SCORED_STATES = (Objective.State.APPROVED, Objective.State.CLOSED)


@dataclass
class ScoredItem:
    """One objective or key result as the results page shows it."""

    obj: object  # the annotated Objective or KeyResult
    score: float | None  # the score in force (adjusted, computed, or the live preview)
    computed: float | None  # the score computed from progress
    band: object  # scoring.Band | None
    adjusted: bool  # a person changed it (see ``changes``)
    changes: list = field(default_factory=list)  # ScoreChange rows, oldest first


@dataclass
class ObjectiveResult(ScoredItem):
    success: bool | None = None  # None: not scored
    scoreable: bool = True  # False for drafts, proposals and abandoned objectives
    key_results: list[ScoredItem] = field(default_factory=list)


@dataclass
class UnitResult:
    unit: Unit
    depth: int
    objectives: list[ObjectiveResult]
    success_rate: float | None
    scored: int
    succeeded: int


@dataclass
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
    organization: Organization, cycle: Cycle, *, board=None, tree: UnitTree | None = None
) -> CycleSummary:
    """The cycle's results: each objective's score, band and success, success rates per unit and
    for the company. Before the cycle closes the scores are a preview computed from live
    progress (``preview``); hand adjustments made during the review phase already count.

    A fixed number of queries: the board's, the unit tree's and one for the adjustments."""
    board = board or okr_selectors.board_for_cycle(organization, cycle)
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
            kr_items.append(
                ScoredItem(
                    obj=kr,
                    score=score,
                    computed=computed,
                    band=band(score, scheme),
                    adjusted=bool(kr_changes),
                    changes=kr_changes,
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


def success_rate_history(organization: Organization, unit: Unit | None = None) -> list[RatePoint]:
    """The success rate of every closed cycle, oldest first: of the company (every scored
    objective) or of one unit's own objectives. Two queries, however many cycles."""
    cycles = list(
        Cycle.objects.filter(organization=organization, closed_at__isnull=False).order_by(
            "start", "end", "name"
        )
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


# --- Phases, what is due, monthly and mid-cycle reviews, target changes ------------------------


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
    """The four phases of a cycle with their dates (method.md §1), the current one marked:
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


def due_now(
    organization: Organization,
    cycle: Cycle,
    today: date | None = None,
    *,
    compact: bool = False,
    unit_ids=None,
) -> DueNow:
    """At most three queries, however many teams and key results. ``compact`` (the dashboard)
    counts the key results without a check-in per unit instead of listing them; ``unit_ids``
    narrows everything to those units (the dashboard: the reader's own)."""
    today = today or organization_today(organization)
    phase = cycle.phase_on(today)
    due = DueNow(phase=phase, today=today, week=monday_of(today))
    objectives = okr_selectors.objectives_of(organization).filter(cycle=cycle)
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
        week_start = datetime.combine(
            due.week, time.min, tzinfo=zoneinfo.ZoneInfo(organization.time_zone or "UTC")
        )
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


@dataclass
class ReviewGroup:
    unit: Unit
    depth: int
    objectives: list[Objective]


def review_board(
    organization: Organization, cycle: Cycle, unit: Unit, tree: UnitTree, *, today: date
) -> tuple[okr_selectors.Board, list[ReviewGroup]]:
    """The unit's objectives and those of every unit below it, grouped by unit (tree order), as
    on the cycle's board, with each key result's history markers (stalled, stale) in
    ``kr.history``. A fixed number of queries."""
    board = okr_selectors.board_for_cycle(organization, cycle, today=today)
    by_unit = board.by_unit()
    wanted = {unit.id} | {u.id for u in tree.descendants(unit.id)}
    groups = [
        ReviewGroup(u, depth, by_unit.get(u.id, []))
        for u, depth in tree.walk()
        if u.id in wanted and by_unit.get(u.id)
    ]
    shown = [o for g in groups for o in g.objectives]
    histories = okr_selectors.key_result_histories_many(shown)
    for o in shown:
        for kr in o.krs:
            kr.history = histories.get(kr.id)
    return board, groups


def target_changes_of(key_result: KeyResult):
    return (
        TargetChange.objects.filter(
            organization_id=key_result.organization_id, key_result=key_result
        )
        .select_related("actor", "review")
        .order_by("created_at")
    )


def attach_target_history(objectives: list[Objective]) -> None:
    """Set ``kr.target_history`` (oldest first) on each key result of annotated objectives
    (``.krs`` loaded) of one organization: one query whatever their number."""
    krs = [kr for o in objectives for kr in getattr(o, "krs", [])]
    by_kr: dict = defaultdict(list)
    if krs:
        for change in (
            TargetChange.objects.filter(
                organization_id=krs[0].organization_id, key_result__in=[k.id for k in krs]
            )
            .select_related("actor")
            .order_by("created_at")
        ):
            by_kr[change.key_result_id].append(change)
    for o in objectives:
        for kr in getattr(o, "krs", []):
            kr.target_history = by_kr.get(kr.id, [])
        o.target_changes_count = sum(len(kr.target_history) for kr in getattr(o, "krs", []))


# --- Retrospectives, department and company reviews, exports, learnings -----------------------


def _retro_mark(o: Objective, scheme: str) -> Objective:
    """Set ``.final_score`` (the score, or the one its progress gives today: a preview before
    the cycle is scored), ``.is_preview``, ``.score_band``, ``.score_text``, ``.success`` and
    ``.needs_explanation`` (committed, scored below 1.0) on an objective of a board."""
    o.is_preview = o.scored_at is None and not o.cycle.closed_at
    o.final_score = scoring.score_from_progress(o.progress) if o.is_preview else o.score
    o.score_band = scoring.band(o.final_score, scheme)
    o.score_text = scoring.display(o.final_score, scheme)
    o.success = scoring.succeeded(o.commitment, o.final_score)
    o.needs_explanation = o.commitment == Objective.Commitment.COMMITTED and o.success is False
    return o


def _retro_scored(objectives) -> list[Objective]:
    """The objectives a review scores: approved or closed ones (drafts never became commitments,
    abandoned ones are not scored), as ``cycle_close`` does."""
    return [o for o in objectives if o.state in SCORED_STATES]


def _retro_rate(objectives) -> float | None:
    return scoring.success_rate((o.commitment, o.final_score) for o in objectives)


def retrospective_objectives(
    cycle: Cycle, unit: Unit, board: okr_selectors.Board | None = None
) -> list[Objective]:
    """A unit's scored (approved or closed) objectives of the cycle, marked with scores."""
    board = board or okr_selectors.board_for_cycle(cycle.organization, cycle)
    scheme = cycle.organization.grading_scheme
    return [_retro_mark(o, scheme) for o in _retro_scored(board.for_units([unit.id]))]


def retrospective_missing(review: Review | None, objectives: list[Objective]) -> dict[str, str]:
    """What a retrospective still lacks to be complete: field → message (empty: complete)."""
    missing: dict[str, str] = {}
    if review is None or not review.overview.strip():
        missing["overview"] = "Write the short overview: how the cycle went for the team."
    if review is None or not review.satisfaction:
        missing["satisfaction"] = "Say whether the team is satisfied with the cycle."
    count = 0 if review is None else review.learnings.filter(kind=Learning.Kind.LEARNING).count()
    if not questions.MIN_LEARNINGS <= count <= questions.MAX_LEARNINGS:
        missing["learnings"] = (
            f"Write {questions.MIN_LEARNINGS} to {questions.MAX_LEARNINGS} key learnings"
            f" (there {'is' if count == 1 else 'are'} {count})."
        )
    explained = (
        set()
        if review is None
        else set(review.objective_notes.exclude(text="").values_list("objective_id", flat=True))
    )
    unexplained = [o for o in objectives if o.needs_explanation and o.id not in explained]
    if unexplained:
        titles = "; ".join(f"“{o.title}” ({o.final_score:.1f})" for o in unexplained)
        missing["explanations"] = (
            f"Explain why these committed objectives scored below 1.0: {titles}."
        )
    return missing


def _retro_reviews(organization: Organization, cycle: Cycle, kind: str, unit_ids=None):
    qs = Review.objects.filter(
        organization=organization, cycle=cycle, kind=kind, period__isnull=True
    ).prefetch_related("learnings")
    if unit_ids is not None:
        qs = qs.filter(unit_id__in=list(unit_ids))
    return {r.unit_id: r for r in qs}


def review_learnings(review: Review | None, kind: str) -> list[Learning]:
    """A review's learnings of one kind, in order (uses the prefetched ``learnings``)."""
    if review is None:
        return []
    return sorted((x for x in review.learnings.all() if x.kind == kind), key=lambda x: x.position)


@dataclass
class TeamRetrospective:
    cycle: Cycle
    unit: Unit
    review: Review | None
    objectives: list[Objective]
    learnings: list[Learning]
    explanations: dict  # objective id → text
    missing: dict[str, str]
    success_rate: float | None


def team_retrospective(organization: Organization, cycle: Cycle, unit: Unit) -> TeamRetrospective:
    """A team's retrospective (None until first saved), its objectives with their scores and
    explanations, and what it still lacks to be complete. A fixed number of queries."""
    objectives = retrospective_objectives(cycle, unit)
    review = (
        Review.objects.filter(
            organization=organization,
            cycle=cycle,
            unit=unit,
            kind=Review.Kind.RETROSPECTIVE,
            period__isnull=True,
        )
        .prefetch_related("learnings", "objective_notes")
        .first()
    )
    explanations = {n.objective_id: n.text for n in review.objective_notes.all()} if review else {}
    learnings = review_learnings(review, Learning.Kind.LEARNING)
    missing: dict[str, str] = {}
    if review is None or not review.overview.strip():
        missing["overview"] = "the short overview"
    if review is None or not review.satisfaction:
        missing["satisfaction"] = "whether the team is satisfied"
    if not questions.MIN_LEARNINGS <= len(learnings) <= questions.MAX_LEARNINGS:
        missing["learnings"] = f"{questions.MIN_LEARNINGS}–{questions.MAX_LEARNINGS} key learnings"
    unexplained = [o for o in objectives if o.needs_explanation and not explanations.get(o.id)]
    if unexplained:
        missing["explanations"] = f"{len(unexplained)} explanation(s) of a committed objective"
    for o in objectives:
        o.explanation = explanations.get(o.id, "")
    return TeamRetrospective(
        cycle=cycle,
        unit=unit,
        review=review,
        objectives=objectives,
        learnings=learnings,
        explanations=explanations,
        missing=missing,
        success_rate=_retro_rate(objectives),
    )


@dataclass
class TeamOverview:
    """A team's short overview, as the department and company reviews show it."""

    unit: Unit
    review: Review | None
    learnings: list[Learning]
    objectives: list[Objective]
    success_rate: float | None

    @property
    def is_complete(self) -> bool:
        return bool(self.review and self.review.completed_at)


def _retro_overviews(
    organization: Organization, cycle: Cycle, teams: list[Unit], board: okr_selectors.Board
) -> list[TeamOverview]:
    reviews = _retro_reviews(
        organization, cycle, Review.Kind.RETROSPECTIVE, unit_ids=[t.id for t in teams]
    )
    scheme = organization.grading_scheme
    by_unit = board.by_unit()
    out = []
    for team in teams:
        objectives = [_retro_mark(o, scheme) for o in _retro_scored(by_unit.get(team.id, []))]
        review = reviews.get(team.id)
        if review is None and not objectives:
            continue  # a team with nothing in this cycle
        out.append(
            TeamOverview(
                unit=team,
                review=review,
                learnings=review_learnings(review, Learning.Kind.LEARNING),
                objectives=objectives,
                success_rate=_retro_rate(objectives),
            )
        )
    return out


@dataclass
class DepartmentSummary:
    cycle: Cycle
    unit: Unit
    review: Review | None
    takeaways: list[Learning]
    teams: list[TeamOverview]


def department_summary(organization: Organization, cycle: Cycle, unit: Unit) -> DepartmentSummary:
    """A department's summary and the overviews of every team below it. Fixed queries."""
    tree = UnitTree.load(organization)
    teams = sorted(
        (u for u in tree.descendants(unit.id) if u.kind == Unit.Kind.TEAM), key=lambda u: u.name
    )
    board = okr_selectors.board_for_cycle(organization, cycle)
    review = _retro_reviews(organization, cycle, Review.Kind.DEPARTMENT, unit_ids=[unit.id]).get(
        unit.id
    )
    return DepartmentSummary(
        cycle=cycle,
        unit=unit,
        review=review,
        takeaways=review_learnings(review, Learning.Kind.TAKEAWAY),
        teams=_retro_overviews(organization, cycle, teams, board),
    )


@dataclass
class DepartmentGroup:
    unit: Unit | None  # None: teams directly below the company
    takeaways: list[Learning]
    teams: list[TeamOverview]


@dataclass
class CompanyReview:
    cycle: Cycle
    company: Unit
    review: Review | None
    ideas: list[Learning]
    groups: list[DepartmentGroup]
    company_objectives: list[Objective]
    company_success_rate: float | None
    success_rate: float | None  # every live objective of the cycle
    scheme: str

    @property
    def teams(self) -> list[TeamOverview]:
        return [t for g in self.groups for t in g.teams]


def company_review(organization: Organization, cycle: Cycle) -> CompanyReview:
    """Everything the company-wide review shows: every team's overview grouped by department
    (with the department's takeaways), the company objectives' outcome and success rates, the
    review's notes, summary and ideas. A fixed number of queries."""
    tree = UnitTree.load(organization)
    company = tree.root
    board = okr_selectors.board_for_cycle(organization, cycle)
    scheme = organization.grading_scheme
    departments = _retro_reviews(organization, cycle, Review.Kind.DEPARTMENT)
    groups: list[DepartmentGroup] = []
    all_teams: list[tuple[Unit | None, list[Unit]]] = []
    direct: list[Unit] = []
    for unit, _depth in tree.walk():
        if unit.kind == Unit.Kind.DEPARTMENT:
            teams = [u for u in tree.descendants(unit.id) if u.kind == Unit.Kind.TEAM]
            all_teams.append((unit, sorted(teams, key=lambda u: u.name)))
        elif unit.kind == Unit.Kind.TEAM and not any(
            a.kind == Unit.Kind.DEPARTMENT for a in tree.ancestors(unit.id)
        ):
            direct.append(unit)
    if direct:
        all_teams.append((None, direct))
    overviews = {
        o.unit.id: o
        for o in _retro_overviews(
            organization, cycle, [t for _, ts in all_teams for t in ts], board
        )
    }
    for unit, teams in all_teams:
        shown = [overviews[t.id] for t in teams if t.id in overviews]
        takeaways = review_learnings(departments.get(unit.id) if unit else None, "takeaway")
        if shown or takeaways:
            groups.append(DepartmentGroup(unit=unit, takeaways=takeaways, teams=shown))
    live = [_retro_mark(o, scheme) for o in _retro_scored(board.in_cycle())]
    company_objectives = [o for o in live if company and o.unit_id == company.id]
    review = (
        _retro_reviews(organization, cycle, Review.Kind.COMPANY, unit_ids=[company.id]).get(
            company.id
        )
        if company
        else None
    )
    return CompanyReview(
        cycle=cycle,
        company=company,
        review=review,
        ideas=review_learnings(review, Learning.Kind.IDEA),
        groups=groups,
        company_objectives=company_objectives,
        company_success_rate=_retro_rate(company_objectives),
        success_rate=_retro_rate(live),
        scheme=scheme,
    )


def learnings_search(
    organization: Organization,
    *,
    q: str = "",
    unit: Unit | None = None,
    cycle: Cycle | None = None,
    kind: str = "",
) -> QuerySet[Learning]:
    """The learnings archive: every learning, takeaway and idea of the organization, newest
    cycle first; ``q`` matches their text (case-insensitive)."""
    qs = Learning.objects.filter(organization=organization).select_related("cycle", "unit")
    if q.strip():
        qs = qs.filter(text__icontains=q.strip())
    if unit is not None:
        qs = qs.filter(unit=unit)
    if cycle is not None:
        qs = qs.filter(cycle=cycle)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-cycle__start", "unit__name", "kind", "position", "created_at")


# --- Next cycle: carry forward ------------------------------------------------------------------


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


@dataclass
class UnitPlan:
    unit: Unit
    depth: int
    objectives: list[Objective]  # of the cycle planned from
    planned: list[Objective]  # already in the next cycle


@dataclass
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


def next_cycle_plan(
    organization: Organization,
    cycle: Cycle,
    target: Cycle | None,
    *,
    today: date | None = None,
) -> NextCyclePlan:
    """Every unit's objectives of ``cycle`` (with score and band, their successors, and a
    repeated flag) and what ``target`` already holds per unit. A fixed number of queries."""
    scheme = organization.grading_scheme
    board = okr_selectors.board_for_cycle(organization, cycle, today=today)
    objectives = board.in_cycle()
    ids = [o.id for o in objectives]
    successors: dict = defaultdict(list)
    for child in (
        okr_selectors.objectives_of(organization)
        .filter(carried_from__in=ids)
        .select_related("cycle")
        .order_by("cycle__start", "created_at")
    ):
        successors[child.carried_from_id].append(child)
    previous = previous_cycle(organization, cycle)
    previous_titles = _titles_by_unit(
        okr_selectors.objectives_of(organization)
        .filter(cycle=previous)
        .exclude(state=Objective.State.ABANDONED)
        .values_list("unit_id", "title")
        if previous
        else []
    )
    carried_from_cycle = dict(
        okr_selectors.objectives_of(organization)
        .filter(pk__in=[o.carried_from_id for o in objectives if o.carried_from_id])
        .values_list("pk", "cycle__name")
    )
    for o in objectives:
        o.successors = successors.get(o.id, [])
        o.successor = next((s for s in o.successors if target and s.cycle_id == target.id), None)
        if o.is_abandoned:
            o.score_value, o.preview = None, False
        elif o.score is not None:
            o.score_value, o.preview = o.score, False
        else:
            o.score_value = None if o.progress is None else score_from_progress(o.progress)
            o.preview = o.score_value is not None
        o.score_text = display(o.score_value, scheme)
        o.band = band(o.score_value, scheme)
        if o.carried_from_id in carried_from_cycle:
            o.repeated_from = carried_from_cycle[o.carried_from_id]
        elif previous and _repeats(o.title, previous_titles.get(o.unit_id, ())):
            o.repeated_from = previous.name
        else:
            o.repeated_from = None
    planned: dict = defaultdict(list)
    if target is not None:
        here_titles = _titles_by_unit((o.unit_id, o.title) for o in objectives)
        for o in (
            okr_selectors.objectives_of(organization)
            .filter(cycle=target)
            .select_related("unit", "carried_from")
            .order_by("position", "created_at")
        ):
            carried = o.carried_from is not None and o.carried_from.cycle_id == cycle.id
            repeated = carried or _repeats(o.title, here_titles.get(o.unit_id, ()))
            o.repeated_from = cycle.name if repeated else None
            planned[o.unit_id].append(o)
    by_unit = board.by_unit()
    units = [
        UnitPlan(unit, depth, by_unit.get(unit.id, []), planned.get(unit.id, []))
        for unit, depth in UnitTree.load(organization).walk()
        if by_unit.get(unit.id) or planned.get(unit.id)
    ]
    return NextCyclePlan(
        cycle=cycle,
        target=target,
        previous=previous,
        units=units,
        carried_count=sum(1 for o in objectives if o.successor is not None),
    )


def carry_links(organization: Organization, objective: Objective) -> dict:
    """Where an objective was carried forward from, and the objectives carried from it (two
    queries)."""
    carried_from = (
        okr_selectors.objectives_of(organization)
        .filter(pk=objective.carried_from_id)
        .select_related("cycle")
        .first()
        if objective.carried_from_id
        else None
    )
    carried_to = list(
        okr_selectors.objectives_of(organization)
        .filter(carried_from=objective)
        .select_related("cycle")
        .order_by("cycle__start", "created_at")
    )
    return {"carried_from": carried_from, "carried_to": carried_to}
