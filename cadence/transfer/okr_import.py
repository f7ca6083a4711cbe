"""The OKR import's planner: what a spreadsheet would create, update and leave alone.

Pure apart from the models it is handed: ``plan_import`` takes the organization's existing
cycles, units, people, objectives, key results and check-ins (loaded once by
``transfer.selectors.import_state``, in a fixed number of queries) and the sheets' rows, and
returns a ``Plan``: per objective and key result ``create``, ``update`` (with the changed
fields) or ``unchanged``, the check-ins to add, and every error as (sheet, row, column,
message). It writes nothing; ``transfer.services`` rehearses and applies a plan through the okrs
services, whose own validation and coach gate then speak for the rows they refuse.

The rules (docs/decisions.md, "Issue 14 — import"):
- An objective is matched by ``external_id``, else by cycle + unit + title (case aside); a key
  result by ``key_result_external_id``, else by its title within its objective.
- A blank cell leaves the stored value alone: an import never clears a field.
- New objectives arrive as drafts (the forms start them so); their people propose them.
- Only admins, and leads for the units they lead (and the units below), import.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from cadence.core.limits import (
    FIRST_DATE,
    LAST_DATE,
    MAX_ABS_VALUE,
    MAX_ABS_VALUE_TEXT,
    MAX_EXTERNAL_ID,
    MAX_MEASURE_UNIT,
    MAX_TEXT,
    MAX_TITLE,
    MAX_WEIGHT,
    MIN_TITLE,
    MIN_WEIGHT,
)
from cadence.okrs.models import Cycle, KeyResult, Objective
from cadence.orgs.models import Person, Unit
from cadence.transfer.columns import CHECK_IN_COLUMNS, CHECK_IN_SHEET, OKR_SHEET

CREATE, UPDATE, UNCHANGED = "create", "update", "unchanged"

# The objective's columns, which repeat on each of its key results' rows.
OBJECTIVE_COLUMNS = (
    "cycle",
    "unit",
    "external_id",
    "objective",
    "commitment",
    "why",
    "parent",
    "objective_owner_email",
)
KEY_RESULT_COLUMNS = (
    "key_result_external_id",
    "key_result",
    "kind",
    "start",
    "target",
    "unit_of_measure",
    "direction",
    "weight",
    "owner_email",
    "current",
)
# Which column a service's field error belongs to.
OBJECTIVE_FIELD_COLUMNS = {
    "title": "objective",
    "why": "why",
    "commitment": "commitment",
    "parent": "parent",
    "owner": "objective_owner_email",
    "unit": "unit",
    "cycle": "cycle",
    "external_id": "external_id",
}
KEY_RESULT_FIELD_COLUMNS = {
    "title": "key_result",
    "kind": "kind",
    "start": "start",
    "target": "target",
    "unit": "unit_of_measure",
    "direction": "direction",
    "weight": "weight",
    "owner": "owner_email",
    "external_id": "key_result_external_id",
    "reason": "target",
}
CHECK_IN_FIELD_COLUMNS = {
    "value": "value",
    "confidence": "confidence",
    "note": "note",
    "at": "date",
}


@dataclass(frozen=True)
class RowError:
    sheet: str
    row: int
    column: str
    message: str

    def as_line(self) -> str:
        where = f"{self.sheet}, row {self.row}" if self.row else self.sheet
        if self.column:
            where += f", {self.column}"
        return f"{where}: {self.message}"


@dataclass
class ExistingState:
    """What the organization holds that an import can name, loaded once."""

    cycles: list[Cycle]
    units: dict[Any, Unit]
    company: Unit
    people: dict[str, Person]  # by lower-cased email, active people only
    objectives: list[Objective]
    key_results: list[KeyResult]
    check_ins: set[tuple[Any, date, float]]  # (key result id, day, value)
    leads: set[Any]  # ids of the units the actor may import into
    today: date


@dataclass
class ObjectivePlan:
    row: int
    title: str
    cycle: Cycle
    unit: Unit
    external_id: str = ""
    existing: Objective | None = None
    action: str = CREATE
    values: dict[str, Any] = field(default_factory=dict)  # what the file sets
    changes: dict[str, Any] = field(default_factory=dict)  # for update: field -> new value
    parent_ref: str = ""
    parent_row: int = 0
    parent: ObjectivePlan | Objective | None = None
    key_results: list[KeyResultPlan] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)


@dataclass
class KeyResultPlan:
    row: int
    objective: ObjectivePlan
    title: str
    external_id: str = ""
    existing: KeyResult | None = None
    action: str = CREATE
    values: dict[str, Any] = field(default_factory=dict)
    changes: dict[str, Any] = field(default_factory=dict)
    current: float | None = None


@dataclass
class CheckInPlan:
    sheet: str
    row: int
    key_result: KeyResultPlan | KeyResult
    day: date
    value: float
    confidence: str
    note: str
    action: str = CREATE


@dataclass
class Plan:
    objectives: list[ObjectivePlan] = field(default_factory=list)
    key_results: list[KeyResultPlan] = field(default_factory=list)
    check_ins: list[CheckInPlan] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    source: Any = None  # the ImportFiles it was read from

    def counts(self) -> dict[str, int]:
        out = {}
        for name, items in (
            ("objectives", self.objectives),
            ("key_results", self.key_results),
            ("check_ins", self.check_ins),
        ):
            for action in (CREATE, UPDATE, UNCHANGED):
                if name == "check_ins" and action == UPDATE:
                    continue
                out[f"{name}_{action}d" if action != UNCHANGED else f"{name}_unchanged"] = sum(
                    1 for i in items if i.action == action
                )
        return out

    @property
    def changes_anything(self) -> bool:
        return any(
            i.action != UNCHANGED for i in (*self.objectives, *self.key_results, *self.check_ins)
        )

    def sorted_errors(self) -> list[RowError]:
        order = {OKR_SHEET: 0, CHECK_IN_SHEET: 1}
        return sorted(
            dict.fromkeys(self.errors), key=lambda e: (order.get(e.sheet, 2), e.row, e.column)
        )


class _RowError(Exception):
    def __init__(self, column: str, message: str):
        super().__init__(message)
        self.column = column
        self.message = message


# Reading one cell ---------------------------------------------------------------------------


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip()).lower()


def _text(row: dict, column: str, *, max_len: int, min_len: int = 0, label: str = "") -> str:
    value = row.get(column)
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if len(text) >= 2 and text[0] == "'" and text[1] in "=+-@":
        # A spreadsheet export's guard against formula injection: the value is what follows.
        text = text[1:]
    if "\x00" in text:
        raise _RowError(column, "Text cannot contain NUL characters.")
    if len(text) > max_len:
        raise _RowError(column, f"Keep {label or 'it'} under {max_len} characters.")
    if text and len(text) < min_len:
        raise _RowError(column, f"{(label or 'it').capitalize()} needs at least {min_len} letters.")
    return text


_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def _number(row: dict, column: str) -> float | None:
    value = row.get(column)
    if value is None:
        return None
    if isinstance(value, (date, datetime)):
        raise _RowError(column, "Give a number, not a date.")
    if isinstance(value, (int, float)):
        number = float(value)
    else:
        text = str(value).strip().replace(" ", "").replace("\u00a0", "")
        if re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?", text):
            text = text.replace(",", "")  # 1,234.5
        elif text.count(",") == 1 and "." not in text:
            text = text.replace(",", ".")  # 12,5 (a comma-decimal locale)
        if not _NUMBER.match(text):
            raise _RowError(column, f"{value!r} is not a number.")
        number = float(text)
    if not math.isfinite(number) or abs(number) > MAX_ABS_VALUE:
        raise _RowError(column, f"Give a number between {MAX_ABS_VALUE_TEXT}.")
    return number


def _choice(row: dict, column: str, choices: dict[str, str]) -> str:
    value = row.get(column)
    if value is None:
        return ""
    key = re.sub(r"[\s\-]+", "_", str(value).strip().lower())
    if key in choices:
        return choices[key]
    allowed = ", ".join(sorted(set(choices.values())))
    raise _RowError(column, f"{str(value)!r} is not one of: {allowed}.")


def _day(row: dict, column: str) -> date | None:
    value = row.get(column)
    if value is None:
        return None
    if isinstance(value, datetime):
        day = value.date()
    elif isinstance(value, date):
        day = value
    else:
        text = str(value).strip()
        try:
            day = date.fromisoformat(text[:10]) if len(text) in (10, 19) else None
        except ValueError:
            day = None
        if day is None:
            raise _RowError(column, f"{text!r} is not a date: write it as YYYY-MM-DD.")
    if not FIRST_DATE <= day <= LAST_DATE:
        raise _RowError(
            column, f"Give a date between {FIRST_DATE.isoformat()} and {LAST_DATE.isoformat()}."
        )
    return day


def _with_labels(choices: Iterable[tuple[str, str]], extra: dict[str, str] | None = None):
    out = {}
    for value, label in choices:
        out[value] = value
        out[re.sub(r"[\s\-]+", "_", label.lower())] = value
    out.update(extra or {})
    return out


COMMITMENTS = _with_labels(Objective.Commitment.choices)
KINDS = _with_labels(KeyResult.Kind.choices)
DIRECTIONS = _with_labels(
    KeyResult.Direction.choices,
    {">=": "at_least", "≥": "at_least", "<=": "at_most", "≤": "at_most"},
)
CONFIDENCES = _with_labels(KeyResult.Confidence.choices)


# Finding what a row names -------------------------------------------------------------------


class _Index:
    """The existing state, indexed for the lookups a row makes."""

    def __init__(self, state: ExistingState):
        self.state = state
        self.cycles: dict[str, list[Cycle]] = {}
        for c in state.cycles:
            self.cycles.setdefault(_norm(c.name), []).append(c)
        self.unit_paths: dict[str, Unit] = {}
        self.unit_names: dict[str, list[Unit]] = {}
        for unit in state.units.values():
            self.unit_names.setdefault(_norm(unit.name), []).append(unit)
            if unit.kind != Unit.Kind.COMPANY:
                self.unit_paths[_norm(self._path(unit))] = unit
        self.objectives_by_ext = {o.external_id: o for o in state.objectives if o.external_id}
        self.objectives_by_title: dict[tuple, list[Objective]] = {}
        self.objectives_by_cycle_title: dict[tuple, list[Objective]] = {}
        self.objectives = {o.pk: o for o in state.objectives}
        for o in state.objectives:
            self.objectives_by_title.setdefault((o.cycle_id, o.unit_id, _norm(o.title)), []).append(
                o
            )
            self.objectives_by_cycle_title.setdefault((o.cycle_id, _norm(o.title)), []).append(o)
        self.krs_by_ext = {k.external_id: k for k in state.key_results if k.external_id}
        self.krs_by_objective: dict[Any, list[KeyResult]] = {}
        for k in state.key_results:
            self.krs_by_objective.setdefault(k.objective_id, []).append(k)

    def _path(self, unit: Unit) -> str:
        names = []
        node: Unit | None = unit
        seen = set()
        while node is not None and node.kind != Unit.Kind.COMPANY and node.pk not in seen:
            seen.add(node.pk)
            names.append(node.name)
            node = self.state.units.get(node.parent_id)
        return "/".join(reversed(names))

    def cycle(self, row: dict) -> Cycle:
        name = _text(row, "cycle", max_len=200)
        if not name:
            raise _RowError("cycle", "Name the cycle (it must exist: create it first).")
        found = self.cycles.get(_norm(name), [])
        if not found:
            raise _RowError("cycle", f"There is no cycle called {name!r}: create it first.")
        if len(found) > 1:
            raise _RowError("cycle", f"Several cycles are called {name!r}: rename one first.")
        cycle = found[0]
        if cycle.closed_at:
            raise _RowError("cycle", f"{cycle.name} is closed: its OKRs can no longer change.")
        return cycle

    def unit(self, row: dict) -> Unit:
        name = _text(row, "unit", max_len=2000)
        if not name or _norm(name) == _norm(self.state.company.name):
            return self.state.company
        key = "/".join(_norm(part) for part in name.split("/") if part.strip())
        company = _norm(self.state.company.name) + "/"
        if key.startswith(company):
            key = key[len(company) :]
        if key in self.unit_paths:
            return self.unit_paths[key]
        if "/" not in key:
            found = self.unit_names.get(key, [])
            if len(found) == 1:
                return found[0]
            if len(found) > 1:
                raise _RowError(
                    "unit",
                    f"Several units are called {name!r}: give its path, as "
                    f"{self._path(found[0])!r}.",
                )
        raise _RowError("unit", f"There is no unit {name!r}.")

    def person(self, row: dict, column: str) -> Person | None:
        email = _text(row, column, max_len=254)
        if not email:
            return None
        person = self.state.people.get(email.lower())
        if person is None:
            raise _RowError(column, f"Nobody active in this organization has the email {email!r}.")
        return person


# Planning -----------------------------------------------------------------------------------


def plan_import(
    state: ExistingState,
    okr_rows: Iterable[tuple[int, dict]],
    check_in_rows: Iterable[tuple[int, dict]] = (),
    *,
    okr_columns: Iterable[str] = (),
) -> Plan:
    """What importing these rows would do. ``okr_columns`` are the OKR sheet's headers: a
    column the sheet does not have is left alone, like a blank cell."""
    plan = Plan()
    index = _Index(state)
    by_key: dict[tuple, ObjectivePlan] = {}
    kr_by_ext: dict[str, KeyResultPlan] = {}
    obj_by_ext: dict[str, ObjectivePlan] = {}

    def error(sheet: str, row: int, column: str, message: str) -> None:
        plan.errors.append(RowError(sheet, row, column, message))

    for number, row in okr_rows:
        try:
            objective = _objective_of_row(index, plan, by_key, obj_by_ext, number, row)
        except _RowError as exc:
            error(OKR_SHEET, number, exc.column, exc.message)
            continue
        if objective is None:
            continue
        try:
            kr = _key_result_of_row(index, objective, kr_by_ext, number, row)
        except _RowError as exc:
            error(OKR_SHEET, number, exc.column, exc.message)
            continue
        if kr is not None:
            plan.key_results.append(kr)
            objective.key_results.append(kr)
            if kr.external_id:
                kr_by_ext[kr.external_id] = kr

    for objective in plan.objectives:
        try:
            _resolve_parent(index, plan, objective, obj_by_ext)
        except _RowError as exc:
            error(OKR_SHEET, objective.parent_row or objective.row, exc.column, exc.message)
    _refuse_loops(plan, error)
    for objective in plan.objectives:
        _decide_objective(objective, error)
        for kr in objective.key_results:
            _decide_key_result(kr, error)

    _plan_check_ins(index, plan, state, check_in_rows, by_key, kr_by_ext, error)
    return plan


def _objective_of_row(
    index: _Index,
    plan: Plan,
    by_key: dict,
    obj_by_ext: dict,
    number: int,
    row: dict,
) -> ObjectivePlan | None:
    title = _text(row, "objective", max_len=MAX_TITLE, min_len=MIN_TITLE, label="the title")
    if not title:
        raise _RowError("objective", "Give the objective's title.")
    cycle = index.cycle(row)
    unit = index.unit(row)
    external_id = _text(row, "external_id", max_len=MAX_EXTERNAL_ID, label="the external id")
    title_key = ("title", cycle.pk, unit.pk, _norm(title))
    plan_ = by_key.get(("ext", external_id)) if external_id else None
    if plan_ is None:
        plan_ = by_key.get(title_key)
        if plan_ is not None and external_id and plan_.external_id not in ("", external_id):
            raise _RowError(
                "external_id",
                f"Row {plan_.row} has this objective with the external id {plan_.external_id!r}.",
            )
    values = _objective_values(index, row)
    if plan_ is not None:
        # A further key result's row: the objective's columns repeat (or are left blank).
        if (plan_.cycle.pk, plan_.unit.pk, _norm(plan_.title)) != title_key[1:]:
            raise _RowError(
                "objective",
                f"Row {plan_.row} gives the external id {external_id!r} to "
                f"{plan_.title!r} in {plan_.cycle.name}, {plan_.unit.name}.",
            )
        for name, value in values.items():
            if name == "parent":
                if value and _norm(value) != _norm(plan_.parent_ref or value):
                    raise _RowError("parent", f"Row {plan_.row} names another parent.")
                if value and not plan_.parent_ref:
                    plan_.parent_ref, plan_.parent_row = value, number
                continue
            if name in plan_.values and value != plan_.values[name]:
                column = OBJECTIVE_FIELD_COLUMNS[name]
                raise _RowError(column, f"Row {plan_.row} gives this objective another {column}.")
            plan_.values[name] = value
        if external_id and not plan_.external_id:
            plan_.external_id = external_id
            by_key[("ext", external_id)] = plan_
            obj_by_ext[external_id] = plan_
        plan_.rows.append(number)
        return plan_
    if unit.pk not in index.state.leads:
        raise _RowError(
            "unit",
            f"You may import OKRs only into the units you lead; you do not lead {unit.name}.",
        )
    existing = _match_objective(index, cycle, unit, title, external_id)
    if existing is not None:
        if existing.cycle_id != cycle.pk:
            raise _RowError(
                "cycle",
                f"The objective with the external id {external_id!r} belongs to another cycle: "
                "objectives do not move between cycles.",
            )
        if existing.unit_id not in index.state.leads:
            raise _RowError(
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


def _objective_values(index: _Index, row: dict) -> dict[str, Any]:
    """The objective's fields this row sets (blank cells set nothing)."""
    values: dict[str, Any] = {}
    if commitment := _choice(row, "commitment", COMMITMENTS):
        values["commitment"] = commitment
    if why := _text(row, "why", max_len=MAX_TEXT, label="why it matters"):
        values["why"] = why
    if parent := _text(row, "parent", max_len=MAX_TITLE, label="the parent"):
        values["parent"] = parent
    if owner := index.person(row, "objective_owner_email"):
        values["owner"] = owner
    return values


def _match_objective(
    index: _Index, cycle: Cycle, unit: Unit, title: str, external_id: str
) -> Objective | None:
    if external_id and external_id in index.objectives_by_ext:
        return index.objectives_by_ext[external_id]
    found = index.objectives_by_title.get((cycle.pk, unit.pk, _norm(title)), [])
    if external_id and any(o.external_id for o in found):
        other = next(o.external_id for o in found if o.external_id)
        raise _RowError(
            "external_id",
            f"{unit.name} already has {title!r} in {cycle.name}, with the external id {other!r}.",
        )
    if len(found) > 1:
        raise _RowError(
            "objective",
            f"{unit.name} has several objectives titled {title!r} in {cycle.name}: give this one "
            "an external_id to say which.",
        )
    return found[0] if found else None


def _key_result_of_row(
    index: _Index, objective: ObjectivePlan, kr_by_ext: dict, number: int, row: dict
) -> KeyResultPlan | None:
    if all(row.get(c) is None for c in KEY_RESULT_COLUMNS):
        return None  # an objective without key results (or a repeat of its row)
    title = _text(row, "key_result", max_len=MAX_TITLE, min_len=MIN_TITLE, label="the title")
    if not title:
        raise _RowError("key_result", "Give the key result's title.")
    external_id = _text(
        row, "key_result_external_id", max_len=MAX_EXTERNAL_ID, label="the external id"
    )
    for other in objective.key_results:
        if (external_id and other.external_id == external_id) or (
            _norm(other.title) == _norm(title)
        ):
            raise _RowError("key_result", f"Row {other.row} already has this key result.")
    if external_id and external_id in kr_by_ext:
        raise _RowError(
            "key_result_external_id",
            f"Row {kr_by_ext[external_id].row} has a key result with this external id.",
        )
    values: dict[str, Any] = {"title": title}
    if kind := _choice(row, "kind", KINDS):
        values["kind"] = kind
    for column in ("start", "target"):
        number_ = _number(row, column)
        if number_ is not None:
            values[column] = number_
    if unit := _text(row, "unit_of_measure", max_len=MAX_MEASURE_UNIT, label="the unit"):
        values["unit"] = unit
    if direction := _choice(row, "direction", DIRECTIONS):
        values["direction"] = direction
    weight = _number(row, "weight")
    if weight is not None:
        if not MIN_WEIGHT <= weight <= MAX_WEIGHT:
            raise _RowError("weight", f"Give a weight between {MIN_WEIGHT} and {MAX_WEIGHT:g}.")
        values["weight"] = weight
    if owner := index.person(row, "owner_email"):
        values["owner"] = owner
    current = _number(row, "current")
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
    index: _Index, objective: ObjectivePlan, title: str, external_id: str
) -> KeyResult | None:
    if external_id and external_id in index.krs_by_ext:
        kr = index.krs_by_ext[external_id]
        if objective.existing is None or kr.objective_id != objective.existing.pk:
            owner = index.objectives.get(kr.objective_id)
            raise _RowError(
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
        if _norm(k.title) == _norm(title)
    ]
    if external_id and any(k.external_id for k in found):
        raise _RowError(
            "key_result_external_id",
            f"{objective.title!r} already has the key result {title!r}, with the external id "
            f"{next(k.external_id for k in found if k.external_id)!r}.",
        )
    if len(found) > 1:
        raise _RowError(
            "key_result",
            f"{objective.title!r} has several key results titled {title!r}: give this one a "
            "key_result_external_id to say which.",
        )
    return found[0] if found else None


def _resolve_parent(index: _Index, plan: Plan, objective: ObjectivePlan, obj_by_ext) -> None:
    ref = objective.parent_ref
    if not ref:
        return
    parent: ObjectivePlan | Objective | None = obj_by_ext.get(ref)
    if parent is None:
        parent = index.objectives_by_ext.get(ref)
        if parent is not None:
            # An objective the file names too is planned: its planned values win.
            parent = next((p for p in plan.objectives if p.existing is parent), parent)
    if parent is None:
        in_file = [
            p
            for p in plan.objectives
            if p.cycle.pk == objective.cycle.pk and _norm(p.title) == _norm(ref)
        ]
        stored = [
            o
            for o in index.objectives_by_cycle_title.get((objective.cycle.pk, _norm(ref)), [])
            if not any(p.existing is o for p in in_file)
        ]
        found = in_file + stored
        if len(found) > 1:
            raise _RowError(
                "parent",
                f"Several objectives of {objective.cycle.name} are titled {ref!r}: name the "
                "parent by its external_id.",
            )
        if not found:
            raise _RowError(
                "parent",
                f"No objective of {objective.cycle.name} is titled {ref!r} or has that external "
                "id.",
            )
        parent = found[0]
    if parent is objective or parent is objective.existing:
        raise _RowError("parent", "An objective cannot align to itself.")
    if isinstance(parent, Objective) and parent.state == Objective.State.ABANDONED:
        raise _RowError("parent", "That objective was abandoned; align to a live one.")
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
    objective.changes = changes
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
    kr.changes = changes
    kr.action = UPDATE if changes else UNCHANGED


def _plan_check_ins(
    index: _Index,
    plan: Plan,
    state: ExistingState,
    rows: Iterable[tuple[int, dict]],
    by_key: dict,
    kr_by_ext: dict,
    error,
) -> None:
    seen: set[tuple] = set()
    # The "current" column: a check-in today when it differs from the stored value.
    for kr in plan.key_results:
        if kr.current is None:
            continue
        if kr.existing is not None and kr.existing.current == kr.current:
            continue
        confidence = (
            kr.existing.confidence
            if kr.existing is not None and kr.existing.confidence
            else KeyResult.Confidence.ON_TRACK
        )
        plan.check_ins.append(
            CheckInPlan(
                sheet=OKR_SHEET,
                row=kr.row,
                key_result=kr,
                day=state.today,
                value=kr.current,
                confidence=confidence,
                note="",
            )
        )
        seen.add((id(kr), state.today, kr.current))
    for number, row in rows:
        try:
            target = _check_in_key_result(index, plan, row, by_key, kr_by_ext)
            day = _day(row, "date")
            if day is None:
                raise _RowError("date", "Give the check-in's date, as YYYY-MM-DD.")
            if day > state.today:
                raise _RowError("date", "A check-in cannot be dated in the future.")
            value = _number(row, "value")
            if value is None:
                raise _RowError("value", "Give the value measured.")
            confidence = _choice(row, "confidence", CONFIDENCES) or KeyResult.Confidence.ON_TRACK
            note = _text(row, "note", max_len=MAX_TEXT, label="the note")
        except _RowError as exc:
            error(CHECK_IN_SHEET, number, exc.column, exc.message)
            continue
        kind = target.values.get("kind") if isinstance(target, KeyResultPlan) else target.kind
        if isinstance(target, KeyResultPlan) and kind is None:
            kind = target.existing.kind if target.existing else KeyResult.Kind.METRIC
        if kind == KeyResult.Kind.MILESTONE and value not in (0, 1):
            error(CHECK_IN_SHEET, number, "value", "A milestone takes 1 (done) or 0 (not done).")
            continue
        stored = target.existing if isinstance(target, KeyResultPlan) else target
        key = (id(target), day, value)
        action = CREATE
        if key in seen or (stored is not None and (stored.pk, day, value) in state.check_ins):
            action = UNCHANGED
        seen.add(key)
        plan.check_ins.append(
            CheckInPlan(
                sheet=CHECK_IN_SHEET,
                row=number,
                key_result=target,
                day=day,
                value=value,
                confidence=confidence,
                note=note,
                action=action,
            )
        )


def _check_in_key_result(
    index: _Index, plan: Plan, row: dict, by_key: dict, kr_by_ext: dict
) -> KeyResultPlan | KeyResult:
    external_id = _text(row, "key_result_external_id", max_len=MAX_EXTERNAL_ID)
    if external_id:
        if external_id in kr_by_ext:
            return kr_by_ext[external_id]
        kr = index.krs_by_ext.get(external_id)
        if kr is None:
            raise _RowError("key_result_external_id", "No key result has this external id.")
        return _in_plan(plan, kr) or _led(index, kr)
    title = _text(row, "key_result", max_len=MAX_TITLE)
    objective_title = _text(row, "objective", max_len=MAX_TITLE)
    if not title or not objective_title:
        raise _RowError(
            "key_result",
            "Name the key result: its key_result_external_id, or the cycle, unit, objective and "
            "key result titles.",
        )
    cycle = index.cycle(row)
    unit = index.unit(row)
    objective = by_key.get(("title", cycle.pk, unit.pk, _norm(objective_title)))
    if objective is not None:
        for kr in objective.key_results:
            if _norm(kr.title) == _norm(title):
                return kr
    stored = index.objectives_by_title.get((cycle.pk, unit.pk, _norm(objective_title)), [])
    found = [
        k
        for o in stored
        for k in index.krs_by_objective.get(o.pk, [])
        if _norm(k.title) == _norm(title)
    ]
    if len(found) > 1:
        raise _RowError(
            "key_result", "Several key results match: name it by its key_result_external_id."
        )
    if not found:
        raise _RowError(
            "key_result",
            f"{unit.name} has no key result {title!r} under {objective_title!r} in {cycle.name}.",
        )
    return _in_plan(plan, found[0]) or _led(index, found[0])


def _in_plan(plan: Plan, kr: KeyResult) -> KeyResultPlan | None:
    return next((k for k in plan.key_results if k.existing is kr), None)


def _led(index: _Index, kr: KeyResult) -> KeyResult:
    objective = index.objectives.get(kr.objective_id)
    if objective is None or objective.unit_id not in index.state.leads:
        raise _RowError("key_result", "You may import check-ins only for the units you lead.")
    if objective.cycle.closed_at:
        raise _RowError("key_result", f"{objective.cycle.name} is closed: it takes no check-ins.")
    return kr


CHECK_IN_REQUIRED = ("date", "value")
OKR_REQUIRED = ("cycle", "objective")
CHECK_IN_KNOWN = CHECK_IN_COLUMNS


# Reading the uploaded files -----------------------------------------------------------------


@dataclass(frozen=True)
class ImportFiles:
    """The uploaded bytes: one workbook (with an OKRs sheet and an optional Check-ins sheet), or
    a CSV of OKRs, and optionally a separate file of check-ins."""

    okr_name: str
    okr_data: bytes
    check_in_name: str = ""
    check_in_data: bytes | None = None


@dataclass
class ReadFiles:
    okr_rows: list[tuple[int, dict]]
    check_in_rows: list[tuple[int, dict]]
    warnings: list[str]


def read_files(files: ImportFiles) -> ReadFiles:
    """The rows of both sheets, or a ValidationError saying what is wrong with the file."""
    from cadence.core.limits import MAX_IMPORT_CHECK_IN_ROWS, MAX_IMPORT_OKR_ROWS
    from cadence.transfer import sheets_in
    from cadence.transfer.columns import OKR_COLUMNS, OKR_COMPUTED_COLUMNS

    okr_known = (*OKR_COLUMNS, *OKR_COMPUTED_COLUMNS)
    okr_args = {"required": OKR_REQUIRED, "known": okr_known, "max_rows": MAX_IMPORT_OKR_ROWS}
    check_in_args = {
        "required": CHECK_IN_REQUIRED,
        "known": CHECK_IN_KNOWN,
        "max_rows": MAX_IMPORT_CHECK_IN_ROWS,
    }
    warnings: list[str] = []
    check_in_rows: list[tuple[int, dict]] = []
    has_check_in_sheet = False
    if sheets_in.is_xlsx(files.okr_data, files.okr_name):
        book = sheets_in.Workbook(files.okr_data, files.okr_name)
        try:
            okr_name = book.find(OKR_SHEET) or book.sheet_names[0]
            sheet = book.sheet(okr_name, **okr_args)
            okr_rows = list(sheet.rows)
            warnings += sheet.warnings
            check_in_name = book.find(CHECK_IN_SHEET, "checkins", "check_ins")
            if check_in_name and check_in_name != okr_name:
                has_check_in_sheet = True
                sheet = book.sheet(check_in_name, **check_in_args)
                check_in_rows = list(sheet.rows)
                warnings += sheet.warnings
        finally:
            book.close()
    else:
        sheet = sheets_in.read_csv(files.okr_data, name=files.okr_name, **okr_args)
        okr_rows = list(sheet.rows)
        warnings += sheet.warnings
    if files.check_in_data is not None:
        if has_check_in_sheet:
            raise sheets_in.refuse(
                f"{files.okr_name} has a {CHECK_IN_SHEET} sheet: give the check-ins there or "
                "in a separate file, not both."
            )
        name = files.check_in_name or "check-ins"
        if sheets_in.is_xlsx(files.check_in_data, name):
            book = sheets_in.Workbook(files.check_in_data, name)
            try:
                sheet_name = book.find(CHECK_IN_SHEET, "checkins", "check_ins")
                sheet = book.sheet(sheet_name or book.sheet_names[0], **check_in_args)
                check_in_rows = list(sheet.rows)
            finally:
                book.close()
        else:
            sheet = sheets_in.read_csv(files.check_in_data, name=name, **check_in_args)
            check_in_rows = list(sheet.rows)
        warnings += sheet.warnings
    if not okr_rows:
        raise sheets_in.refuse(f"{files.okr_name} has no rows below its header.")
    return ReadFiles(okr_rows=okr_rows, check_in_rows=check_in_rows, warnings=warnings)
