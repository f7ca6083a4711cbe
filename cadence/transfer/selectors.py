"""Reads for the transfer app, each scoped to one organization."""

from __future__ import annotations

from datetime import UTC, date, timedelta

from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from cadence.core.ids import uuid_or_404
from cadence.okrs.models import CheckIn, Cycle, KeyResult, Objective
from cadence.orgs.models import Membership, Organization, Person
from cadence.orgs.selectors import Access, UnitTree, people_of
from cadence.transfer.models import PendingImport
from cadence.transfer.okr_import import ExistingState
from cadence.transfer.okr_import.cells import cell_text, norm

PENDING_LIFETIME = timedelta(hours=1)


def can_import(actor: Person) -> bool:
    """Admins, and the leads of at least one unit (for the units they lead)."""
    if not actor.is_active or actor.is_viewer:
        return False
    if actor.is_admin:
        return True
    return Membership.objects.filter(person=actor, role=Membership.Role.LEAD).exists()


def import_state(
    organization: Organization,
    actor: Person,
    okr_rows: list[tuple[int, dict]],
    check_in_rows: list[tuple[int, dict]],
    *,
    today: date | None = None,
) -> ExistingState:
    """What the rows can name, in a fixed number of queries: the cycles, the unit tree, the
    people, the objectives of the cycles the rows name (and those named by external id), their
    key results and those key results' check-ins."""
    tree = UnitTree.load(organization)
    access = Access(actor, tree)
    cycles = list(Cycle.objects.filter(organization=organization))
    names = {norm(cell_text(row.get("cycle"))) for _, row in (*okr_rows, *check_in_rows)}
    cycle_ids = [c.pk for c in cycles if norm(c.name) in names]
    external_ids = {
        cell_text(row.get(c))
        for _, row in (*okr_rows, *check_in_rows)
        for c in ("external_id", "parent", "key_result_external_id")
    } - {""}
    kr_objective_ids = KeyResult.objects.filter(
        organization=organization, external_id__in=external_ids
    ).values("objective_id")
    objectives = list(
        Objective.objects.filter(organization=organization)
        .filter(
            Q(cycle_id__in=cycle_ids) | Q(external_id__in=external_ids) | Q(pk__in=kr_objective_ids)
        )
        .select_related("cycle")
        .order_by("created_at")
    )
    key_results = list(
        KeyResult.objects.filter(
            organization=organization, objective_id__in=[o.pk for o in objectives]
        ).order_by("position", "created_at")
    )
    check_ins = {
        (kr_id, at.astimezone(UTC).date(), value)
        for kr_id, at, value in CheckIn.objects.filter(
            organization=organization, key_result_id__in=[k.pk for k in key_results]
        ).values_list("key_result_id", "at", "value")
    }
    company = tree.root
    return ExistingState(
        cycles=cycles,
        units=tree.units,
        company=company,
        people={p.email.lower(): p for p in people_of(organization)},
        objectives=objectives,
        key_results=key_results,
        check_ins=check_ins,
        leads={u.pk for u in tree.units.values() if access.can_lead_unit(u)},
        today=today or timezone.now().date(),
    )


def pending_import_get(organization: Organization, person: Person, pending_id) -> PendingImport:
    """The person's own uploaded file awaiting confirmation, while it has not expired; else 404."""
    pending = PendingImport.objects.filter(
        organization=organization,
        person=person,
        pk=uuid_or_404(pending_id),
        created_at__gte=timezone.now() - PENDING_LIFETIME,
    ).first()
    if pending is None:
        raise Http404("That upload has expired: upload the file again.")
    return pending
