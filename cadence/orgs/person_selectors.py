"""Reads of an organization's people for the people pages, the API and the command line:
active and deactivated people, searched by name or email, with the units they belong to."""

from __future__ import annotations

from collections import defaultdict
from uuid import UUID

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from cadence.core.ids import uuid_or_404
from cadence.orgs.models import Membership, Organization, Person

STATUSES = ("active", "deactivated")


def people_directory(
    organization: Organization, *, status: str = "active", query: str = ""
) -> QuerySet[Person]:
    """Active (or deactivated) people whose name or email contains ``query``, by name, with
    their memberships and units (one more query for the page)."""
    people = Person.objects.filter(organization=organization, is_active=status != "deactivated")
    query = (query or "").strip()
    if query:
        people = people.filter(Q(name__icontains=query) | Q(email__icontains=query))
    return people.order_by("name", "email").prefetch_related(
        Prefetch(
            "memberships",
            queryset=Membership.objects.select_related("unit").order_by("unit__name"),
        )
    )


def people_all(organization: Organization) -> QuerySet[Person]:
    """Everyone, active or not, by name."""
    return Person.objects.filter(organization=organization).order_by("name", "email")


def people_counts(organization: Organization) -> dict[str, int]:
    """How many people are active and deactivated: one query."""
    counts = Person.objects.filter(organization=organization).aggregate(
        active=Count("pk", filter=Q(is_active=True)),
        deactivated=Count("pk", filter=Q(is_active=False)),
    )
    return {"active": counts["active"] or 0, "deactivated": counts["deactivated"] or 0}


def person_get_any(organization: Organization, person_id) -> Person:
    """A person of the organization, active or deactivated (admins manage both); else 404."""
    person = people_all(organization).filter(pk=uuid_or_404(person_id)).first()
    if person is None:
        raise Http404("No such person.")
    return person


def person_by_email(organization: Organization, email: str) -> Person | None:
    return people_all(organization).filter(email__iexact=(email or "").strip()).first()


def unit_ids_of(people: list[Person]) -> dict[UUID, list[UUID]]:
    """person id → the ids of their units, in one query."""
    out: dict[UUID, list[UUID]] = defaultdict(list)
    for person_id, unit_id in (
        Membership.objects.filter(person__in=[p.pk for p in people])
        .order_by("unit__name", "unit_id")
        .values_list("person_id", "unit_id")
    ):
        out[person_id].append(unit_id)
    return out
