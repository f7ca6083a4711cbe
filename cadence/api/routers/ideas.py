"""/api/v1: ideas rounds (docs/method.md §9) — open a round, answer its prompts, upvote and
comment on ideas, promote an idea into a draft objective or decline it."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema, Status

from cadence.api.auth import actor
from cadence.api.common import body_object, organization
from cadence.api.errors import fields_renamed
from cadence.api.schemas import ERRORS, Day, Input, text
from cadence.ideas import rules, selectors, services
from cadence.ideas.models import Idea, Round
from cadence.ideas.selectors import IdeaRow, RoundAccess
from cadence.okrs.selectors import cycle_get
from cadence.orgs.selectors import unit_get

router = Router(tags=["ideas"])

IdeaTitle = text(200, min_chars=1)
PromptText = text(200, min_chars=1)
Sort = Literal["votes", "newest"]


class PromptOut(Schema):
    id: UUID
    text: str


class RoundIn(Input):
    unit_id: UUID = Field(description="The unit asked; the company unit asks everyone.")
    cycle_id: UUID = Field(description="The cycle the ideas are for (not closed, not over).")
    opens_on: Day
    closes_on: Day = Field(description=f"On or after opens_on, {rules.MAX_DAYS} days at most.")
    prompts: list[PromptText] | None = Field(
        None,
        max_length=rules.MAX_PROMPTS,
        description="The questions asked (default: the four of the method).",
    )


class RoundOut(Schema):
    id: UUID
    unit_id: UUID
    cycle_id: UUID
    opens_on: date
    closes_on: date
    status: Literal["upcoming", "open", "closed"]
    opened_by_id: UUID | None
    prompts: list[PromptOut]


class IdeaCommentOut(Schema):
    id: UUID
    author_id: UUID | None
    text: str
    created_at: datetime


class IdeaOut(Schema):
    id: UUID
    prompt_id: UUID
    author_id: UUID | None
    title: str
    detail: str
    state: Literal["open", "promoted", "declined"]
    votes: int
    voted: bool = Field(description="Whether you upvoted it.")
    objective_id: UUID | None = Field(description="The draft objective it became.")
    decline_reason: str
    created_at: datetime
    comments: list[IdeaCommentOut]


class RoundDetailOut(RoundOut):
    ideas: list[IdeaOut]


class RoundQuery(Schema):
    sort: Sort = "votes"
    prompt_id: UUID | None = None


class IdeaIn(Input):
    prompt_id: UUID
    title: IdeaTitle
    detail: text(2000) = ""  # type: ignore[valid-type]


class IdeaCommentIn(Input):
    text: text(2000, min_chars=1)  # type: ignore[valid-type]


class VoteOut(Schema):
    voted: bool
    votes: int


class PromoteIn(Input):
    title: IdeaTitle | None = Field(None, description="Default: the idea's title.")
    why: text(2000) = ""  # type: ignore[valid-type]


class PromoteOut(Schema):
    objective_id: UUID


class DeclineIn(Input):
    reason: text(1000, min_chars=1)  # type: ignore[valid-type]


def _readable(request: HttpRequest, ideas_round: Round) -> None:
    if not RoundAccess(actor(request)).can_read(ideas_round):
        raise PermissionDenied("This round is for another team.")


def _round(request: HttpRequest, round_id: str) -> Round:
    ideas_round = selectors.round_get(organization(request), round_id)
    _readable(request, ideas_round)
    return ideas_round


def _idea(request: HttpRequest, idea_id: str) -> Idea:
    idea = selectors.idea_get(organization(request), idea_id)
    _readable(request, idea.round)
    return idea


def _round_out(ideas_round: Round) -> dict:
    return {
        "id": ideas_round.id,
        "unit_id": ideas_round.unit_id,
        "cycle_id": ideas_round.cycle_id,
        "opens_on": ideas_round.opens_on,
        "closes_on": ideas_round.closes_on,
        "status": selectors.round_status(ideas_round),
        "opened_by_id": ideas_round.opened_by_id,
        "prompts": list(ideas_round.prompts.all()),
    }


def _idea_out(row: IdeaRow) -> dict:
    i = row.idea
    return {
        "id": i.id,
        "prompt_id": i.prompt_id,
        "author_id": i.author_id,
        "title": i.title,
        "detail": i.detail,
        "state": i.state,
        "votes": row.votes,
        "voted": row.voted,
        "objective_id": row.objective.id if row.objective is not None else None,
        "decline_reason": i.decline_reason,
        "created_at": i.created_at,
        "comments": row.comments,
    }


def _idea_row(request: HttpRequest, idea: Idea) -> dict:
    rows = selectors.ideas_of(idea.round, person=actor(request))
    return _idea_out(next(r for r in rows if r.idea.id == idea.id))


@router.get("/ideas-rounds", response={200: list[RoundOut], **ERRORS})
def ideas_round_list(request: HttpRequest) -> list[dict]:
    """The rounds you can read: open ones first, then those still to open, then closed ones."""
    return [_round_out(row.round) for row in selectors.rounds_for(actor(request))]


@router.post("/ideas-rounds", response={201: RoundOut, **ERRORS})
def ideas_round_create(request: HttpRequest, payload: RoundIn) -> Status:
    """Open an ideas round for a unit (leads of it or above, admins); everyone it asks is
    told."""
    with fields_renamed({"unit": "unit_id", "cycle": "cycle_id"}):
        ideas_round = services.ideas_round_open(
            actor=actor(request),
            unit=body_object(request, "unit_id", unit_get, payload.unit_id),
            cycle=body_object(request, "cycle_id", cycle_get, payload.cycle_id),
            opens_on=payload.opens_on,
            closes_on=payload.closes_on,
            prompts=payload.prompts,
        )
    return Status(201, _round_out(ideas_round))


@router.get("/ideas-rounds/{round_id}", response={200: RoundDetailOut, **ERRORS})
def ideas_round_detail(request: HttpRequest, round_id: str, filters: Query[RoundQuery]) -> dict:
    """A round with its ideas, by votes (default) or newest first, optionally one prompt's."""
    ideas_round = _round(request, round_id)
    prompt = selectors.prompt_get(ideas_round, filters.prompt_id) if filters.prompt_id else None
    rows = selectors.ideas_of(ideas_round, person=actor(request), sort=filters.sort, prompt=prompt)
    out = _round_out(ideas_round)
    out["ideas"] = [_idea_out(r) for r in rows]
    return out


@router.post("/ideas-rounds/{round_id}/ideas", response={201: IdeaOut, **ERRORS})
def idea_create(request: HttpRequest, round_id: str, payload: IdeaIn) -> Status:
    """Answer one of the round's prompts while it is open."""
    ideas_round = _round(request, round_id)
    try:
        prompt = selectors.prompt_get(ideas_round, payload.prompt_id)
    except Http404 as exc:
        raise ValidationError({"prompt_id": "Choose one of this round's prompts."}) from exc
    idea = services.idea_add(
        actor=actor(request), prompt=prompt, title=payload.title, detail=payload.detail
    )
    return Status(201, _idea_row(request, idea))


def _vote(request: HttpRequest, idea_id: str, on: bool) -> dict:
    idea = _idea(request, idea_id)
    voted = services.idea_vote_set(actor=actor(request), idea=idea, on=on)
    return {"voted": voted, "votes": selectors.vote_count(idea)}


@router.post("/ideas/{idea_id}/vote", response={200: VoteOut, **ERRORS})
def idea_vote(request: HttpRequest, idea_id: str) -> dict:
    """Upvote an idea (once; not your own; while its round is open)."""
    return _vote(request, idea_id, True)


@router.delete("/ideas/{idea_id}/vote", response={200: VoteOut, **ERRORS})
def idea_unvote(request: HttpRequest, idea_id: str) -> dict:
    """Withdraw your upvote (while the round is open)."""
    return _vote(request, idea_id, False)


@router.post("/ideas/{idea_id}/comments", response={201: IdeaCommentOut, **ERRORS})
def idea_comment_create(request: HttpRequest, idea_id: str, payload: IdeaCommentIn) -> Status:
    """Comment on an idea while its round is open."""
    idea = _idea(request, idea_id)
    comment = services.idea_comment_add(actor=actor(request), idea=idea, text=payload.text)
    return Status(201, comment)


@router.post("/ideas/{idea_id}/promote", response={201: PromoteOut, **ERRORS})
def idea_promote(request: HttpRequest, idea_id: str, payload: PromoteIn) -> Status:
    """Promote an idea into a draft objective of its round's unit and cycle (the round's
    leaders); answers the new objective's id."""
    idea = _idea(request, idea_id)
    objective = services.idea_promote(
        actor=actor(request),
        idea=idea,
        title=payload.title if payload.title is not None else idea.title,
        why=payload.why,
    )
    return Status(201, {"objective_id": objective.id})


@router.post("/ideas/{idea_id}/decline", response={200: IdeaOut, **ERRORS})
def idea_decline(request: HttpRequest, idea_id: str, payload: DeclineIn) -> dict:
    """Decline an idea with a reason (the round's leaders)."""
    idea = _idea(request, idea_id)
    idea = services.idea_decline(actor=actor(request), idea=idea, reason=payload.reason)
    return _idea_row(request, idea)
