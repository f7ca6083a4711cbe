"""/api/v1: reviews.

Two sections, each owned by one person while this router is being built: monthly and mid-cycle
reviews with target changes; retrospectives, department and company reviews and learnings."""

from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import AfterValidator, Field

from cadence.api.auth import actor
from cadence.api.common import body_object, organization, with_progress
from cadence.api.errors import fields_renamed
from cadence.api.schemas import ERRORS, Input, Number, ObjectiveOut, _clean_text
from cadence.okrs.selectors import cycle_get, key_result_get, objective_get
from cadence.orgs.selectors import company_unit, unit_get
from cadence.reviews import questions as review_questions
from cadence.reviews import selectors as review_selectors
from cadence.reviews import services as review_services
from cadence.reviews.models import Learning, Review, TargetChange

router = Router(tags=["reviews"])

# --- Monthly and mid-cycle reviews, target changes --------------------------------------------

ReviewKind = Literal[tuple(Review.Kind.values)]
Answer = Annotated[str, Field(max_length=review_questions.MAX_ANSWER), AfterValidator(_clean_text)]
Notes = Annotated[str, Field(max_length=review_questions.MAX_NOTES), AfterValidator(_clean_text)]
Reason = Annotated[str, Field(max_length=2000), AfterValidator(_clean_text)]
PERIODIC_QUESTIONS = {
    Review.Kind.MONTHLY: review_questions.MONTHLY,
    Review.Kind.MID_CYCLE: review_questions.MID_CYCLE,
}


def _month_text(period: date | None) -> str | None:
    return f"{period.year:04d}-{period.month:02d}" if period else None


class QuestionOut(Schema):
    id: str
    text: str


class ReviewOut(Schema):
    """A review of any kind, as listed."""

    id: UUID
    cycle_id: UUID
    unit_id: UUID
    kind: ReviewKind
    period: str | None = Field(description="The month reviewed (YYYY-MM), for monthly reviews.")
    answers: dict[str, str]
    notes: str
    completed_at: datetime | None
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_period(obj: Review) -> str | None:
        return _month_text(obj.period)


class PeriodicReviewOut(Schema):
    """A unit's monthly or mid-cycle review: its questions, answers and notes. ``id`` is null
    while nobody has written it yet."""

    id: UUID | None
    cycle_id: UUID
    unit_id: UUID
    kind: Literal["monthly", "mid_cycle"]
    period: str | None
    questions: list[QuestionOut]
    answers: dict[str, str]
    notes: str
    updated_at: datetime | None
    updated_by_name: str | None


class PeriodicReviewIn(Input):
    answers: dict[str, Answer] = Field(
        default_factory=dict, description="Question id → answer; replaces the stored answers."
    )
    notes: Notes = ""


class TargetChangeIn(Input):
    target: Number
    start: Number | None = Field(default=None, description="A metric's new start; null keeps it.")
    reason: Reason


class TargetChangeOut(Schema):
    id: UUID
    key_result_id: UUID
    review_id: UUID | None
    old_start: float | None
    old_target: float | None
    new_start: float | None
    new_target: float | None
    reason: str
    actor_id: UUID | None
    actor_name: str | None
    created_at: datetime

    @staticmethod
    def resolve_actor_name(obj: TargetChange) -> str | None:
        return obj.actor.name if obj.actor_id else None


def _periodic_out(cycle, unit, kind: str, period: date | None, review: Review | None) -> dict:
    return {
        "id": review.id if review else None,
        "cycle_id": cycle.id,
        "unit_id": unit.id,
        "kind": kind,
        "period": _month_text(period),
        "questions": [{"id": q, "text": t} for q, t in PERIODIC_QUESTIONS[kind]],
        "answers": review.answers if review else {},
        "notes": review.notes if review else "",
        "updated_at": review.updated_at if review else None,
        "updated_by_name": review.updated_by.name if review and review.updated_by_id else None,
    }


def _unit_or_company(request: HttpRequest, unit_id: str | None):
    org = organization(request)
    return unit_get(org, unit_id) if unit_id else company_unit(org)


def _month_of(cycle, month: str) -> date:
    try:
        year, number = (int(part) for part in month.split("-"))
        first = date(year, number, 1)
    except (TypeError, ValueError) as exc:
        raise Http404("No such month.") from exc
    if len(month) != 7 or first not in review_services.cycle_months(cycle):
        raise Http404("No such month in this cycle.")
    return first


def _periodic_get(request, cycle_id, kind, month, unit_id) -> dict:
    org = organization(request)
    cycle = cycle_get(org, cycle_id)
    period = _month_of(cycle, month) if month is not None else None
    unit = _unit_or_company(request, unit_id)
    review = review_selectors.periodic_review_find(org, cycle, unit, kind, period)
    return _periodic_out(cycle, unit, kind, period, review)


def _periodic_put(request, cycle_id, kind, month, unit_id, payload: PeriodicReviewIn) -> dict:
    org = organization(request)
    cycle = cycle_get(org, cycle_id)
    period = _month_of(cycle, month) if month is not None else None
    unit = _unit_or_company(request, unit_id)
    review = review_services.review_save(
        actor=actor(request),
        cycle=cycle,
        unit=unit,
        kind=kind,
        period=period,
        answers=payload.answers,
        notes=payload.notes,
    )
    review = review_selectors.periodic_review_find(org, cycle, unit, kind, review.period)
    return _periodic_out(cycle, unit, kind, period, review)


@router.get("/cycles/{cycle_id}/reviews", response={200: list[ReviewOut], **ERRORS})
def review_list(
    request: HttpRequest,
    cycle_id: str,
    kind: ReviewKind | None = None,
    unit_id: str | None = None,
) -> list[Review]:
    """Every review of a cycle (all kinds), optionally of one kind or one unit."""
    org = organization(request)
    cycle = cycle_get(org, cycle_id)
    unit = unit_get(org, unit_id) if unit_id else None
    return list(review_selectors.reviews_of(org, cycle, kind=kind, unit=unit))


@router.get(
    "/cycles/{cycle_id}/reviews/monthly/{month}", response={200: PeriodicReviewOut, **ERRORS}
)
def monthly_review_get(
    request: HttpRequest, cycle_id: str, month: str, unit_id: str | None = None
) -> dict:
    """A unit's review of one month (YYYY-MM) of the cycle; default unit: the company."""
    return _periodic_get(request, cycle_id, Review.Kind.MONTHLY, month, unit_id)


@router.put(
    "/cycles/{cycle_id}/reviews/monthly/{month}", response={200: PeriodicReviewOut, **ERRORS}
)
def monthly_review_put(
    request: HttpRequest,
    cycle_id: str,
    month: str,
    payload: PeriodicReviewIn,
    unit_id: str | None = None,
) -> dict:
    """Write a unit's monthly review (its leads and admins). Still allowed once the cycle is
    closed: review notes stay editable."""
    return _periodic_put(request, cycle_id, Review.Kind.MONTHLY, month, unit_id, payload)


@router.get("/cycles/{cycle_id}/reviews/mid-cycle", response={200: PeriodicReviewOut, **ERRORS})
def mid_cycle_review_get(request: HttpRequest, cycle_id: str, unit_id: str | None = None) -> dict:
    """A unit's mid-cycle review; default unit: the company."""
    return _periodic_get(request, cycle_id, Review.Kind.MID_CYCLE, None, unit_id)


@router.put("/cycles/{cycle_id}/reviews/mid-cycle", response={200: PeriodicReviewOut, **ERRORS})
def mid_cycle_review_put(
    request: HttpRequest, cycle_id: str, payload: PeriodicReviewIn, unit_id: str | None = None
) -> dict:
    """Write a unit's mid-cycle review (its leads and admins)."""
    return _periodic_put(request, cycle_id, Review.Kind.MID_CYCLE, None, unit_id, payload)


@router.post("/key-results/{key_result_id}/target", response={201: TargetChangeOut, **ERRORS})
def key_result_target_change(
    request: HttpRequest, key_result_id: str, payload: TargetChangeIn
) -> Status:
    """Change a key result's target (and a metric's start) with a reason; the old and new
    values are kept in its target history. Refused once the cycle is closed."""
    kr = key_result_get(organization(request), key_result_id)
    change = review_services.key_result_change_target(
        actor=actor(request),
        key_result=kr,
        target=payload.target,
        start=payload.start,
        reason=payload.reason,
    )
    return Status(201, change)


@router.get(
    "/key-results/{key_result_id}/target-changes", response={200: list[TargetChangeOut], **ERRORS}
)
def key_result_target_changes(request: HttpRequest, key_result_id: str) -> list[TargetChange]:
    """A key result's target changes, oldest first."""
    return list(
        review_selectors.target_changes_of(key_result_get(organization(request), key_result_id))
    )


# --- Retrospectives, department and company reviews, learnings --------------------------------

RetroText = Annotated[str, Field(max_length=4000), AfterValidator(_clean_text)]
ListItem = Annotated[str, Field(max_length=1000), AfterValidator(_clean_text)]
LearningKind = Literal[tuple(Learning.Kind.values)]
LEARNINGS_PAGE = 50


class RetroQuestionOut(Schema):
    id: str
    group: str
    text: str


class ScoredObjectiveOut(Schema):
    """An objective as a review shows it. ``score`` is its final score once scored; before
    that, the score its progress gives today (``preview`` true)."""

    id: UUID
    title: str
    unit_id: UUID
    commitment: Literal["committed", "aspirational"]
    score: float | None
    band: str | None = Field(description="The band's key under the organization's scheme.")
    band_label: str | None
    success: bool | None
    preview: bool
    needs_explanation: bool = Field(description="Committed and scored below 1.0.")
    explanation: str = ""


class RetrospectiveOut(Schema):
    """A team's retrospective; ``id`` is null while nobody has written it."""

    id: UUID | None
    cycle_id: UUID
    unit_id: UUID
    questions: list[RetroQuestionOut]
    answers: dict[str, str]
    overview: str
    satisfaction: Literal["", "yes", "partly", "no"]
    worked: str
    failed: str
    learnings: list[str]
    objectives: list[ScoredObjectiveOut]
    success_rate: float | None
    missing: list[str] = Field(description="What it still lacks to be complete.")
    completed_at: datetime | None


class RetrospectiveIn(Input):
    answers: dict[str, RetroText] = Field(
        default_factory=dict, description="Question id → answer; replaces the stored answers."
    )
    overview: RetroText = ""
    satisfaction: Literal["", "yes", "partly", "no"] = ""
    worked: RetroText = ""
    failed: RetroText = ""
    learnings: list[ListItem] = Field(default_factory=list, description="Three to six.")
    explanations: dict[UUID, RetroText] = Field(
        default_factory=dict,
        description="Objective id → why it scored below 1.0 (required for committed ones).",
    )


class TeamOverviewOut(Schema):
    unit_id: UUID
    name: str
    department_id: UUID | None
    satisfaction: str
    overview: str
    worked: str
    failed: str
    learnings: list[str]
    success_rate: float | None
    completed_at: datetime | None


class CompanyReviewOut(Schema):
    id: UUID | None
    cycle_id: UUID
    questions: list[QuestionOut]
    answers: dict[str, str]
    notes: str
    summary: str
    ideas: list[str]
    success_rate: float | None = Field(description="Every scored objective of the cycle.")
    company_success_rate: float | None
    company_objectives: list[ScoredObjectiveOut]
    teams: list[TeamOverviewOut]


class CompanyReviewIn(Input):
    answers: dict[str, RetroText] = Field(default_factory=dict)
    notes: Annotated[str, Field(max_length=10000), AfterValidator(_clean_text)] = ""
    summary: RetroText = ""
    ideas: list[ListItem] = Field(default_factory=list, description="Up to ten.")


class LearningOut(Schema):
    id: UUID
    kind: LearningKind
    text: str
    cycle_id: UUID
    cycle_name: str
    unit_id: UUID
    unit_name: str
    review_id: UUID

    @staticmethod
    def resolve_cycle_name(obj: Learning) -> str:
        return obj.cycle.name

    @staticmethod
    def resolve_unit_name(obj: Learning) -> str:
        return obj.unit.name


def _scored_out(o) -> dict:
    return {
        "id": o.id,
        "title": o.title,
        "unit_id": o.unit_id,
        "commitment": o.commitment,
        "score": o.final_score,
        "band": o.score_band.key if o.score_band else None,
        "band_label": o.score_band.label if o.score_band else None,
        "success": o.success,
        "preview": o.is_preview,
        "needs_explanation": o.needs_explanation,
        "explanation": getattr(o, "explanation", ""),
    }


def _retrospective_out(org, cycle, unit) -> dict:
    retro = review_selectors.team_retrospective(org, cycle, unit)
    r = retro.review
    return {
        "id": r.id if r else None,
        "cycle_id": cycle.id,
        "unit_id": unit.id,
        "questions": [
            {"id": q, "group": group, "text": text}
            for group, _title, qs in review_questions.RETROSPECTIVE
            for q, text in qs
        ],
        "answers": r.answers if r else {},
        "overview": r.overview if r else "",
        "satisfaction": r.satisfaction if r else "",
        "worked": r.worked if r else "",
        "failed": r.failed if r else "",
        "learnings": [x.text for x in retro.learnings],
        "objectives": [_scored_out(o) for o in retro.objectives],
        "success_rate": retro.success_rate,
        "missing": list(retro.missing.values()),
        "completed_at": r.completed_at if r else None,
    }


def _team_in_path(request: HttpRequest, cycle_id: str, unit_id: str):
    org = organization(request)
    return org, cycle_get(org, cycle_id), unit_get(org, unit_id)


@router.get(
    "/cycles/{cycle_id}/units/{unit_id}/retrospective",
    response={200: RetrospectiveOut, **ERRORS},
)
def retrospective_get(request: HttpRequest, cycle_id: str, unit_id: str) -> dict:
    """A team's retrospective: its objectives' scores, answers, overview, learnings and what
    it still lacks to be complete."""
    org, cycle, unit = _team_in_path(request, cycle_id, unit_id)
    return _retrospective_out(org, cycle, unit)


@router.put(
    "/cycles/{cycle_id}/units/{unit_id}/retrospective",
    response={200: RetrospectiveOut, **ERRORS},
)
def retrospective_put(
    request: HttpRequest, cycle_id: str, unit_id: str, payload: RetrospectiveIn
) -> dict:
    """Save a team's retrospective as a draft (its members, leads and admins); replaces the
    answers, learnings and explanations sent. Allowed after the cycle closes."""
    org, cycle, unit = _team_in_path(request, cycle_id, unit_id)
    review_services.retrospective_save(
        actor=actor(request),
        cycle=cycle,
        unit=unit,
        answers=payload.answers,
        overview=payload.overview,
        satisfaction=payload.satisfaction,
        worked=payload.worked,
        failed=payload.failed,
        learnings=payload.learnings,
        explanations=payload.explanations,
    )
    return _retrospective_out(org, cycle, unit)


@router.post(
    "/cycles/{cycle_id}/units/{unit_id}/retrospective/complete",
    response={200: RetrospectiveOut, **ERRORS},
)
def retrospective_complete(request: HttpRequest, cycle_id: str, unit_id: str) -> dict:
    """Mark a team's retrospective complete: 422 naming what is missing (overview,
    satisfaction, 3–6 learnings, an explanation per committed objective below 1.0)."""
    org, cycle, unit = _team_in_path(request, cycle_id, unit_id)
    review_services.retrospective_complete(actor=actor(request), cycle=cycle, unit=unit)
    return _retrospective_out(org, cycle, unit)


def _company_review_out(org, cycle) -> dict:
    cr = review_selectors.company_review(org, cycle)
    r = cr.review
    return {
        "id": r.id if r else None,
        "cycle_id": cycle.id,
        "questions": [{"id": q, "text": t} for q, t in review_questions.COMPANY],
        "answers": r.answers if r else {},
        "notes": r.notes if r else "",
        "summary": r.overview if r else "",
        "ideas": [i.text for i in cr.ideas],
        "success_rate": cr.success_rate,
        "company_success_rate": cr.company_success_rate,
        "company_objectives": [_scored_out(o) for o in cr.company_objectives],
        "teams": [
            {
                "unit_id": t.unit.id,
                "name": t.unit.name,
                "department_id": g.unit.id if g.unit else None,
                "satisfaction": t.review.satisfaction if t.review else "",
                "overview": t.review.overview if t.review else "",
                "worked": t.review.worked if t.review else "",
                "failed": t.review.failed if t.review else "",
                "learnings": [x.text for x in t.learnings],
                "success_rate": t.success_rate,
                "completed_at": t.review.completed_at if t.review else None,
            }
            for g in cr.groups
            for t in g.teams
        ],
    }


@router.get("/cycles/{cycle_id}/company-review", response={200: CompanyReviewOut, **ERRORS})
def company_review_get(request: HttpRequest, cycle_id: str) -> dict:
    """The company-wide review: every team's overview, the company objectives' outcome, the
    success rates, notes, closing summary and ideas for next cycle."""
    org = organization(request)
    return _company_review_out(org, cycle_get(org, cycle_id))


@router.put("/cycles/{cycle_id}/company-review", response={200: CompanyReviewOut, **ERRORS})
def company_review_put(request: HttpRequest, cycle_id: str, payload: CompanyReviewIn) -> dict:
    """Write the company-wide review's answers, notes, summary and ideas (admins)."""
    org = organization(request)
    cycle = cycle_get(org, cycle_id)
    review_services.company_review_save(
        actor=actor(request),
        cycle=cycle,
        answers=payload.answers,
        notes=payload.notes,
        summary=payload.summary,
        ideas=payload.ideas,
    )
    return _company_review_out(org, cycle)


@router.get("/learnings", response={200: list[LearningOut], **ERRORS})
def learning_list(
    request: HttpRequest,
    q: str = "",
    unit_id: str | None = None,
    cycle_id: str | None = None,
    kind: LearningKind | None = None,
    offset: int = Query(0, ge=0),
    limit: int = Query(LEARNINGS_PAGE, ge=1, le=200),
) -> list[Learning]:
    """The learnings archive: learnings, takeaways and ideas across cycles and units, newest
    cycle first; ``q`` searches their text. A foreign unit or cycle id is a 404."""
    org = organization(request)
    results = review_selectors.learnings_search(
        org,
        q=q[:200],
        unit=unit_get(org, unit_id) if unit_id else None,
        cycle=cycle_get(org, cycle_id) if cycle_id else None,
        kind=kind or "",
    )
    return list(results[offset : offset + limit])


# --- Next cycle: carry forward ---------------------------------------------------------------


class CarryForwardIn(Input):
    cycle_id: UUID
    unit_id: UUID | None = None


@router.post("/objectives/{objective_id}/carry-forward", response={201: ObjectiveOut, **ERRORS})
def objective_carry_forward(
    request: HttpRequest, objective_id: str, payload: CarryForwardIn
) -> Status:
    """Carry an objective into a later cycle as a new draft linked to it (``carried_from_id``):
    its unfinished key results come along, starting where they ended."""
    source = objective_get(organization(request), objective_id)
    with fields_renamed({"cycle": "cycle_id", "unit": "unit_id"}):
        carried = review_services.objective_carry_forward(
            actor=actor(request),
            objective=source,
            cycle=body_object(request, "cycle_id", cycle_get, payload.cycle_id),
            unit=body_object(request, "unit_id", unit_get, payload.unit_id),
        )
    return Status(201, with_progress(request, carried))
