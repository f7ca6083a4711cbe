"""What every okrs service shares: the fields each write takes, the states an objective moves
between, and the checks of who may act (raising what ``okrs.permissions`` finds).
"""

from cadence.okrs import hooks, permissions
from cadence.okrs.models import Cycle, KeyResult, Objective
from cadence.okrs.states import TRANSITIONS
from cadence.orgs.models import Person, Unit
from cadence.orgs.selectors import Access

KR_FIELDS = (
    "title",
    "kind",
    "start",
    "target",
    "unit",
    "direction",
    "weight",
    "owner",
    "commitment",
    "external_id",
)
OBJECTIVE_FIELDS = (
    "title",
    "why",
    "commitment",
    "parent",
    "owner",
    "unit",
    "counts_in_parent",
    "standalone_reason",
    "external_id",
    "visibility",
)


def external_id_refusal(model, organization_id, external_id: str, pk=None) -> str | None:
    """The message when another objective (or key result) of the organization already has this
    external id (what a re-import matches on, so it is unique within the organization)."""
    if not external_id:
        return None
    others = model.objects.filter(organization_id=organization_id, external_id=external_id)
    if pk is not None:
        others = others.exclude(pk=pk)
    if others.exists():
        noun = "objective" if model is Objective else "key result"
        return f"Another {noun} already has the external id {external_id!r}."
    return None


def require_member(actor: Person, organization_id) -> None:
    if refusal := permissions.member_refusal(actor, organization_id):
        raise refusal


def require_unit_editor(actor: Person, unit: Unit, access: Access | None = None) -> None:
    if refusal := permissions.unit_editor_refusal(actor, unit, access):
        raise refusal


def require_objective_editor(
    actor: Person, objective: Objective, access: Access | None = None
) -> None:
    if refusal := permissions.objective_editor_refusal(actor, objective, access):
        raise refusal


def require_open_cycle(cycle: Cycle) -> None:
    if refusal := permissions.closed_cycle_refusal(cycle):
        raise refusal


def coach_gate(instance: Objective | KeyResult) -> None:
    """Error-level coach findings block saving (docs/method.md §8), under the organization's
    settings: for the UI, the API and imports alike."""
    hooks.coach_gate(instance)


__all__ = ["TRANSITIONS"]
