"""A cycle's OKR quality page: per unit, its open and dismissed findings and its strength score;
and the count of findings per check."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from cadence.coach import checks
from cadence.coach.selectors.findings import (
    StoredFinding,
    dismissals_by_target,
    dismissals_exist,
    explained_ids,
    judge_objective,
    previous_titles_by_unit,
    stored_findings,
    unit_findings_raw,
)
from cadence.coach.selectors.settings import overrides_exist, settings_of
from cadence.kpis import selectors as kpi_selectors
from cadence.okrs import selectors as okr_selectors
from cadence.okrs.models import Cycle, Objective
from cadence.orgs.models import Organization, Unit
from cadence.orgs.selectors import UnitTree

# A unit-level warning (too many objectives) takes this much off the unit's strength score.
UNIT_FINDING_PENALTY = 10
# Findings at these levels make an objective or key result count as "not yet strong".
WEAKENING_LEVELS = (checks.ERROR, checks.WARN)


@dataclass(frozen=True)
class UnitQuality:
    """One unit's row of the quality page."""

    unit: Unit
    depth: int
    objectives: tuple[Objective, ...]
    findings: tuple[StoredFinding, ...] = ()  # open and dismissed, errors first
    item_count: int = 0  # objectives + key results judged
    strong_count: int = 0  # of those, without an open warning or error
    can_dismiss: bool = False  # the reader may dismiss (and withdraw) findings here

    @property
    def open(self) -> list[StoredFinding]:
        return [f for f in self.findings if f.is_open]

    @property
    def dismissed(self) -> list[StoredFinding]:
        return [f for f in self.findings if not f.is_open]

    @property
    def unit_level_open(self) -> list[StoredFinding]:
        return [f for f in self.open if f.subject == "unit"]

    @property
    def score(self) -> int | None:
        """0–100: the share of the unit's objectives and key results with no open warning or
        error, less UNIT_FINDING_PENALTY per open unit-level warning or error. None without
        objectives."""
        if not self.item_count:
            return None
        base = round(100 * self.strong_count / self.item_count)
        penalty = UNIT_FINDING_PENALTY * sum(
            1 for f in self.unit_level_open if f.level in WEAKENING_LEVELS
        )
        return max(0, min(100, base - penalty))


@dataclass(frozen=True)
class CheckCount:
    check: checks.Check
    open: int
    dismissed: int


@dataclass(frozen=True)
class Quality:
    cycle: Cycle
    today: date
    units: list[UnitQuality]
    counts: list[CheckCount]

    @property
    def open_count(self) -> int:
        return sum(len(u.open) for u in self.units)


def quality_for_cycle(
    organization: Organization,
    cycle: Cycle,
    *,
    viewer: okr_selectors.Viewer,
    today: date | None = None,
    dismissable_unit_ids: frozenset[UUID] | set[UUID] = frozenset(),
    tree: UnitTree | None = None,
    cycles: list[Cycle] | None = None,
) -> Quality:
    """Every unit with objectives in the cycle (tree order): its open and dismissed findings,
    its strength score; and the count of findings per check. ``dismissable_unit_ids``: the units
    whose findings the reader may dismiss (``coach.services.can_dismiss``). A fixed number of
    queries: whether there are check settings, KPIs and dismissals to read is read with the
    board, and an empty one is not read (``cycles``: the organization's, when the caller has
    them, for the previous cycle's titles)."""
    board = okr_selectors.board_for_cycle(
        organization,
        cycle,
        today=today,
        viewer=viewer,
        flags={
            "settings": overrides_exist(organization),
            "kpis": kpi_selectors.kpis_exist(organization),
            "dismissals": dismissals_exist(organization, cycle),
        },
    )
    flags = board.flags or {}
    settings = settings_of(organization) if flags.get("settings", True) else checks.Settings()
    tree = tree or UnitTree.load(organization)  # the caller's, when it has one
    objectives = [o for o in board.in_cycle() if not o.is_abandoned]
    previous = previous_titles_by_unit(organization, cycle, cycles=cycles) if objectives else {}
    histories = okr_selectors.key_result_histories_many(objectives)
    by_unit: dict[UUID, list[Objective]] = defaultdict(list)
    for o in objectives:
        by_unit[o.unit_id].append(o)
    explained = explained_ids(objectives)
    kpi_bands = (
        kpi_selectors.bands_by_unit(organization, list(by_unit)) if flags.get("kpis", True) else {}
    )
    dismissals = (
        dismissals_by_target(
            organization,
            objective_ids=[o.id for o in objectives],
            key_result_ids=[k.id for o in objectives for k in o.krs],
            unit_ids=list(by_unit),
            cycle=cycle,
        )
        if flags.get("dismissals", True)
        else {}
    )
    units: list[UnitQuality] = []
    for unit, depth in tree.walk():
        unit_objectives = by_unit.get(unit.id)
        if not unit_objectives:
            continue
        findings = stored_findings(
            unit_findings_raw(
                len(unit_objectives),
                scores=tuple(o.score for o in unit_objectives if o.score is not None),
            ),
            settings,
            dismissals,
            subject="unit",
            unit=unit,
        )
        item_count = strong_count = 0
        for o in unit_objectives:
            raw, by_kr = judge_objective(
                o,
                today=board.today,
                previous_titles=previous.get(unit.id, ()),
                histories=histories,
                explained=explained,
                kpi_bands=kpi_bands,
            )
            items = [stored_findings(raw, settings, dismissals, subject="objective", objective=o)]
            for kr in o.krs:
                items.append(
                    stored_findings(
                        by_kr[kr.id],
                        settings,
                        dismissals,
                        subject="key_result",
                        objective=o,
                        key_result=kr,
                    )
                )
            for item in items:
                item_count += 1
                if not any(f.is_open and f.level in WEAKENING_LEVELS for f in item):
                    strong_count += 1
                findings += item
        findings.sort(key=lambda f: checks.LEVEL_ORDER[f.level])
        units.append(
            UnitQuality(
                unit=unit,
                depth=depth,
                objectives=tuple(unit_objectives),
                findings=tuple(findings),
                item_count=item_count,
                strong_count=strong_count,
                can_dismiss=unit.id in dismissable_unit_ids,
            )
        )
    open_counts: Counter[str] = Counter()
    dismissed_counts: Counter[str] = Counter()
    for uq in units:
        for f in uq.findings:
            (open_counts if f.is_open else dismissed_counts)[f.check_id] += 1
    counts = [
        CheckCount(check=c, open=open_counts[c.id], dismissed=dismissed_counts[c.id])
        for c in checks.CHECKS.values()
        if open_counts[c.id] or dismissed_counts[c.id]
    ]
    counts.sort(key=lambda c: (-c.open, -c.dismissed, c.check.id))
    return Quality(cycle=cycle, today=board.today, units=units, counts=counts)
