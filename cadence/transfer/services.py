"""The OKR import's writes: the dry run (a rehearsal, rolled back), the import itself (all or
nothing) and the uploaded file kept between them.

Both go through the okrs services (``objective_create``, ``key_result_update``,
``check_in_create``, …), so an imported objective is validated, judged by the coach, recorded in
the audit trail and rolled up exactly as one made in a form; a row those services refuse is
reported at its row and column. The dry run runs every write in a transaction that is always
rolled back, so its preview holds every error the import would meet.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from cadence.audit.services import audit_record
from cadence.okrs import services as okrs
from cadence.okrs.models import KeyResult, Objective
from cadence.orgs.models import Organization, Person
from cadence.transfer import okr_import
from cadence.transfer.columns import OKR_SHEET
from cadence.transfer.models import PendingImport
from cadence.transfer.okr_import import (
    CHECK_IN_FIELD_COLUMNS,
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
from cadence.transfer.selectors import PENDING_LIFETIME, can_import, import_state


class ImportRefused(ValidationError):
    """The file's rows have errors: nothing was saved. ``plan`` holds them, row by row."""

    def __init__(self, plan: Plan):
        n = len(plan.errors)
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
    read = okr_import.read_files(files)
    state = import_state(organization, actor, read.okr_rows, read.check_in_rows)
    plan = okr_import.plan_import(state, read.okr_rows, read.check_in_rows)
    plan.warnings = read.warnings
    plan.source = files
    return plan


class _Rehearsed(Exception):
    def __init__(self, errors: list[RowError]):
        super().__init__("rehearsal")
        self.errors = errors


def okr_import_dry_run(*, actor: Person, organization: Organization, files: ImportFiles) -> Plan:
    """The plan, with the errors the okrs services would raise: every write is made in a
    transaction that is then rolled back. Nothing is saved."""
    plan = okr_import_plan(actor=actor, organization=organization, files=files)
    if plan.errors or not plan.changes_anything:
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
    if fresh.errors:
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


def _check_in_moment(day, now: datetime, time_zone: str) -> datetime:
    """A check-in dated by a day is taken at noon that day in the organization's time zone (the
    day the export writes it under), never later than now."""
    return min(datetime.combine(day, time(12), tzinfo=ZoneInfo(time_zone or "UTC")), now)


def _execute(*, actor: Person, plan: Plan) -> list[RowError]:
    errors: list[RowError] = []
    objectives: dict[int, Objective] = {}
    key_results: dict[int, KeyResult] = {}
    reason = f"Imported from {plan.source.okr_name}."[:200]
    for op in _in_parent_order(plan):
        parent = op.parent
        if isinstance(parent, ObjectivePlan):
            parent = objectives.get(id(parent))
            if parent is None:
                continue  # its parent was refused: said at the parent's row
        if op.action == CREATE:
            values = op.values

            def create(op=op, parent=parent, values=values):
                return okrs.objective_create(
                    actor=actor,
                    cycle=op.cycle,
                    unit=op.unit,
                    title=op.title,
                    why=values.get("why", ""),
                    commitment=values.get("commitment", Objective.Commitment.COMMITTED),
                    parent=parent,
                    owner=values.get("owner"),
                    external_id=op.external_id,
                )

            done = _step(errors, OKR_SHEET, op.row, OBJECTIVE_FIELD_COLUMNS, create)
        elif op.action == UPDATE:
            changes = dict(op.changes)
            if "parent" in changes:
                changes["parent"] = parent

            def update(op=op, changes=changes):
                return okrs.objective_update(actor=actor, objective=op.existing, **changes)

            done = _step(errors, OKR_SHEET, op.row, OBJECTIVE_FIELD_COLUMNS, update)
        else:
            done = op.existing
        if done is not None:
            objectives[id(op)] = done
    for kr in plan.key_results:
        objective = objectives.get(id(kr.objective))
        if objective is None:
            continue
        if kr.action == CREATE:
            values = kr.values

            def create_kr(kr=kr, objective=objective, values=values):
                return okrs.key_result_create(
                    actor=actor,
                    objective=objective,
                    title=kr.title,
                    kind=values.get("kind", KeyResult.Kind.METRIC),
                    start=values.get("start"),
                    target=values.get("target"),
                    unit=values.get("unit", ""),
                    direction=values.get("direction", ""),
                    weight=values.get("weight", 1.0),
                    owner=values.get("owner"),
                    external_id=kr.external_id,
                )

            done = _step(errors, OKR_SHEET, kr.row, KEY_RESULT_FIELD_COLUMNS, create_kr)
        elif kr.action == UPDATE:
            target_moved = "start" in kr.changes or "target" in kr.changes

            def update_kr(kr=kr, target_moved=target_moved):
                return okrs.key_result_update(
                    actor=actor,
                    key_result=kr.existing,
                    reason=reason if target_moved else "",
                    **kr.changes,
                )

            done = _step(errors, OKR_SHEET, kr.row, KEY_RESULT_FIELD_COLUMNS, update_kr)
        else:
            done = kr.existing
        if done is not None:
            key_results[id(kr)] = done
    now = timezone.now()
    check_ins = sorted(
        (c for c in plan.check_ins if c.action != UNCHANGED),
        key=lambda c: (c.day, c.sheet == OKR_SHEET, c.row),
    )
    for check_in in check_ins:
        target = check_in.key_result
        if isinstance(target, KeyResultPlan):
            target = key_results.get(id(target))
            if target is None:
                continue

        def create_check_in(check_in=check_in, target=target):
            at = (
                now
                if check_in.sheet == OKR_SHEET
                else _check_in_moment(check_in.day, now, actor.organization.time_zone)
            )
            return okrs.check_in_create(
                actor=actor,
                key_result=target,
                value=check_in.value,
                confidence=check_in.confidence,
                note=check_in.note,
                at=at,
            )

        columns = CHECK_IN_FIELD_COLUMNS if check_in.sheet != OKR_SHEET else {"value": "current"}
        _step(errors, check_in.sheet, check_in.row, columns, create_check_in)
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
