"""The kinds of things search finds, each registered once: its table and text columns, how a
row reaches its organization, cycle and unit, what hides it, and the page it links to.

A new kind is one ``register(Kind(...))`` in
``SearchConfig.ready()`` below the ones here; the full-text index of its table is created by
``cadence.search.ddl.ensure`` at the next ``migrate`` (post_migrate). SQL fragments name the
kind's own table ``t``; ``joins`` may add any other alias. Every expression here is written by
us, never by a user: the user's words reach the engine only as a bound parameter.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class Kind:
    key: str  # as in ?kind= and the API
    label: str  # shown on each result
    model: type  # the source model (its table is indexed)
    title: str | None  # the column that names the thing (weighs more), or None
    body: str | None  # the column of its longer text, or None
    url: Callable[[Hit], str]  # the page a result links to, from its row
    joins: str = ""  # SQL after "FROM <table> t"
    organization: str = "t.organization_id"
    cycle: str = "NULL"  # SQL: the row's cycle id (NULL: none; a cycle filter drops the row)
    unit: str = "NULL"  # SQL: the row's unit id
    visible: str = ""  # SQL: the condition a row must meet to be found (not deleted, …)
    # SQL alias of the objective the row hangs off (its own row "t" for an objective; NULL
    # columns when it hangs off none): a private objective hides it (okrs.visibility).
    objective: str = ""
    # Up to three more SQL values the url needs, read back as hit.ref1..ref3.
    refs: tuple[str, ...] = ()

    @property
    def table(self) -> str:
        return self.model._meta.db_table

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(c for c in (self.title, self.body) if c)


@dataclass
class Hit:
    """One result as read from the database."""

    kind: str
    id: object
    score: float
    title: str
    body: str
    cycle_id: object = None
    unit_id: object = None
    refs: list = field(default_factory=list)
    url: str = ""
    label: str = ""
    snippet: list = field(default_factory=list)  # (part, matched) of the body
    title_parts: list = field(default_factory=list)  # (part, matched) of the title
    cycle: object = None
    unit: object = None

    def ref(self, i: int):
        return self.refs[i] if i < len(self.refs) else None


MAX_REFS = 3
_REGISTRY: dict[str, Kind] = {}


def register(kind: Kind) -> None:
    if kind.key in _REGISTRY and _REGISTRY[kind.key] != kind:
        raise ValueError(f"search kind {kind.key!r} is registered twice")
    if len(kind.refs) > MAX_REFS:
        raise ValueError(f"search kind {kind.key!r}: at most {MAX_REFS} refs")
    if not kind.columns:
        raise ValueError(f"search kind {kind.key!r} has no text column")
    _REGISTRY[kind.key] = kind


def registered() -> list[Kind]:
    return list(_REGISTRY.values())


def get(key: str) -> Kind | None:
    return _REGISTRY.get(key)


def as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
