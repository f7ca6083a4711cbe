"""/api/v1: retrospectives, department and company reviews, learnings."""

from datetime import datetime
from typing import Literal
from uuid import UUID

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from cadence.api.auth import actor
from cadence.api.common import organization
from cadence.api.routers.reviews import Notes, QuestionOut, answers_dict, answers_schema
from cadence.api.schemas import ERRORS, NO_NUL, Input, text
from cadence.core.limits import MAX_INT
from cadence.okrs.selectors import cycle_get
from cadence.orgs.selectors import unit_get
from cadence.retrospectives import selectors as retro_selectors
from cadence.retrospectives import services as retro_services
from cadence.retrospectives.models import Learning
from cadence.reviews import questions as review_questions

router = Router(tags=["reviews"])

RetroText = text(4000)
ListItem = text(1000)
RetroAnswers = answers_schema(
    "RetrospectiveAnswers",
    [q for _group, _title, qs in review_questions.RETROSPECTIVE for q in qs],
    RetroText,
)
CompanyAnswers = answers_schema("CompanyReviewAnswers", review_questions.COMPANY, RetroText)
LearningKind = Literal[tuple(Learning.Kind.values)]
LEARNINGS_PAGE = 50
MAX_LEARNINGS_PAGE = 200


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
    band: str | None = Field(
        description="The score's band on the 0.0–1.0 scale under the organization's scheme "
        "(its key). It does not say whether the objective succeeded: see success."
    )
    band_label: str | None = Field(description="The words of that band.")
    success: bool | None = Field(
        description="Committed: score 1.0; aspirational: 0.7 or more. Null when not scored."
    )
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
    answers: RetroAnswers = Field(
        default_factory=RetroAnswers,
        description="Question id → answer; replaces the stored answers.",
    )
    overview: RetroText = ""
    satisfaction: Literal["", "yes", "partly", "no"] = ""
    worked: RetroText = ""
    failed: RetroText = ""
    learnings: list[ListItem] = Field(
        default_factory=list,
        max_length=review_questions.MAX_LEARNINGS,
        description="Three to six to complete it (blank ones are dropped).",
    )
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
    answers: CompanyAnswers = Field(default_factory=CompanyAnswers)
    notes: Notes = ""
    summary: RetroText = ""
    ideas: list[ListItem] = Field(
        default_factory=list, max_length=review_questions.MAX_IDEAS, description="Up to ten."
    )


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
        "band": o.scale_band.key if o.scale_band else None,
        "band_label": o.scale_band.label if o.scale_band else None,
        "success": o.success,
        "preview": o.is_preview,
        "needs_explanation": o.needs_explanation,
        "explanation": getattr(o, "explanation", ""),
    }


def _retrospective_out(request, org, cycle, unit) -> dict:
    retro = retro_selectors.team_retrospective(org, cycle, unit, viewer=actor(request))
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
    return _retrospective_out(request, org, cycle, unit)


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
    retro_services.retrospective_save(
        actor=actor(request),
        cycle=cycle,
        unit=unit,
        answers=answers_dict(payload.answers),
        overview=payload.overview,
        satisfaction=payload.satisfaction,
        worked=payload.worked,
        failed=payload.failed,
        learnings=payload.learnings,
        explanations=payload.explanations,
    )
    return _retrospective_out(request, org, cycle, unit)


@router.post(
    "/cycles/{cycle_id}/units/{unit_id}/retrospective/complete",
    response={200: RetrospectiveOut, **ERRORS},
)
def retrospective_complete(request: HttpRequest, cycle_id: str, unit_id: str) -> dict:
    """Mark a team's retrospective complete: 422 naming what is missing (overview,
    satisfaction, 3–6 learnings, an explanation per committed objective below 1.0)."""
    org, cycle, unit = _team_in_path(request, cycle_id, unit_id)
    retro_services.retrospective_complete(actor=actor(request), cycle=cycle, unit=unit)
    return _retrospective_out(request, org, cycle, unit)


def _company_review_out(request, org, cycle) -> dict:
    cr = retro_selectors.company_review(org, cycle, viewer=actor(request))
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
    return _company_review_out(request, org, cycle_get(org, cycle_id))


@router.put("/cycles/{cycle_id}/company-review", response={200: CompanyReviewOut, **ERRORS})
def company_review_put(request: HttpRequest, cycle_id: str, payload: CompanyReviewIn) -> dict:
    """Write the company-wide review's answers, notes, summary and ideas (admins)."""
    org = organization(request)
    cycle = cycle_get(org, cycle_id)
    retro_services.company_review_save(
        actor=actor(request),
        cycle=cycle,
        answers=answers_dict(payload.answers),
        notes=payload.notes,
        summary=payload.summary,
        ideas=payload.ideas,
    )
    return _company_review_out(request, org, cycle)


@router.get("/learnings", response={200: list[LearningOut], **ERRORS})
def learning_list(
    request: HttpRequest,
    q: str = Query("", pattern=NO_NUL, description="Words to search for (200 characters read)."),
    unit_id: str | None = None,
    cycle_id: str | None = None,
    kind: LearningKind | None = None,
    offset: int = Query(0, ge=0, le=MAX_INT),
    limit: int = Query(LEARNINGS_PAGE, ge=1, le=MAX_LEARNINGS_PAGE),
) -> list[Learning]:
    """The learnings archive: learnings, takeaways and ideas across cycles and units, newest
    cycle first; ``q`` searches their text. A foreign unit or cycle id is a 404."""
    org = organization(request)
    results = retro_selectors.learnings_search(
        org,
        q=q[:200],
        unit=unit_get(org, unit_id) if unit_id else None,
        cycle=cycle_get(org, cycle_id) if cycle_id else None,
        kind=kind or "",
    )
    return list(results[offset : offset + limit])
