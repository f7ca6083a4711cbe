"""/api/v1/search: one search over the organization's objectives, key results, weekly items,
comments and learnings (cadence.search), best match first."""

from typing import Literal
from uuid import UUID

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from cadence.api.auth import actor
from cadence.api.common import organization
from cadence.api.schemas import ERRORS, NO_NUL
from cadence.okrs.selectors import cycle_get
from cadence.orgs.selectors import unit_get
from cadence.search import kinds
from cadence.search import selectors as search_selectors
from cadence.search.query import MAX_QUERY

router = Router(tags=["search"])

SearchKind = Literal[tuple(k.key for k in kinds.registered())]
MAX_PAGE = 100


class SnippetPart(Schema):
    text: str
    match: bool = Field(description="This part matches one of the words searched for.")


class SearchHitOut(Schema):
    kind: str = Field(description="objective, key_result, weekly_item, comment or learning.")
    id: UUID
    title: str = Field(description="Its title (objectives, key results); else empty.")
    text: str = Field(description="Its text: an objective's why, an item's, a comment's, …")
    snippet: list[SnippetPart] = Field(
        description="About 160 characters of the text around the first match, split into "
        "parts; the matching ones are marked. Empty when only the title matched."
    )
    url: str = Field(description="The page that shows it.")
    cycle_id: UUID | None
    unit_id: UUID | None
    score: float = Field(description="Higher is better; comparable within one answer only.")


@router.get("/search", response={200: list[SearchHitOut], **ERRORS})
def search(
    request: HttpRequest,
    q: str = Query(
        ...,
        pattern=NO_NUL,
        description=f"Words to search for ({MAX_QUERY} characters read). Every word must "
        "appear; the last may be the start of a word. No words: no results.",
    ),
    kind: SearchKind | None = None,
    cycle_id: UUID | None = None,
    unit_id: UUID | None = None,
    offset: int = Query(
        0,
        ge=0,
        le=search_selectors.MAX_OFFSET,
        description=f"At most {search_selectors.MAX_OFFSET}.",
    ),
    limit: int = Query(search_selectors.PAGE, ge=1, le=MAX_PAGE),
) -> list[dict]:
    """The organization's results for ``q``, best first (titles weigh more than texts, whole
    words more than beginnings). A foreign cycle or unit id is a 404."""
    org = organization(request)
    results = search_selectors.search(
        org,
        q,
        viewer=actor(request),
        kind=kind or "",
        cycle=cycle_get(org, cycle_id) if cycle_id else None,
        unit=unit_get(org, unit_id) if unit_id else None,
        offset=offset,
        limit=limit,
    )
    return [
        {
            "kind": h.kind,
            "id": h.id,
            "title": h.title,
            "text": h.body,
            "snippet": [{"text": t, "match": m} for t, m in h.snippet],
            "url": h.url,
            "cycle_id": h.cycle_id,
            "unit_id": h.unit_id,
            "score": h.score,
        }
        for h in results.hits
    ]
