"""The full-text indexes of the registered kinds' tables, one engine at a time.

SQLite: an FTS5 table per source table, with external content (the source table's own rows,
by rowid), prefix indexes (``PREFIXES``: a last word still being typed is looked up, not
scanned for) and three triggers that keep it in step with every insert, update of the text and
delete — whoever writes (services, the bulk import, the bench's raw SQL).

PostgreSQL: a ``tsvector`` column (``DOCUMENT``) on each source table holding the row's
weighted document (title weight A, body weight D), set by a BEFORE INSERT OR UPDATE trigger
when the text is new or changed (whoever writes: services, ``COPY``, raw SQL), and a GIN index
on it. The search matches and ranks that stored vector: nothing is parsed per row at query
time. A trigger on every update, comparing the text itself, rather than a generated column or
a trigger "UPDATE OF <columns>": PostgreSQL refuses to change the type of a column either of
those depends on, which would block a later migration of a title's length. (The column is
first added as a generated one, which fills it in the one pass that rewrites the table, and is
then made a plain column.)

``ensure`` creates what is missing or outdated and is idempotent; it runs in this app's
migrations and after every ``migrate`` (post_migrate): a later migration that rebuilds a source
table on SQLite drops its triggers with the old table, and the next ensure finds them missing,
creates them again and rebuilds that FTS table from its content, so the index cannot stay stale.
An FTS table of an earlier form (without the prefix indexes) is made anew the same way; on
PostgreSQL a missing column or trigger is made and the column filled from the rows, and the
earlier expression index is dropped.
"""

from __future__ import annotations

from cadence.search.kinds import Kind, registered

# FTS5 prefix indexes: every prefix of 2 to 8 characters of every token has its own entry, so a
# last word of up to 8 characters being typed reads one list; a longer one scans the few terms
# that begin with it.
PREFIXES = "2 3 4 5 6 7 8"
DOCUMENT = "search_document"


def fts_table(kind: Kind) -> str:
    return f"search_fts_{kind.table}"


def pg_index(kind: Kind) -> str:
    return f"search_{kind.table}_document"


def pg_function(kind: Kind) -> str:
    return f"search_{kind.table}_document"


def _pg_old_index(kind: Kind) -> str:
    """The expression index of the first form (before the stored document)."""
    return f"search_{kind.table}_tsv"


def pg_vector(kind: Kind, alias: str = "") -> str:
    """The weighted document of a row (``alias`` names it, e.g. ``NEW`` in the trigger; none in
    the column's first definition): the title weighs A, the body D (ts_rank's weights in
    search.selectors)."""
    prefix = f"{alias}." if alias else ""
    parts = []
    for column, weight in ((kind.title, "A"), (kind.body, "D")):
        if column:
            parts.append(
                f"setweight(to_tsvector('simple'::regconfig, coalesce({prefix}{column}, '')), "
                f"'{weight}')"
            )
    return " || ".join(parts)


def _fts_definition(kind: Kind) -> str:
    names = ", ".join(kind.columns)
    return (
        f"fts5({names}, content='{kind.table}', content_rowid='rowid', "
        f"tokenize='unicode61 remove_diacritics 2', prefix='{PREFIXES}')"
    )


def _sqlite_statements(kind: Kind) -> list[str]:
    fts, table, cols = fts_table(kind), kind.table, kind.columns
    names = ", ".join(cols)
    new = ", ".join(f"new.{c}" for c in cols)
    old = ", ".join(f"old.{c}" for c in cols)
    delete = f"INSERT INTO {fts}({fts}, rowid, {names}) VALUES ('delete', old.rowid, {old});"
    insert = f"INSERT INTO {fts}(rowid, {names}) VALUES (new.rowid, {new});"
    return [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING {_fts_definition(kind)}",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_ai AFTER INSERT ON {table} BEGIN {insert} END",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_ad AFTER DELETE ON {table} BEGIN {delete} END",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_au AFTER UPDATE OF {names} ON {table} "
        f"BEGIN {delete} {insert} END",
    ]


def _sqlite_drop(cursor, kind: Kind) -> None:
    fts = fts_table(kind)
    for suffix in ("_ai", "_ad", "_au"):
        cursor.execute(f"DROP TRIGGER IF EXISTS {fts}{suffix}")
    cursor.execute(f"DROP TABLE IF EXISTS {fts}")


def _sqlite_state(cursor, kind: Kind) -> str:
    """ "ok", "missing" (a trigger or the table is gone) or "outdated" (an FTS table of another
    definition: made anew)."""
    fts = fts_table(kind)
    cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = %s", [fts])
    row = cursor.fetchone()
    if row is not None and _fts_definition(kind) not in (row[0] or ""):
        return "outdated"
    names = [f"{fts}_ai", f"{fts}_ad", f"{fts}_au"]
    cursor.execute(
        "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name IN (%s, %s, %s)",
        names,
    )
    return "ok" if row is not None and cursor.fetchone()[0] == len(names) else "missing"


def _sqlite_ensure(cursor, kind: Kind) -> bool:
    state = _sqlite_state(cursor, kind)
    if state == "ok":
        return False
    if state == "outdated":
        _sqlite_drop(cursor, kind)
    for statement in _sqlite_statements(kind):
        cursor.execute(statement)
    fts = fts_table(kind)
    cursor.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")
    return True


def _pg_exists(cursor, sql: str, params: list) -> bool:
    cursor.execute(sql, params)
    return cursor.fetchone() is not None


def _pg_ensure(cursor, kind: Kind) -> bool:
    table, function, index = kind.table, pg_function(kind), pg_index(kind)
    has_column = _pg_exists(
        cursor,
        "SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() "
        "AND table_name = %s AND column_name = %s",
        [table, DOCUMENT],
    )
    has_trigger = _pg_exists(
        cursor,
        "SELECT 1 FROM pg_trigger WHERE tgname = %s AND tgrelid = %s::regclass",
        [function, table],
    )
    has_index = _pg_exists(cursor, "SELECT 1 FROM pg_indexes WHERE indexname = %s", [index])
    has_old = _pg_exists(
        cursor, "SELECT 1 FROM pg_indexes WHERE indexname = %s", [_pg_old_index(kind)]
    )
    if has_column and has_trigger and has_index and not has_old:
        return False
    if not has_column:
        # Filled in the one pass that rewrites the table (rows kept in their order on disk, no
        # dead copy of every row as an UPDATE would leave), then a plain column from here on,
        # kept by the trigger below.
        cursor.execute(
            f"ALTER TABLE {table} ADD COLUMN {DOCUMENT} tsvector "
            f"GENERATED ALWAYS AS ({pg_vector(kind)}) STORED"
        )
        cursor.execute(f"ALTER TABLE {table} ALTER COLUMN {DOCUMENT} DROP EXPRESSION")
    if not (has_column and has_trigger):
        # Every insert and update, the text compared in the function: a trigger "UPDATE OF
        # <columns>" would make those columns its dependencies, whose type PostgreSQL then
        # refuses to change, as under a generated column.
        changed = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in kind.columns)
        cursor.execute(
            f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN IF TG_OP = 'INSERT' OR {changed} THEN "
            f"NEW.{DOCUMENT} := {pg_vector(kind, 'NEW')}; END IF; RETURN NEW; END $$"
        )
        cursor.execute(f"DROP TRIGGER IF EXISTS {function} ON {table}")
        cursor.execute(
            f"CREATE TRIGGER {function} BEFORE INSERT OR UPDATE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {function}()"
        )
    if has_column and not has_trigger:
        # Rows written while there was no trigger: their documents.
        cursor.execute(f"UPDATE {table} SET {DOCUMENT} = {pg_vector(kind)}")
    if not (has_column and has_trigger):
        cursor.execute(f"ANALYZE {table}")  # the planner's estimates of the column
    if not has_index:
        cursor.execute(f"CREATE INDEX IF NOT EXISTS {index} ON {table} USING gin ({DOCUMENT})")
    cursor.execute(f"DROP INDEX IF EXISTS {_pg_old_index(kind)}")
    return True


def ensure(connection) -> list[str]:
    """Create the missing or outdated indexes of every registered kind; the kinds whose index was
    (re)made."""
    made = []
    with connection.cursor() as cursor:
        for kind in registered():
            if connection.vendor == "sqlite":
                changed = _sqlite_ensure(cursor, kind)
            elif connection.vendor == "postgresql":
                changed = _pg_ensure(cursor, kind)
            else:
                changed = False
            if changed:
                made.append(kind.key)
    return made


def drop(connection) -> None:
    """Remove every registered kind's index (the migrations' way back)."""
    with connection.cursor() as cursor:
        for kind in registered():
            if connection.vendor == "sqlite":
                _sqlite_drop(cursor, kind)
            elif connection.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER IF EXISTS {pg_function(kind)} ON {kind.table}")
                cursor.execute(f"DROP FUNCTION IF EXISTS {pg_function(kind)}()")
                cursor.execute(f"DROP INDEX IF EXISTS {pg_index(kind)}")
                cursor.execute(f"DROP INDEX IF EXISTS {_pg_old_index(kind)}")
                cursor.execute(f"ALTER TABLE {kind.table} DROP COLUMN IF EXISTS {DOCUMENT}")
