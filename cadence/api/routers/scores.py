"""/api/v1: end-of-cycle scores — closing a cycle, adjusting scores by hand, the cycle's summary
and the grading scheme."""

from datetime import datetime
from typing import Literal
from uuid import UUID

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field

from cadence.api.auth import actor
from cadence.api.common import key_result_with_progress, organization, with_progress
from cadence.api.schemas import (
    BAND_HELP,
    ERRORS,
    Commitment,
    Input,
    KeyResultOut,
    ObjectiveOut,
    RequiredReason,
    ScoreBand,
    ScoreValue,
)
from cadence.okrs.selectors import cycle_get, key_result_get, objective_get
from cadence.orgs.models import Organization
from cadence.scoring import selectors, services
from cadence.scoring.models import ScoreChange

router = Router(tags=["scores"])

GradingScheme = Literal[tuple(Organization.GradingScheme.values)]


class ScoreIn(Input):
    score: ScoreValue = Field(
        description="0.0 to 1.0; more than one decimal is rounded half up (0.65 → 0.7)."
    )
    reason: RequiredReason = Field(description="Why the score differs from the computed one.")


class ScoreChangeOut(Schema):
    id: UUID
    objective_id: UUID | None
    key_result_id: UUID | None
    computed_score: float | None = Field(description="The score computed from progress then.")
    old_score: float | None
    new_score: float
    reason: str
    actor_id: UUID | None
    at: datetime

    @staticmethod
    def resolve_at(obj: ScoreChange) -> datetime:
        return obj.created_at


class ObjectiveScoreOut(Schema):
    id: UUID
    title: str
    unit_id: UUID
    commitment: Commitment
    score: float | None = Field(description="The score in force; null when not scored.")
    computed_score: float | None = Field(description="The score computed from progress.")
    band: ScoreBand | None = Field(description=BAND_HELP)
    success: bool | None = Field(
        description="Committed: score 1.0; aspirational: 0.7 or more. Null when not scored."
    )
    adjusted: bool = Field(description="A person adjusted the score (see score-history).")


class UnitRateOut(Schema):
    id: UUID
    name: str
    success_rate: float | None
    scored: int
    succeeded: int


class CycleSummaryOut(Schema):
    cycle_id: UUID
    closed: bool
    preview: bool = Field(
        description="True until the cycle is closed: scores come from today's progress."
    )
    grading_scheme: GradingScheme
    success_rate: float | None = Field(
        description="Succeeded / scored over every scored objective of the cycle (the company)."
    )
    scored: int
    succeeded: int
    objectives: list[ObjectiveScoreOut] = Field(
        description="Every scored objective (approved or closed); drafts, proposals and "
        "abandoned objectives are not scored."
    )
    units: list[UnitRateOut] = Field(description="Success rate of each unit's own objectives.")


class GradingSchemeIn(Input):
    scheme: GradingScheme


class GradingSchemeOut(Schema):
    scheme: GradingScheme


def _summary(request: HttpRequest, cycle) -> dict:
    summary = selectors.cycle_summary(organization(request), cycle, viewer=actor(request))
    return {
        "cycle_id": cycle.pk,
        "closed": bool(cycle.closed_at),
        "preview": summary.preview,
        "grading_scheme": summary.scheme,
        "success_rate": summary.success_rate,
        "scored": summary.scored,
        "succeeded": summary.succeeded,
        "objectives": [
            {
                "id": r.obj.pk,
                "title": r.obj.title,
                "unit_id": r.obj.unit_id,
                "commitment": r.obj.commitment,
                "score": r.score,
                "computed_score": r.computed,
                "band": r.band.key if r.band else None,
                "success": r.success,
                "adjusted": r.adjusted,
            }
            for r in summary.objectives
            if r.scoreable
        ],
        "units": [
            {
                "id": u.unit.pk,
                "name": u.unit.name,
                "success_rate": u.success_rate,
                "scored": u.scored,
                "succeeded": u.succeeded,
            }
            for u in summary.units
        ],
    }


@router.post("/cycles/{cycle_id}/close", response={200: CycleSummaryOut, **ERRORS})
def cycle_close(request: HttpRequest, cycle_id: str) -> dict:
    """Close a cycle (admins): scores every approved objective and its key results from their
    progress now, keeps scores already adjusted by hand, and makes the cycle read-only
    (check-ins and edits answer 409 from then on). Answers the cycle's summary."""
    cycle = cycle_get(organization(request), cycle_id)
    services.cycle_close(actor=actor(request), cycle=cycle)
    return _summary(request, cycle)


@router.get("/cycles/{cycle_id}/summary", response={200: CycleSummaryOut, **ERRORS})
def cycle_summary(request: HttpRequest, cycle_id: str) -> dict:
    """The cycle's scores, bands, successes and success rates (company and per unit). Before
    the cycle closes, the scores are a preview from live progress (``preview``: true)."""
    return _summary(request, cycle_get(organization(request), cycle_id))


@router.patch("/objectives/{objective_id}/score", response={200: ObjectiveOut, **ERRORS})
def objective_score(request: HttpRequest, objective_id: str, payload: ScoreIn):
    """Adjust an objective's score by hand (leads of its unit and admins; in the review phase
    or after the close). The reason is required and kept beside the computed score."""
    objective = objective_get(organization(request), objective_id, viewer=actor(request))
    services.objective_score_adjust(
        actor=actor(request), objective=objective, score=payload.score, reason=payload.reason
    )
    return with_progress(
        request, objective_get(organization(request), objective_id, viewer=actor(request))
    )


@router.patch("/key-results/{key_result_id}/score", response={200: KeyResultOut, **ERRORS})
def key_result_score(request: HttpRequest, key_result_id: str, payload: ScoreIn):
    """Adjust a key result's score by hand, as for objectives."""
    kr = key_result_get(organization(request), key_result_id, viewer=actor(request))
    services.key_result_score_adjust(
        actor=actor(request), key_result=kr, score=payload.score, reason=payload.reason
    )
    return key_result_with_progress(
        request, key_result_get(organization(request), key_result_id, viewer=actor(request))
    )


@router.get(
    "/objectives/{objective_id}/score-history", response={200: list[ScoreChangeOut], **ERRORS}
)
def objective_score_history(request: HttpRequest, objective_id: str) -> list[ScoreChange]:
    """The hand adjustments of an objective's score, oldest first."""
    return selectors.score_history(
        objective_get(organization(request), objective_id, viewer=actor(request))
    )


@router.get("/grading-scheme", response={200: GradingSchemeOut, **ERRORS})
def grading_scheme_get(request: HttpRequest) -> dict:
    """How the organization shows scores: bands (0.0–1.0), percent, or a traffic light."""
    return {"scheme": organization(request).grading_scheme}


@router.put("/grading-scheme", response={200: GradingSchemeOut, **ERRORS})
def grading_scheme_set(request: HttpRequest, payload: GradingSchemeIn) -> dict:
    """Choose how the organization shows scores (admins). The scores do not change."""
    org = services.organization_grading_scheme_set(actor=actor(request), scheme=payload.scheme)
    return {"scheme": org.grading_scheme}
