"""Ids from the outside world (paths, query strings, bodies) read the same way everywhere."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from uuid import UUID

from django.db.models import Func, TextField
from django.http import Http404


def uuid_or_404(value) -> UUID:
    """The UUID that ``value`` spells, else a 404: a malformed id names nothing, like an unknown
    or another organization's id."""
    if isinstance(value, UUID):
        return value
    try:
        return UUID(str(value))
    except (TypeError, ValueError, AttributeError) as exc:
        raise Http404("Not found") from exc


def ordered_uuids() -> Iterator[UUID]:
    """New ids for rows written in bulk, in increasing order: UUID version 7 (RFC 9562) with the
    time taken once, a counter that starts at a random value in the 26 bits after it (method 1
    of the RFC's section 6.2) and 48 random bits. Rows inserted in id order extend their
    indexes at one end instead of at random places (three times faster for a million rows on
    SQLite), and the random bits still keep a row's neighbours unguessable."""
    millis = time.time_ns() // 1_000_000
    counter = int.from_bytes(os.urandom(4)) >> 7  # 25 bits: room for 2^25 rows after it
    while True:
        chunk = os.urandom(6 * 4096)
        for at in range(0, len(chunk), 6):
            counter += 1
            rand_a, rand_b_high = counter >> 14, counter & 0x3FFF
            yield UUID(
                int=(millis << 80)
                | (0x7 << 76)
                | (rand_a << 64)
                | (0b10 << 62)
                | (rand_b_high << 48)
                | int.from_bytes(chunk[at : at + 6])
            )


class UUIDText(Func):
    """A UUID column as text, as Python's ``str(uuid)`` spells it (hyphenated, lower case), on
    either database: PostgreSQL's cast does; SQLite holds Django's UUIDs as 32 hex digits, so
    the hyphens are put in. For keys written from Python that name an id (a mail queue's key
    compared whole, which its index can answer, instead of by pattern)."""

    output_field = TextField()
    arity = 1

    def as_postgresql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"({sql})::text", params

    def as_sqlite(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        parts = [(1, 8), (9, 4), (13, 4), (17, 4), (21, 12)]
        text = " || '-' || ".join(f"substr(lower({sql}), {a}, {n})" for a, n in parts)
        return f"({text})", list(params) * len(parts)
