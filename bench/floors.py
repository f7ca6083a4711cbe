"""The raw floor of each measured case: the same data the page or endpoint
shows, fetched with the fewest hand-written SQL queries and serialized with ``json.dumps``.
Timed in-process on the same database; the report shows each case's ratio to its floor.

Each function takes a DB-API cursor (Django's, so ``%s`` placeholders on both engines) and
``Params`` (ids already in the database's own form), and returns the JSON text. Progress is read
from the stored, rolled-up ``okrs_objective.progress`` (kept by the services), which is what a
minimal implementation would show.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

from cadence.api.routers import objectives as api_objectives
from cadence.okrs import progress as arithmetic
from cadence.okrs import selectors

# The page sizes the app uses (the floors fetch what a page shows, no more).
TREE_EAGER = selectors.TREE_EAGER
API_PAGE = api_objectives.OBJECTIVES_PAGE


@dataclass(frozen=True)
class Params:
    org: object
    org_id: object  # the organization's UUID as Python has it (for cadence.search)
    cycle: object
    person: object  # the logged-in admin
    unit: object  # the typical team
    objective: object  # the typical objective
    vendor: str  # "sqlite" or "postgresql"


def _rows(cursor, sql: str, params=()) -> list[dict]:
    cursor.execute(sql, params)
    names = [c[0] for c in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _dumps(data) -> str:
    return json.dumps(data, default=str)


def _objectives_with_krs(cursor, p: Params, extra: str = "", params=()) -> list[dict]:
    """The cycle's objectives matching ``extra`` (one query), then their key results (one query
    by objective id: a join would let PostgreSQL's planner scan every key result)."""
    objectives = _rows(
        cursor,
        "SELECT o.id, o.title, o.state, o.commitment, o.progress, o.unit_id, o.parent_id"
        " FROM okrs_objective o WHERE o.organization_id = %s AND o.cycle_id = %s " + extra,
        (p.org, p.cycle, *params),
    )
    if not objectives:
        return objectives
    krs = _rows(
        cursor,
        "SELECT objective_id, id, title, kind, start, target, current, unit, confidence, weight"
        " FROM okrs_keyresult WHERE objective_id IN ({}) ORDER BY position, created_at".format(
            ", ".join(["%s"] * len(objectives))
        ),
        [o["id"] for o in objectives],
    )
    by_objective: dict = {}
    for kr in krs:
        by_objective.setdefault(kr["objective_id"], []).append(kr)
    for objective in objectives:
        objective["key_results"] = by_objective.get(objective["id"], [])
    return objectives


def dashboard(cursor, p: Params) -> str:
    """The dashboard shows the current cycle's objectives (with key results and progress) of the
    company and of my teams, and the objectives theirs align to; and an overview of every
    unit: objective count and mean progress."""
    mine = _objectives_with_krs(
        cursor,
        p,
        "AND (o.unit_id IN (SELECT unit_id FROM orgs_membership WHERE person_id = %s)"
        " OR o.unit_id IN (SELECT id FROM orgs_unit WHERE organization_id = %s"
        " AND parent_id IS NULL)"
        " OR o.id IN (SELECT parent_id FROM okrs_objective WHERE cycle_id = %s"
        " AND unit_id IN (SELECT unit_id FROM orgs_membership WHERE person_id = %s)))"
        " ORDER BY o.unit_id, o.position, o.created_at",
        (p.person, p.org, p.cycle, p.person),
    )
    overview = _rows(
        cursor,
        """SELECT u.id, u.name, u.kind, u.parent_id, COUNT(o.id) AS objectives,
                  AVG(o.progress) AS progress
           FROM orgs_unit u
           LEFT JOIN okrs_objective o ON o.unit_id = u.id AND o.cycle_id = %s
                                         AND o.state <> 'abandoned'
           WHERE u.organization_id = %s
           GROUP BY u.id, u.name, u.kind, u.parent_id ORDER BY u.name""",
        (p.cycle, p.org),
    )
    return _dumps({"mine": mine, "overview": overview})


def tree(cursor, p: Params) -> str:
    """The alignment tree (units view) shows every unit down to the levels that fit in a budget
    of objectives (``okrs.selectors.TREE_EAGER``), each with its objective count and mean
    progress, and the objectives of the units shown in full (title, state, progress); deeper
    levels are folded summaries. Here: the units with their counts (one query), the same level
    rule in Python, then the objectives of the units shown (one query)."""
    units = _rows(
        cursor,
        """SELECT u.id, u.parent_id, u.name, u.kind, COUNT(o.id) AS objectives,
                  AVG(CASE WHEN o.state <> 'abandoned' THEN o.progress END) AS progress
           FROM orgs_unit u
           LEFT JOIN okrs_objective o ON o.unit_id = u.id AND o.cycle_id = %s
           WHERE u.organization_id = %s
           GROUP BY u.id, u.parent_id, u.name, u.kind""",
        (p.cycle, p.org),
    )
    children: dict = {}
    for unit in units:
        children.setdefault(unit["parent_id"], []).append(unit)
    level = children.get(None, [])
    shown = [u["id"] for u in level]
    used = sum(u["objectives"] for u in level)
    while level:
        below = [c for u in level for c in children.get(u["id"], [])]
        cost = len(below) + sum(u["objectives"] for u in below)
        if not below or used + cost > TREE_EAGER:
            break
        used += cost
        shown += [u["id"] for u in below]
        level = below
    objectives = _rows(
        cursor,
        "SELECT id, unit_id, parent_id, title, state, progress FROM okrs_objective"
        " WHERE organization_id = %s AND cycle_id = %s AND unit_id IN ({})"
        " ORDER BY position, created_at".format(", ".join(["%s"] * len(shown))),
        (p.org, p.cycle, *shown),
    )
    return _dumps({"units": units, "objectives": objectives})


def team(cursor, p: Params) -> str:
    """The team page shows the unit, its leads and members, its sub-units, and its objectives of
    the current cycle with key results and progress."""
    unit = _rows(
        cursor,
        "SELECT id, name, kind, parent_id FROM orgs_unit WHERE organization_id = %s AND id = %s",
        (p.org, p.unit),
    )
    members = _rows(
        cursor,
        """SELECT p.id, p.name, p.email, m.role FROM orgs_membership m
           JOIN orgs_person p ON p.id = m.person_id WHERE m.unit_id = %s ORDER BY p.name""",
        (p.unit,),
    )
    subunits = _rows(
        cursor,
        "SELECT id, name, kind FROM orgs_unit WHERE organization_id = %s AND parent_id = %s",
        (p.org, p.unit),
    )
    objectives = _objectives_with_krs(
        cursor, p, "AND o.unit_id = %s ORDER BY o.position, o.created_at", (p.unit,)
    )
    return _dumps(
        {"unit": unit, "members": members, "subunits": subunits, "objectives": objectives}
    )


def _objective_and_krs(cursor, p: Params) -> dict:
    objective = _rows(
        cursor,
        """SELECT o.id, o.title, o.why, o.state, o.commitment, o.progress, o.cycle_id,
                  o.unit_id, u.name AS unit_name, o.owner_id, o.parent_id,
                  parent.title AS parent_title, o.standalone_reason, o.abandon_reason, o.score
           FROM okrs_objective o JOIN orgs_unit u ON u.id = o.unit_id
           LEFT JOIN okrs_objective parent ON parent.id = o.parent_id
           WHERE o.organization_id = %s AND o.id = %s""",
        (p.org, p.objective),
    )
    krs = _rows(
        cursor,
        """SELECT id, title, kind, start, target, current, unit, direction, weight, commitment,
                  owner_id, confidence, last_check_in_at, score
           FROM okrs_keyresult WHERE organization_id = %s AND objective_id = %s
           ORDER BY position, created_at""",
        (p.org, p.objective),
    )
    children = _rows(
        cursor,
        """SELECT id, title, progress, state FROM okrs_objective
           WHERE organization_id = %s AND parent_id = %s""",
        (p.org, p.objective),
    )
    return {"objective": objective, "key_results": krs, "children": children}


def objective(cursor, p: Params) -> str:
    """The objective page shows the objective with its unit and parent, its key results with
    each one's check-in history (the charts), and the objectives aligned to it."""
    data = _objective_and_krs(cursor, p)
    data["check_ins"] = _rows(
        cursor,
        """SELECT c.key_result_id, c.value, c.confidence, c.note, c.at
           FROM okrs_checkin c JOIN okrs_keyresult k ON k.id = c.key_result_id
           WHERE k.organization_id = %s AND k.objective_id = %s ORDER BY c.at""",
        (p.org, p.objective),
    )
    return _dumps(data)


def api_list(cursor, p: Params) -> str:
    """GET /api/v1/objectives?cycle_id=…, its first page (``API_PAGE`` objectives in unit-name
    order) with key results and progress, and the total count (the X-Total-Count header)."""
    page = _objectives_with_krs(
        cursor,
        p,
        "AND o.id IN (SELECT o2.id FROM okrs_objective o2"
        " JOIN orgs_unit u ON u.id = o2.unit_id WHERE o2.organization_id = %s"
        " AND o2.cycle_id = %s ORDER BY u.name, o2.unit_id, o2.position, o2.created_at, o2.id"
        " LIMIT %s)",
        (p.org, p.cycle, API_PAGE),
    )
    total = _rows(
        cursor,
        "SELECT COUNT(*) AS n FROM okrs_objective WHERE organization_id = %s AND cycle_id = %s",
        (p.org, p.cycle),
    )
    return _dumps({"objectives": page, "total": total[0]["n"]})


def api_read(cursor, p: Params) -> str:
    """GET /api/v1/objectives/<id>: the objective, its key results and its children's ids."""
    return _dumps(_objective_and_krs(cursor, p))


def check_in(cursor, p: Params, key_result, new_id) -> str:
    """POST a check-in with roll-up: lock the key result, append the check-in, make it the key
    result's current value, then recompute the stored progress of its objective and of every
    objective above it (two reads and one write per level). The caller runs it in a transaction
    and commits. The value checked in is the key result's current one, so progress is unchanged.
    """
    lock = " FOR UPDATE" if p.vendor == "postgresql" else ""
    kr = _rows(
        cursor,
        "SELECT id, objective_id, current, start, kind FROM okrs_keyresult "
        "WHERE organization_id = %s AND id = %s" + lock,
        (p.org, key_result),
    )[0]
    value = kr["current"] if kr["current"] is not None else (kr["start"] or 0)
    if kr["kind"] == arithmetic.MILESTONE:
        value = 1.0 if value >= 1 else 0.0
    now = datetime.now(UTC)
    if p.vendor != "postgresql":  # as Django stores it on SQLite: naive UTC text
        now = now.replace(tzinfo=None).isoformat(sep=" ")
    cursor.execute(
        """INSERT INTO okrs_checkin (id, created_at, updated_at, organization_id, key_result_id,
                                     author_id, value, confidence, note, at)
           VALUES (%s, %s, %s, %s, %s, %s, %s, 'on_track', 'bench floor', %s)""",
        (new_id, now, now, p.org, key_result, p.person, value, now),
    )
    cursor.execute(
        "UPDATE okrs_keyresult SET current = %s, confidence = 'on_track', last_check_in_at = %s,"
        " updated_at = %s WHERE id = %s",
        (value, now, now, key_result),
    )
    objective_id = kr["objective_id"]
    path = []
    while objective_id is not None:
        krs = _rows(
            cursor,
            "SELECT kind, start, target, current, direction, weight FROM okrs_keyresult"
            " WHERE objective_id = %s",
            (objective_id,),
        )
        children = _rows(
            cursor,
            "SELECT progress FROM okrs_objective WHERE parent_id = %s AND state <> 'abandoned'",
            (objective_id,),
        )
        items = [
            (
                arithmetic.kr_progress(
                    r["kind"],
                    start=r["start"],
                    target=r["target"],
                    current=r["current"] if r["current"] is not None else r["start"],
                    direction=r["direction"] or None,
                ),
                r["weight"],
            )
            for r in krs
        ] + [(r["progress"], 1.0) for r in children]
        value_now = arithmetic.weighted_mean(items)
        parent = _rows(
            cursor,
            "UPDATE okrs_objective SET progress = %s WHERE id = %s RETURNING parent_id",
            (value_now, objective_id),
        )
        path.append({"id": objective_id, "progress": value_now})
        objective_id = parent[0]["parent_id"]
    return _dumps({"key_result": kr, "value": value, "objectives": path})


# What the bench's search case types: two words, the second still being typed.
SEARCH_TEXT = "onboarding effort"


def search(cursor, p: Params) -> str:
    """The search page's results: the one full-text statement of cadence.search (per kind the
    engine's match over its index, organization and visibility filters, the newest matches
    scored, merged by rank), its rows serialized."""
    from cadence.okrs.visibility import Sight
    from cadence.search import kinds, selectors
    from cadence.search.query import parse

    # The page's reader is the bench's admin, who sees every objective (okrs.visibility
    # .sight_of): no filter on private objectives, as on the page.
    sql, params = selectors.statement(
        parse(SEARCH_TEXT),
        organization_id=p.org_id,
        sight=Sight.whole(p.org_id),
        chosen=kinds.registered(),
    )
    if p.vendor == "postgresql":  # as the page runs it (selectors.statement_rows)
        cursor.execute("SET max_parallel_workers_per_gather = 0")
        try:
            return _dumps(_rows(cursor, sql, params))
        finally:
            cursor.execute("RESET max_parallel_workers_per_gather")
    return _dumps(_rows(cursor, sql, params))


READS = {
    "dashboard": dashboard,
    "tree": tree,
    "team": team,
    "objective": objective,
    "api_list": api_list,
    "api_read": api_read,
    "search": search,
}
