"""Who may see which objectives (issue 17: private objectives).

Transparency is the default: an objective is seen by everyone in its organization. An objective
made visible to its unit only ("unit") is seen by the unit's members (any role), the leads of
every unit above it, and admins — nobody else, on any page, list, count, export, feed,
notification, email or integration. What an objective hides, it hides with it: its key results,
their check-ins, the comments on either, and the weekly items linked to either.

A ``Sight`` is one reader's view: which units' private objectives they see. Every read of
objectives (and of what hangs off them) takes one and filters with ``objectives(prefix)`` (a
``Q`` for a query) or ``sees(objective)`` (for rows already loaded). A roll-up still counts what
a reader cannot see (an objective's stored progress is the organization's truth); a reader who
may not see a child sees the parent's progress, never the child.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from django.db.models import Q

from cadence.orgs.models import Membership, Person
from cadence.orgs.selectors import Access, UnitTree

ORGANIZATION = "organization"
UNIT = "unit"


@dataclass(frozen=True)
class Sight:
    """One reader's view of an organization's objectives."""

    organization_id: UUID
    # Everything (admins; the organization's own system work, e.g. an admin's archive).
    everything: bool = False
    # Units whose unit-visible objectives this reader sees: their own units (member or lead)
    # and every unit below one they lead.
    unit_ids: frozenset[UUID] = frozenset()

    @classmethod
    def public(cls, organization_id: UUID) -> Sight:
        """Someone who may see only what the whole organization sees (an external subscriber,
        a channel or webhook read by people Cadence does not know)."""
        return cls(organization_id=organization_id)

    @classmethod
    def whole(cls, organization_id: UUID) -> Sight:
        """The organization's own bookkeeping (the archive, progress arithmetic)."""
        return cls(organization_id=organization_id, everything=True)

    def objectives(self, prefix: str = "") -> Q:
        """The filter on objectives (``prefix`` names the path to the objective, e.g.
        ``"key_result__objective__"``); the empty ``Q`` when everything is visible."""
        if self.everything:
            return Q()
        visible = Q(**{f"{prefix}visibility": ORGANIZATION})
        if self.unit_ids:
            visible |= Q(**{f"{prefix}unit_id__in": sorted(self.unit_ids)})
        return visible

    def optional(self, field: str) -> Q:
        """The filter on rows that may hang off an objective or not (``field`` names the path to
        it, e.g. ``"key_result__objective"``): those without one, and those whose objective this
        reader sees."""
        if self.everything:
            return Q()
        return Q(**{f"{field}__isnull": True}) | self.objectives(f"{field}__")

    def sees(self, objective) -> bool:
        """The same rule for one loaded objective (or a row with ``visibility`` and
        ``unit_id``)."""
        if self.everything:
            return True
        return objective.visibility == ORGANIZATION or objective.unit_id in self.unit_ids

    def sees_unit_private(self, unit_id: UUID) -> bool:
        return self.everything or unit_id in self.unit_ids


def sight_units(memberships: dict[UUID, str], tree: UnitTree) -> frozenset[UUID]:
    """Pure: the units whose private objectives a person with these memberships sees."""
    seen = set(memberships)
    for unit_id, role in memberships.items():
        if role == Membership.Role.LEAD:
            seen.update(u.id for u in tree.descendants(unit_id))
    return frozenset(seen)


def sight_of(viewer: Person | Sight | None, access: Access | None = None) -> Sight:
    """A person's sight (computed once per person object: a request's ``user``), or a sight
    passed through. ``None`` is refused: every read names its reader."""
    if isinstance(viewer, Sight):
        return viewer
    if viewer is None:
        raise TypeError("A read of objectives needs its reader (a person or a Sight).")
    cached = viewer.__dict__.get("_cadence_sight")
    if cached is not None:
        return cached
    if not viewer.is_active:
        sight = Sight.public(viewer.organization_id)
    elif viewer.is_admin:
        sight = Sight.whole(viewer.organization_id)
    else:
        access = access or Access(viewer)
        memberships = access.memberships
        led = any(role == Membership.Role.LEAD for role in memberships.values())
        units = sight_units(memberships, access.tree) if led else frozenset(memberships)
        sight = Sight(organization_id=viewer.organization_id, unit_ids=units)
    viewer.__dict__["_cadence_sight"] = sight
    return sight


def forget(viewer: Person) -> None:
    """Drop a person's cached sight (after their memberships or role changed in this request)."""
    viewer.__dict__.pop("_cadence_sight", None)
