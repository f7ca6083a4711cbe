"""The engines' own indexes: kept by triggers on SQLite (and made again when a migration drops
them), used by the planner on PostgreSQL."""

import pytest
from django.db import connection

from cadence.okrs.models import Objective
from cadence.search import ddl, kinds, selectors
from tests import factories as f


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's FTS5 triggers")
def test_sqlite_index_made_again_and_rebuilt_when_its_triggers_were_dropped(
    org, admin, cycle, team
):
    f.make_objective(admin, cycle, team, title="Gannet launch")
    kind = kinds.get("objective")
    fts = ddl.fts_table(kind)
    with connection.cursor() as cursor:
        # What a migration that rebuilds okrs_objective on SQLite does to them.
        for suffix in ("_ai", "_ad", "_au"):
            cursor.execute(f"DROP TRIGGER {fts}{suffix}")
        cursor.execute(f"DELETE FROM {fts}")  # drop an external-content index's entries
    Objective.objects.filter(title="Gannet launch").update(title="Gannet landing")
    assert ddl.ensure(connection) == ["objective"]
    assert [h.title for h in selectors.search(org, "gannet", viewer=f.ALL).hits] == [
        "Gannet landing"
    ]
    assert ddl.ensure(connection) == []  # nothing missing any more
    f.make_objective(admin, cycle, team, title="Gannet second")
    assert len(selectors.search(org, "gannet", viewer=f.ALL).hits) == 2


@pytest.mark.postgres
def test_postgresql_uses_the_gin_index(org, admin, cycle, team):
    for n in range(30):
        f.make_objective(admin, cycle, team, title=f"Tern {n}")
    kind = kinds.get("objective")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            f"EXPLAIN SELECT id FROM {kind.table} t "
            f"WHERE {ddl.pg_document(kind, 't')} @@ to_tsquery('simple', %s)",
            ["'tern'"],
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert ddl.pg_index(kind) in plan
    assert len(selectors.search(org, "tern", limit=50, viewer=f.ALL).hits) == 30


@pytest.mark.postgres
def test_postgresql_index_made_again_when_dropped(org, admin, cycle, team):
    kind = kinds.get("comment")
    with connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX {ddl.pg_index(kind)}")
    assert ddl.ensure(connection) == ["comment"]
    assert ddl.ensure(connection) == []
