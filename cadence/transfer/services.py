"""The OKR import's writes: the dry run (a rehearsal, rolled back), the import itself (all or
nothing) and the uploaded file kept between them.

New objectives, key results and check-ins are written in bulk (``okrs_bulk_create``) after the
planner has judged each row by the rules the okrs services apply, so an imported objective is
validated, judged by the coach, recorded in the audit trail and rolled up as one made in a form.
Changes to stored objectives and key results go through ``objective_update`` and
``key_result_update``; the dry run rehearses those in a transaction that is always rolled back,
so its preview holds every error the import would meet, at its row and column.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from cadence.audit.services import audit_record
from cadence.core.ids import ordered_uuids
from cadence.okrs import services as okrs
from cadence.okrs.models import KeyResult, Objective
from cadence.okrs.services.bulk import LatestCheckIn, NewCheckIn, NewKeyResult, NewObjective
from cadence.orgs.models import Organization, Person
from cadence.transfer import okr_import
from cadence.transfer.columns import CHECK_IN_SHEET, OKR_SHEET
from cadence.transfer.models import PendingImport
from cadence.transfer.okr_import import (
    CONFIDENCE_CODES,
    CREATE,
    KEY_RESULT_FIELD_COLUMNS,
    OBJECTIVE_FIELD_COLUMNS,
    UNCHANGED,
    UPDATE,
    ImportFiles,
    KeyResultPlan,
    ObjectivePlan,
    Plan,
    RowError,
)
from cadence.transfer.okr_import.planner import _kr_effective
from cadence.transfer.selectors import PENDING_LIFETIME, can_import, import_state


class ImportRefused(ValidationError):
    """The file's rows have errors: nothing was saved. ``plan`` holds them, row by row."""

    def __init__(self, plan: Plan):
        n = plan.error_count
        super().__init__(
            {"file": f"The file has {n} error{'s' if n != 1 else ''}: nothing was imported."}
        )
        self.plan = plan


def _require_importer(actor: Person, organization: Organization) -> None:
    if actor.organization_id != organization.pk or not can_import(actor):
        raise PermissionDenied("Only admins and the leads of units import OKRs.")


def okr_import_plan(*, actor: Person, organization: Organization, files: ImportFiles) -> Plan:
    """Read the files and plan the import (no writes). A file that cannot be read at all raises
    ValidationError; errors in its rows are in the plan."""
    _require_importer(actor, organization)
    state = import_state(organization, actor)
    with okr_import.read_files(files) as read:
        plan = okr_import.plan_import(state, read.okr_rows, read.check_in_rows)
        plan.warnings = read.warnings
    plan.source = files
    return plan


class _Rehearsed(Exception):
    def __init__(self, errors: list[RowError]):
        super().__init__("rehearsal")
        self.errors = errors


def okr_import_dry_run(*, actor: Person, organization: Organization, files: ImportFiles) -> Plan:
    """The plan, with the errors the okrs services would raise. The planner judges every row
    the import creates; changes to stored objectives and key results are rehearsed through the
    okrs services in a transaction that is then rolled back. Nothing is saved."""
    plan = okr_import_plan(actor=actor, organization=organization, files=files)
    if plan.errors or not any(i.action == UPDATE for i in (*plan.objectives, *plan.key_results)):
        return plan
    try:
        with transaction.atomic():
            raise _Rehearsed(_execute(actor=actor, plan=plan))
    except _Rehearsed as rehearsal:
        plan.errors.extend(rehearsal.errors)
    return plan


@transaction.atomic
def okr_import_apply(
    *, actor: Person, organization: Organization, plan: Plan, via: str = ""
) -> Plan:
    """Import the files a dry run planned: planned again here (the organization may have changed
    since), refused whole (``ImportRefused``) if any row has an error, else written through the
    okrs services, all in this one transaction. A plan that changes nothing writes nothing.
    ``via`` names where it came from other than a page or the API ("command line")."""
    _require_importer(actor, organization)
    # One import at a time per organization: two at once would both create the same objectives.
    Organization.objects.select_for_update().filter(pk=organization.pk).first()
    fresh = okr_import_plan(actor=actor, organization=organization, files=plan.source)
    if fresh.error_count:
        raise ImportRefused(fresh)
    if not fresh.changes_anything:
        return fresh
    errors = _execute(actor=actor, plan=fresh)
    if errors:
        fresh.errors.extend(errors)
        raise ImportRefused(fresh)
    counts = fresh.counts()
    audit_record(
        organization=organization,
        kind="okrs.imported",
        actor=actor,
        actor_label=f"{via} as {actor.name} <{actor.email}>" if via else None,
        target_type="transfer.import",
        target_label=plan.source.okr_name[:300],
        changes={name: [None, n] for name, n in counts.items() if n},
    )
    return fresh


# Writing a plan through the okrs services ---------------------------------------------------


def _row_errors(
    exc: ValidationError | PermissionDenied, sheet: str, row: int, columns: dict[str, str]
) -> list[RowError]:
    if isinstance(exc, PermissionDenied):
        return [RowError(sheet, row, "unit", str(exc))]
    if hasattr(exc, "error_dict"):
        return [
            RowError(sheet, row, columns.get(name, ""), message)
            for name, messages in exc.message_dict.items()
            for message in messages
        ]
    return [RowError(sheet, row, "", message) for message in exc.messages]


def _step(errors: list[RowError], sheet: str, row: int, columns: dict[str, str], write) -> Any:
    """One service call in its own savepoint; a refusal becomes the row's error (and undoes only
    this call, so the dry run goes on to find the next row's errors)."""
    try:
        with transaction.atomic():
            return write()
    except (ValidationError, PermissionDenied) as exc:
        errors.extend(_row_errors(exc, sheet, row, columns))
        return None


def _in_parent_order(plan: Plan) -> list[ObjectivePlan]:
    out: list[ObjectivePlan] = []
    placed: set[int] = set()

    def place(objective: ObjectivePlan) -> None:
        if id(objective) in placed:
            return
        placed.add(id(objective))
        if isinstance(objective.parent, ObjectivePlan):
            place(objective.parent)
        out.append(objective)

    for objective in plan.objectives:
        place(objective)
    return out


def _check_in_moment(day: date, now: datetime, zone: ZoneInfo) -> datetime:
    """A check-in dated by a day is taken at noon that day in the organization's time zone (the
    day the export writes it under), never later than now."""
    return min(datetime.combine(day, time(12), tzinfo=zone), now)


def _new_id(item: ObjectivePlan | KeyResultPlan | Objective | KeyResult | None) -> Any:
    if item is None:
        return None
    if isinstance(item, (ObjectivePlan, KeyResultPlan)):
        return item.existing.pk if item.existing is not None else item.new_id
    return item.pk


def _name(item) -> str | None:
    if item is None:
        return None
    return getattr(item, "title", None) or getattr(item, "name", None)


def _bulk_rows(actor: Person, plan: Plan, now: datetime):
    """What ``okrs_bulk_create`` takes from a plan: its new objectives (parents first), new key
    results, new check-ins (streamed) and each key result's latest new check-in."""
    ids = ordered_uuids()
    for op in plan.objectives:
        if op.action == CREATE:
            op.new_id = next(ids)
    for kr in plan.key_results:
        if kr.action == CREATE:
            kr.new_id = next(ids)
    objectives = [
        NewObjective(
            id=op.new_id,
            cycle_id=op.cycle.pk,
            unit_id=op.unit.pk,
            title=op.title,
            why=op.values.get("why", ""),
            commitment=op.values.get("commitment", Objective.Commitment.COMMITTED),
            parent_id=_new_id(op.parent),
            owner_id=_new_id(op.values.get("owner")),
            external_id=op.external_id,
            unit_name=op.unit.name,
            cycle_name=op.cycle.name,
            parent_title=_name(op.parent),
            owner_name=_name(op.values.get("owner")),
        )
        for op in _in_parent_order(plan)
        if op.action == CREATE
    ]
    table = plan.check_ins
    zone = ZoneInfo(actor.organization.time_zone or "UTC")
    moments: dict[int, datetime] = {}

    def moment(sheet: int, day: int) -> datetime:
        if sheet == 0:  # the OKRs sheet's "current" column: now
            return now
        at = moments.get(day)
        if at is None:
            at = moments[day] = _check_in_moment(date.fromordinal(day), now, zone)
        return at

    first, latest = table.ends()
    target_of = {id(t): n for n, t in enumerate(table.targets)}

    def latest_of(target: int) -> tuple[float | None, str, datetime | None, float | None]:
        """(current, confidence, at, first value) its new check-ins give a key result."""
        i = latest[target]
        if i == -1:
            return None, "", None, None
        at = moment(table.sheet_of(i) == CHECK_IN_SHEET, table.day_of(i))
        return table.value_of(i), table.confidence_of(i), at, table.value_of(first[target])

    key_results = []
    for kr in plan.key_results:
        if kr.action != CREATE:
            continue
        values = kr.values
        effective = _kr_effective(values, None)
        owner = values.get("owner")
        target = target_of.get(id(kr))
        current, confidence, at, first_value = (
            latest_of(target) if target is not None else (None, "", None, None)
        )
        key_results.append(
            NewKeyResult(
                id=kr.new_id,
                objective_id=_new_id(kr.objective),
                title=kr.title,
                kind=effective["kind"],
                start=effective["start"],
                target=effective["target"],
                unit=values.get("unit", ""),
                direction=effective["direction"],
                weight=values.get("weight", 1.0),
                owner_id=_new_id(owner),
                external_id=kr.external_id,
                owner_name=_name(owner),
                current=current,
                confidence=confidence,
                last_check_in_at=at,
                first_value=first_value,
            )
        )
    # Stored key results that receive check-ins.
    latest_rows = []
    for n, t in enumerate(table.targets):
        if isinstance(t, KeyResultPlan) and t.existing is None:
            continue
        current, confidence, at, first_value = latest_of(n)
        if at is not None:
            latest_rows.append(
                LatestCheckIn(
                    key_result_id=_new_id(t),
                    current=current,
                    confidence=confidence,
                    at=at,
                    start=first_value,
                )
            )
    target_ids = [_new_id(t) for t in table.targets]

    def check_ins() -> Iterator[NewCheckIn]:
        for i, target, day, value, confidence, sheet, note in table.raw():
            yield (
                target_ids[target],
                value,
                CONFIDENCE_CODES[confidence],
                note,
                moment(sheet, day),
                table.tie(i),
            )

    return objectives, key_results, check_ins(), latest_rows


def _execute(*, actor: Person, plan: Plan) -> list[RowError]:
    """Write the plan: its new objectives, key results and check-ins in bulk (the planner judged
    each row as the okrs services would), then each change to a stored objective or key result
    through ``objective_update`` and ``key_result_update``, whose refusals are the rows'
    errors."""
    errors: list[RowError] = []
    now = timezone.now()
    objectives, key_results, check_ins, latest = _bulk_rows(actor, plan, now)
    try:
        with transaction.atomic():
            okrs.okrs_bulk_create(
                actor=actor,
                objectives=objectives,
                key_results=key_results,
                check_ins=check_ins,
                latest=latest,
                now=now,
            )
    except (ValidationError, PermissionDenied) as exc:
        return _row_errors(exc, OKR_SHEET, 0, {})
    created = {
        o.pk: o
        for o in Objective.objects.filter(
            pk__in=[op.new_id for op in plan.objectives if op.action == CREATE and op.parent]
        )
    }
    reason = f"Imported from {plan.source.okr_name}."[:200]
    for op in _in_parent_order(plan):
        if op.action != UPDATE:
            continue
        changes = dict(op.changes)
        if "parent" in changes:
            parent = changes["parent"]
            if isinstance(parent, ObjectivePlan):
                parent = (
                    parent.existing
                    or created.get(parent.new_id)
                    or Objective.objects.get(pk=parent.new_id)
                )
            changes["parent"] = parent

        def update(op=op, changes=changes):
            return okrs.objective_update(actor=actor, objective=op.existing, **changes)

        _step(errors, OKR_SHEET, op.row, OBJECTIVE_FIELD_COLUMNS, update)
    for kr in plan.key_results:
        if kr.action != UPDATE:
            continue
        target_moved = "start" in kr.changes or "target" in kr.changes

        def update_kr(kr=kr, target_moved=target_moved):
            return okrs.key_result_update(
                actor=actor,
                key_result=kr.existing,
                reason=reason if target_moved else "",
                **kr.changes,
            )

        _step(errors, OKR_SHEET, kr.row, KEY_RESULT_FIELD_COLUMNS, update_kr)
    return errors


# The uploaded file between the dry run and the confirmation ---------------------------------


@transaction.atomic
def pending_import_create(
    *, actor: Person, organization: Organization, files: ImportFiles
) -> PendingImport:
    """Keep the files a dry run read, for the person's confirmation; the organization's expired
    uploads go."""
    _require_importer(actor, organization)
    PendingImport.objects.filter(
        organization=organization, created_at__lt=timezone.now() - PENDING_LIFETIME
    ).delete()
    digest = hashlib.sha256(files.okr_data)
    if files.check_in_data is not None:
        digest.update(files.check_in_data)
    return PendingImport.objects.create(
        organization=organization,
        person=actor,
        okr_name=files.okr_name[:255],
        okr_data=files.okr_data,
        check_in_name=files.check_in_name[:255],
        check_in_data=files.check_in_data,
        sha256=digest.hexdigest(),
    )


def pending_import_files(pending: PendingImport) -> ImportFiles:
    check_in_data = pending.check_in_data
    return ImportFiles(
        okr_name=pending.okr_name,
        okr_data=bytes(pending.okr_data),
        check_in_name=pending.check_in_name,
        check_in_data=bytes(check_in_data) if check_in_data is not None else None,
    )


@transaction.atomic
def pending_import_apply(
    *, actor: Person, organization: Organization, pending: PendingImport
) -> Plan:
    """Import a kept upload (``okr_import_apply``) and forget it."""
    files = pending_import_files(pending)
    digest = hashlib.sha256(files.okr_data)
    if files.check_in_data is not None:
        digest.update(files.check_in_data)
    if digest.hexdigest() != pending.sha256:
        raise ValidationError(
            {"file": "The uploaded file changed since its preview: upload it again."}
        )
    plan = Plan(source=files)
    plan = okr_import_apply(actor=actor, organization=organization, plan=plan)
    PendingImport.objects.filter(pk=pending.pk).delete()
    return plan


__all__ = [
    "CREATE",
    "UNCHANGED",
    "UPDATE",
    "ImportRefused",
    "okr_import_apply",
    "okr_import_dry_run",
    "okr_import_plan",
    "pending_import_apply",
    "pending_import_create",
]
