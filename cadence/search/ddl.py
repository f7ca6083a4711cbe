"""The full-text indexes of the registered kinds' tables, one engine at a time.

SQLite: an FTS5 table per source table, with external content (the source table's own rows,
by rowid) and three triggers that keep it in step with every insert, update of the text and
delete — whoever writes (services, the bulk import, the bench's raw SQL). PostgreSQL: a GIN
expression index on ``to_tsvector('simple', title || ' ' || body)`` of each source table,
which the search query repeats word for word so that the planner uses it.

``ensure`` creates what is missing and is idempotent; it runs in this app's migration and after
every ``migrate`` (post_migrate): a later migration that rebuilds a source table on SQLite drops
its triggers with the old table, and the next ensure finds them missing, creates them again and
rebuilds that FTS table from its content, so the index cannot stay stale.
"""

from __future__ import annotations

from cadence.search.kinds import Kind, registered


def fts_table(kind: Kind) -> str:
    return f"search_fts_{kind.table}"


def pg_index(kind: Kind) -> str:
    return f"search_{kind.table}_tsv"


def pg_document(kind: Kind, alias: str = "") -> str:
    """The indexed expression, exactly as the index and the query write it."""
    prefix = f"{alias}." if alias else ""
    text = " || ' ' || ".join(f"coalesce({prefix}{c}, '')" for c in kind.columns)
    return f"to_tsvector('simple'::regconfig, {text})"


def _sqlite_statements(kind: Kind) -> list[str]:
    fts, table, cols = fts_table(kind), kind.table, kind.columns
    names = ", ".join(cols)
    new = ", ".join(f"new.{c}" for c in cols)
    old = ", ".join(f"old.{c}" for c in cols)
    delete = f"INSERT INTO {fts}({fts}, rowid, {names}) VALUES ('delete', old.rowid, {old});"
    insert = f"INSERT INTO {fts}(rowid, {names}) VALUES (new.rowid, {new});"
    return [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5({names}, content='{table}', "
        "content_rowid='rowid', tokenize='unicode61 remove_diacritics 2')",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_ai AFTER INSERT ON {table} BEGIN {insert} END",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_ad AFTER DELETE ON {table} BEGIN {delete} END",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_au AFTER UPDATE OF {names} ON {table} "
        f"BEGIN {delete} {insert} END",
    ]


def _sqlite_missing(cursor, kind: Kind) -> bool:
    fts = fts_table(kind)
    names = [fts, f"{fts}_ai", f"{fts}_ad", f"{fts}_au"]
    cursor.execute("SELECT count(*) FROM sqlite_master WHERE name IN (%s, %s, %s, %s)", names)
    return cursor.fetchone()[0] != len(names)


def ensure(connection) -> list[str]:
    """Create the missing indexes of every registered kind; the kinds whose index was (re)made."""
    made = []
    with connection.cursor() as cursor:
        for kind in registered():
            if connection.vendor == "sqlite":
                if not _sqlite_missing(cursor, kind):
                    continue
                for statement in _sqlite_statements(kind):
                    cursor.execute(statement)
                fts = fts_table(kind)
                cursor.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")
                made.append(kind.key)
            elif connection.vendor == "postgresql":
                cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = %s", [pg_index(kind)])
                if cursor.fetchone():
                    continue
                cursor.execute(
                    f"CREATE INDEX IF NOT EXISTS {pg_index(kind)} ON {kind.table} "
                    f"USING gin ({pg_document(kind)})"
                )
                made.append(kind.key)
    return made


def drop(connection) -> None:
    """Remove every registered kind's index (the migration's way back)."""
    with connection.cursor() as cursor:
        for kind in registered():
            if connection.vendor == "sqlite":
                fts = fts_table(kind)
                for suffix in ("_ai", "_ad", "_au"):
                    cursor.execute(f"DROP TRIGGER IF EXISTS {fts}{suffix}")
                cursor.execute(f"DROP TABLE IF EXISTS {fts}")
            elif connection.vendor == "postgresql":
                cursor.execute(f"DROP INDEX IF EXISTS {pg_index(kind)}")
