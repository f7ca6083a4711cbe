"""How the audit page shows an event's changes: pure, from the stored JSON to readable lines."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cadence.audit import kinds

EMPTY = "—"


@dataclass(frozen=True)
class Change:
    field: str
    before: str | None  # None: a fact, not an edit (only ``after`` is shown)
    after: str


def readable(value: Any) -> str:
    if value is None or value == "":
        return EMPTY
    if value is True:
        return "Yes"
    if value is False:
        return "No"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list | tuple):
        return ", ".join(readable(v) for v in value) or EMPTY
    return str(value)


def changes_of(changes: dict) -> list[Change]:
    """One line per field: before → after for an edit (``[before, after]``), or the fact."""
    lines = []
    for name, value in (changes or {}).items():
        label = kinds.field_label(name)
        if isinstance(value, list) and len(value) == 2:
            lines.append(Change(label, readable(value[0]), readable(value[1])))
        else:
            lines.append(Change(label, None, readable(value)))
    return lines
