"""Reads of the rollout (docs/method.md §9): the organization's mode and pilot units, and the
one question every reminder and every "not updated yet" asks — which of these people are in the
rollout (``people_in_rollout``, the rule in ``orgs.rollout``)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from uuid import UUID

from cadence.orgs import rollout
from cadence.orgs.models import Membership, Organization, Person, Unit


@dataclass(frozen=True)
class Rollout:
    mode: str
    pilot_units: list[Unit]  # live pilot units, by name

    @property
    def pilot_unit_ids(self) -> list[UUID]:
        return [u.pk for u in self.pilot_units]

    @property
    def label(self) -> str:
        return Organization.RolloutMode(self.mode).label


def rollout_of(organization: Organization) -> Rollout:
    """The organization's rollout mode and its live pilot units (one query)."""
    units = list(
        Unit.objects.filter(
            organization=organization, rollout_pilot=True, archived_at__isnull=True
        ).order_by("name", "id")
    )
    return Rollout(mode=organization.rollout_mode, pilot_units=units)


def people_in_rollout(people: Iterable[Person]) -> set[UUID]:
    """The ids of those of ``people`` who are in their organization's rollout, for people of any
    number of organizations. No query when every organization asks everyone (the default) and the
    people's organizations are loaded; otherwise at most three (the organizations' modes when not
    loaded, the memberships, the pilot organizations' units)."""
    people = list(people)
    modes: dict[UUID, str] = {}
    unknown: set[UUID] = set()
    for person in people:
        if Person.organization.is_cached(person):
            modes[person.organization_id] = person.organization.rollout_mode
        else:
            unknown.add(person.organization_id)
    unknown -= set(modes)
    if unknown:
        modes.update(Organization.objects.filter(pk__in=unknown).values_list("pk", "rollout_mode"))
    inside = {p.pk for p in people if modes.get(p.organization_id) == rollout.EVERYONE}
    asked = [p for p in people if p.pk not in inside]
    if not asked:
        return inside
    memberships: dict[UUID, list[tuple[UUID, str]]] = defaultdict(list)
    for person_id, unit_id, role in Membership.objects.filter(
        person_id__in=[p.pk for p in asked]
    ).values_list("person_id", "unit_id", "role"):
        memberships[person_id].append((unit_id, role))
    pilot_orgs = {p.organization_id for p in asked if modes[p.organization_id] == rollout.PILOT}
    parents: dict[UUID, UUID | None] = {}
    pilots: dict[UUID, set[UUID]] = defaultdict(set)
    if pilot_orgs:
        for unit_id, parent_id, organization_id, pilot, archived_at in Unit.objects.filter(
            organization_id__in=pilot_orgs
        ).values_list("pk", "parent_id", "organization_id", "rollout_pilot", "archived_at"):
            parents[unit_id] = parent_id
            if pilot and archived_at is None:
                pilots[organization_id].add(unit_id)
    for person in asked:
        facts = [
            rollout.MembershipFact(role=role, unit_path=rollout.unit_path(unit_id, parents))
            for unit_id, role in memberships.get(person.pk, [])
        ]
        mode = modes[person.organization_id]
        if rollout.in_rollout(mode, pilots.get(person.organization_id, ()), facts):
            inside.add(person.pk)
    return inside


def person_in_rollout(person: Person) -> bool:
    return person.pk in people_in_rollout([person])


def pilot_candidates(organization: Organization) -> list[Unit]:
    """The units an admin may choose as pilots: live departments and teams, by name."""
    return list(
        Unit.objects.filter(organization=organization, archived_at__isnull=True)
        .exclude(kind=Unit.Kind.COMPANY)
        .order_by("name", "id")
    )
