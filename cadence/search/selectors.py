"""Search: the organization's objectives, key results, weekly items, comments and learnings
(and any kind registered in cadence.search.kinds) matching the words typed, best first.

One query, whatever the kinds: per kind, the engine's full-text match on the kind's own table
(SQLite FTS5 / PostgreSQL GIN, cadence.search.ddl), filtered by organization, visibility, cycle
and unit, ranked (FTS5 bm25 / ts_rank, titles weighed above bodies) and cut to the page; the
kinds' best are then merged by score. The source tables are read at query time, so a result is
never stale and never a deleted or foreign row.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.db import connection, models, transaction

from cadence.okrs.models import Cycle
from cadence.okrs.selectors import Viewer
from cadence.okrs.visibility import ORGANIZATION, Sight, sight_of
from cadence.orgs.models import Organization, Unit
from cadence.search import ddl, kinds
from cadence.search.kinds import Hit, Kind
from cadence.search.query import Query, parse, snippet

PAGE = 20
MAX_TITLE = 200  # a title is shown whole (highlighted), up to this
MAX_OFFSET = 1000  # deeper than this nobody reads; every kind's best offset+limit are ranked
# Per kind, only the most recent matches are ranked (issue 16.6: a word in a hundred thousand
# weekly items must not cost a hundred thousand scores): the newest MAX_RANKED rows that match and
# pass the filters, by the table's insertion order (SQLite's rowid) or creation time (PostgreSQL).
MAX_RANKED = 1000
# Title and body weights: bm25's column weights (SQLite), ts_rank's A and D weights (PostgreSQL).
TITLE_WEIGHT = 10.0
BODY_WEIGHT = 1.0


@dataclass(frozen=True)
class Results:
    query: Query
    hits: list[Hit]
    more: bool  # there are results past this page


def _db(value):
    return models.UUIDField().get_db_prep_value(value, connection)


def _uuid(value):
    if value is None or isinstance(value, uuid.UUID):
        return value
    return uuid.UUID(str(value))


def _text(expr: str | None) -> str:
    return f"CAST({expr} AS text)" if expr else "CAST(NULL AS text)"


def _sight_filter(kind: Kind, sight: Sight | None) -> tuple[str, list]:
    """The condition (and its parameters) that hides rows of private objectives the reader may
    not see, and of personal objectives (search covers the organization's shared OKRs, as
    every list does: okrs.visibility); none for a kind that hangs off no objective."""
    if not kind.objective or sight is None:
        return "", []
    alias = kind.objective
    if sight.everything:
        return f"({alias}.id IS NULL OR {alias}.owner_person_id IS NULL)", []
    units = sorted(sight.unit_ids)
    marks = ", ".join(["%s"] * len(units))
    seen = f" OR {alias}.unit_id IN ({marks})" if units else ""
    return (
        f"({alias}.id IS NULL OR ({alias}.owner_person_id IS NULL"
        f" AND ({alias}.visibility = %s{seen})))",
        [ORGANIZATION, *(_db(u) for u in units)],
    )


def _branch(kind: Kind, *, vendor: str, cycle, unit, limit: int, sight: Sight | None) -> str:
    """One kind's best ``limit`` matches among its newest ``MAX_RANKED`` (parameters: the match,
    the organization, then the cycle and unit when given, the sight's; on PostgreSQL then the
    two ranking queries).

    One pass over the index: the engine walks the kind's matches newest first (SQLite: FTS5's
    rowid order, no sort; PostgreSQL: the GIN index's matches sorted by creation), joins each to
    its row for the organization, visibility, cycle and unit, and stops at ``MAX_RANKED``; only
    those are scored (FTS5 bm25 / ts_rank of the stored document, nothing parsed), then cut to
    ``limit``."""
    refs = [*kind.refs, *([None] * (kinds.MAX_REFS - len(kind.refs)))]
    columns = (
        f"{_text('t.id')} AS id, "
        f"{_text(f't.{kind.title}' if kind.title else None)} AS title, "
        f"{_text(f't.{kind.body}' if kind.body else None)} AS body, "
        f"{_text(kind.cycle)} AS cycle_id, {_text(kind.unit)} AS unit_id, "
        + ", ".join(f"{_text(r)} AS ref{i}" for i, r in enumerate(refs))
    )
    outer = "id, {score} AS score, title, body, cycle_id, unit_id, " + ", ".join(
        f"ref{i}" for i in range(len(refs))
    )
    where = [f"{kind.organization} = %s"]
    if kind.visible:
        where.append(f"({kind.visible})")
    if cycle is not None:
        where.append(f"{kind.cycle} = %s")
    if unit is not None:
        where.append(f"{kind.unit} = %s")
    hidden, _ = _sight_filter(kind, sight)
    if hidden:
        where.append(hidden)
    if vendor == "sqlite":
        fts = ddl.fts_table(kind)
        weights = ", ".join(
            str(TITLE_WEIGHT if c == kind.title else BODY_WEIGHT) for c in kind.columns
        )
        where.insert(0, f"{fts} MATCH %s")
        newest = (
            f"SELECT {columns}, -bm25({fts}, {weights}) AS score "
            f"FROM {fts} JOIN {kind.table} t ON t.rowid = {fts}.rowid {kind.joins} "
            f"WHERE {' AND '.join(where)} ORDER BY {fts}.rowid DESC LIMIT {MAX_RANKED}"
        )
        ranked = f"SELECT {outer.format(score='score')} FROM ({newest}) AS n"
    else:
        where.insert(0, f"t.{ddl.DOCUMENT} @@ to_tsquery('simple', %s)")
        newest = (
            f"SELECT {columns}, t.{ddl.DOCUMENT} AS document FROM {kind.table} t {kind.joins} "
            f"WHERE {' AND '.join(where)} ORDER BY t.created_at DESC, t.id DESC "
            f"LIMIT {MAX_RANKED}"
        )
        weights = f"'{{{BODY_WEIGHT / 10}, 0.2, 0.4, {TITLE_WEIGHT / 10}}}'"
        # The exact words' rank on top: an exact match ranks above a prefix's.
        score = f"ts_rank({weights}, n.document, q) + ts_rank({weights}, n.document, qx)"
        ranked = (
            f"SELECT {outer.format(score=score)} FROM ({newest}) AS n "
            "CROSS JOIN to_tsquery('simple', %s) q CROSS JOIN to_tsquery('simple', %s) qx"
        )
    return (
        f"SELECT '{kind.key}' AS kind, r.* FROM ({ranked} ORDER BY score DESC, id "
        f"LIMIT {int(limit)}) AS r"
    )


def statement(
    query: Query,
    *,
    organization_id,
    sight: Sight,
    chosen: list[Kind],
    cycle_id=None,
    unit_id=None,
    offset: int = 0,
    limit: int = PAGE,
) -> tuple[str, list]:
    """The one SQL statement of a search (and its parameters): ``limit`` + 1 rows from
    ``offset`` (the extra row says there is more). Also the bench's floor."""
    vendor = connection.vendor
    match = [query.fts5()] if vendor == "sqlite" else [query.tsquery(), query.tsquery(exact=True)]
    branches, params = [], []
    for k in chosen:
        branches.append(
            _branch(
                k,
                vendor=vendor,
                cycle=cycle_id,
                unit=unit_id,
                limit=offset + limit + 1,
                sight=sight,
            )
        )
        filters = [_db(organization_id)]
        filters += [_db(cycle_id)] if cycle_id is not None else []
        filters += [_db(unit_id)] if unit_id is not None else []
        filters += _sight_filter(k, sight)[1]
        if vendor == "sqlite":
            params += [*match, *filters]
        else:  # the newest matches (the query, the filters), then the scores' two queries
            params += [match[0], *filters, *match]
    sql = (
        f"SELECT * FROM ({' UNION ALL '.join(branches)}) AS r "
        f"ORDER BY score DESC, kind, id LIMIT {int(limit) + 1} OFFSET {int(offset)}"
    )
    return sql, params


def search(
    organization: Organization,
    text: str,
    *,
    viewer: Viewer,
    kind: str = "",
    cycle: Cycle | None = None,
    unit: Unit | None = None,
    offset: int = 0,
    limit: int = PAGE,
) -> Results:
    """The organization's results for ``text``, best first: ``limit`` of them from ``offset``.
    No words in ``text``: no results (never everything). ``kind`` one of kinds.registered()'s
    keys (else every kind); ``cycle`` and ``unit`` already the organization's (their selectors'
    ``*_get``). One query."""
    query = parse(text)
    offset = max(0, min(offset, MAX_OFFSET))
    chosen = [k for k in kinds.registered() if not kind or k.key == kind]
    if not query or not chosen or limit <= 0:
        return Results(query, [], False)
    sql, params = statement(
        query,
        organization_id=organization.id,
        sight=sight_of(viewer),
        chosen=chosen,
        cycle_id=cycle.id if cycle is not None else None,
        unit_id=unit.id if unit is not None else None,
        offset=offset,
        limit=limit,
    )
    rows = statement_rows(sql, params)
    hits = []
    for key, id_, score, title, body, cycle_id, unit_id, *refs in rows[:limit]:
        k = kinds.get(key)
        hit = Hit(
            kind=key,
            id=_uuid(id_),
            score=float(score),
            title=title or "",
            body=body or "",
            cycle_id=_uuid(cycle_id),
            unit_id=_uuid(unit_id),
            refs=[_ref(r) for r in refs],
            label=k.label,
        )
        hit.url = k.url(hit)
        hit.title_parts = snippet(hit.title, query, width=MAX_TITLE) if hit.title else []
        hit.snippet = snippet(hit.body, query) if hit.body else []
        if hit.title and not any(matched for _, matched in hit.snippet):
            hit.snippet = []  # the title matched: a body that does not is no snippet
        hits.append(hit)
    return Results(query, hits, len(rows) > limit)


def statement_rows(sql: str, params: list) -> list[tuple]:
    """The statement's rows. On PostgreSQL without parallel workers (for this statement only):
    the planner cannot tell from a prefix's tsquery how few rows match, and for a typical search
    chose a parallel hash join over the organization's objectives; in one process the same
    search takes a third of the time (8 against 25 ms at org-100k, measured), and on a small
    machine serving many readers a worker per search only takes a core from another request."""
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
        cursor.execute(sql, params)
        return cursor.fetchall()


def _ref(value):
    """A ref as read back: a UUID when it is one (as text on both engines), else the text."""
    if value is None:
        return None
    text = str(value)
    if len(text) in (32, 36):
        try:
            return uuid.UUID(text)
        except ValueError:
            return text
    return text
