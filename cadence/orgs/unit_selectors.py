"""Reads of the "Teams and departments" settings pages: the tree with each unit's leads and
member counts, the units a unit may move into, and the people who can join a unit."""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID

from django.db.models import Count

from cadence.orgs.models import Membership, Organization, Person, Unit
from cadence.orgs.selectors import UnitTree, people_of

# Reverse relations of a unit that are not its history: deleting an empty unit removes them.
_NOT_HISTORY = {"memberships", "digest_subscriptions", "children"}


@dataclass
class UnitRow:
    unit: Unit
    depth: int
    leads: list[str] = field(default_factory=list)
    members: int = 0  # everyone in it, leads included


def unit_rows(organization: Organization, tree: UnitTree | None = None) -> list[UnitRow]:
    """Every unit, depth-first, with its leads' names and how many people are in it. Three
    queries whatever the size of the tree (the tree, the counts, the leads)."""
    tree = tree or UnitTree.load(organization)
    memberships = Membership.objects.filter(unit__organization=organization, person__is_active=True)
    counts = dict(
        memberships.order_by().values("unit_id").annotate(n=Count("id")).values_list("unit_id", "n")
    )
    leads: dict[UUID, list[str]] = {}
    for unit_id, name in (
        memberships.filter(role=Membership.Role.LEAD)
        .order_by("person__name")
        .values_list("unit_id", "person__name")
    ):
        leads.setdefault(unit_id, []).append(name)
    return [
        UnitRow(unit=u, depth=d, leads=leads.get(u.id, []), members=counts.get(u.id, 0))
        for u, d in tree.walk()
    ]


def parent_choices(tree: UnitTree, unit: Unit | None = None) -> list[tuple[Unit, int]]:
    """The units that may hold ``unit`` (or a new one): the company and the departments that
    are not archived, less ``unit`` itself and everything below it; its current parent stays."""
    below = {unit.id, *(u.id for u in tree.descendants(unit.id))} if unit else set()
    return [
        (u, depth)
        for u, depth in tree.walk()
        if u.kind != Unit.Kind.TEAM
        and u.id not in below
        and (u.archived_at is None or (unit is not None and u.id == unit.parent_id))
    ]


def people_to_add(unit: Unit) -> list[Person]:
    """The organization's active people who are not in ``unit`` yet, by name."""
    return list(
        people_of(unit.organization)
        .exclude(memberships__unit=unit)
        .order_by("name")
        .only("id", "name", "email")
    )


def unit_holdings(unit: Unit) -> list[str]:
    """What keeps a unit from being deleted: its sub-units and its history, said for people."""
    held = []
    children = Unit.objects.filter(parent=unit).count()
    if children:
        held.append(f"{children} sub-unit{'s' if children != 1 else ''}")
    for relation in Unit._meta.related_objects:
        if relation.get_accessor_name() in _NOT_HISTORY:
            continue
        model = relation.related_model
        count = model._base_manager.filter(**{relation.field.name: unit}).count()
        if count:
            label = model._meta.verbose_name if count == 1 else model._meta.verbose_name_plural
            held.append(f"{count} {label}")
    return held
