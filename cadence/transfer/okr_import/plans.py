"""What an import would do: the plan's rows (objectives, key results, check-ins, errors)."""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterator, Mapping, MutableMapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType
from typing import Any

from cadence.okrs.models import Cycle, KeyResult, Objective
from cadence.orgs.models import Person, Unit
from cadence.transfer.columns import CHECK_IN_SHEET, OKR_SHEET

CREATE, UPDATE, UNCHANGED = "create", "update", "unchanged"
# The errors a plan keeps to report, row by row; past them it counts (a file whose every row is
# wrong says so in its first rows, and a million errors would fill memory).
MAX_KEPT_ERRORS = 10_000

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
    key_results: list[StoredKeyResult]
    # The stored check-ins of those key results (compact: an import may meet a million).
    check_ins: StoredCheckIns
    leads: set[Any]  # ids of the units the actor may import into
    today: date
    # The coach's gate under the organization's settings: (subject, draft) → messages by field.
    coach: Callable[[str, Any], dict[str, list[str]]] | None = None


@dataclass(eq=False, slots=True)
class StoredKeyResult:
    """A stored key result as an import reads it: the fields it compares and names, without a
    model instance's weight (a re-import meets a hundred thousand)."""

    pk: Any
    objective_id: Any
    title: str
    external_id: str
    kind: str
    start: float | None
    target: float | None
    unit: str
    direction: str
    weight: float
    owner_id: Any
    current: float | None
    confidence: str
    last_check_in_at: Any

    FIELDS = (
        "id",
        "objective_id",
        "title",
        "external_id",
        "kind",
        "start",
        "target",
        "unit",
        "direction",
        "weight",
        "owner_id",
        "current",
        "confidence",
        "last_check_in_at",
    )

    @property
    def value_now(self) -> float | None:
        """The latest check-in's value, else the start value (as KeyResult.value_now)."""
        return self.current if self.current is not None else self.start


class StoredCheckIns:
    """The stored check-ins an import compares its rows with, in columns of machine numbers:
    for each, its key result (the index in ``ExistingState.key_results``), day (ordinal, in
    the organization's time zone) and value."""

    def __init__(self) -> None:
        self.token = array("i")
        self.day = array("i")
        self.value = array("d")

    def add(self, token: int, day: date, value: float) -> None:
        self.token.append(token)
        self.day.append(day.toordinal())
        self.value.append(value)

    def __len__(self) -> int:
        return len(self.token)


class _Values(MutableMapping):
    """What a row sets (blank cells set nothing), as a mapping of the fields it names: a dict's
    interface at a quarter of a dict's size (an import holds a hundred thousand)."""

    __slots__: tuple[str, ...] = ()

    def __getitem__(self, name: str) -> Any:
        if name not in self.__slots__:
            raise KeyError(name)
        try:
            return getattr(self, name)
        except AttributeError:
            raise KeyError(name) from None

    def __setitem__(self, name: str, value: Any) -> None:
        if name not in self.__slots__:
            raise KeyError(name)
        setattr(self, name, value)

    def __delitem__(self, name: str) -> None:
        try:
            delattr(self, name)
        except AttributeError:
            raise KeyError(name) from None

    def __iter__(self) -> Iterator[str]:
        return (name for name in self.__slots__ if hasattr(self, name))

    def __len__(self) -> int:
        return sum(1 for _ in self)

    # Faster than the mixins' (which go through __iter__ and __getitem__ for each name).
    def __contains__(self, name: object) -> bool:
        return name in self.__slots__ and hasattr(self, name)  # type: ignore[arg-type]

    def get(self, name: str, default: Any = None) -> Any:
        return getattr(self, name, default) if name in self.__slots__ else default

    def items(self) -> list[tuple[str, Any]]:  # type: ignore[override]
        return [(name, getattr(self, name)) for name in self.__slots__ if hasattr(self, name)]

    def __repr__(self) -> str:
        return repr(dict(self.items()))


class KeyResultValues(_Values):
    __slots__ = ("title", "kind", "start", "target", "unit", "direction", "weight", "owner")


class ObjectiveValues(_Values):
    __slots__ = ("commitment", "why", "parent", "owner")


# The changes of a plan that changes nothing (one shared, read-only mapping).
NO_CHANGES: Mapping[str, Any] = MappingProxyType({})


@dataclass(eq=False, slots=True)
class ObjectivePlan:
    row: int
    title: str
    cycle: Cycle
    unit: Unit
    external_id: str = ""
    existing: Objective | None = None
    action: str = CREATE
    values: ObjectiveValues = field(default_factory=ObjectiveValues)  # what the file sets
    changes: Mapping[str, Any] = field(default_factory=lambda: NO_CHANGES)  # update: field → new
    parent_ref: str = ""
    parent_row: int = 0
    parent: ObjectivePlan | Objective | None = None
    key_results: list[KeyResultPlan] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)
    new_id: Any = None  # the id it is created with


@dataclass(eq=False, slots=True)
class KeyResultPlan:
    row: int
    objective: ObjectivePlan
    title: str
    external_id: str = ""
    existing: KeyResult | None = None
    action: str = CREATE
    values: KeyResultValues = field(default_factory=KeyResultValues)
    changes: Mapping[str, Any] = field(default_factory=lambda: NO_CHANGES)
    current: float | None = None
    token: int = -1  # its number among the plan's key results, after the stored ones
    new_id: Any = None  # the id it is created with


@dataclass(slots=True)
class CheckInPlan:
    sheet: str
    row: int
    key_result: KeyResultPlan | KeyResult
    day: date
    value: float
    confidence: str
    note: str
    action: str = CREATE


_CONFIDENCES = ("on_track", "at_risk", "off_track")
_SHEETS = (OKR_SHEET, CHECK_IN_SHEET)
_ACTIONS = (CREATE, UNCHANGED)
_CODES = {
    (sheet, confidence, action): s | c << 1 | a << 3
    for s, sheet in enumerate(_SHEETS)
    for c, confidence in enumerate(_CONFIDENCES)
    for a, action in enumerate(_ACTIONS)
}


class CheckIns:
    """A plan's check-ins, one per row, kept in columns of machine numbers (about 30 bytes a
    check-in, where a list of ``CheckInPlan`` would take ten times that): an import may hold a
    million. Iterating yields ``CheckInPlan`` objects, made on the way."""

    def __init__(self) -> None:
        self.targets: list[KeyResultPlan | KeyResult] = []
        self._target_index: dict[int, int] = {}
        self._target = array("i")
        self._day = array("i")
        self._value = array("d")
        self._row = array("i")
        self._codes = bytearray()  # sheet, confidence and action, packed
        self._notes: dict[int, str] = {}
        self.created = 0

    def target_index(self, target: KeyResultPlan | KeyResult) -> int:
        index = self._target_index.get(id(target))
        if index is None:
            index = self._target_index[id(target)] = len(self.targets)
            self.targets.append(target)
        return index

    def add(
        self,
        sheet: str,
        row: int,
        target: int,
        day: date,
        value: float,
        confidence: str,
        note: str,
        action: str,
    ) -> None:
        """One check-in (positional, in this order: a million calls)."""
        if note:
            self._notes[len(self._row)] = note
        self._target.append(target)
        self._day.append(day.toordinal())
        self._value.append(value)
        self._row.append(row)
        self._codes.append(_CODES[sheet, confidence, action])
        if action == CREATE:
            self.created += 1

    def __len__(self) -> int:
        return len(self._row)

    def __getitem__(self, i: int) -> CheckInPlan:
        code = self._codes[i]
        return CheckInPlan(
            sheet=_SHEETS[code & 1],
            row=self._row[i],
            key_result=self.targets[self._target[i]],
            day=date.fromordinal(self._day[i]),
            value=self._value[i],
            confidence=_CONFIDENCES[(code >> 1) & 3],
            note=self._notes.get(i, ""),
            action=_ACTIONS[code >> 3],
        )

    def __iter__(self) -> Iterator[CheckInPlan]:
        return (self[i] for i in range(len(self)))

    def __eq__(self, other: object) -> bool:
        return list(self) == list(other) if isinstance(other, (list, CheckIns)) else NotImplemented

    def settle(self, stored: StoredCheckIns, tokens: list[int]) -> None:
        """Mark as unchanged each check-in already stored, or given earlier in the file, for
        the same key result, day and value. ``tokens[t]`` is target t's index among the stored
        key results (-1 for a new one). One key result at a time: its stored and planned
        check-ins are chained through arrays, and only its own keys are ever in a set."""
        n = len(self._row)
        targets = len(self.targets)
        first = array("i", [-1]) * targets
        last = array("i", [-1]) * targets
        chained = array("i", [-1]) * n
        for i, target in enumerate(self._target):
            if first[target] == -1:
                first[target] = i
            else:
                chained[last[target]] = i
            last[target] = i
        # The stored check-ins chained the same way, per stored key result (by its token).
        size = max(tokens, default=-1) + 1
        stored_first = array("i", [-1]) * size
        stored_last = array("i", [-1]) * size
        stored_chained = array("i", [-1]) * len(stored)
        for j, token in enumerate(stored.token):
            if token < size:
                if stored_first[token] == -1:
                    stored_first[token] = j
                else:
                    stored_chained[stored_last[token]] = j
                stored_last[token] = j
        days, values, codes = self._day, self._value, self._codes
        for target in range(targets):
            i = first[target]
            token = tokens[target]
            j = stored_first[token] if token >= 0 else -1
            if i == -1 or (chained[i] == -1 and j == -1):
                continue  # one check-in, and none stored
            seen = set()
            while j != -1:
                seen.add((stored.day[j], stored.value[j]))
                j = stored_chained[j]
            while i != -1:
                key = (days[i], values[i])
                if key in seen:
                    if not codes[i] >> 3:
                        codes[i] |= 1 << 3
                        self.created -= 1
                else:
                    seen.add(key)
                i = chained[i]

    def raw(self) -> Iterator[tuple[int, int, int, float, int, int, str]]:
        """(index, target, day ordinal, value, confidence code, sheet code, note) of each check-in
        to create, without making objects on the way."""
        notes = self._notes
        for i, code in enumerate(self._codes):
            if code >> 3 == 0:
                yield (
                    i,
                    self._target[i],
                    self._day[i],
                    self._value[i],
                    (code >> 1) & 3,
                    code & 1,
                    notes.get(i, ""),
                )

    def tie(self, i: int) -> int:
        """Check-in i's place among its key result's check-ins of the same day (under 2^22): the
        OKRs sheet's "current" (taken now) after the day's dated rows, then by row."""
        return (self._codes[i] & 1 == 0) << 21 | self._row[i]

    def ends(self) -> tuple[array, array]:
        """For each target, the index of its first and of its latest check-in to create (by
        ``order``), or -1 when it has none."""
        first = array("i", [-1]) * len(self.targets)
        latest = array("i", [-1]) * len(self.targets)
        first_order = array("q", [0]) * len(self.targets)
        latest_order = array("q", [0]) * len(self.targets)
        days, rows, codes = self._day, self._row, self._codes
        for i, target in enumerate(self._target):
            code = codes[i]
            if code >> 3:
                continue  # unchanged
            order = days[i] << 22 | (code & 1 == 0) << 21 | rows[i]
            if first[target] == -1 or order < first_order[target]:
                first[target], first_order[target] = i, order
            if latest[target] == -1 or order >= latest_order[target]:
                latest[target], latest_order[target] = i, order
        return first, latest

    def day_of(self, i: int) -> int:
        return self._day[i]

    def value_of(self, i: int) -> float:
        return self._value[i]

    def confidence_of(self, i: int) -> str:
        return _CONFIDENCES[(self._codes[i] >> 1) & 3]

    def sheet_of(self, i: int) -> str:
        return _SHEETS[self._codes[i] & 1]

    @property
    def unchanged(self) -> int:
        return len(self) - self.created

    def row_of(self, i: int) -> int:
        return self._row[i]


CONFIDENCE_CODES = _CONFIDENCES


@dataclass
class Plan:
    objectives: list[ObjectivePlan] = field(default_factory=list)
    key_results: list[KeyResultPlan] = field(default_factory=list)
    check_ins: CheckIns = field(default_factory=CheckIns)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    source: Any = None  # the ImportFiles it was read from
    errors_dropped: int = 0  # errors past MAX_KEPT_ERRORS, counted only
    # The key result plan of each stored key result the file names (by its id).
    planned_for: dict[Any, KeyResultPlan] = field(default_factory=dict)

    def error(self, sheet: str, row: int, column: str, message: str) -> None:
        if len(self.errors) < MAX_KEPT_ERRORS:
            self.errors.append(RowError(sheet, row, column, message))
        else:
            self.errors_dropped += 1

    @property
    def error_count(self) -> int:
        return len(set(self.errors)) + self.errors_dropped

    def counts(self) -> dict[str, int]:
        out = {}
        for name, items in (("objectives", self.objectives), ("key_results", self.key_results)):
            for action in (CREATE, UPDATE, UNCHANGED):
                out[f"{name}_{action}d" if action != UNCHANGED else f"{name}_unchanged"] = sum(
                    1 for i in items if i.action == action
                )
        out["check_ins_created"] = self.check_ins.created
        out["check_ins_unchanged"] = self.check_ins.unchanged
        return out

    @property
    def changes_anything(self) -> bool:
        return self.check_ins.created > 0 or any(
            i.action != UNCHANGED for i in (*self.objectives, *self.key_results)
        )

    def sorted_errors(self) -> list[RowError]:
        order = {OKR_SHEET: 0, CHECK_IN_SHEET: 1}
        return sorted(
            dict.fromkeys(self.errors), key=lambda e: (order.get(e.sheet, 2), e.row, e.column)
        )
