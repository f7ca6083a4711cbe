"""The OKR import's planner: ``plan_import`` (the package's docstring says what a plan is and
the rules it follows)."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from cadence.coach.checks import KEY_RESULT, OBJECTIVE, KeyResultDraft, ObjectiveDraft
from cadence.core.limits import (
    MAX_EXTERNAL_ID,
    MAX_MEASURE_UNIT,
    MAX_TEXT,
    MAX_TITLE,
    MAX_WEIGHT,
    MIN_TITLE,
    MIN_WEIGHT,
)
from cadence.okrs.models import Cycle, KeyResult, Objective
from cadence.okrs.permissions import OPEN_STATES
from cadence.orgs.models import Unit
from cadence.transfer.columns import CHECK_IN_COLUMNS, CHECK_IN_SHEET, OKR_SHEET
from cadence.transfer.okr_import.cells import (
    COMMITMENTS,
    CONFIDENCES,
    DIRECTIONS,
    KINDS,
    CellError,
    norm,
    read_choice,
    read_day,
    read_number,
    read_text,
)
from cadence.transfer.okr_import.index import Index
from cadence.transfer.okr_import.plans import (
    CREATE,
    KEY_RESULT_COLUMNS,
    KEY_RESULT_FIELD_COLUMNS,
    NO_CHANGES,
    OBJECTIVE_FIELD_COLUMNS,
    UNCHANGED,
    UPDATE,
    ExistingState,
    KeyResultPlan,
    KeyResultValues,
    ObjectivePlan,
    ObjectiveValues,
    Plan,
)

# Planning -----------------------------------------------------------------------------------


def plan_import(
    state: ExistingState,
    okr_rows: Iterable[tuple[int, dict]],
    check_in_rows: Iterable[tuple[int, dict]] = (),
) -> Plan:
    """What importing these rows would do. A column the sheet does not have is left alone, like
    a blank cell."""
    plan = Plan()
    index = Index(state)
    by_key: dict[tuple, ObjectivePlan] = {}
    kr_by_ext: dict[str, KeyResultPlan] = {}
    obj_by_ext: dict[str, ObjectivePlan] = {}
    error = plan.error
    first_token = len(state.key_results)

    for number, row in okr_rows:
        try:
            objective = _objective_of_row(index, plan, by_key, obj_by_ext, number, row)
        except CellError as exc:
            error(OKR_SHEET, number, exc.column, exc.message)
            continue
        if objective is None:
            continue
        try:
            kr = _key_result_of_row(index, objective, kr_by_ext, number, row)
        except CellError as exc:
            error(OKR_SHEET, number, exc.column, exc.message)
            continue
        if kr is not None:
            kr.token = first_token + len(plan.key_results)
            plan.key_results.append(kr)
            objective.key_results.append(kr)
            if kr.existing is not None:
                plan.planned_for[kr.existing.pk] = kr
            if kr.external_id:
                kr_by_ext[kr.external_id] = kr

    planned = {o.existing.pk: o for o in plan.objectives if o.existing is not None}
    by_title: dict[tuple, list[ObjectivePlan]] = {}
    for o in plan.objectives:
        by_title.setdefault((o.cycle.pk, norm(o.title)), []).append(o)
    for objective in plan.objectives:
        try:
            _resolve_parent(index, objective, obj_by_ext, planned, by_title)
        except CellError as exc:
            error(OKR_SHEET, objective.parent_row or objective.row, exc.column, exc.message)
    _refuse_loops(plan, error)
    for objective in plan.objectives:
        _decide_objective(objective, error)
        for kr in objective.key_results:
            _decide_key_result(kr, error)

    _plan_check_ins(index, plan, state, check_in_rows, by_key, kr_by_ext, error)
    _judge_new(plan, state, error)
    return plan


def _objective_of_row(
    index: Index,
    plan: Plan,
    by_key: dict,
    obj_by_ext: dict,
    number: int,
    row: dict,
) -> ObjectivePlan | None:
    title = read_text(row, "objective", max_len=MAX_TITLE, min_len=MIN_TITLE, label="the title")
    if not title:
        raise CellError("objective", "Give the objective's title.")
    cycle = index.cycle(row)
    unit = index.unit(row)
    external_id = read_text(row, "external_id", max_len=MAX_EXTERNAL_ID, label="the external id")
    title_key = ("title", cycle.pk, unit.pk, norm(title))
    plan_ = by_key.get(("ext", external_id)) if external_id else None
    if plan_ is None:
        plan_ = by_key.get(title_key)
        if plan_ is not None and external_id and plan_.external_id not in ("", external_id):
            raise CellError(
                "external_id",
                f"Row {plan_.row} has this objective with the external id {plan_.external_id!r}.",
            )
    values = _objective_values(index, row)
    if plan_ is not None:
        # A further key result's row: the objective's columns repeat (or are left blank).
        if (plan_.cycle.pk, plan_.unit.pk, norm(plan_.title)) != title_key[1:]:
            raise CellError(
                "objective",
                f"Row {plan_.row} gives the external id {external_id!r} to "
                f"{plan_.title!r} in {plan_.cycle.name}, {plan_.unit.name}.",
            )
        for name, value in values.items():
            if name == "parent":
                if value and norm(value) != norm(plan_.parent_ref or value):
                    raise CellError("parent", f"Row {plan_.row} names another parent.")
                if value and not plan_.parent_ref:
                    plan_.parent_ref, plan_.parent_row = value, number
                continue
            if name in plan_.values and value != plan_.values[name]:
                column = OBJECTIVE_FIELD_COLUMNS[name]
                raise CellError(column, f"Row {plan_.row} gives this objective another {column}.")
            plan_.values[name] = value
        if external_id and not plan_.external_id:
            plan_.external_id = external_id
            by_key[("ext", external_id)] = plan_
            obj_by_ext[external_id] = plan_
        plan_.rows.append(number)
        return plan_
    if unit.pk not in index.state.leads:
        raise CellError(
            "unit",
            f"You may import OKRs only into the units you lead; you do not lead {unit.name}.",
        )
    existing = _match_objective(index, cycle, unit, title, external_id)
    if existing is not None:
        if existing.cycle_id != cycle.pk:
            raise CellError(
                "cycle",
                f"The objective with the external id {external_id!r} belongs to another cycle: "
                "objectives do not move between cycles.",
            )
        if existing.unit_id not in index.state.leads:
            raise CellError(
                "unit",
                "You may import OKRs only into the units you lead; this objective belongs to "
                f"{index.state.units[existing.unit_id].name}.",
            )
        if existing.state in (Objective.State.ABANDONED, Objective.State.CLOSED):
            # It may stay as it is; any change is refused below when it is asked for.
            pass
    parent_ref = values.pop("parent", "")
    plan_ = ObjectivePlan(
        row=number,
        title=title,
        cycle=cycle,
        unit=unit,
        external_id=external_id,
        existing=existing,
        values=values,
        parent_ref=parent_ref,
        parent_row=number if parent_ref else 0,
        rows=[number],
    )
    plan.objectives.append(plan_)
    by_key[title_key] = plan_
    if external_id:
        by_key[("ext", external_id)] = plan_
        obj_by_ext[external_id] = plan_
    return plan_


def _objective_values(index: Index, row: dict) -> ObjectiveValues:
    """The objective's fields this row sets (blank cells set nothing)."""
    values = ObjectiveValues()
    if commitment := read_choice(row, "commitment", COMMITMENTS):
        values["commitment"] = commitment
    if why := read_text(row, "why", max_len=MAX_TEXT, label="why it matters"):
        values["why"] = why
    if parent := read_text(row, "parent", max_len=MAX_TITLE, label="the parent"):
        values["parent"] = parent
    if owner := index.person(row, "objective_owner_email"):
        values["owner"] = owner
    return values


def _match_objective(
    index: Index, cycle: Cycle, unit: Unit, title: str, external_id: str
) -> Objective | None:
    if external_id and external_id in index.objectives_by_ext:
        return index.objectives_by_ext[external_id]
    found = index.objectives_by_title.get((cycle.pk, unit.pk, norm(title)), [])
    if external_id and any(o.external_id for o in found):
        other = next(o.external_id for o in found if o.external_id)
        raise CellError(
            "external_id",
            f"{unit.name} already has {title!r} in {cycle.name}, with the external id {other!r}.",
        )
    if len(found) > 1:
        raise CellError(
            "objective",
            f"{unit.name} has several objectives titled {title!r} in {cycle.name}: give this one "
            "an external_id to say which.",
        )
    return found[0] if found else None


def _key_result_of_row(
    index: Index, objective: ObjectivePlan, kr_by_ext: dict, number: int, row: dict
) -> KeyResultPlan | None:
    if all(row.get(c) is None for c in KEY_RESULT_COLUMNS):
        return None  # an objective without key results (or a repeat of its row)
    title = read_text(row, "key_result", max_len=MAX_TITLE, min_len=MIN_TITLE, label="the title")
    if not title:
        raise CellError("key_result", "Give the key result's title.")
    external_id = read_text(
        row, "key_result_external_id", max_len=MAX_EXTERNAL_ID, label="the external id"
    )
    for other in objective.key_results:
        if (external_id and other.external_id == external_id) or (norm(other.title) == norm(title)):
            raise CellError("key_result", f"Row {other.row} already has this key result.")
    if external_id and external_id in kr_by_ext:
        raise CellError(
            "key_result_external_id",
            f"Row {kr_by_ext[external_id].row} has a key result with this external id.",
        )
    values = KeyResultValues()
    values["title"] = title
    if kind := read_choice(row, "kind", KINDS):
        values["kind"] = kind
    for column in ("start", "target"):
        number_ = read_number(row, column)
        if number_ is not None:
            values[column] = number_
    if unit := read_text(row, "unit_of_measure", max_len=MAX_MEASURE_UNIT, label="the unit"):
        values["unit"] = sys.intern(unit)  # (a few units, on a hundred thousand rows)
    if direction := read_choice(row, "direction", DIRECTIONS):
        values["direction"] = direction
    weight = read_number(row, "weight")
    if weight is not None:
        if not MIN_WEIGHT <= weight <= MAX_WEIGHT:
            raise CellError("weight", f"Give a weight between {MIN_WEIGHT} and {MAX_WEIGHT:g}.")
        values["weight"] = weight
    if owner := index.person(row, "owner_email"):
        values["owner"] = owner
    current = read_number(row, "current")
    existing = _match_key_result(index, objective, title, external_id)
    return KeyResultPlan(
        row=number,
        objective=objective,
        title=title,
        external_id=external_id,
        existing=existing,
        values=values,
        current=current,
    )


def _match_key_result(
    index: Index, objective: ObjectivePlan, title: str, external_id: str
) -> KeyResult | None:
    if external_id and external_id in index.krs_by_ext:
        kr = index.krs_by_ext[external_id]
        if objective.existing is None or kr.objective_id != objective.existing.pk:
            owner = index.objectives.get(kr.objective_id)
            raise CellError(
                "key_result_external_id",
                f"This external id belongs to a key result of "
                f"{owner.title if owner else 'another objective'!r}: key results do not move "
                "between objectives.",
            )
        return kr
    if objective.existing is None:
        return None
    found = [
        k
        for k in index.krs_by_objective.get(objective.existing.pk, [])
        if norm(k.title) == norm(title)
    ]
    if external_id and any(k.external_id for k in found):
        raise CellError(
            "key_result_external_id",
            f"{objective.title!r} already has the key result {title!r}, with the external id "
            f"{next(k.external_id for k in found if k.external_id)!r}.",
        )
    if len(found) > 1:
        raise CellError(
            "key_result",
            f"{objective.title!r} has several key results titled {title!r}: give this one a "
            "key_result_external_id to say which.",
        )
    return found[0] if found else None


def _resolve_parent(
    index: Index, objective: ObjectivePlan, obj_by_ext: dict, planned: dict, by_title: dict
) -> None:
    """``planned``: stored objective id → its plan; ``by_title``: (cycle id, title) → plans."""
    ref = objective.parent_ref
    if not ref:
        return
    parent: ObjectivePlan | Objective | None = obj_by_ext.get(ref)
    if parent is None:
        parent = index.objectives_by_ext.get(ref)
        if parent is not None:
            # An objective the file names too is planned: its planned values win.
            parent = planned.get(parent.pk, parent)
    if parent is None:
        in_file = by_title.get((objective.cycle.pk, norm(ref)), [])
        stored = [
            o
            for o in index.objectives_by_cycle_title.get((objective.cycle.pk, norm(ref)), [])
            if not any(p.existing is o for p in in_file)
        ]
        found = in_file + stored
        if len(found) > 1:
            raise CellError(
                "parent",
                f"Several objectives of {objective.cycle.name} are titled {ref!r}: name the "
                "parent by its external_id.",
            )
        if not found:
            raise CellError(
                "parent",
                f"No objective of {objective.cycle.name} is titled {ref!r} or has that external "
                "id.",
            )
        parent = found[0]
    if parent is objective or parent is objective.existing:
        raise CellError("parent", "An objective cannot align to itself.")
    if isinstance(parent, Objective) and parent.state == Objective.State.ABANDONED:
        raise CellError("parent", "That objective was abandoned; align to a live one.")
    objective.parent = parent


def _refuse_loops(plan: Plan, error) -> None:
    for objective in plan.objectives:
        seen = {id(objective)}
        node = objective.parent
        while isinstance(node, ObjectivePlan):
            if id(node) in seen:
                error(
                    OKR_SHEET,
                    objective.parent_row or objective.row,
                    "parent",
                    "These parents make a loop: an objective would be aligned below itself.",
                )
                objective.parent = None
                break
            seen.add(id(node))
            node = node.parent


def _judge_new(plan: Plan, state: ExistingState, error) -> None:
    """What objective_create, key_result_create and check_in_create would refuse of the rows
    the plan creates (these rows are written in bulk, not through those services): the coach's
    gate, archived units, annual objectives below the company, a parent whose cycle does not
    cover the objective's, and a first measurement that equals the target."""
    coach = state.coach
    # The coach judges what the services' own validation let through (as they call it last).
    refused = {e.row for e in plan.errors if e.sheet == OKR_SHEET}
    for o in plan.objectives:
        if o.action != CREATE or o.row in refused:
            continue
        if o.unit.archived_at is not None:
            error(OKR_SHEET, o.row, "unit", f"{o.unit.name} is archived: choose another unit.")
        if o.cycle.kind == Cycle.Kind.YEAR and o.unit.kind != Unit.Kind.COMPANY:
            error(OKR_SHEET, o.row, "cycle", "Annual objectives are set at company level only.")
        parent = o.parent
        if parent is not None:
            parent_cycle = parent.cycle
            if not parent_cycle.contains(o.cycle):
                error(
                    OKR_SHEET,
                    o.parent_row or o.row,
                    "parent",
                    f"The parent objective belongs to {parent_cycle.name}, which does not cover "
                    f"{o.cycle.name}.",
                )
        if coach is not None:
            found = coach(
                OBJECTIVE,
                ObjectiveDraft(title=o.title, why=o.values.get("why", ""), unit_kind=o.unit.kind),
            )
            for name, messages in found.items():
                for message in messages:
                    error(OKR_SHEET, o.row, OBJECTIVE_FIELD_COLUMNS.get(name, "objective"), message)
    for kr in plan.key_results:
        if kr.action != CREATE or coach is None or kr.row in refused:
            continue
        effective = _kr_effective(kr.values, None)
        found = coach(
            KEY_RESULT,
            KeyResultDraft(
                title=kr.title,
                kind=effective["kind"],
                start=effective["start"],
                target=effective["target"],
                unit=kr.values.get("unit", ""),
            ),
        )
        for name, messages in found.items():
            for message in messages:
                error(OKR_SHEET, kr.row, KEY_RESULT_FIELD_COLUMNS.get(name, "key_result"), message)
    _judge_first_measurements(plan, error)


def _judge_first_measurements(plan: Plan, error) -> None:
    """A metric key result without a start value takes its first measurement as the start: one
    equal to the target is refused (progress would divide by zero)."""
    table = plan.check_ins
    first, _latest = table.ends()
    for target, i in enumerate(first):
        if i == -1:
            continue
        kr = table.targets[target]
        if isinstance(kr, KeyResultPlan):
            effective = _kr_effective(kr.values, kr.existing)
            has_check_ins = kr.existing is not None and kr.existing.last_check_in_at is not None
        else:
            effective = {"kind": kr.kind, "start": kr.start, "target": kr.target}
            has_check_ins = kr.last_check_in_at is not None
        if (
            effective["kind"] == KeyResult.Kind.METRIC
            and effective["start"] is None
            and not has_check_ins
            and table.value_of(i) == effective["target"]
        ):
            sheet = table.sheet_of(i)
            error(
                sheet,
                table.row_of(i),
                "current" if sheet == OKR_SHEET else "value",
                "This first measurement already equals the target: set a start value or a more "
                "ambitious target first.",
            )


def _parent_id(parent) -> Any:
    if isinstance(parent, ObjectivePlan):
        return parent.existing.pk if parent.existing is not None else parent
    return parent.pk if parent is not None else None


def _decide_objective(objective: ObjectivePlan, error) -> None:
    existing = objective.existing
    if existing is None:
        objective.action = CREATE
        return
    changes: dict[str, Any] = {}
    if existing.title != objective.title:
        changes["title"] = objective.title
    if objective.external_id and existing.external_id != objective.external_id:
        changes["external_id"] = objective.external_id
    if existing.unit_id != objective.unit.pk:
        changes["unit"] = objective.unit
    for name in ("commitment", "why"):
        if name in objective.values and objective.values[name] != getattr(existing, name):
            changes[name] = objective.values[name]
    if "owner" in objective.values and objective.values["owner"].pk != existing.owner_id:
        changes["owner"] = objective.values["owner"]
    if objective.parent is not None and _parent_id(objective.parent) != existing.parent_id:
        changes["parent"] = objective.parent
    objective.changes = changes or NO_CHANGES
    objective.action = UPDATE if changes else UNCHANGED
    if changes and existing.state not in (
        Objective.State.DRAFT,
        Objective.State.PROPOSED,
        Objective.State.APPROVED,
    ):
        error(
            OKR_SHEET,
            objective.row,
            "objective",
            f"This objective is {existing.get_state_display().lower()}: it no longer changes.",
        )


def _kr_effective(values: dict, existing: KeyResult | None) -> dict[str, Any]:
    """The key result's fields once the file's values are laid over the stored ones, with the
    kind's rules applied as the okrs service applies them."""
    out = {
        "kind": existing.kind if existing else KeyResult.Kind.METRIC,
        "start": existing.start if existing else None,
        "target": existing.target if existing else None,
        "direction": existing.direction if existing else "",
    }
    out.update({k: v for k, v in values.items() if k in out})
    if out["kind"] == KeyResult.Kind.METRIC:
        out["direction"] = ""
    elif out["kind"] == KeyResult.Kind.THRESHOLD:
        out["direction"] = out["direction"] or KeyResult.Direction.AT_LEAST
    else:
        out.update(start=0.0, target=1.0, direction="")
    return out


def _decide_key_result(kr: KeyResultPlan, error) -> None:
    existing = kr.existing
    effective = _kr_effective(kr.values, existing)
    if effective["kind"] == KeyResult.Kind.METRIC:
        if effective["target"] is None:
            error(OKR_SHEET, kr.row, "target", "A metric key result needs a target value.")
        elif effective["start"] is not None and effective["start"] == effective["target"]:
            error(OKR_SHEET, kr.row, "target", "The target must differ from the start value.")
    elif effective["kind"] == KeyResult.Kind.THRESHOLD and effective["target"] is None:
        error(OKR_SHEET, kr.row, "target", "A threshold key result needs the bound to hold.")
    if (
        kr.current is not None
        and effective["kind"] == KeyResult.Kind.MILESTONE
        and kr.current not in (0, 1)
    ):
        error(OKR_SHEET, kr.row, "current", "A milestone takes 1 (done) or 0 (not done).")
    if existing is None:
        kr.action = CREATE
        if kr.objective.existing is not None and kr.objective.existing.state not in (
            Objective.State.DRAFT,
            Objective.State.PROPOSED,
            Objective.State.APPROVED,
        ):
            error(OKR_SHEET, kr.row, "key_result", "This objective takes no new key results.")
        return
    changes: dict[str, Any] = {}
    if existing.title != kr.title:
        changes["title"] = kr.title
    if kr.external_id and existing.external_id != kr.external_id:
        changes["external_id"] = kr.external_id
    for name in ("kind", "start", "target", "direction"):
        if effective[name] != getattr(existing, name):
            changes[name] = effective[name]
    for name in ("unit", "weight"):
        if name in kr.values and kr.values[name] != getattr(existing, name):
            changes[name] = kr.values[name]
    if "owner" in kr.values and kr.values["owner"].pk != existing.owner_id:
        changes["owner"] = kr.values["owner"]
    kr.changes = changes or NO_CHANGES
    kr.action = UPDATE if changes else UNCHANGED


@dataclass(frozen=True, slots=True)
class _Refused:
    column: str
    message: str


class _Memo:
    """What a cell's text was read as, or the error it raised, for cells that repeat (a day, a
    key result's id, a confidence): a million check-ins name a few thousand of each."""

    def __init__(self, read):
        self.read = read
        self.seen: dict = {}

    def __call__(self, key, *args):
        try:
            found = self.seen[key]
        except KeyError:
            try:
                found = self.read(*args)
            except CellError as exc:
                found = _Refused(exc.column, exc.message)
            if len(self.seen) >= 20_000:
                self.seen.clear()  # (bounded: a file rarely repeats far apart)
            self.seen[key] = found
        if type(found) is _Refused:
            raise CellError(found.column, found.message)
        return found


def _plan_check_ins(
    index: Index,
    plan: Plan,
    state: ExistingState,
    rows: Iterable[tuple[int, dict]],
    by_key: dict,
    kr_by_ext: dict,
    error,
) -> None:
    table = plan.check_ins
    today = state.today
    # The "current" column: a check-in today when it differs from the value now (the latest
    # check-in's, else the start: what an export writes for a key result never checked in).
    for kr in plan.key_results:
        if kr.current is None:
            continue
        now = kr.existing.value_now if kr.existing is not None else kr.values.get("start")
        if now is not None and now == kr.current:
            continue
        confidence = (
            kr.existing.confidence
            if kr.existing is not None and kr.existing.confidence
            else KeyResult.Confidence.ON_TRACK
        )
        target = table.target_index(kr)
        table.add(OKR_SHEET, kr.row, target, today, kr.current, confidence, "", CREATE)

    def target_of(row: dict) -> tuple[KeyResultPlan | KeyResult, int, str | None]:
        target = _check_in_key_result(index, plan, row, by_key, kr_by_ext)
        kind = target.values.get("kind") if isinstance(target, KeyResultPlan) else target.kind
        if isinstance(target, KeyResultPlan):
            if kind is None:
                kind = target.existing.kind if target.existing else KeyResult.Kind.METRIC
            objective = target.objective.existing
            if objective is not None and objective.state not in OPEN_STATES:
                raise CellError(
                    "key_result",
                    f"This objective is {objective.get_state_display().lower()}: it takes no "
                    "check-ins.",
                )
        return target, table.target_index(target), kind

    by_id = _Memo(lambda row: target_of(row))
    by_names = _Memo(lambda row: target_of(row))
    days = _Memo(lambda row: _check_in_day(row, today))
    confidences = _Memo(
        lambda row: read_choice(row, "confidence", CONFIDENCES) or KeyResult.Confidence.ON_TRACK
    )
    milestone = KeyResult.Kind.MILESTONE
    for number, row in rows:
        try:
            ref = row.get("key_result_external_id")
            if ref is not None:
                target, target_index, kind = by_id(ref, row)
            else:
                key = tuple(row.get(c) for c in ("cycle", "unit", "objective", "key_result"))
                target, target_index, kind = by_names(key, row)
            day = days(row.get("date"), row)
            value = _check_in_value(row)
            confidence = confidences(row.get("confidence"), row)
            note = row.get("note")
            note = read_text(row, "note", max_len=MAX_TEXT, label="the note") if note else ""
        except CellError as exc:
            error(CHECK_IN_SHEET, number, exc.column, exc.message)
            continue
        if kind == milestone and value not in (0, 1):
            error(CHECK_IN_SHEET, number, "value", "A milestone takes 1 (done) or 0 (not done).")
            continue
        table.add(CHECK_IN_SHEET, number, target_index, day, value, confidence, note, CREATE)
    # Those already stored, or given earlier in the file, are unchanged.
    table.settle(state.check_ins, [_stored_token(index, t) for t in table.targets])


def _stored_token(index: Index, target: KeyResultPlan | KeyResult) -> int:
    """The target's index among the stored key results, or -1 for a new one."""
    if isinstance(target, KeyResultPlan):
        return -1 if target.existing is None else index.kr_token[target.existing.pk]
    return index.kr_token[target.pk]


def _check_in_day(row: dict, today) -> Any:
    day = read_day(row, "date")
    if day is None:
        raise CellError("date", "Give the check-in's date, as YYYY-MM-DD.")
    if day > today:
        raise CellError("date", "A check-in cannot be dated in the future.")
    return day


_PLAIN_NUMBER = re.compile(r"-?\d{1,15}(\.\d{1,15})?")


def _check_in_value(row: dict) -> float:
    value = row.get("value")
    # The common cell (a plain decimal in range) read at once; anything else by read_number.
    if type(value) is str and _PLAIN_NUMBER.fullmatch(value):
        return float(value)
    number = read_number(row, "value")
    if number is None:
        raise CellError("value", "Give the value measured.")
    return number


def _check_in_key_result(
    index: Index, plan: Plan, row: dict, by_key: dict, kr_by_ext: dict
) -> KeyResultPlan | KeyResult:
    external_id = read_text(row, "key_result_external_id", max_len=MAX_EXTERNAL_ID)
    if external_id:
        if external_id in kr_by_ext:
            return kr_by_ext[external_id]
        kr = index.krs_by_ext.get(external_id)
        if kr is None:
            raise CellError("key_result_external_id", "No key result has this external id.")
        return _in_plan(plan, kr) or _led(index, kr)
    title = read_text(row, "key_result", max_len=MAX_TITLE)
    objective_title = read_text(row, "objective", max_len=MAX_TITLE)
    if not title or not objective_title:
        raise CellError(
            "key_result",
            "Name the key result: its key_result_external_id, or the cycle, unit, objective and "
            "key result titles.",
        )
    cycle = index.cycle(row)
    unit = index.unit(row)
    objective = by_key.get(("title", cycle.pk, unit.pk, norm(objective_title)))
    if objective is not None:
        for kr in objective.key_results:
            if norm(kr.title) == norm(title):
                return kr
    stored = index.objectives_by_title.get((cycle.pk, unit.pk, norm(objective_title)), [])
    found = [
        k
        for o in stored
        for k in index.krs_by_objective.get(o.pk, [])
        if norm(k.title) == norm(title)
    ]
    if len(found) > 1:
        raise CellError(
            "key_result", "Several key results match: name it by its key_result_external_id."
        )
    if not found:
        raise CellError(
            "key_result",
            f"{unit.name} has no key result {title!r} under {objective_title!r} in {cycle.name}.",
        )
    return _in_plan(plan, found[0]) or _led(index, found[0])


def _in_plan(plan: Plan, kr: KeyResult) -> KeyResultPlan | None:
    return plan.planned_for.get(kr.pk)


def _led(index: Index, kr: KeyResult) -> KeyResult:
    objective = index.objectives.get(kr.objective_id)
    if objective is None or objective.unit_id not in index.state.leads:
        raise CellError("key_result", "You may import check-ins only for the units you lead.")
    if objective.cycle.closed_at:
        raise CellError("key_result", f"{objective.cycle.name} is closed: it takes no check-ins.")
    if objective.state not in OPEN_STATES:
        raise CellError(
            "key_result",
            f"This objective is {objective.get_state_display().lower()}: it takes no check-ins.",
        )
    return kr


CHECK_IN_REQUIRED = ("date", "value")
OKR_REQUIRED = ("cycle", "objective")
CHECK_IN_KNOWN = CHECK_IN_COLUMNS
