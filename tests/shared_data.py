"""Data that is expensive to build (the whole demo organization): built once per test process,
restored into each module that reads it.

The first module that asks for the data builds it with the real code (inside that module's
transaction) and takes a snapshot of the rows it added: plain column values, model by model, kept
in memory. Every later module restores the snapshot with ``bulk_create`` — a fraction of the
build's cost — inside its own transaction. The module's transaction is rolled back when the
module ends (pytest's module scope), and each test runs in pytest-django's usual per-test
transaction nested inside it, so a test may write and the next one still sees the data as built.

No transaction outlives its module, and nothing depends on the order in which pytest or
pytest-xdist hands out the modules. Foreign keys are checked at commit on SQLite and PostgreSQL
(Django declares them deferrable), so the rows go back in any order.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.db import connection, models


def _tables() -> list[type[models.Model]]:
    """Every model with a table of its own (many-to-many tables included)."""
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    ]


def _rows(model: type[models.Model], exclude: set) -> list[tuple]:
    """The model's rows whose primary key is not in ``exclude``, as the database stores them."""
    fields = model._meta.concrete_fields
    pk = [field.attname for field in fields].index(model._meta.pk.attname)
    rows = model._base_manager.order_by("pk").values_list(*[field.attname for field in fields])
    return [
        tuple(
            field.get_db_prep_save(value, connection)
            for field, value in zip(fields, row, strict=True)
        )
        for row in rows
        if row[pk] not in exclude
    ]


def _insert(model: type[models.Model], rows: list[tuple]) -> None:
    """The rows as they were (no ``auto_now`` or defaults applied, unlike ``bulk_create``)."""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in model._meta.concrete_fields)
    marks = ", ".join(["%s"] * len(model._meta.concrete_fields))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({marks})", rows
        )


class Snapshot:
    """The rows one ``build`` added to the database, to add again without building."""

    def __init__(self) -> None:
        self._snapshots: dict[str, tuple[Any, dict[type[models.Model], list[tuple]]]] = {}

    def get(self, key: str, build: Callable[[], Any]) -> Any:
        """Build the data (the first time in this process) or restore it; returns what ``build``
        returned. Call it inside the transaction that will roll the data back."""
        assert connection.in_atomic_block, "shared data must be written inside a transaction"
        if key in self._snapshots:
            value, rows = self._snapshots[key]
            for model, model_rows in rows.items():
                _insert(model, model_rows)
            return value
        before = {
            model: set(model._base_manager.values_list("pk", flat=True)) for model in _tables()
        }
        value = build()
        rows = {model: _rows(model, exclude=before[model]) for model in _tables()}
        self._snapshots[key] = (value, {model: r for model, r in rows.items() if r})
        return value


SHARED = Snapshot()
