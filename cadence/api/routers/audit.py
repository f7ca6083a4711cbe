"""The organization's audit trail, for its admins: who changed what, when, from where."""

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema
from pydantic import ConfigDict

from cadence.api.auth import actor
from cadence.api.schemas import DATE_PATTERN, ERRORS, PATTERN_MESSAGES
from cadence.audit import kinds
from cadence.audit import selectors as audit_selectors
from cadence.audit.models import Event
from cadence.core.limits import DATE_RANGE_TEXT, MAX_INT
from cadence.orgs.selectors import anyone_get

router = Router(tags=["audit"])

AUDIT_PAGE = 100
MAX_AUDIT_PAGE = 500

# ``since``: an ISO 8601 date or date-time in the years Cadence accepts (no zone: UTC).
_DAY = DATE_PATTERN.removeprefix("^").removesuffix("$")
_ZONE = r"(?:Z|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])?"
_TIME = rf"(?:T(?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:\.[0-9]{{1,6}})?)?{_ZONE})?"
SINCE_PATTERN = rf"^{_DAY}{_TIME}$"
PATTERN_MESSAGES[SINCE_PATTERN] = (
    f"Give a date-time such as 2026-11-20T17:00:00Z ({DATE_RANGE_TEXT})."
)
PATTERN_MESSAGES[kinds.KIND_PATTERN] = (
    "Give a kind such as objective.updated, or a group such as objective."
)


class AuditQuery(Schema):
    model_config = ConfigDict(regex_engine="python-re")

    since: str | None = Field(
        None,
        pattern=SINCE_PATTERN,
        description="Only events at or after this ISO 8601 date-time (no zone: UTC; send a "
        "`+` in an offset as `%2B`).",
    )
    actor_id: UUID | None = Field(None, description="Only what this person did.")
    kind: str | None = Field(
        None,
        pattern=kinds.KIND_PATTERN,
        description="One kind (`objective.deleted`) or a group of kinds (`objective`, "
        "`key_result`, `signin`, `token`, `organization`, …).",
    )
    offset: int = Field(0, ge=0, le=MAX_INT)
    limit: int = Field(AUDIT_PAGE, ge=1, le=MAX_AUDIT_PAGE)


class AuditEventOut(Schema):
    id: UUID
    at: datetime
    actor_id: UUID | None = Field(
        description="Null for the command line, the worker, or an "
        "attempt to sign in to an account (`actor` names the email)."
    )
    actor: str = Field(description="Who, as they were named at the time.")
    kind: str
    target_type: str
    target_id: str
    target: str = Field(description="What was changed, as it was named at the time.")
    changes: dict[str, Any] = Field(
        description='Before → after as `{"field": [before, after]}`, or the facts of an event '
        "that is not an edit."
    )
    ip_address: str | None


def _out(event: Event) -> dict:
    return {
        "id": event.pk,
        "at": event.created_at,
        "actor_id": event.actor_id,
        "actor": event.actor_label,
        "kind": event.kind,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "target": event.target_label,
        "changes": event.changes,
        "ip_address": event.ip_address,
    }


@router.get("/audit", response={200: list[AuditEventOut], **ERRORS})
def audit_list(
    request: HttpRequest, response: HttpResponse, filters: Query[AuditQuery]
) -> list[dict]:
    """The organization's audit trail, newest first (admins only): changes to objectives, key
    results, cycles, settings, people, units and API tokens, and sign-ins, each with who, when,
    from which address and before → after. A page at a time (``offset``, ``limit``);
    ``X-Total-Count`` says how many match, ``Link`` names the next page."""
    person = actor(request)
    if not person.is_admin:
        raise PermissionDenied("Only admins read the organization's audit trail.")
    org = person.organization
    if filters.actor_id is not None:
        anyone_get(org, filters.actor_id)  # another organization's person: 404
    since = None
    if filters.since:
        since = datetime.fromisoformat(filters.since)
        if since.tzinfo is None:
            since = since.replace(tzinfo=UTC)
    events = audit_selectors.events_of(
        org, since=since, actor_id=filters.actor_id, kind=filters.kind or ""
    )
    total = events.count()
    response["X-Total-Count"] = str(total)
    offset, limit = filters.offset, filters.limit
    if offset + limit < total:
        query = request.GET.copy()
        query["offset"] = str(offset + limit)
        query["limit"] = str(limit)
        response["Link"] = (
            f'<{request.build_absolute_uri(request.path)}?{query.urlencode()}>; rel="next"'
        )
    return [_out(e) for e in events[offset : offset + limit]]
