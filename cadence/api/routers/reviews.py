"""/api/v1: monthly and mid-cycle reviews, and target changes made at them (retrospectives:
``routers/retrospectives.py``; carrying forward: ``routers/planning.py``)."""

from datetime import date, datetime
from typing import Literal
from uuid import UUID

from django.http import Http404, HttpRequest
from ninja import Path, Router, Schema, Status
from pydantic import Field, create_model

from cadence.api.auth import actor
from cadence.api.common import organization
from cadence.api.schemas import (
    ERRORS,
    Input,
    MonthText,
    Number,
    RequiredReason,
    omittable,
    text,
)
from cadence.core.limits import MAX_NOTES
from cadence.core.validators import parse_month
from cadence.okrs.models import TargetChange
from cadence.okrs.selectors import cycle_get, key_result_get
from cadence.orgs.selectors import company_unit, unit_get
from cadence.reviews import questions as review_questions
from cadence.reviews import selectors as review_selectors
from cadence.reviews import services as review_services
from cadence.reviews.models import Review

router = Router(tags=["reviews"])

ReviewKind = Literal[tuple(Review.Kind.values)]
Answer = text(review_questions.MAX_ANSWER)
Notes = text(MAX_NOTES)


def answers_schema(name: str, questions, answer) -> type[Input]:
    """An object whose keys are the questions' ids, each optional: an unknown question is
    refused by the schema itself."""
    fields = {
        f"q{i}": (answer, omittable(text, alias=question_id))
        for i, (question_id, text) in enumerate(questions)
    }
    model = create_model(name, __base__=Input, **fields)
    model.model_config["populate_by_name"] = False
    return model


def answers_dict(answers: Input) -> dict[str, str]:
    return answers.model_dump(by_alias=True, exclude_unset=True)


MonthlyAnswers = answers_schema("MonthlyAnswers", review_questions.MONTHLY, Answer)
MidCycleAnswers = answers_schema("MidCycleAnswers", review_questions.MID_CYCLE, Answer)
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


class MonthlyReviewIn(Input):
    answers: MonthlyAnswers = Field(
        default_factory=MonthlyAnswers,
        description="Question id → answer; replaces the stored answers.",
    )
    notes: Notes = ""


class MidCycleReviewIn(Input):
    answers: MidCycleAnswers = Field(
        default_factory=MidCycleAnswers,
        description="Question id → answer; replaces the stored answers.",
    )
    notes: Notes = ""


class TargetChangeIn(Input):
    target: Number
    start: Number | None = Field(default=None, description="A metric's new start; null keeps it.")
    reason: RequiredReason


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
        first = parse_month(month)
    except ValueError as exc:
        raise Http404("No such month.") from exc
    if first not in review_services.cycle_months(cycle):
        raise Http404("No such month in this cycle.")
    return first


def _periodic_get(request, cycle_id, kind, month, unit_id) -> dict:
    org = organization(request)
    cycle = cycle_get(org, cycle_id)
    period = _month_of(cycle, month) if month is not None else None
    unit = _unit_or_company(request, unit_id)
    review = review_selectors.periodic_review_find(org, cycle, unit, kind, period)
    return _periodic_out(cycle, unit, kind, period, review)


def _periodic_put(request, cycle_id, kind, month, unit_id, payload) -> dict:
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
        answers=answers_dict(payload.answers),
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
    request: HttpRequest, cycle_id: str, month: Path[MonthText], unit_id: str | None = None
) -> dict:
    """A unit's review of one month (YYYY-MM) of the cycle; default unit: the company."""
    return _periodic_get(request, cycle_id, Review.Kind.MONTHLY, month, unit_id)


@router.put(
    "/cycles/{cycle_id}/reviews/monthly/{month}", response={200: PeriodicReviewOut, **ERRORS}
)
def monthly_review_put(
    request: HttpRequest,
    cycle_id: str,
    month: Path[MonthText],
    payload: MonthlyReviewIn,
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
    request: HttpRequest, cycle_id: str, payload: MidCycleReviewIn, unit_id: str | None = None
) -> dict:
    """Write a unit's mid-cycle review (its leads and admins)."""
    return _periodic_put(request, cycle_id, Review.Kind.MID_CYCLE, None, unit_id, payload)


@router.post("/key-results/{key_result_id}/target", response={201: TargetChangeOut, **ERRORS})
def key_result_target_change(
    request: HttpRequest, key_result_id: str, payload: TargetChangeIn
) -> Status:
    """Change a key result's target (and a metric's start) with a reason; the old and new
    values are kept in its target history. Refused once the cycle is closed."""
    kr = key_result_get(organization(request), key_result_id, viewer=actor(request))
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
        review_selectors.target_changes_of(
            key_result_get(organization(request), key_result_id, viewer=actor(request))
        )
    )
