"""Comments, likes and the organization's feed.

Comments and likes hang off objectives, key results and weekly items; the same three routes
exist under each. Another organization's ids are 404; bad input 422; viewers may read, not write.
"""

from datetime import datetime
from typing import Literal
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict

from cadence.api.auth import actor
from cadence.api.common import organization
from cadence.api.schemas import DATE_PATTERN, ERRORS, PATTERN_MESSAGES, Input, text
from cadence.core.limits import DATE_RANGE_TEXT
from cadence.feed import selectors, services
from cadence.feed.models import MAX_COMMENT_TEXT, TARGET_FIELDS, Comment
from cadence.feed.selectors import Event
from cadence.feed.targets import Target, target_field
from cadence.okrs.selectors import key_result_get, objective_get
from cadence.orgs.selectors import person_get, unit_get
from cadence.weekly.selectors import item_get
from cadence.weekly.weeks import format_week

router = Router(tags=["comments, likes and feed"])

CommentText = text(MAX_COMMENT_TEXT, min_chars=1)
# ``before``: an ISO 8601 date-time (a date alone is midnight; no zone is UTC) or a cursor,
# ``<date-time>~<kind>~<id>``, as ``next_before`` gives it.
_DAY = DATE_PATTERN.removeprefix("^").removesuffix("$")
_ZONE = r"(?:Z|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])?"
_TIME = rf"(?:[T ](?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:\.[0-9]{{1,6}})?)?{_ZONE})?"
_UUID = r"[0-9a-fA-F]{8}-?(?:[0-9a-fA-F]{4}-?){3}[0-9a-fA-F]{12}"
CURSOR_PATTERN = rf"^{_DAY}{_TIME}(?:~(?:{'|'.join(selectors.KINDS)})~{_UUID})?$"
PATTERN_MESSAGES[CURSOR_PATTERN] = (
    f"Give a date-time such as 2026-11-20T17:00:00Z ({DATE_RANGE_TEXT}), or a next_before cursor."
)
TargetKind = Literal["objective", "key_result", "item"]


class PersonRef(Schema):
    id: UUID
    name: str


class CommentIn(Input):
    text: CommentText = Field(
        description="Up to 5000 characters. '@jane.doe' or '@jane.doe@example.com' mentions a "
        "person of your organization, who is notified in the app and by email."
    )


class CommentOut(Schema):
    id: UUID
    author: PersonRef | None
    text: str
    created_at: datetime
    target: TargetKind
    target_id: UUID
    mentions: list[UUID] = Field(description="Ids of the people the comment mentions.")


class LikeOut(Schema):
    liked: bool = Field(description="Whether you like it now.")
    count: int = Field(description="How many people like it.")


class EventOut(Schema):
    kind: Literal["check_in", "plan_done", "comment", "objective"]
    at: datetime
    id: UUID = Field(description="The check-in's, move's, comment's or objective's id.")
    actor: PersonRef | None
    summary: str
    objective_id: UUID | None = None
    key_result_id: UUID | None = None
    item_id: UUID | None = None
    unit_id: UUID | None = None


class FeedOut(Schema):
    events: list[EventOut]
    next_before: str | None = Field(
        description="Pass as `before` for the next, older page; null on the last page."
    )


class FeedQuery(Schema):
    model_config = ConfigDict(regex_engine="python-re")

    unit_id: UUID | None = Field(None, description="Only this unit and the units below it.")
    person_id: UUID | None = Field(None, description="Only what this person did.")
    before: str | None = Field(
        None,
        pattern=CURSOR_PATTERN,
        description="A `next_before` cursor, or an ISO 8601 date-time: older events only.",
    )
    limit: int = Field(selectors.FEED_PAGE, ge=1, le=selectors.MAX_FEED_PAGE)


def _person(person) -> dict | None:
    return {"id": person.pk, "name": person.name} if person is not None else None


def _comment_out(comment: Comment) -> dict:
    field = next(name for name in TARGET_FIELDS if getattr(comment, f"{name}_id"))
    return {
        "id": comment.pk,
        "author": _person(comment.author),
        "text": comment.text,
        "created_at": comment.created_at,
        "target": field,
        "target_id": getattr(comment, f"{field}_id"),
        "mentions": [m.person_id for m in comment.mentions.all()],
    }


def _list(target: Target) -> list[dict]:
    comments = selectors.comments_of(target).prefetch_related("mentions")
    return [_comment_out(c) for c in comments]


def _create(request: HttpRequest, target: Target, payload: CommentIn) -> Status:
    comment = services.comment_create(actor=actor(request), target=target, text=payload.text)
    return Status(201, _comment_out(comment))


def _like(request: HttpRequest, target: Target) -> dict:
    liked, count = services.like_toggle(actor=actor(request), target=target)
    return {"liked": liked, "count": count}


# Objectives -------------------------------------------------------------------------------


@router.get("/objectives/{objective_id}/comments", response={200: list[CommentOut], **ERRORS})
def objective_comment_list(request: HttpRequest, objective_id: str) -> list[dict]:
    """The objective's comments, oldest first."""
    return _list(objective_get(organization(request), objective_id, viewer=actor(request)))


@router.post("/objectives/{objective_id}/comments", response={201: CommentOut, **ERRORS})
def objective_comment_create(request: HttpRequest, objective_id: str, payload: CommentIn) -> Status:
    return _create(
        request, objective_get(organization(request), objective_id, viewer=actor(request)), payload
    )


@router.post("/objectives/{objective_id}/like", response={200: LikeOut, **ERRORS})
def objective_like(request: HttpRequest, objective_id: str) -> dict:
    """Like the objective, or take your like back (a toggle)."""
    return _like(request, objective_get(organization(request), objective_id, viewer=actor(request)))


# Key results ------------------------------------------------------------------------------


@router.get("/key-results/{key_result_id}/comments", response={200: list[CommentOut], **ERRORS})
def key_result_comment_list(request: HttpRequest, key_result_id: str) -> list[dict]:
    """The key result's comments, oldest first."""
    return _list(key_result_get(organization(request), key_result_id, viewer=actor(request)))


@router.post("/key-results/{key_result_id}/comments", response={201: CommentOut, **ERRORS})
def key_result_comment_create(
    request: HttpRequest, key_result_id: str, payload: CommentIn
) -> Status:
    return _create(
        request,
        key_result_get(organization(request), key_result_id, viewer=actor(request)),
        payload,
    )


@router.post("/key-results/{key_result_id}/like", response={200: LikeOut, **ERRORS})
def key_result_like(request: HttpRequest, key_result_id: str) -> dict:
    """Like the key result, or take your like back (a toggle)."""
    return _like(
        request, key_result_get(organization(request), key_result_id, viewer=actor(request))
    )


# Weekly items -----------------------------------------------------------------------------


@router.get("/weekly-items/{item_id}/comments", response={200: list[CommentOut], **ERRORS})
def weekly_item_comment_list(request: HttpRequest, item_id: str) -> list[dict]:
    """The weekly item's comments, oldest first."""
    return _list(item_get(organization(request), item_id, viewer=actor(request)))


@router.post("/weekly-items/{item_id}/comments", response={201: CommentOut, **ERRORS})
def weekly_item_comment_create(request: HttpRequest, item_id: str, payload: CommentIn) -> Status:
    return _create(
        request, item_get(organization(request), item_id, viewer=actor(request)), payload
    )


@router.post("/weekly-items/{item_id}/like", response={200: LikeOut, **ERRORS})
def weekly_item_like(request: HttpRequest, item_id: str) -> dict:
    """Like the weekly item, or take your like back (a toggle)."""
    return _like(request, item_get(organization(request), item_id, viewer=actor(request)))


# Comments ---------------------------------------------------------------------------------


@router.delete("/comments/{comment_id}", response={204: None, **ERRORS})
def comment_delete(request: HttpRequest, comment_id: str) -> Status:
    """Delete a comment: its author or an admin."""
    comment = selectors.comment_get(organization(request), comment_id, viewer=actor(request))
    services.comment_delete(actor=actor(request), comment=comment)
    return Status(204, None)


# The feed ---------------------------------------------------------------------------------


def _event_out(event: Event) -> dict:
    out = {
        "kind": event.kind,
        "at": event.at,
        "id": event.id,
        "actor": _person(event.actor),
    }
    subject = event.subject
    if event.kind == selectors.CHECK_IN:
        kr = subject.key_result
        unit = f" {kr.unit}" if kr.unit else ""
        out.update(
            summary=f"Checked in on {kr.title}: {subject.value:g}{unit}, "
            f"{subject.get_confidence_display().lower()}",
            key_result_id=kr.pk,
            objective_id=kr.objective_id,
            unit_id=kr.objective.unit_id,
        )
    elif event.kind == selectors.PLAN_DONE:
        item = subject.item
        out.update(
            actor=_person(item.update.person),
            summary=f"Done ({format_week(item.update.week)}): {item.text}",
            item_id=item.pk,
            objective_id=item.objective_id,
            key_result_id=item.key_result_id,
        )
    elif event.kind == selectors.COMMENT:
        field = target_field(subject.target)
        out.update(summary=subject.text, **{f"{field}_id": getattr(subject, f"{field}_id")})
    else:
        out.update(
            summary=f"New objective for {subject.unit.name}: {subject.title}",
            objective_id=subject.pk,
            unit_id=subject.unit_id,
        )
    return out


@router.get("/feed", response={200: FeedOut, **ERRORS})
def feed(request: HttpRequest, filters: Query[FeedQuery]) -> dict:
    """The organization's feed, newest first: key-result check-ins, completed plans (weekly
    items moved to Progress), comments and new objectives."""
    org = organization(request)
    unit = unit_get(org, filters.unit_id) if filters.unit_id else None
    person = person_get(org, filters.person_id) if filters.person_id else None
    page = selectors.feed(
        org,
        viewer=actor(request),
        unit=unit,
        person=person,
        before=filters.before,
        limit=filters.limit,
    )
    return {"events": [_event_out(e) for e in page.events], "next_before": page.next_before}
