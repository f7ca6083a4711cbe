"""/api/v1/one-on-ones: a person's 1:1s (as lead and as member), their meetings with the agenda,
talking points, notes (private ones only to their writer), action items carried until done, and
feedback. Only the two people of a pair reach any of it: to anyone else, admins included, every
route of a pair answers 404, as for an id that does not exist."""

import zoneinfo
from datetime import date, datetime
from datetime import time as clock
from typing import Annotated, Literal
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema, Status
from pydantic import BeforeValidator

from cadence.api.auth import actor
from cadence.api.common import body_object
from cadence.api.routers.units import ClockTime, Weekday
from cadence.api.schemas import ERRORS, Day, Flag, Input, json_integer, omittable, text
from cadence.okrs.selectors import key_result_get, objective_get
from cadence.oneonones import selectors, services
from cadence.oneonones.models import (
    MAX_ACTION,
    MAX_FEEDBACK,
    MAX_NOTE,
    MAX_POINT,
    ActionItem,
    Feedback,
    Meeting,
    Note,
    Pair,
)
from cadence.orgs.selectors import person_get

router = Router(tags=["one-on-ones"])

Frequency = Literal[tuple(Pair.Frequency.values)]
Owner = Literal[tuple(ActionItem.Owner.values)]
Minutes = Annotated[
    int, Field(ge=Pair.MIN_MINUTES, le=Pair.MAX_MINUTES), BeforeValidator(json_integer)
]


# Schemas ----------------------------------------------------------------------------------


class PairOut(Schema):
    id: UUID
    lead_id: UUID
    lead_name: str
    member_id: UUID
    member_name: str
    frequency: Frequency
    weekday: int = Field(description="0 Monday … 6 Sunday.")
    time: str = Field(description="HH:MM in the lead's time zone.")
    time_zone: str = Field(description="The lead's time zone (theirs, else the organization's).")
    minutes: int
    starts_on: date
    next_meeting_at: datetime

    @staticmethod
    def resolve_lead_name(obj: Pair) -> str:
        return obj.lead.name

    @staticmethod
    def resolve_member_name(obj: Pair) -> str:
        return obj.member.name

    @staticmethod
    def resolve_time(obj: Pair) -> str:
        return obj.at.strftime("%H:%M")

    @staticmethod
    def resolve_time_zone(obj: Pair) -> str:
        return selectors.time_zone_of(obj.lead)

    @staticmethod
    def resolve_next_meeting_at(obj: Pair) -> datetime:
        return selectors.next_meeting_at(obj)


class PairIn(Input):
    member_id: UUID = Field(description="A person in a unit you lead, or in a unit below it.")
    frequency: Frequency
    weekday: Weekday
    time: ClockTime = Field(description="HH:MM in your time zone.")
    minutes: Minutes = omittable(f"How long it lasts; default {Pair.DEFAULT_MINUTES}.")
    starts_on: Day = omittable("The first day the schedule counts from; default today.")


class MeetingIn(Input):
    """Both or neither: without them, the next scheduled 1:1."""

    date: Day = omittable("The day of the meeting.")
    time: ClockTime = omittable("HH:MM in the lead's time zone.")


class TalkingPointOut(Schema):
    id: UUID
    author_id: UUID
    text: str
    created_at: datetime


class NoteOut(Schema):
    id: UUID
    author_id: UUID
    text: str
    private: bool = Field(description="Only its writer reads it (so only they are ever sent it).")
    created_at: datetime
    updated_at: datetime


class ActionItemOut(Schema):
    id: UUID
    owner: Owner
    text: str
    done: bool
    raised_in_id: UUID
    done_in_id: UUID | None


class KeyResultToDiscussOut(Schema):
    key_result_id: UUID
    title: str
    objective_title: str
    reasons: list[str] = Field(description="off_track and/or stalled.")


class PersonalObjectiveOut(Schema):
    objective_id: UUID
    title: str
    progress: float | None = Field(description="0..1, or null while nothing is measured.")
    state: str


class WeeklyItemOut(Schema):
    id: UUID
    text: str
    week: date = Field(description="The Monday of the item's week.")


class UpdatesGroupOut(Schema):
    category: str
    name: str
    items: list[WeeklyItemOut]


class AgendaOut(Schema):
    since: date
    until: date
    updates: list[UpdatesGroupOut] = Field(
        description="The member's weekly items since the last 1:1: Problems, Progress, Plans, "
        "then other categories."
    )
    key_results: list[KeyResultToDiscussOut]
    personal_objectives: list[PersonalObjectiveOut] = Field(
        description="The member's personal development objectives of the current cycle."
    )


class MeetingOut(Schema):
    id: UUID
    pair_id: UUID
    at: datetime


class MeetingDetailOut(MeetingOut):
    agenda: AgendaOut
    talking_points: list[TalkingPointOut]
    notes: list[NoteOut] = Field(description="Shared notes and your own private ones.")
    action_items: list[ActionItemOut] = Field(
        description="Raised in this meeting or before and not done in an earlier one."
    )


class TextIn(Input):
    text: text(MAX_POINT, min_chars=1)
    meeting_id: UUID = omittable("Default: the next meeting.")


class NoteIn(Input):
    text: text(MAX_NOTE, min_chars=1)
    private: Flag = False
    meeting_id: UUID = omittable("Default: the next meeting.")


class NotePatch(Input):
    text: text(MAX_NOTE, min_chars=1)
    private: Flag = omittable()


class ActionItemIn(Input):
    owner: Owner
    text: text(MAX_ACTION, min_chars=1)
    meeting_id: UUID = omittable("Default: the next meeting.")


class TickIn(Input):
    done: Flag = True
    meeting_id: UUID = omittable("The meeting it was done in; default: the next one.")


class FeedbackIn(Input):
    text: text(MAX_FEEDBACK, min_chars=1)
    objective_id: UUID = omittable()
    key_result_id: UUID = omittable()


class FeedbackOut(Schema):
    id: UUID
    author_id: UUID
    text: str
    objective_id: UUID | None
    key_result_id: UUID | None
    created_at: datetime


# Helpers ----------------------------------------------------------------------------------


def _clock(text: str) -> clock:
    hours, minutes = text.split(":")
    return clock(int(hours), int(minutes))


def _pair(request: HttpRequest, pair_id: str) -> Pair:
    return selectors.pair_get(actor(request), pair_id)


def _meeting_in_body(pair: Pair, meeting_id) -> Meeting | None:
    if meeting_id is None:
        return None
    try:
        return selectors.meeting_get(pair, meeting_id)
    except Http404 as exc:  # a body id is bad input for its field
        raise ValidationError({"meeting_id": "Choose one of this 1:1's meetings."}) from exc


def _meeting_detail(request: HttpRequest, pair: Pair, meeting: Meeting) -> dict:
    view = selectors.meeting_view(pair, actor(request), meeting.at)
    return {
        "id": meeting.id,
        "pair_id": pair.id,
        "at": meeting.at,
        "agenda": {
            "since": view.agenda.since,
            "until": view.agenda.until,
            "updates": [
                {
                    "category": slug,
                    "name": name,
                    "items": [{"id": i.id, "text": i.text, "week": i.update.week} for i in items],
                }
                for name, slug, items in view.agenda.updates
            ],
            "key_results": [
                {
                    "key_result_id": k.key_result.id,
                    "title": k.key_result.title,
                    "objective_title": k.objective_title,
                    "reasons": list(k.reasons),
                }
                for k in view.agenda.key_results
            ],
            "personal_objectives": [
                {"objective_id": o.id, "title": o.title, "progress": o.progress, "state": o.state}
                for o in view.agenda.personal
            ],
        },
        "talking_points": view.talking_points,
        "notes": view.notes,
        "action_items": [_item_out(i) for i in view.action_items],
    }


def _item_out(item: ActionItem) -> dict:
    return {
        "id": item.id,
        "owner": item.owner,
        "text": item.text,
        "done": item.done,
        "raised_in_id": item.raised_in_id,
        "done_in_id": item.done_in_id,
    }


# Routes -----------------------------------------------------------------------------------


@router.get("/one-on-ones", response={200: list[PairOut], **ERRORS})
def pair_list(request: HttpRequest) -> list[Pair]:
    """Your 1:1s, as lead and as member."""
    return list(selectors.pairs_of(actor(request)))


@router.post("/one-on-ones", response={201: PairOut, **ERRORS})
def pair_create(request: HttpRequest, payload: PairIn) -> Status:
    """Set up a recurring 1:1 with a person you lead (you are its lead)."""
    member = body_object(request, "member_id", person_get, payload.member_id)
    pair = services.pair_create(
        actor=actor(request),
        member=member,
        frequency=payload.frequency,
        weekday=payload.weekday,
        at=_clock(payload.time),
        minutes=payload.minutes,
        starts_on=payload.starts_on,
    )
    return Status(201, selectors.pair_get(actor(request), pair.pk))


@router.get("/one-on-ones/{pair_id}", response={200: PairOut, **ERRORS})
def pair_detail(request: HttpRequest, pair_id: str) -> Pair:
    return _pair(request, pair_id)


@router.get("/one-on-ones/{pair_id}/meetings", response={200: list[MeetingOut], **ERRORS})
def meeting_list(request: HttpRequest, pair_id: str) -> list[Meeting]:
    """The pair's meetings, earliest first (a meeting exists once something was added to it)."""
    return list(selectors.meetings_of(_pair(request, pair_id)))


@router.post("/one-on-ones/{pair_id}/meetings", response={201: MeetingDetailOut, **ERRORS})
def meeting_create(request: HttpRequest, pair_id: str, payload: MeetingIn) -> Status:
    """Add a meeting at a given moment, or at the next scheduled time; asking again for the
    same moment answers the same meeting."""
    pair = _pair(request, pair_id)
    at = None
    if (payload.date is None) != (payload.time is None):
        missing = "time" if payload.time is None else "date"
        raise ValidationError({missing: "Give both the day and the time, or neither."})
    if payload.date is not None:
        zone = zoneinfo.ZoneInfo(selectors.time_zone_of(pair.lead))
        at = datetime.combine(payload.date, _clock(payload.time), tzinfo=zone)
    meeting = services.meeting_create(actor=actor(request), pair=pair, at=at)
    return Status(201, _meeting_detail(request, pair, meeting))


@router.get(
    "/one-on-ones/{pair_id}/meetings/{meeting_id}", response={200: MeetingDetailOut, **ERRORS}
)
def meeting_detail(request: HttpRequest, pair_id: str, meeting_id: str) -> dict:
    """A meeting with its agenda, talking points, notes you may read and action items."""
    pair = _pair(request, pair_id)
    return _meeting_detail(request, pair, selectors.meeting_get(pair, meeting_id))


@router.post("/one-on-ones/{pair_id}/talking-points", response={201: TalkingPointOut, **ERRORS})
def talking_point_add(request: HttpRequest, pair_id: str, payload: TextIn) -> Status:
    pair = _pair(request, pair_id)
    point = services.talking_point_add(
        actor=actor(request),
        pair=pair,
        text=payload.text,
        meeting=_meeting_in_body(pair, payload.meeting_id),
    )
    return Status(201, point)


@router.post("/one-on-ones/{pair_id}/notes", response={201: NoteOut, **ERRORS})
def note_add(request: HttpRequest, pair_id: str, payload: NoteIn) -> Status:
    """A shared note, or a private one (``private``: only you will ever read it)."""
    pair = _pair(request, pair_id)
    note = services.note_add(
        actor=actor(request),
        pair=pair,
        text=payload.text,
        private=payload.private,
        meeting=_meeting_in_body(pair, payload.meeting_id),
    )
    return Status(201, note)


@router.patch("/one-on-ones/{pair_id}/notes/{note_id}", response={200: NoteOut, **ERRORS})
def note_update(request: HttpRequest, pair_id: str, note_id: str, payload: NotePatch) -> Note:
    """Rewrite your note. Another's private note is a 404; another's shared one a 403."""
    pair = _pair(request, pair_id)
    note = selectors.note_get(pair, actor(request), note_id)
    return services.note_update(
        actor=actor(request), note=note, text=payload.text, private=payload.private
    )


@router.post("/one-on-ones/{pair_id}/action-items", response={201: ActionItemOut, **ERRORS})
def action_item_add(request: HttpRequest, pair_id: str, payload: ActionItemIn) -> Status:
    """Something the lead or the member will do: shown on every meeting until done."""
    pair = _pair(request, pair_id)
    item = services.action_item_add(
        actor=actor(request),
        pair=pair,
        owner=payload.owner,
        text=payload.text,
        meeting=_meeting_in_body(pair, payload.meeting_id),
    )
    return Status(201, _item_out(item))


@router.post(
    "/one-on-ones/{pair_id}/action-items/{action_item_id}/tick",
    response={200: ActionItemOut, **ERRORS},
)
def action_item_tick(
    request: HttpRequest, pair_id: str, action_item_id: str, payload: TickIn
) -> dict:
    """Tick an action item done (``done: false`` reopens it)."""
    pair = _pair(request, pair_id)
    item = selectors.action_item_get(pair, action_item_id)
    item = services.action_item_tick(
        actor=actor(request),
        item=item,
        done=payload.done,
        meeting=_meeting_in_body(pair, payload.meeting_id),
    )
    return _item_out(item)


@router.get("/one-on-ones/{pair_id}/feedback", response={200: list[FeedbackOut], **ERRORS})
def feedback_list(request: HttpRequest, pair_id: str) -> list[Feedback]:
    return selectors.feedback_of(_pair(request, pair_id), viewer=actor(request))


@router.post("/one-on-ones/{pair_id}/feedback", response={201: FeedbackOut, **ERRORS})
def feedback_add(request: HttpRequest, pair_id: str, payload: FeedbackIn) -> Status:
    """Feedback on how the member contributed to team and company OKRs, optionally about one
    objective or key result. Never a rating."""
    pair = _pair(request, pair_id)
    feedback = services.feedback_add(
        actor=actor(request),
        pair=pair,
        text=payload.text,
        objective=body_object(request, "objective_id", objective_get, payload.objective_id),
        key_result=body_object(request, "key_result_id", key_result_get, payload.key_result_id),
    )
    return Status(201, feedback)
