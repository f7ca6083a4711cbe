"""Writing many rows of one table at once, for the services that load a whole file (imports).

``insert_rows`` streams rows into a table without building a model instance per row: on
PostgreSQL through ``COPY … FROM STDIN`` (psycopg's copy protocol), elsewhere through one
prepared ``INSERT`` run with ``executemany``. Values are given as the model's fields hold them in
Python (UUIDs, aware datetimes, dicts for JSON) and converted as Django converts them for the
connection (tests/core/test_bulk.py holds the two to the same rows).

It writes what it is given: the calling service has validated every row (and runs it inside its
own transaction). Signals are not sent and defaults are not filled in, so every column the
table needs is named.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from itertools import islice
from typing import Any

from django.conf import settings
from django.db import connection, models

BATCH = 2000


_BY_DJANGO = object()  # a column converted by its field's get_db_prep_save


def _utc_text(value: datetime) -> str:
    # What Django's SQLite backend stores for an aware datetime (USE_TZ): UTC, without offset.
    return str(value.astimezone(UTC).replace(tzinfo=None))


def _direct(field: models.Field):
    """A conversion for the common columns that needs no call into Django per value: UUIDs
    (keys and foreign keys), datetimes, and values stored as they are."""
    target = field.target_field if field.is_relation else field
    sqlite = connection.vendor == "sqlite"
    if isinstance(target, models.UUIDField):
        # (PostgreSQL takes UUID objects as they are; SQLite stores 32 hex digits.)
        return (
            (lambda v: v.hex) if sqlite and not connection.features.has_native_uuid_field else None
        )
    if isinstance(target, models.DateTimeField):
        return _utc_text if sqlite and settings.USE_TZ else None
    if isinstance(
        target,
        (
            models.CharField,
            models.TextField,
            models.FloatField,
            models.IntegerField,
            models.BooleanField,
        ),
    ):
        return None
    return _BY_DJANGO


def _preparers(model: type[models.Model], columns: Sequence[str]):
    fields = [model._meta.get_field(name) for name in columns]
    out = []
    for field in fields:
        direct = _direct(field)
        if direct is _BY_DJANGO:

            def prepare(value, field=field):
                return None if value is None else field.get_db_prep_save(value, connection)

        elif direct is None:

            def prepare(value):
                return value

        else:

            def prepare(value, direct=direct):
                return None if value is None else direct(value)

        out.append(prepare)
    return [f.column for f in fields], out


def insert_rows(
    model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """Insert every row (one value per column, in ``columns``' order) into ``model``'s table;
    returns how many. Run it inside the caller's transaction."""
    names, preparers = _preparers(model, columns)
    table = connection.ops.quote_name(model._meta.db_table)
    quoted = ", ".join(connection.ops.quote_name(n) for n in names)
    iterator = iter(rows)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor  # psycopg's own cursor, under Django's wrapper
            with raw.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                for row in iterator:
                    copy.write_row([prepare(v) for prepare, v in zip(preparers, row, strict=True)])
                    count += 1
            return count
        parameters = ", ".join(["%s"] * len(names))
        sql = f"INSERT INTO {table} ({quoted}) VALUES ({parameters})"
        while batch := list(islice(iterator, BATCH)):
            cursor.executemany(
                sql,
                [[prepare(v) for prepare, v in zip(preparers, row, strict=True)] for row in batch],
            )
            count += len(batch)
    return count


def update_rows(
    model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """Set ``columns`` of many rows of ``model``'s table, each row given as (primary key, value
    per column): one prepared ``UPDATE`` run with ``executemany`` (no CASE over the whole batch,
    as ``bulk_update`` builds). Returns how many rows were given."""
    pk = model._meta.pk.name
    names, preparers = _preparers(model, [*columns, pk])
    table = connection.ops.quote_name(model._meta.db_table)
    assignments = ", ".join(f"{connection.ops.quote_name(n)} = %s" for n in names[:-1])
    sql = f"UPDATE {table} SET {assignments} WHERE {connection.ops.quote_name(names[-1])} = %s"
    iterator = iter(rows)
    count = 0
    with connection.cursor() as cursor:
        while batch := list(islice(iterator, BATCH)):
            cursor.executemany(
                sql,
                [
                    [prepare(v) for prepare, v in zip(preparers, (*row[1:], row[0]), strict=True)]
                    for row in batch
                ],
            )
            count += len(batch)
    return count
