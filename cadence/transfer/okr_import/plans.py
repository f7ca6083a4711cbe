"""What an import would do: the plan's rows (objectives, key results, check-ins, errors)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from cadence.okrs.models import Cycle, KeyResult, Objective
from cadence.orgs.models import Person, Unit
from cadence.transfer.columns import CHECK_IN_SHEET, OKR_SHEET

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
