"""Reading the audit trail: one organization's events, newest first, filtered by who, what and
when, a page at a time (a keyset cursor for the page, offset and limit for the API)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from cadence.audit import kinds
from cadence.audit.models import Event

PAGE = 50


def _org_id(organization) -> uuid.UUID:
    return getattr(organization, "pk", organization)


def events_of(
    organization,
    *,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    actor_id: uuid.UUID | None = None,
    kind: str = "",
) -> QuerySet[Event]:
    """``organization``'s events, newest first: at or after ``since``, before ``until``, by one
    person, of one kind (``objective.deleted``) or one group of kinds (``objective``)."""
    events = Event.objects.filter(organization_id=_org_id(organization))
    if since is not None:
        events = events.filter(created_at__gte=since)
    if until is not None:
        events = events.filter(created_at__lt=until)
    if actor_id is not None:
        events = events.filter(actor_id=actor_id)
    if kind:
        if "." in kind:
            events = events.filter(kind=kind)
        else:
            events = events.filter(kind__startswith=kind + ".")
    return events.order_by("-created_at", "-id")


@dataclass(frozen=True)
class Cursor:
    """Where the next, older page starts: after the event at ``at`` with id ``id``."""

    at: dt.datetime
    id: uuid.UUID

    def __str__(self) -> str:
        return f"{self.at.isoformat()}~{self.id}"

    @classmethod
    def parse(cls, text: str) -> Cursor | None:
        """The cursor ``str()`` gave, or None for anything else."""
        at, _, id_ = (text or "").partition("~")
        try:
            when = dt.datetime.fromisoformat(at)
            return cls(at=when, id=uuid.UUID(id_)) if when.tzinfo else None
        except ValueError:
            return None


def events_page(
    events: QuerySet[Event], *, after: Cursor | None = None, size: int = PAGE
) -> tuple[list[Event], Cursor | None]:
    """One page of ``events`` (as ``events_of`` orders them) after ``after``, and the cursor of
    the next page (None on the last). One query, however far back."""
    if after is not None:
        events = events.filter(Q(created_at__lt=after.at) | Q(created_at=after.at, id__lt=after.id))
    rows = list(events[: size + 1])
    if len(rows) <= size:
        return rows, None
    rows = rows[:size]
    return rows, Cursor(at=rows[-1].created_at, id=rows[-1].id)


def kind_filter_choices() -> list[tuple[str, str]]:
    """The kind filter's options: each group, then its kinds."""
    choices = []
    for group in kinds.GROUPS:
        choices.append((group.slug, f"{group.label} (all)"))
        choices.extend(
            (kind, label)
            for kind, label in kinds.KINDS.items()
            if kinds.group_of(kind) == group.slug
        )
    return choices
