"""The exports: a cycle's OKRs, check-ins, weekly items, scores and learnings as tables
(columns, rows), then as CSV or XLSX files. Organization-scoped; filtered by a cycle and
optionally a unit, which includes the units below it. Everyone in an organization reads
everything in it (as the pages do), so an export holds what its page shows, whoever asks.

Each table is read in a fixed number of queries, however many rows it has. Values are plain:
numbers as numbers, dates as dates in the organization's time zone, text as written (the
writer, ``sheets_out``, neutralises text a spreadsheet would run as a formula).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from uuid import UUID
from zoneinfo import ZoneInfo

from django.db.models import Q
from django.http import HttpResponse
from django.utils import timezone
from django.utils.text import slugify

from cadence.okrs import selectors as okr_selectors
from cadence.okrs.models import Cycle
from cadence.okrs.visibility import Sight, sight_of
from cadence.orgs.models import Organization, Unit
from cadence.orgs.selectors import UnitTree
from cadence.retrospectives import selectors as retro_selectors
from cadence.scoring import selectors as scoring_selectors
from cadence.transfer import selectors
from cadence.transfer.columns import (
    CHECK_IN_COLUMNS,
    CHECK_IN_SHEET,
    OKR_COLUMNS,
    OKR_COMPUTED_COLUMNS,
    OKR_SHEET,
)
from cadence.transfer.sheets_out import write_csv, write_xlsx
from cadence.weekly import selectors as weekly_selectors
from cadence.weekly.models import PLANS, PROGRESS
from cadence.weekly.weeks import format_week

OKRS, CHECK_INS, WEEKLY, SCORES, LEARNINGS = "okrs", "check-ins", "weekly", "scores", "learnings"
WHATS = (OKRS, CHECK_INS, WEEKLY, SCORES, LEARNINGS)
CSV, XLSX = "csv", "xlsx"
FORMATS = (CSV, XLSX)
CONTENT_TYPES = {
    CSV: "text/csv; charset=utf-8",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

WEEKLY_COLUMNS = (
    "week",  # ISO week, "2026-W47"
    "person",
    "person_email",
    "team",  # the person's team (the one they lead, else the first by name)
    "category",
    "text",
    "planned",  # yes: a plan (in Plans, or moved out of it)
    "done",  # yes: in Progress (a plan done, or unplanned work)
    "carried_over",
    "late",
    "objective",
    "key_result",
)
SCORE_COLUMNS = (
    "cycle",
    "unit",
    "objective",
    "key_result",  # empty on an objective's own row
    "commitment",
    "state",
    "progress",
    "computed_score",
    "score",  # the score in force: adjusted, else computed
    "band",
    "succeeded",  # objectives only
    "adjusted",
    "adjustment_reason",  # the latest adjustment's
    "preview",  # yes until the cycle is closed: scores computed from live progress
)
LEARNING_COLUMNS = (
    "cycle",
    "unit",
    "kind",  # learning | takeaway | idea | objective_note
    "objective",  # objective notes only
    "text",
)

Table = tuple[tuple[str, ...], list[list]]

_PLACES = 4


def _number(value: float | None, places: int = _PLACES) -> float | None:
    return None if value is None else round(value, places)


def _yes(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


@dataclass(frozen=True)
class Scope:
    """What an export is of: the cycle, the unit asked for (None: the whole organization) and
    the units it covers (None: all), with the unit tree to name them by path."""

    organization: Organization
    cycle: Cycle
    unit: Unit | None
    unit_ids: set[UUID] | None
    tree: UnitTree
    # Whose export: only the objectives (and what hangs off them) this reader may see.
    sight: Sight

    @classmethod
    def of(
        cls,
        organization: Organization,
        cycle: Cycle,
        unit: Unit | None = None,
        *,
        viewer: okr_selectors.Viewer,
    ) -> Scope:
        if cycle.organization_id != organization.pk or (
            unit is not None and unit.organization_id != organization.pk
        ):
            raise ValueError("The cycle and the unit must be the organization's.")
        tree = UnitTree.load(organization)
        unit_ids = None
        if unit is not None:
            unit_ids = {unit.pk, *(u.pk for u in tree.descendants(unit.pk))}
        return cls(organization, cycle, unit, unit_ids, tree, sight_of(viewer))

    def path(self, unit_id: UUID) -> str:
        """The unit's path below the company ("Product/Web"); the company's is empty."""
        unit = self.tree.units.get(unit_id)
        if unit is None or unit.kind == Unit.Kind.COMPANY:
            return ""
        names = [u.name for u in reversed(self.tree.ancestors(unit_id)) if u.parent_id]
        return "/".join([*names, unit.name])

    def order(self) -> dict[UUID, int]:
        """unit id → its place in the tree (company first, depth first, siblings by name)."""
        return {u.pk: n for n, (u, _) in enumerate(self.tree.walk())}

    def local_date(self, moment):
        return timezone.localtime(moment, ZoneInfo(self.organization.time_zone)).date()


def _board(scope: Scope):
    unit_scope = None if scope.unit_ids is None else Q(unit_id__in=list(scope.unit_ids))
    board = okr_selectors.board_for_cycle(
        scope.organization, scope.cycle, viewer=scope.sight, scope=unit_scope
    )
    order = scope.order()
    objectives = sorted(
        board.in_cycle(), key=lambda o: (order.get(o.unit_id, len(order)), o.position, o.created_at)
    )
    return board, objectives


def okr_table(scope: Scope) -> Table:
    """One row per key result, the objective's columns repeated (an objective without key
    results is one row): ``columns.OKR_COLUMNS`` then ``OKR_COMPUTED_COLUMNS``. The computed
    columns are the key result's (progress 0–1, its latest confidence, its score), the state
    the objective's; an objective's own row carries its progress and score."""
    board, objectives = _board(scope)
    summary = scoring_selectors.cycle_summary(
        scope.organization, scope.cycle, viewer=scope.sight, board=board, tree=scope.tree
    )
    scored = {r.obj.pk: r for r in summary.objectives}
    kr_scores = {k.obj.pk: k.score for r in summary.objectives for k in r.key_results}
    loaded = {o.pk: (o.external_id, o.title) for o in board.objectives.values()}
    missing = {o.parent_id for o in objectives if o.parent_id and o.parent_id not in loaded}
    labels = {
        **loaded,
        **selectors.objective_labels(scope.organization, missing, sight=scope.sight),
    }
    columns = (*OKR_COLUMNS, *OKR_COMPUTED_COLUMNS)
    rows = []
    for o in objectives:
        parent = ""
        if o.parent_id in labels:
            external_id, title = labels[o.parent_id]
            parent = external_id or title
        objective = {
            "cycle": scope.cycle.name,
            "unit": scope.path(o.unit_id),
            "external_id": o.external_id,
            "objective": o.title,
            "commitment": o.commitment,
            "why": o.why,
            "parent": parent,
            "objective_owner_email": o.owner.email if o.owner else "",
            "state": o.state,
        }
        if not o.krs:
            result = scored.get(o.pk)
            values = {
                **dict.fromkeys(columns, ""),
                **objective,
                "progress": _number(o.progress),
                "score": _number(result.score if result else None),
            }
            rows.append([values[c] for c in columns])
            continue
        for kr in o.krs:
            values = {
                **objective,
                "key_result_external_id": kr.external_id,
                "key_result": kr.title,
                "kind": kr.kind,
                "start": kr.start,
                "target": kr.target,
                "unit_of_measure": kr.unit,
                "direction": kr.direction,
                "weight": kr.weight,
                "owner_email": kr.owner.email if kr.owner else "",
                "current": kr.current,
                "progress": _number(kr.progress),
                "confidence": kr.confidence,
                "score": _number(kr_scores.get(kr.pk)),
            }
            # A column added to columns.py and not filled here fails loudly (KeyError).
            rows.append([values[c] for c in columns])
    return columns, rows


def check_in_table(scope: Scope) -> Table:
    """Every check-in of the cycle's key results, oldest first (``columns.CHECK_IN_COLUMNS``);
    the date is the check-in's day in the organization's time zone."""
    rows = []
    for c in selectors.check_ins_for_export(
        scope.organization, scope.cycle, scope.unit_ids, sight=scope.sight
    ):
        kr = c.key_result
        rows.append(
            [
                scope.cycle.name,
                scope.path(kr.objective.unit_id),
                kr.objective.title,
                kr.external_id,
                kr.title,
                scope.local_date(c.at),
                c.value,
                c.confidence,
                c.note,
            ]
        )
    return CHECK_IN_COLUMNS, rows


def weekly_table(scope: Scope) -> Table:
    """The live weekly items of the weeks the cycle spans, of the people in the unit (and the
    units below it), by week and person: what the team report shows, week after week."""
    items = list(
        selectors.weekly_items_for_export(
            scope.organization,
            scope.cycle.start,
            scope.cycle.end,
            scope.unit_ids,
            sight=scope.sight,
        )
    )
    was_planned = selectors.planned_before([i.pk for i in items])
    teams = weekly_selectors.rhythm_units(person_ids={i.update.person_id for i in items})
    rows = []
    for i in items:
        built_in = i.category.unit_id is None
        person = i.update.person
        team = teams.get(person.pk)
        rows.append(
            [
                format_week(i.update.week),
                person.name,
                person.email,
                team.name if team is not None and team.kind == Unit.Kind.TEAM else "",
                i.category.name,
                i.text,
                _yes((built_in and i.category.slug == PLANS) or i.pk in was_planned),
                _yes(built_in and i.category.slug == PROGRESS),
                _yes(i.carried_over),
                _yes(i.late),
                i.objective.title if i.objective else "",
                i.key_result.title if i.key_result else "",
            ]
        )
    return WEEKLY_COLUMNS, rows


def score_table(scope: Scope) -> Table:
    """The results page's scores: each objective's row, then one per key result, with the
    computed score, the score in force, its band, success and the latest hand adjustment.
    Before the cycle closes they are the page's preview, computed from live progress."""
    board, objectives = _board(scope)
    summary = scoring_selectors.cycle_summary(
        scope.organization, scope.cycle, viewer=scope.sight, board=board, tree=scope.tree
    )
    by_id = {r.obj.pk: r for r in summary.objectives}
    preview = _yes(summary.preview)
    rows = []

    def row(o, item, key_result: str, succeeded: str) -> list:
        latest = item.changes[-1] if item.changes else None
        return [
            scope.cycle.name,
            scope.path(o.unit_id),
            o.title,
            key_result,
            item.commitment,
            o.state,
            _number(item.obj.progress),
            _number(item.computed),
            _number(item.score),
            item.shown_band.label if item.shown_band else "",
            succeeded,
            _yes(item.adjusted),
            latest.reason if latest else "",
            preview,
        ]

    for o in objectives:
        result = by_id[o.pk]
        rows.append(row(o, result, "", _yes(result.success)))
        for kr_item in result.key_results:
            rows.append(row(o, kr_item, kr_item.obj.title, ""))
    return SCORE_COLUMNS, rows


def learning_table(scope: Scope) -> Table:
    """The cycle's learnings, takeaways and ideas (as the learnings archive lists them), then
    what its retrospectives say about each objective."""
    learnings = retro_selectors.learnings_search(scope.organization, cycle=scope.cycle)
    if scope.unit_ids is not None:
        learnings = learnings.filter(unit_id__in=list(scope.unit_ids))
    rows = [[scope.cycle.name, scope.path(x.unit_id), x.kind, "", x.text] for x in learnings]
    for note in selectors.objective_notes_for_export(
        scope.organization, scope.cycle, scope.unit_ids, sight=scope.sight
    ):
        rows.append(
            [
                scope.cycle.name,
                scope.path(note.review.unit_id),
                "objective_note",
                note.objective.title,
                note.text,
            ]
        )
    return LEARNING_COLUMNS, rows


TABLES: dict[str, Callable[[Scope], Table]] = {
    OKRS: okr_table,
    CHECK_INS: check_in_table,
    WEEKLY: weekly_table,
    SCORES: score_table,
    LEARNINGS: learning_table,
}
SHEET_NAMES = {
    OKRS: OKR_SHEET,
    CHECK_INS: CHECK_IN_SHEET,
    WEEKLY: "Weekly items",
    SCORES: "Scores",
    LEARNINGS: "Learnings",
}


@dataclass(frozen=True)
class ExportFile:
    content: bytes
    filename: str
    content_type: str


def filename(cycle: Cycle, what: str, fmt: str, unit: Unit | None = None) -> str:
    """A file name safe in any header and file system: slugs only."""
    parts = [slugify(cycle.name) or "cycle"]
    if unit is not None:
        parts.append(slugify(unit.name) or "unit")
    parts.append(what)
    return f"{'-'.join(parts)}.{fmt}"


def export_file(
    organization: Organization,
    cycle: Cycle,
    what: str,
    fmt: str,
    unit: Unit | None = None,
    *,
    viewer: okr_selectors.Viewer,
) -> ExportFile:
    """The export as a file. The OKRs' XLSX holds two sheets, the OKRs and their check-ins (what
    the import reads); every other export is one table."""
    if what not in TABLES or fmt not in FORMATS:
        raise ValueError(f"No such export: {what}.{fmt}")
    scope = Scope.of(organization, cycle, unit, viewer=viewer)
    if fmt == CSV:
        content = write_csv(*TABLES[what](scope))
    else:
        sheets = {SHEET_NAMES[what]: TABLES[what](scope)}
        if what == OKRS:
            sheets[CHECK_IN_SHEET] = check_in_table(scope)
        content = write_xlsx(sheets)
    return ExportFile(content, filename(cycle, what, fmt, unit), CONTENT_TYPES[fmt])


def attachment(out: ExportFile) -> HttpResponse:
    """The file as a download, for the web and the API alike (its name is made of slugs: safe
    in the header)."""
    response = HttpResponse(out.content, content_type=out.content_type)
    response["Content-Disposition"] = f'attachment; filename="{out.filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
