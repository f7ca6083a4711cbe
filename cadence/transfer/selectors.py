"""The reads behind the exports that no domain selector already answers: organization-scoped,
each one query whatever the number of rows."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from django.db.models import Q, QuerySet

from cadence.okrs.models import CheckIn, Cycle
from cadence.okrs.selectors import objectives_of
from cadence.orgs.models import Membership, Organization
from cadence.retrospectives.models import ObjectiveReviewNote
from cadence.weekly.models import PLANS, Item, ItemMove
from cadence.weekly.weeks import monday_of


def _in_units(field: str, unit_ids: set[UUID] | None) -> Q:
    return Q() if unit_ids is None else Q(**{f"{field}__in": list(unit_ids)})


def objective_labels(organization: Organization, objective_ids) -> dict[UUID, tuple[str, str]]:
    """objective id → (external_id, title), for objectives named but not loaded (a parent in
    another cycle or outside the unit exported)."""
    ids = list(objective_ids)
    if not ids:
        return {}
    rows = objectives_of(organization).filter(pk__in=ids).values_list("id", "external_id", "title")
    return {pk: (external_id, title) for pk, external_id, title in rows}


def check_ins_for_export(
    organization: Organization, cycle: Cycle, unit_ids: set[UUID] | None
) -> QuerySet[CheckIn]:
    """Every check-in of the cycle's key results (of objectives in these units), oldest first,
    with its key result, objective and unit."""
    return (
        CheckIn.objects.filter(
            organization=organization,
            key_result__organization=organization,
            key_result__objective__cycle=cycle,
        )
        .filter(_in_units("key_result__objective__unit_id", unit_ids))
        .select_related("key_result", "key_result__objective", "key_result__objective__unit")
        .order_by("at", "created_at")
    )


def weekly_items_for_export(
    organization: Organization, first_week: date, last_day: date, unit_ids: set[UUID] | None
) -> QuerySet[Item]:
    """The live weekly items of the weeks from ``first_week`` (any day of it) to the one holding
    ``last_day``, of people in these units (anyone's, without units): by week, person, category
    and position, with their update, person, category, objective and key result."""
    items = Item.objects.filter(
        organization=organization,
        deleted_at__isnull=True,
        update__week__gte=monday_of(first_week),
        update__week__lte=last_day,
    )
    if unit_ids is not None:
        members = Membership.objects.filter(
            unit_id__in=list(unit_ids), unit__organization=organization
        ).values("person_id")
        items = items.filter(update__person_id__in=members)
    return items.select_related(
        "update", "update__person", "category", "objective", "key_result"
    ).order_by(
        "update__week",
        "update__person__name",
        "update__person_id",
        "category__position",
        "category__name",
        "position",
        "created_at",
    )


def planned_before(item_ids: list[UUID]) -> set[UUID]:
    """Of these items, those moved out of the built-in Plans at some point (plans done or
    turned into problems): the team report counts them as plans."""
    if not item_ids:
        return set()
    return set(
        ItemMove.objects.filter(
            item__in=item_ids, from_category__slug=PLANS, from_category__unit__isnull=True
        ).values_list("item_id", flat=True)
    )


def objective_notes_for_export(
    organization: Organization, cycle: Cycle, unit_ids: set[UUID] | None
) -> QuerySet[ObjectiveReviewNote]:
    """What the cycle's retrospectives say about objectives (notes with text), with their
    review's unit and the objective."""
    return (
        ObjectiveReviewNote.objects.filter(
            organization=organization, review__organization=organization, review__cycle=cycle
        )
        .exclude(text="")
        .filter(_in_units("review__unit_id", unit_ids))
        .select_related("review", "review__unit", "objective")
        .order_by("review__unit__name", "objective__position", "objective__created_at")
    )
