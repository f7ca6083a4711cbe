"""Who may see which objectives (issue 17: private objectives).

Transparency is the default: an objective is seen by everyone in its organization. An objective
made visible to its unit only ("unit") is seen by the unit's members (any role), the leads of
every unit above it, and admins — nobody else, on any page, list, count, export, feed,
notification, email or integration. What an objective hides, it hides with it: its key results,
their check-ins, the comments on either, and the weekly items linked to either.

Personal development objectives (an objective with ``owner_person`` and no unit) are their
owner's: seen by the owner, the leads of any unit the owner belongs to and of every unit above
those, and admins — or by everyone when the owner shares it ("organization"). They are never part
of a shared page, list, count or score: ``objectives()`` leaves them out unless the read asks for
them (``personal=True``: the objective's own page, its key results and thread, the owner's page,
their 1:1s, the API).

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

    organization_id: UUID | None = None  # whose (for the reader of the code: never filtered on)
    # Everything (admins; the organization's own system work, e.g. an admin's archive).
    everything: bool = False
    # Units whose unit-visible objectives this reader sees: their own units (member or lead)
    # and every unit below one they lead.
    unit_ids: frozenset[UUID] = frozenset()
    # The reader (their own personal objectives) and the units whose members' personal
    # objectives they see as a lead (those they lead and every unit below).
    person_id: UUID | None = None
    led_unit_ids: frozenset[UUID] = frozenset()

    @classmethod
    def public(cls, organization_id: UUID) -> Sight:
        """Someone who may see only what the whole organization sees (an external subscriber,
        a channel or webhook read by people Cadence does not know)."""
        return cls(organization_id=organization_id)

    @classmethod
    def whole(cls, organization_id: UUID) -> Sight:
        """The organization's own bookkeeping (the archive, progress arithmetic)."""
        return cls(organization_id=organization_id, everything=True)

    def objectives(self, prefix: str = "", *, personal: bool = False) -> Q:
        """The filter on objectives (``prefix`` names the path to the objective, e.g.
        ``"key_result__objective__"``). Units' objectives only, unless ``personal``: then also
        the personal objectives this reader may see."""
        shared = Q(**{f"{prefix}owner_person__isnull": True})
        if self.everything:
            return Q() if personal else shared
        visible = Q(**{f"{prefix}visibility": ORGANIZATION})
        if self.unit_ids:
            visible |= Q(**{f"{prefix}unit_id__in": sorted(self.unit_ids)})
        if not personal:
            return shared & visible
        return (shared & visible) | (
            Q(**{f"{prefix}owner_person__isnull": False}) & self._personal(prefix)
        )

    def _personal(self, prefix: str) -> Q:
        mine = Q(**{f"{prefix}visibility": ORGANIZATION})
        if self.person_id is not None:
            mine |= Q(**{f"{prefix}owner_person_id": self.person_id})
        if self.led_unit_ids:
            members = Membership.objects.filter(unit_id__in=sorted(self.led_unit_ids))
            mine |= Q(**{f"{prefix}owner_person_id__in": members.values("person_id")})
        return mine

    def optional(self, field: str, *, personal: bool = False) -> Q:
        """The filter on rows that may hang off an objective or not (``field`` names the path to
        it, e.g. ``"key_result__objective"``): those without one, and those whose objective this
        reader sees."""
        if self.everything and personal:
            return Q()
        return Q(**{f"{field}__isnull": True}) | self.objectives(f"{field}__", personal=personal)

    def sees(self, objective) -> bool:
        """The rule for one loaded objective (a personal one included: its page, its thread)."""
        if self.everything:
            return True
        if objective.visibility == ORGANIZATION:
            return True
        if getattr(objective, "owner_person_id", None) is None:
            return objective.unit_id in self.unit_ids
        if objective.owner_person_id == self.person_id:
            return True
        return bool(self.led_unit_ids) and (
            Membership.objects.filter(
                person_id=objective.owner_person_id, unit_id__in=sorted(self.led_unit_ids)
            ).exists()
        )

    def shares(self, objective) -> bool:
        """Whether a loaded objective belongs on shared pages for this reader (``sees`` minus
        personal objectives)."""
        return getattr(objective, "owner_person_id", None) is None and self.sees(objective)

    def sees_unit_private(self, unit_id: UUID) -> bool:
        return self.everything or unit_id in self.unit_ids


def sight_units(memberships: dict[UUID, str], tree: UnitTree) -> frozenset[UUID]:
    """Pure: the units whose private objectives a person with these memberships sees."""
    return frozenset(memberships) | led_units(memberships, tree)


def led_units(memberships: dict[UUID, str], tree: UnitTree) -> frozenset[UUID]:
    """Pure: the units a person leads and every unit below them (whose members' personal
    objectives they see)."""
    led: set[UUID] = set()
    for unit_id, role in memberships.items():
        if role == Membership.Role.LEAD:
            led.add(unit_id)
            led.update(u.id for u in tree.descendants(unit_id))
    return frozenset(led)


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
        access = access or Access.of(viewer)
        memberships = access.memberships
        leads = any(role == Membership.Role.LEAD for role in memberships.values())
        led = led_units(memberships, access.tree) if leads else frozenset()
        sight = Sight(
            organization_id=viewer.organization_id,
            unit_ids=frozenset(memberships) | led,
            person_id=viewer.pk,
            led_unit_ids=led,
        )
    viewer.__dict__["_cadence_sight"] = sight
    return sight


def forget(viewer: Person) -> None:
    """Drop a person's cached sight and access (after their memberships or role changed in
    this request)."""
    viewer.__dict__.pop("_cadence_sight", None)
    viewer.__dict__.pop("_cadence_access", None)
