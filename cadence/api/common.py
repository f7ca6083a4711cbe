"""Small helpers the routers share: the caller's organization, ids in request bodies, and the
objects answered as on the selectors' Board (progress, pace, key results)."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest

from cadence.api.auth import actor
from cadence.core.readers import get_as
from cadence.okrs.models import KeyResult, Objective
from cadence.okrs.permissions import objective_editor_refusal
from cadence.okrs.selectors import (
    BoardKeyResult,
    BoardObjective,
    ReadsThrough,
    objective_annotated,
)
from cadence.orgs.models import Organization, Unit
from cadence.orgs.selectors import Access

T = TypeVar("T")


def organization(request: HttpRequest) -> Organization:
    return actor(request).organization


def body_object(
    request: HttpRequest, field: str, getter: Callable[[Organization, object], T], value
) -> T | None:
    """The object a body id names, looked up in the caller's organization. An unknown or foreign
    id is bad input for that field (422), said the same way for both."""
    if value is None:
        return None
    try:
        # Objectives and key results: only those the caller may see (okrs.visibility).
        return get_as(getter, organization(request), value, actor(request))
    except Http404 as exc:
        raise ValidationError({field: "Choose one of your organization's."}) from exc


def require_editor(request: HttpRequest, target: Unit | Objective) -> None:
    """For requests that change nothing (an empty PATCH): still only editors may send them (a
    unit's editors; for an objective, its editors: a personal one's owner)."""
    if isinstance(target, Objective):
        if refusal := objective_editor_refusal(actor(request), target):
            raise refusal
        return
    if not Access(actor(request)).can_edit_unit(target):
        raise PermissionDenied(f"Only members of {target.name}, its leads and admins may do this.")


def with_progress(request: HttpRequest, objective: Objective) -> BoardObjective:
    """The objective as on its cycle's board: progress rolled up, pace, key results, children."""
    return objective_annotated(organization(request), objective, viewer=actor(request))


@dataclass(frozen=True, slots=True, eq=False)
class KeyResultOnBoard(ReadsThrough):
    """A key result as on its cycle's board, with its objective's board row as ``objective``
    (the rest reads through to the key result's row, then its model)."""

    _model = "key_result"

    key_result: BoardKeyResult
    objective: BoardObjective


def key_result_with_progress(request: HttpRequest, key_result: KeyResult) -> KeyResultOnBoard:
    """The key result as on its cycle's board, its ``objective`` the board's one."""
    objective = with_progress(request, key_result.objective)
    kr = next(k for k in objective.krs if k.id == key_result.id)
    return KeyResultOnBoard(key_result=kr, objective=objective)
