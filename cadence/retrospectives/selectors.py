"""Retrospectives: a team's end-of-cycle retrospective, a department's summary, the company-wide
review (docs/method.md §3, §5) and the learnings archive. Org-scoped reads; a fixed number of
queries per page."""

from dataclasses import dataclass, replace
from uuid import UUID

from django.db.models import QuerySet

from cadence.okrs import selectors as okr_selectors
from cadence.okrs.models import Cycle, Objective
from cadence.orgs.models import Organization, Unit
from cadence.orgs.selectors import UnitTree
from cadence.retrospectives.models import Learning, ObjectiveReviewNote
from cadence.reviews import questions
from cadence.reviews.models import Review
from cadence.scoring import rules as scoring
from cadence.scoring.rules import Band
from cadence.scoring.selectors import SCORED_STATES


@dataclass(frozen=True)
class ScoredObjective:
    """An objective as the reviews show it: its final score (the score, or the one its progress
    gives today: a preview before the cycle is scored), the band shown beside it (it follows the
    commitment, so it agrees with ``success``), the score's band on the 0.0–1.0 scale (the API's
    ``band``), and whether it needs an explanation (committed, scored below 1.0)."""

    id: UUID
    title: str
    unit_id: UUID
    commitment: str
    commitment_label: str
    final_score: float | None
    is_preview: bool
    scale_band: Band | None
    score_band: Band | None
    score_text: str
    success: bool | None
    needs_explanation: bool
    explanation: str = ""  # what the team's retrospective says about it


def scored_objective(o: Objective, scheme: str) -> ScoredObjective:
    """The row of an objective of a board (progress annotated) under the grading ``scheme``."""
    is_preview = o.scored_at is None and not o.cycle.closed_at
    final = scoring.score_from_progress(o.progress) if is_preview else o.score
    success = scoring.succeeded(o.commitment, final)
    return ScoredObjective(
        id=o.id,
        title=o.title,
        unit_id=o.unit_id,
        commitment=o.commitment,
        commitment_label=o.get_commitment_display(),
        final_score=final,
        is_preview=is_preview,
        scale_band=scoring.band(final, scheme),
        score_band=scoring.band(final, scheme, commitment=o.commitment),
        score_text=scoring.display(final, scheme, commitment=o.commitment),
        success=success,
        needs_explanation=o.commitment == Objective.Commitment.COMMITTED and success is False,
    )


def _retro_scored(objectives) -> list[Objective]:
    """The objectives a review scores: approved or closed ones (drafts never became commitments,
    abandoned ones are not scored), as ``cycle_close`` does."""
    return [o for o in objectives if o.state in SCORED_STATES]


def _retro_rate(objectives) -> float | None:
    return scoring.success_rate((o.commitment, o.final_score) for o in objectives)


def retrospective_objectives(
    cycle: Cycle,
    unit: Unit,
    board: okr_selectors.Board | None = None,
    *,
    viewer: okr_selectors.Viewer,
) -> list[ScoredObjective]:
    """A unit's scored (approved or closed) objectives of the cycle, marked with scores."""
    board = board or okr_selectors.board_for_cycle(cycle.organization, cycle, viewer=viewer)
    scheme = cycle.organization.grading_scheme
    return [scored_objective(o, scheme) for o in _retro_scored(board.for_units([unit.id]))]


def retrospective_missing(
    review: Review | None, objectives: list[ScoredObjective]
) -> dict[str, str]:
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
    return _retro_reviews_of_kinds(organization, cycle, [kind], unit_ids=unit_ids)[kind]


def _retro_reviews_of_kinds(
    organization: Organization, cycle: Cycle, kinds: list[str], unit_ids=None
) -> dict[str, dict]:
    """The cycle's reviews of each of ``kinds`` by unit, with their learnings: one query for
    the reviews of every kind (and one for their learnings, when there are any)."""
    qs = Review.objects.filter(
        organization=organization, cycle=cycle, kind__in=list(kinds), period__isnull=True
    ).prefetch_related("learnings")
    if unit_ids is not None:
        qs = qs.filter(unit_id__in=list(unit_ids))
    out: dict[str, dict] = {kind: {} for kind in kinds}
    for review in qs:
        out[review.kind][review.unit_id] = review
    return out


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
    objectives: list[ScoredObjective]
    learnings: list[Learning]
    explanations: dict  # objective id → text
    missing: dict[str, str]
    success_rate: float | None


def team_retrospective(
    organization: Organization, cycle: Cycle, unit: Unit, *, viewer: okr_selectors.Viewer
) -> TeamRetrospective:
    """A team's retrospective (None until first saved), its objectives with their scores and
    explanations, and what it still lacks to be complete. A fixed number of queries."""
    objectives = retrospective_objectives(cycle, unit, viewer=viewer)
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
    objectives = [replace(o, explanation=explanations.get(o.id, "")) for o in objectives]
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
    objectives: list[ScoredObjective]
    success_rate: float | None

    @property
    def is_complete(self) -> bool:
        return bool(self.review and self.review.completed_at)


def _retro_overviews(
    organization: Organization,
    cycle: Cycle,
    teams: list[Unit],
    board: okr_selectors.Board,
    reviews: dict | None = None,
) -> list[TeamOverview]:
    """The teams' overviews (``reviews``: the cycle's retrospectives by unit, when the caller
    read them)."""
    if reviews is None:
        reviews = _retro_reviews(
            organization, cycle, Review.Kind.RETROSPECTIVE, unit_ids=[t.id for t in teams]
        )
    scheme = organization.grading_scheme
    by_unit = board.by_unit()
    out = []
    for team in teams:
        objectives = [scored_objective(o, scheme) for o in _retro_scored(by_unit.get(team.id, []))]
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


def department_summary(
    organization: Organization,
    cycle: Cycle,
    unit: Unit,
    *,
    viewer: okr_selectors.Viewer,
    tree: UnitTree | None = None,
) -> DepartmentSummary:
    """A department's summary and the overviews of every team below it. Fixed queries
    (``tree``: the organization's unit tree, when the caller has it)."""
    tree = tree or UnitTree.load(organization)
    teams = sorted(
        (u for u in tree.descendants(unit.id) if u.kind == Unit.Kind.TEAM), key=lambda u: u.name
    )
    board = okr_selectors.board_for_cycle(organization, cycle, viewer=viewer)
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
    company_objectives: list[ScoredObjective]
    company_success_rate: float | None
    success_rate: float | None  # every live objective of the cycle
    scheme: str

    @property
    def teams(self) -> list[TeamOverview]:
        return [t for g in self.groups for t in g.teams]


def company_review(
    organization: Organization,
    cycle: Cycle,
    *,
    viewer: okr_selectors.Viewer,
    tree: UnitTree | None = None,
) -> CompanyReview:
    """Everything the company-wide review shows: every team's overview grouped by department
    (with the department's takeaways), the company objectives' outcome and success rates, the
    review's notes, summary and ideas. A fixed number of queries (``tree``: the organization's
    unit tree, when the caller has it)."""
    tree = tree or UnitTree.load(organization)
    company = tree.root
    board = okr_selectors.board_for_cycle(organization, cycle, viewer=viewer)
    scheme = organization.grading_scheme
    # The department, team and company reviews: one query.
    reviews = _retro_reviews_of_kinds(
        organization,
        cycle,
        [Review.Kind.DEPARTMENT, Review.Kind.RETROSPECTIVE, Review.Kind.COMPANY],
    )
    departments = reviews[Review.Kind.DEPARTMENT]
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
            organization,
            cycle,
            [t for _, ts in all_teams for t in ts],
            board,
            reviews[Review.Kind.RETROSPECTIVE],
        )
    }
    for unit, teams in all_teams:
        shown = [overviews[t.id] for t in teams if t.id in overviews]
        takeaways = review_learnings(departments.get(unit.id) if unit else None, "takeaway")
        if shown or takeaways:
            groups.append(DepartmentGroup(unit=unit, takeaways=takeaways, teams=shown))
    live = [scored_objective(o, scheme) for o in _retro_scored(board.in_cycle())]
    company_objectives = [o for o in live if company and o.unit_id == company.id]
    review = reviews[Review.Kind.COMPANY].get(company.id) if company else None
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


def objectives_explained(organization_id: UUID, objective_ids: list[UUID]) -> set[UUID]:
    """Of ``objective_ids``, those a retrospective note explains (a note with text): what the
    coach's committed-missed check asks (coach.hooks.objectives_explained, registered in
    RetrospectivesConfig.ready()). One query."""
    return set(
        ObjectiveReviewNote.objects.filter(
            organization_id=organization_id, objective_id__in=list(objective_ids)
        )
        .exclude(text="")
        .values_list("objective_id", flat=True)
    )
