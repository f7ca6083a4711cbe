"""Your notifications: what concerns you (mentions, comments and likes on your work, approvals,
dependencies asked of your team, key results off track or stale, retrospectives due, KPIs out
of band), newest first, and marking them read. Only your own; only those shown in the app."""

from datetime import datetime
from typing import Literal
from uuid import UUID

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema

from cadence.api.auth import actor
from cadence.api.routers.feed import PersonRef
from cadence.api.schemas import ERRORS, Input
from cadence.core.emails import absolute_url
from cadence.core.limits import MAX_INT
from cadence.feed import notices, selectors, services
from cadence.feed.models import Notification
from cadence.feed.targets import target_url

router = Router(tags=["notifications"])

PAGE = 50
MAX_PAGE = 100
MAX_IDS = 500
NoticeKind = Literal[tuple(k.value for k in notices.KINDS)]  # type: ignore[valid-type]


class NotificationOut(Schema):
    id: UUID
    kind: NoticeKind
    text: str = Field(description="What happened, in a sentence.")
    url: str = Field(description="The page of what it is about.")
    actor: PersonRef | None
    created_at: datetime
    read: bool
    comment_id: UUID | None
    objective_id: UUID | None
    key_result_id: UUID | None
    kpi_id: UUID | None


class ReadIn(Input):
    ids: list[UUID] | None = Field(
        None,
        max_length=MAX_IDS,
        description="The notifications to mark read; leave out to mark all of yours read.",
    )


class ReadOut(Schema):
    marked: int = Field(description="How many were unread and are read now.")
    unread: int = Field(description="How many of yours are still unread.")


def _out(n: Notification) -> dict:
    url = n.url or (target_url(n.comment.target) if n.comment_id else "")
    text = n.text
    if not text and n.comment_id:
        text = f"{n.actor.name if n.actor else 'Someone'} mentioned you"
    return {
        "id": n.pk,
        "kind": n.kind,
        "text": text,
        "url": absolute_url(url) if url else "",
        "actor": {"id": n.actor.pk, "name": n.actor.name} if n.actor else None,
        "created_at": n.created_at,
        "read": n.read_at is not None,
        "comment_id": n.comment_id,
        "objective_id": n.objective_id,
        "key_result_id": n.key_result_id,
        "kpi_id": n.kpi_id,
    }


@router.get("/notifications", response={200: list[NotificationOut], **ERRORS})
def notification_list(
    request: HttpRequest,
    response: HttpResponse,
    unread: bool = False,
    offset: int = Query(0, ge=0, le=MAX_INT),
    limit: int = Query(PAGE, ge=1, le=MAX_PAGE),
) -> list[dict]:
    """Your notifications, newest first, a page at a time (``offset``, ``limit``;
    ``X-Total-Count``, ``Link``). ``unread=true``: only those not read yet."""
    rows = selectors.notifications_of(actor(request))
    if unread:
        rows = rows.filter(read_at__isnull=True)
    total = rows.count()
    response["X-Total-Count"] = str(total)
    if offset + limit < total:
        query = request.GET.copy()
        query["offset"], query["limit"] = str(offset + limit), str(limit)
        response["Link"] = (
            f'<{request.build_absolute_uri(request.path)}?{query.urlencode()}>; rel="next"'
        )
    return [_out(n) for n in rows[offset : offset + limit]]


@router.post("/notifications/read", response={200: ReadOut, **ERRORS})
def notifications_read(request: HttpRequest, payload: ReadIn) -> dict:
    """Mark your notifications read: these ``ids`` (others' and unknown ids are left alone), or
    all of them."""
    person = actor(request)
    marked = services.notifications_mark_read(actor=person, notification_ids=payload.ids)
    return {"marked": marked, "unread": selectors.unread_count(person)}
