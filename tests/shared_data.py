"""Data that is expensive to build (the whole demo organization), built once and shared.

The data is written inside an outer transaction that stays open while consecutive tests use it;
each of those tests runs in pytest-django's usual per-test transaction, which nests inside it as
a savepoint and is rolled back, so a test may write and the next one still sees the data as
built. Before any test that does not ask for the data, and at the end of the session, the outer
transaction is rolled back: every other test starts from the empty test database as before.

This is Django's ``TestCase.setUpTestData`` (class atomics around per-test atomics), made to
span the modules whose tests ask for the same fixture. ``tests/conftest.py`` moves those tests
next to each other, so the data is built once per run (once per worker under pytest-xdist).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, transaction


class SharedData:
    def __init__(self) -> None:
        self.key: str | None = None
        self.value: Any = None
        self._atomic: transaction.Atomic | None = None
        self._blocker = None

    @property
    def active(self) -> bool:
        return self._atomic is not None

    def get(self, key: str, build: Callable[[], Any], django_db_blocker) -> Any:
        """The data built by ``build`` under ``key``: built now unless it is already there."""
        if self.active and self.key == key:
            return self.value
        self.release()
        if connection.in_atomic_block:
            pytest.fail(
                f"shared data {key!r} must be set up before the test's own transaction: "
                "request its fixture before `db` (and not with transaction=True or live_server)"
            )
        with django_db_blocker.unblock():
            atomic = transaction.atomic()
            atomic.__enter__()
            try:
                value = build()
            except BaseException:
                transaction.set_rollback(True)
                atomic.__exit__(None, None, None)
                raise
        self._atomic, self._blocker, self.key, self.value = atomic, django_db_blocker, key, value
        return value

    def release(self) -> None:
        """Roll the shared data back: the database is empty again."""
        if not self.active:
            return
        atomic, blocker = self._atomic, self._blocker
        self._atomic = self._blocker = self.key = self.value = None
        with blocker.unblock():
            if connection.in_atomic_block:
                transaction.set_rollback(True)
                atomic.__exit__(None, None, None)


SHARED = SharedData()
