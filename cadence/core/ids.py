"""Ids from the outside world (paths, query strings, bodies) read the same way everywhere."""

from __future__ import annotations

from uuid import UUID

from django.http import Http404


def uuid_or_404(value) -> UUID:
    """The UUID that ``value`` spells, else a 404: a malformed id names nothing, like an unknown
    or another organization's id."""
    if isinstance(value, UUID):
        return value
    try:
        return UUID(str(value))
    except (TypeError, ValueError, AttributeError) as exc:
        raise Http404("Not found") from exc
