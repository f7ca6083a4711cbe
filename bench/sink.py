"""Bulk writing for the generator: raw ``INSERT … executemany`` on SQLite, ``COPY`` on
PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from uuid import UUID

from django.db import connection
from django.db.models import DateField, DateTimeField, ForeignKey, JSONField, TimeField, UUIDField

from bench.dataset import BATCH

# Bulk writing --------------------------------------------------------------------------------


class Table:
    """Rows of one model, given as tuples in ``columns`` order (attnames), written in batches."""

    def __init__(self, sink: Sink, model, columns: list[str]):
        by_attname = {f.attname: f for f in model._meta.concrete_fields}
        unknown = [c for c in columns if c not in by_attname]
        if unknown:
            raise ValueError(f"{model.__name__} has no {unknown}")
        self.sink = sink
        self.model = model
        self.missing = [f for f in model._meta.concrete_fields if f.attname not in columns]
        self.fields = [by_attname[c] for c in columns] + self.missing
        self.defaults = tuple(f.get_default() for f in self.missing)
        self.rows: list[tuple] = []
        self.count = 0
        table = model._meta.db_table
        names = ", ".join(f'"{f.column}"' for f in self.fields)
        if sink.vendor == "postgresql":
            self.sql = f'COPY "{table}" ({names}) FROM STDIN'
        else:
            marks = ", ".join("?" for _ in self.fields)
            self.sql = f'INSERT INTO "{table}" ({names}) VALUES ({marks})'
        self.converters = [sink.converter(f) for f in self.fields]

    @property
    def total(self) -> int:
        return self.count + len(self.rows)

    def add(self, row: tuple) -> None:
        self.rows.append(row)
        if len(self.rows) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        defaults = self.defaults
        convert = [(i, c) for i, c in enumerate(self.converters) if c is not None]
        out = []
        for row in self.rows:
            values = list(row + defaults) if defaults else list(row)
            for i, c in convert:
                v = values[i]
                if v is not None:
                    values[i] = c(v)
            out.append(values)
        self.sink.write(self, out)
        self.count += len(out)
        self.rows = []


class Sink:
    def __init__(self):
        connection.ensure_connection()
        self.vendor = connection.vendor
        self.raw = connection.connection
        self.tables: dict[type, Table] = {}

    def table(self, model, columns: list[str]) -> Table:
        if model not in self.tables:
            self.tables[model] = Table(self, model, columns)
        return self.tables[model]

    def converter(self, f) -> Callable | None:
        if isinstance(f, JSONField):
            return json.dumps
        if self.vendor == "postgresql":
            return None  # psycopg's COPY takes UUIDs, dates and aware datetimes as they are
        target = f.target_field if isinstance(f, ForeignKey) else f
        if isinstance(target, UUIDField):
            return _hex
        if isinstance(f, DateTimeField):
            return _naive_utc
        if isinstance(f, DateField):
            return date.isoformat
        if isinstance(f, TimeField):
            return str
        return None

    def write(self, table: Table, rows: list[list]) -> None:
        if self.vendor == "postgresql":
            with self.raw.cursor() as cursor, cursor.copy(table.sql) as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            self.raw.executemany(table.sql, rows)

    def flush(self) -> None:
        for table in self.tables.values():
            table.flush()


def _hex(value: UUID) -> str:
    return value.hex


def _naive_utc(value: datetime) -> str:
    return str(value.astimezone(UTC).replace(tzinfo=None))
