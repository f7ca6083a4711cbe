"""Reads for the transfer app, each scoped to one organization: what the exports need that no
domain selector already answers (each one query whatever the number of rows), and the import's
view of what the organization holds."""

from __future__ import annotations

import sys
from datetime import date, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from cadence.coach.selectors.settings import settings_of
from cadence.coach.services import blocking_errors
from cadence.core.ids import uuid_or_404
from cadence.okrs.models import CheckIn, Cycle, KeyResult, Objective
from cadence.okrs.selectors import objectives_of
from cadence.okrs.visibility import Sight
from cadence.orgs.models import Membership, Organization, Person
from cadence.orgs.selectors import Access, UnitTree, people_of
from cadence.retrospectives.models import ObjectiveReviewNote
from cadence.transfer.models import PendingImport
from cadence.transfer.okr_import import ExistingState
from cadence.transfer.okr_import.plans import StoredCheckIns, StoredKeyResult
from cadence.weekly.models import PLANS, Item, ItemMove
from cadence.weekly.weeks import monday_of

PENDING_LIFETIME = timedelta(hours=1)


def can_import(actor: Person) -> bool:
    """Admins, and the leads of at least one unit (for the units they lead)."""
    if not actor.is_active or actor.is_viewer:
        return False
    if actor.is_admin:
        return True
    return Membership.objects.filter(person=actor, role=Membership.Role.LEAD).exists()


def import_state(
    organization: Organization, actor: Person, *, today: date | None = None
) -> ExistingState:
    """What an import's rows can name, in a fixed number of queries whatever the file: the
    cycles, the unit tree, the people, the objectives of the open cycles (an import changes no
    other) and those with an external id, their key results (and every key result with an
    external id, with its objective) and those key results' check-ins (streamed into
    ``StoredCheckIns``)."""
    tree = UnitTree.load(organization)
    access = Access(actor, tree)
    cycles = list(Cycle.objects.filter(organization=organization))
    open_cycles = [c.pk for c in cycles if not c.closed_at]
    kr_objective_ids = (
        KeyResult.objects.filter(organization=organization)
        .exclude(external_id="")
        .values("objective_id")
    )
    cycle_of = {c.pk: c for c in cycles}
    objectives = []
    for o in (
        Objective.objects.filter(organization=organization)
        .filter(Q(cycle_id__in=open_cycles) | ~Q(external_id="") | Q(pk__in=kr_objective_ids))
        .order_by("created_at", "id")
        .iterator(chunk_size=2000)
    ):
        o.cycle = cycle_of[o.cycle_id]  # one instance per cycle, not one per objective
        objectives.append(o)
    # Ids and repeated texts shared, not one object per row (a re-import meets 100,000 rows).
    objective_ids = {o.pk: o.pk for o in objectives}
    people = people_of(organization)
    person_ids = {p.pk: p.pk for p in people}
    key_results = []
    for row in (
        KeyResult.objects.filter(organization=organization)
        .filter(Q(objective__cycle_id__in=open_cycles) | ~Q(external_id=""))
        .order_by("position", "created_at", "id")
        .values_list(*StoredKeyResult.FIELDS)
        .iterator(chunk_size=5000)
    ):
        pk, objective_id, title, external_id, kind, start, target, unit, direction = row[:9]
        weight, owner_id, current, confidence, last_check_in_at = row[9:]
        if objective_id not in objective_ids:
            continue
        key_results.append(
            StoredKeyResult(
                pk,
                objective_ids[objective_id],
                title,
                external_id,
                sys.intern(kind),
                start,
                target,
                sys.intern(unit),
                sys.intern(direction),
                weight,
                person_ids.get(owner_id, owner_id),
                current,
                sys.intern(confidence),
                last_check_in_at,
            )
        )
    token = {k.pk: i for i, k in enumerate(key_results)}
    # A check-in's day is its day in the organization's time zone, as the export writes it.
    zone = ZoneInfo(organization.time_zone or "UTC")
    check_ins = StoredCheckIns()
    stored = (
        CheckIn.objects.filter(
            organization=organization, key_result__objective__cycle_id__in=open_cycles
        )
        .values_list("key_result_id", "at", "value")
        .iterator(chunk_size=5000)
    )
    for kr_id, at, value in stored:
        if kr_id in token:
            check_ins.add(token[kr_id], at.astimezone(zone).date(), value)
    settings = settings_of(organization)

    def coach(subject: str, draft) -> dict[str, list[str]]:
        return blocking_errors(settings=settings, subject=subject, draft=draft)

    return ExistingState(
        cycles=cycles,
        units=tree.units,
        company=tree.root,
        people={p.email.lower(): p for p in people},
        objectives=objectives,
        key_results=key_results,
        check_ins=check_ins,
        leads={u.pk for u in tree.units.values() if access.can_lead_unit(u)},
        today=today or timezone.now().astimezone(zone).date(),
        coach=coach,
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


def _in_units(field: str, unit_ids: set[UUID] | None) -> Q:
    return Q() if unit_ids is None else Q(**{f"{field}__in": list(unit_ids)})


def objective_labels(
    organization: Organization, objective_ids, *, sight: Sight
) -> dict[UUID, tuple[str, str]]:
    """objective id → (external_id, title), for objectives named but not loaded (a parent in
    another cycle or outside the unit exported)."""
    ids = list(objective_ids)
    if not ids:
        return {}
    rows = (
        objectives_of(organization, sight)
        .filter(pk__in=ids)
        .values_list("id", "external_id", "title")
    )
    return {pk: (external_id, title) for pk, external_id, title in rows}


def check_ins_for_export(
    organization: Organization, cycle: Cycle, unit_ids: set[UUID] | None, *, sight: Sight
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
        .filter(sight.objectives("key_result__objective__"))
        .select_related("key_result", "key_result__objective", "key_result__objective__unit")
        .order_by("at", "created_at")
    )


def weekly_items_for_export(
    organization: Organization,
    first_week: date,
    last_day: date,
    unit_ids: set[UUID] | None,
    *,
    sight: Sight,
) -> QuerySet[Item]:
    """The live weekly items of the weeks from ``first_week`` (any day of it) to the one holding
    ``last_day``, of people in these units (anyone's, without units): by week, person, category
    and position, with their update, person, category, objective and key result."""
    items = Item.objects.filter(
        organization=organization,
        deleted_at__isnull=True,
        update__week__gte=monday_of(first_week),
        update__week__lte=last_day,
    ).filter(sight.optional("objective") & sight.optional("key_result__objective"))
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
    organization: Organization, cycle: Cycle, unit_ids: set[UUID] | None, *, sight: Sight
) -> QuerySet[ObjectiveReviewNote]:
    """What the cycle's retrospectives say about objectives (notes with text), with their
    review's unit and the objective."""
    return (
        ObjectiveReviewNote.objects.filter(
            organization=organization, review__organization=organization, review__cycle=cycle
        )
        .exclude(text="")
        .filter(_in_units("review__unit_id", unit_ids))
        .filter(sight.objectives("objective__"))
        .select_related("review", "review__unit", "objective")
        .order_by("review__unit__name", "objective__position", "objective__created_at")
    )
