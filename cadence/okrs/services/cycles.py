"""Cycles: create, change (name, kind, dates) and delete an empty one (admins)."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from cadence.core.errors import Conflict
from cadence.okrs import hooks
from cadence.okrs.models import Cycle, Objective
from cadence.okrs.services import trail
from cadence.okrs.services.common import (
    require_member,
)
from cadence.orgs.models import Person, Unit

CYCLE_FIELDS = ("name", "kind", "start", "end")


def _require_admin(actor: Person, organization_id, doing: str) -> None:
    require_member(actor, organization_id)
    if not actor.is_admin:
        raise PermissionDenied(f"Only organization admins {doing}.")


def _validate_cycle(cycle: Cycle) -> None:
    cycle.full_clean(exclude=["organization"])
    same_name = Cycle.objects.filter(organization_id=cycle.organization_id, name__iexact=cycle.name)
    if same_name.exclude(pk=cycle.pk).exists():
        raise ValidationError({"name": "A cycle with this name already exists."})


@transaction.atomic
def cycle_create(*, actor: Person, name: str, kind: str, start: date, end: date) -> Cycle:
    _require_admin(actor, actor.organization_id, "create cycles")
    cycle = Cycle(
        organization=actor.organization, name=(name or "").strip(), kind=kind, start=start, end=end
    )
    _validate_cycle(cycle)
    cycle.save()
    trail.record_created(
        actor=actor, kind="cycle.created", target=cycle, facts=trail.cycle_facts(cycle)
    )
    return cycle


def _cycle_months(start: date, end: date) -> set[date]:
    months, month = set(), start.replace(day=1)
    while month <= end:
        months.add(month)
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return months


def _validate_cycle_holdings(cycle: Cycle) -> None:
    """What the cycle already holds must still fit its new dates and kind: objectives aligned
    across cycles stay inside the cycle they align to, an annual cycle holds company objectives
    only, and every monthly review written stays a month of the cycle."""
    errors: dict[str, str] = {}
    own = Objective.objects.filter(cycle=cycle)
    for parent_cycle in Cycle.objects.filter(
        pk__in=own.exclude(parent__cycle=cycle).filter(parent__isnull=False).values("parent__cycle")
    ):
        if not parent_cycle.contains(cycle):
            errors["start"] = (
                f"Objectives of this cycle align to objectives of {parent_cycle.name}, which "
                "would no longer cover it."
            )
    for child_cycle in Cycle.objects.filter(
        pk__in=Objective.objects.filter(parent__cycle=cycle).exclude(cycle=cycle).values("cycle")
    ):
        if not cycle.contains(child_cycle):
            errors["end"] = (
                f"Objectives of {child_cycle.name} align to objectives of this cycle, which "
                "would no longer cover it."
            )
    if cycle.kind == Cycle.Kind.YEAR and own.exclude(unit__kind=Unit.Kind.COMPANY).exists():
        errors["kind"] = "Annual objectives are set at company level only; this cycle has others."
    if set(hooks.cycle_reviewed_months(cycle)) - _cycle_months(cycle.start, cycle.end):
        errors["start"] = "A monthly review was written for a month these dates leave out."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def cycle_update(*, actor: Person, cycle: Cycle, **changes) -> Cycle:
    """Change a cycle's name, kind or dates (admins). A closed cycle keeps its kind and dates:
    its scores were computed on them."""
    unknown = set(changes) - set(CYCLE_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown fields: {', '.join(sorted(unknown))}.")
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    _require_admin(actor, cycle.organization_id, "change cycles")
    if "name" in changes:
        changes["name"] = (changes["name"] or "").strip()
    moved = {
        f for f in ("kind", "start", "end") if f in changes and changes[f] != getattr(cycle, f)
    }
    if moved and cycle.closed_at:
        raise Conflict(
            {f: f"{cycle.name} is closed: its kind and dates no longer change." for f in moved}
        )
    before = trail.cycle_facts(cycle)
    for name, value in changes.items():
        setattr(cycle, name, value)
    _validate_cycle(cycle)
    if moved:
        _validate_cycle_holdings(cycle)
    cycle.save()
    trail.record_changes(
        actor=actor,
        kind="cycle.updated",
        target=cycle,
        before=before,
        after=trail.cycle_facts(cycle),
    )
    return cycle


@transaction.atomic
def cycle_delete(*, actor: Person, cycle: Cycle) -> None:
    """Delete a cycle that holds nothing yet (admins): no objectives, no reviews. Its coach
    dismissals go with it."""
    from cadence.okrs.selectors import cycle_holdings

    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    _require_admin(actor, cycle.organization_id, "delete cycles")
    held = cycle_holdings(cycle)
    if held.objectives:
        n = held.objectives
        raise Conflict(
            f"{cycle.name} holds {n} objective{'s' if n != 1 else ''}: only an empty cycle can "
            "be deleted."
        )
    if held.reviews:
        raise Conflict(f"{cycle.name} holds reviews: only an empty cycle can be deleted.")
    trail.record_deleted(
        actor=actor, kind="cycle.deleted", target=cycle, facts=trail.cycle_facts(cycle)
    )
    cycle.delete()
