"""The engines' own indexes: kept by triggers on SQLite (and made again when a migration drops
them), used by the planner on PostgreSQL."""

import pytest
from django.db import connection

from cadence.okrs import services as okr_services
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
            f"WHERE t.{ddl.DOCUMENT} @@ to_tsquery('simple', %s)",
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


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's FTS5 tables")
def test_sqlite_index_of_an_earlier_form_is_made_anew_with_prefix_indexes(org, admin, cycle, team):
    """An installation upgraded from the first form (FTS5 without prefix indexes) gets the
    table made anew and rebuilt from its rows: existing rows are found, by prefix too."""
    f.make_objective(admin, cycle, team, title="Cormorant census")
    kind = kinds.get("objective")
    fts = ddl.fts_table(kind)
    with connection.cursor() as cursor:
        for suffix in ("_ai", "_ad", "_au"):
            cursor.execute(f"DROP TRIGGER {fts}{suffix}")
        cursor.execute(f"DROP TABLE {fts}")
        cursor.execute(
            f"CREATE VIRTUAL TABLE {fts} USING fts5(title, why, content='{kind.table}', "
            "content_rowid='rowid', tokenize='unicode61 remove_diacritics 2')"
        )
    assert ddl.ensure(connection) == ["objective"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT sql FROM sqlite_master WHERE name = %s", [fts])
        assert f"prefix='{ddl.PREFIXES}'" in cursor.fetchone()[0]
    assert [h.title for h in selectors.search(org, "cormo", viewer=f.ALL).hits] == [
        "Cormorant census"
    ]
    assert ddl.ensure(connection) == []


@pytest.mark.postgres
def test_postgresql_document_column_added_and_filled_for_existing_rows(org, admin, cycle, team):
    """An installation upgraded from the first form (an expression index, no stored document)
    gets the column, its trigger and index, and the column filled from the rows already there;
    the expression index is dropped."""
    objective = f.make_objective(admin, cycle, team, title="Puffin colony", why="Count nests")
    kind = kinds.get("objective")
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the test's own inserts, checked now
        cursor.execute(f"DROP TRIGGER {ddl.pg_function(kind)} ON {kind.table}")
        cursor.execute(f"ALTER TABLE {kind.table} DROP COLUMN {ddl.DOCUMENT}")
        cursor.execute(
            f"CREATE INDEX search_{kind.table}_tsv ON {kind.table} USING gin "
            "(to_tsvector('simple'::regconfig, coalesce(title, '') || ' ' || coalesce(why, '')))"
        )
    assert ddl.ensure(connection) == ["objective"]
    assert ddl.ensure(connection) == []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_indexes WHERE indexname = %s", [f"search_{kind.table}_tsv"]
        )
        assert cursor.fetchone() is None
        cursor.execute(
            f"SELECT {ddl.DOCUMENT}::text FROM {kind.table} WHERE id = %s", [objective.id]
        )
        assert cursor.fetchone()[0] == "'colony':2A 'count':3 'nests':4 'puffin':1A"
    hits = selectors.search(org, "puff", viewer=f.ALL).hits
    assert [h.title for h in hits] == ["Puffin colony"]
    with connection.cursor() as cursor:
        # A plain column, not a generated one: a later migration may still change the type of
        # the columns it is made from (PostgreSQL refuses that under a generated column).
        cursor.execute(
            "SELECT attgenerated FROM pg_attribute WHERE attrelid = %s::regclass AND attname = %s",
            [kind.table, ddl.DOCUMENT],
        )
        assert cursor.fetchone()[0] == ""
        cursor.execute(f"ALTER TABLE {kind.table} ALTER COLUMN title TYPE varchar(300)")
    # Written after: kept by the trigger.
    okr_services.objective_update(actor=admin, objective=objective, title="Gull colony")
    assert [h.title for h in selectors.search(org, "gull", viewer=f.ALL).hits] == ["Gull colony"]
    assert selectors.search(org, "puffin", viewer=f.ALL).hits == []


@pytest.mark.postgres
def test_postgresql_documents_refilled_when_the_trigger_was_dropped(org, admin, cycle, team):
    objective = f.make_objective(admin, cycle, team, title="Auk colony")
    kind = kinds.get("objective")
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TRIGGER {ddl.pg_function(kind)} ON {kind.table}")
    Objective.objects.filter(pk=objective.pk).update(title="Shag colony")  # unseen by the index
    assert selectors.search(org, "shag", viewer=f.ALL).hits == []
    assert ddl.ensure(connection) == ["objective"]
    assert [h.title for h in selectors.search(org, "shag", viewer=f.ALL).hits] == ["Shag colony"]
    assert selectors.search(org, "auk", viewer=f.ALL).hits == []
