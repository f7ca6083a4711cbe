"""Creating many objectives, key results and check-ins at once: a spreadsheet import's new rows.

``okrs_bulk_create`` is the write of ``objective_create``, ``key_result_create`` and
``check_in_create`` for rows counted in the hundred thousands: the rows are streamed into their
tables (``core.bulk.insert_rows``), each new objective and key result gets its ``*.created``
audit event with the same facts as a form's, the key results' current values and confidences are
the ones their latest check-ins give, and the stored progress is recomputed once at the end.

Its caller has already judged every row by the rules those services apply (the import's
planner, ``transfer.okr_import``, does: permissions, open cycles and objectives, fields, the
coach's gate, alignment); this service checks again only what a single query can: that the
cycles are open and the objectives it adds key results and check-ins to are in open states.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from cadence.audit.services import audit_record_many, created_facts
from cadence.core.bulk import insert_rows
from cadence.core.ids import ordered_uuids
from cadence.okrs.models import CheckIn, Cycle, KeyResult, Objective
from cadence.okrs.permissions import OPEN_STATES
from cadence.okrs.services.stored_progress import objective_progress_recompute
from cadence.okrs.services.trail import KEY_RESULT_FACTS, OBJECTIVE_FACTS
from cadence.orgs.models import Person


@dataclass(slots=True)
class NewObjective:
    id: UUID
    cycle_id: UUID
    unit_id: UUID
    title: str
    why: str = ""
    commitment: str = Objective.Commitment.COMMITTED
    parent_id: UUID | None = None
    owner_id: UUID | None = None
    external_id: str = ""
    # For the audit trail's facts (names as they are at the time).
    unit_name: str = ""
    cycle_name: str = ""
    parent_title: str | None = None
    owner_name: str | None = None


@dataclass(slots=True)
class NewKeyResult:
    id: UUID
    objective_id: UUID
    title: str
    kind: str = KeyResult.Kind.METRIC
    start: float | None = None
    target: float | None = None
    unit: str = ""
    direction: str = ""
    weight: float = 1.0
    owner_id: UUID | None = None
    external_id: str = ""
    owner_name: str | None = None
    # What its check-ins (created with it) make of it: the latest one's value, confidence and
    # moment, and the first one's value (the start of a metric given none).
    current: float | None = None
    confidence: str = ""
    last_check_in_at: datetime | None = None
    first_value: float | None = None


@dataclass(slots=True)
class LatestCheckIn:
    """What a key result's latest check-in (by ``at``) makes of it, and its first measurement
    when that becomes the start (a metric created without a start value)."""

    key_result_id: UUID
    current: float
    confidence: str
    at: datetime
    start: float | None = None


# One new check-in: (key result id, value, confidence, note, at, order). ``order`` (under 2^22)
# breaks ties between check-ins of one key result at the same moment: the larger is the later.
NewCheckIn = tuple[UUID, float, str, str, datetime, int]

_OBJECTIVE_COLUMNS = (
    "id",
    "organization",
    "cycle",
    "unit",
    "parent",
    "owner",
    "created_by",
    "title",
    "why",
    "commitment",
    "state",
    "abandon_reason",
    "standalone_reason",
    "position",
    "external_id",
    "created_at",
    "updated_at",
)
_KEY_RESULT_COLUMNS = (
    "id",
    "organization",
    "objective",
    "owner",
    "title",
    "kind",
    "start",
    "target",
    "unit",
    "direction",
    "weight",
    "commitment",
    "position",
    "current",
    "confidence",
    "last_check_in_at",
    "start_from_first_check_in",
    "external_id",
    "created_at",
    "updated_at",
)
_CHECK_IN_COLUMNS = (
    "id",
    "organization",
    "key_result",
    "author",
    "value",
    "confidence",
    "note",
    "at",
    "created_at",
    "updated_at",
)


def _refuse_closed(organization_id, cycle_ids: set, objective_ids: set) -> None:
    closed = Cycle.objects.filter(
        organization_id=organization_id, pk__in=list(cycle_ids), closed_at__isnull=False
    ).first()
    if closed is not None:
        raise ValidationError(f"{closed.name} is closed: its OKRs can no longer change.")
    shut = (
        Objective.objects.filter(organization_id=organization_id, pk__in=list(objective_ids))
        .exclude(state__in=OPEN_STATES)
        .first()
    )
    if shut is not None:
        raise ValidationError(
            f"{shut.title!r} is {shut.get_state_display().lower()}: it takes no new key results "
            "or check-ins."
        )


@transaction.atomic
def okrs_bulk_create(
    *,
    actor: Person,
    objectives: list[NewObjective],
    key_results: list[NewKeyResult],
    check_ins: Iterable[NewCheckIn],
    latest: list[LatestCheckIn],
    now: datetime | None = None,
) -> dict[str, int]:
    """Create these objectives (as drafts, parents given before their children), key results
    and check-ins, and set each key result named in ``latest`` (new or stored) to its latest
    check-in. Returns how many of each were written."""
    if not actor.is_active or actor.is_viewer:
        raise PermissionDenied("Viewers and people who left cannot create OKRs.")
    organization_id = actor.organization_id
    now = now or timezone.now()
    new_objective_ids = {o.id for o in objectives}
    stored_objective_ids = {k.objective_id for k in key_results} - new_objective_ids
    _refuse_closed(organization_id, {o.cycle_id for o in objectives}, stored_objective_ids)

    # Positions follow the ones already there, as one by one in a form.
    next_position: dict[tuple, int] = {
        (row["cycle_id"], row["unit_id"]): row["n"]
        for row in Objective.objects.filter(organization_id=organization_id)
        .filter(cycle_id__in=list({o.cycle_id for o in objectives}))
        .values("cycle_id", "unit_id")
        .annotate(n=Count("id"))
    }
    kr_position: dict[Any, int] = {
        row["objective_id"]: row["n"]
        for row in KeyResult.objects.filter(objective_id__in=list(stored_objective_ids))
        .values("objective_id")
        .annotate(n=Count("id"))
    }

    def objective_rows() -> Iterator[tuple]:
        for o in objectives:
            key = (o.cycle_id, o.unit_id)
            position = next_position.get(key, 0)
            next_position[key] = position + 1
            yield (
                o.id,
                organization_id,
                o.cycle_id,
                o.unit_id,
                o.parent_id,
                o.owner_id,
                actor.pk,
                o.title,
                o.why,
                o.commitment,
                Objective.State.DRAFT,
                "",
                "",
                position,
                o.external_id,
                now,
                now,
            )

    def key_result_rows() -> Iterator[tuple]:
        for k in key_results:
            position = kr_position.get(k.objective_id, 0)
            kr_position[k.objective_id] = position + 1
            start = k.start
            from_first = False
            if k.kind == KeyResult.Kind.METRIC and start is None and k.first_value is not None:
                start, from_first = k.first_value, True
            yield (
                k.id,
                organization_id,
                k.objective_id,
                k.owner_id,
                k.title,
                k.kind,
                start,
                k.target,
                k.unit,
                k.direction,
                k.weight,
                "",
                position,
                k.current,
                k.confidence,
                k.last_check_in_at,
                from_first,
                k.external_id,
                now,
                now,
            )

    counts = {
        "objectives": insert_rows(Objective, _OBJECTIVE_COLUMNS, objective_rows()),
        "key_results": insert_rows(KeyResult, _KEY_RESULT_COLUMNS, key_result_rows()),
    }

    def check_in_rows() -> Iterator[tuple]:
        ids = ordered_uuids()
        for key_result_id, value, confidence, note, at, order in check_ins:
            # created_at orders check-ins of one moment as they were given (order is under 2^22
            # microseconds: at most four seconds after now).
            created = now + _MICROSECOND * order
            yield (
                next(ids),
                organization_id,
                key_result_id,
                actor.pk,
                value,
                confidence,
                note,
                at,
                created,
                created,
            )

    counts["check_ins"] = insert_rows(CheckIn, _CHECK_IN_COLUMNS, check_in_rows())
    touched = _apply_latest(latest, now) | stored_objective_ids
    _record_created(actor, objectives, key_results, now)
    cycle_ids = {o.cycle_id for o in objectives} | set(
        Objective.objects.filter(pk__in=list(touched)).values_list("cycle_id", flat=True)
    )
    for cycle in Cycle.objects.filter(pk__in=list(cycle_ids)):
        objective_progress_recompute(organization=actor.organization, cycle=cycle)
    return counts


_MICROSECOND = timedelta(microseconds=1)


def _apply_latest(latest: list[LatestCheckIn], now: datetime) -> set:
    """Stored key results that received check-ins: the latest one (theirs or the new ones')
    gives the current value and confidence. Returns their objectives' ids."""
    if not latest:
        return set()
    stored = {
        kr.pk: kr
        for kr in KeyResult.objects.select_for_update().filter(
            pk__in=[item.key_result_id for item in latest]
        )
    }
    changed = []
    for item in latest:
        kr = stored.get(item.key_result_id)
        if kr is None:
            continue
        if kr.last_check_in_at is None or item.at >= kr.last_check_in_at:
            kr.current, kr.confidence, kr.last_check_in_at = item.current, item.confidence, item.at
        if kr.kind == KeyResult.Kind.METRIC and kr.start is None and item.start is not None:
            kr.start, kr.start_from_first_check_in = item.start, True
        kr.updated_at = now
        changed.append(kr)
    KeyResult.objects.bulk_update(
        changed,
        [
            "current",
            "confidence",
            "last_check_in_at",
            "start",
            "start_from_first_check_in",
            "updated_at",
        ],
        batch_size=500,
    )
    return {kr.objective_id for kr in changed}


def _record_created(
    actor: Person, objectives: list[NewObjective], key_results: list[NewKeyResult], now: datetime
) -> None:
    """Each new objective's and key result's ``*.created`` event, with the facts a form's
    creation records."""

    def events() -> Iterator[tuple]:
        for o in objectives:
            facts = {
                "title": o.title,
                "why": o.why,
                "commitment": o.commitment,
                "owner": o.owner_name,
                "standalone_reason": "",
                "parent": o.parent_title,
                "unit": o.unit_name,
                "cycle": o.cycle_name,
                "state": Objective.State.DRAFT,
                "visibility": Objective.Visibility.ORGANIZATION,
            }
            yield (
                "objective.created",
                "okrs.objective",
                o.id,
                o.title,
                created_facts({name: facts[name] for name in OBJECTIVE_FACTS}),
            )
        for k in key_results:
            facts = {
                "title": k.title,
                "kind": k.kind,
                "start": k.start,
                "target": k.target,
                "unit": k.unit,
                "direction": k.direction,
                "weight": k.weight,
                "owner": k.owner_name,
                "commitment": "",
            }
            yield (
                "key_result.created",
                "okrs.keyresult",
                k.id,
                k.title,
                created_facts({name: facts[name] for name in KEY_RESULT_FACTS}),
            )

    audit_record_many(organization=actor.organization_id, actor=actor, events=events(), at=now)
