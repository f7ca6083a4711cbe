"""What a row names, found in the organization's existing state: cycles, units, people,
objectives and key results."""

from __future__ import annotations

from typing import Any

from cadence.okrs.models import Cycle, KeyResult, Objective
from cadence.orgs.models import Person, Unit
from cadence.transfer.okr_import.cells import CellError, norm, read_text
from cadence.transfer.okr_import.plans import ExistingState

# Finding what a row names -------------------------------------------------------------------


class Index:
    """The existing state, indexed for the lookups a row makes."""

    def __init__(self, state: ExistingState):
        self.state = state
        self.cycles: dict[str, list[Cycle]] = {}
        for c in state.cycles:
            self.cycles.setdefault(norm(c.name), []).append(c)
        self.unit_paths: dict[str, Unit] = {}
        self.unit_names: dict[str, list[Unit]] = {}
        for unit in state.units.values():
            self.unit_names.setdefault(norm(unit.name), []).append(unit)
            if unit.kind != Unit.Kind.COMPANY:
                self.unit_paths[norm(self._path(unit))] = unit
        self.objectives_by_ext = {o.external_id: o for o in state.objectives if o.external_id}
        self.objectives_by_title: dict[tuple, list[Objective]] = {}
        self.objectives_by_cycle_title: dict[tuple, list[Objective]] = {}
        self.objectives = {o.pk: o for o in state.objectives}
        for o in state.objectives:
            self.objectives_by_title.setdefault((o.cycle_id, o.unit_id, norm(o.title)), []).append(
                o
            )
            self.objectives_by_cycle_title.setdefault((o.cycle_id, norm(o.title)), []).append(o)
        self.krs_by_ext = {k.external_id: k for k in state.key_results if k.external_id}
        # A stored key result's number in StoredCheckIns: its place in the state's list.
        self.kr_token = {k.pk: i for i, k in enumerate(state.key_results)}
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
        name = read_text(row, "cycle", max_len=200)
        if not name:
            raise CellError("cycle", "Name the cycle (it must exist: create it first).")
        found = self.cycles.get(norm(name), [])
        if not found:
            raise CellError("cycle", f"There is no cycle called {name!r}: create it first.")
        if len(found) > 1:
            raise CellError("cycle", f"Several cycles are called {name!r}: rename one first.")
        cycle = found[0]
        if cycle.closed_at:
            raise CellError("cycle", f"{cycle.name} is closed: its OKRs can no longer change.")
        return cycle

    def unit(self, row: dict) -> Unit:
        name = read_text(row, "unit", max_len=2000)
        if not name or norm(name) == norm(self.state.company.name):
            return self.state.company
        key = "/".join(norm(part) for part in name.split("/") if part.strip())
        company = norm(self.state.company.name) + "/"
        if key.startswith(company):
            key = key[len(company) :]
        if key in self.unit_paths:
            return self.unit_paths[key]
        if "/" not in key:
            found = self.unit_names.get(key, [])
            if len(found) == 1:
                return found[0]
            if len(found) > 1:
                raise CellError(
                    "unit",
                    f"Several units are called {name!r}: give its path, as "
                    f"{self._path(found[0])!r}.",
                )
        raise CellError("unit", f"There is no unit {name!r}.")

    def person(self, row: dict, column: str) -> Person | None:
        email = read_text(row, column, max_len=254)
        if not email:
            return None
        person = self.state.people.get(email.lower())
        if person is None:
            raise CellError(column, f"Nobody active in this organization has the email {email!r}.")
        return person
