"""Organization-scoped reads of the coach: settings, findings of stored OKRs, quality.

Findings are never stored. They are computed from a cycle's Board (okrs.selectors) plus a fixed
number of extra queries (settings, dismissals, the previous cycle's titles, check-in history),
whatever the number of objectives and units.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from uuid import UUID

from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from cadence.coach import checks
from cadence.coach.models import CheckSetting, Dismissal
from cadence.okrs import progress as arithmetic
from cadence.okrs import selectors as okr_selectors
from cadence.okrs.models import Cycle, KeyResult, Objective
from cadence.orgs.models import Organization, Unit
from cadence.orgs.selectors import UnitTree, _uuid_or_404
from cadence.reviews.models import ObjectiveReviewNote

# A unit-level warning (too many objectives) takes this much off the unit's strength score.
UNIT_FINDING_PENALTY = 10
# Findings at these levels make an objective or key result count as "not yet strong".
WEAKENING_LEVELS = (checks.ERROR, checks.WARN)
LEVEL_LABELS = {checks.ERROR: "Needs fixing", checks.WARN: "Warning", checks.INFO: "Advice"}

# Settings ---------------------------------------------------------------------------------


def check_settings_of(organization: Organization | UUID) -> QuerySet[CheckSetting]:
    """An organization (or its id: the services' gate has only that at hand)."""
    return CheckSetting.objects.filter(organization_id=getattr(organization, "pk", organization))


def settings_of(organization: Organization | UUID) -> checks.Settings:
    """The organization's overrides as the engine reads them. One query."""
    overrides: dict[str, str | None] = {}
    for s in check_settings_of(organization):
        if s.check_id not in checks.CHECKS:
            continue  # a check that no longer exists
        if not s.enabled:
            overrides[s.check_id] = None
        elif s.level:
            overrides[s.check_id] = s.level
    return checks.Settings(overrides=overrides)


@dataclass
class CatalogueEntry:
    check: checks.Check
    enabled: bool
    level: str  # the effective level (the default when switched off)
    changed: bool
    setting: CheckSetting | None = None

    @property
    def level_label(self) -> str:
        return LEVEL_LABELS[self.level]

    @property
    def default_label(self) -> str:
        return LEVEL_LABELS[self.check.level]


def catalogue(organization: Organization) -> list[CatalogueEntry]:
    """Every check with the organization's effective setting. One query."""
    stored = {s.check_id: s for s in check_settings_of(organization)}
    out = []
    for check in checks.CHECKS.values():
        s = stored.get(check.id)
        enabled = s.enabled if s else True
        level = (s.level if s and s.level else "") or check.level
        out.append(
            CatalogueEntry(
                check=check,
                enabled=enabled,
                level=level,
                changed=not enabled or level != check.level,
                setting=s,
            )
        )
    return out


def level_label(level: str) -> str:
    return LEVEL_LABELS.get(level, level)


# Live checks (text as typed) --------------------------------------------------------------


def live_findings(
    settings: checks.Settings,
    *,
    subject: str,
    title: str,
    kind: str = "metric",
    start: float | None = None,
    target: float | None = None,
    unit: str = "",
    why: str = "",
    unit_kind: str = "team",
) -> list[checks.Finding]:
    """What the coach says about a key result or objective as it is being typed, under the
    organization's settings. No database."""
    if subject == checks.OBJECTIVE:
        found = checks.check_objective(
            checks.ObjectiveDraft(title=title, why=why, unit_kind=unit_kind)
        )
    else:
        found = checks.check_key_result(
            checks.KeyResultDraft(title=title, kind=kind, start=start, target=target, unit=unit)
        )
    return checks.apply_settings(found, settings)


# Findings of stored OKRs ------------------------------------------------------------------


@dataclass
class StoredFinding:
    """One finding about a stored objective, key result or unit, open or dismissed."""

    check: checks.Check
    level: str
    message: str
    subject: str  # objective | key_result | unit
    objective: Objective | None = None
    key_result: KeyResult | None = None
    unit: Unit | None = None
    dismissal: Dismissal | None = None

    @property
    def check_id(self) -> str:
        return self.check.id

    @property
    def level_label(self) -> str:
        return LEVEL_LABELS[self.level]

    @property
    def is_open(self) -> bool:
        return self.dismissal is None

    @property
    def can_dismiss(self) -> bool:
        return self.level != checks.ERROR

    @property
    def dom_id(self) -> str:
        """A page-unique id for this finding's controls."""
        target = self.key_result or self.objective or self.unit
        return f"{self.check.id}-{target.id}"

    @property
    def target_title(self) -> str:
        if self.key_result is not None:
            return self.key_result.title
        if self.objective is not None:
            return self.objective.title
        return self.unit.name if self.unit else ""

    @property
    def url(self) -> str:
        if self.key_result is not None:
            return (
                reverse("objective_detail", args=[self.key_result.objective_id])
                + f"#kr-{self.key_result.id}"
            )
        if self.objective is not None:
            return reverse("objective_detail", args=[self.objective.id])
        return reverse("unit_detail", args=[self.unit.id]) if self.unit else ""


def _days_between(earlier: datetime | None, today: date) -> int | None:
    if earlier is None:
        return None
    return (today - timezone.localdate(earlier)).days


def _previous_titles(
    organization: Organization, cycle: Cycle, unit_ids=None
) -> dict[UUID, tuple[str, ...]]:
    """unit id → titles of its objectives in the previous cycle of the same kind (the latest
    one that ended before this one started), for every unit or only ``unit_ids``. Two
    queries."""
    previous = (
        okr_selectors.cycles_of(organization)
        .filter(kind=cycle.kind, end__lt=cycle.start)
        .order_by("-end")
        .first()
    )
    if previous is None:
        return {}
    out: dict[UUID, list[str]] = defaultdict(list)
    for unit_id, title in (
        okr_selectors.objectives_of(organization)
        .filter(cycle=previous, **({} if unit_ids is None else {"unit_id__in": list(unit_ids)}))
        .exclude(state=Objective.State.ABANDONED)
        .values_list("unit_id", "title")
    ):
        out[unit_id].append(title)
    return {k: tuple(v) for k, v in out.items()}


def _reached_full_fraction(objective: Objective, histories) -> float | None:
    """The share of the cycle that had passed when the objective's own key results had all
    reached 100% (None if it has not, or has no key results). Judged on its key results'
    check-ins only: an objective carried by aligned objectives is not judged."""
    if not objective.krs or objective.progress is None or objective.progress < 1.0:
        return None
    cycle = objective.cycle
    reached: list[date] = []
    for kr in objective.krs:
        history = histories.get(kr.id)
        when = None
        for point in history.points if history else []:
            p = arithmetic.kr_progress(
                kr.kind,
                start=kr.start,
                target=kr.target,
                current=point.value,
                direction=kr.direction or None,
            )
            if p is not None and p >= 1.0:
                when = timezone.localdate(point.at)
                break
        if when is None:
            return None
        reached.append(when)
    span = (cycle.end - cycle.start).days or 1
    return max(0.0, (max(reached) - cycle.start).days / span)


def _judge_objective(
    objective: Objective,
    *,
    today: date,
    previous_titles: tuple[str, ...],
    histories,
    explained: frozenset | set = frozenset(),
) -> tuple[list[checks.Finding], dict[UUID, list[checks.Finding]]]:
    """The engine's raw findings about an annotated objective and each of its key results."""
    cycle = objective.cycle
    running = (
        cycle.start <= today <= cycle.end
        and not cycle.closed_at
        and objective.state not in (Objective.State.CLOSED, Objective.State.ABANDONED)
    )
    found = checks.check_objective(
        checks.ObjectiveDraft(
            title=objective.title,
            why=objective.why,
            unit_kind=objective.unit.kind,
            key_result_count=len(objective.krs),
            has_parent=objective.parent_id is not None,
            standalone_reason=objective.standalone_reason,
            previous_titles=previous_titles,
            carried_forward=objective.carried_from_id is not None,
            progress=objective.progress,
            reached_full_on_fraction=_reached_full_fraction(objective, histories),
            commitment=objective.commitment,
            # Set once the cycle is scored; a retrospective note explaining it silences
            # committed-missed.
            score=objective.score,
            has_review_explanation=objective.id in explained,
        )
    )
    by_kr = {}
    for kr in objective.krs:
        by_kr[kr.id] = checks.check_key_result(
            checks.KeyResultDraft(
                title=kr.title,
                kind=kr.kind,
                start=None if kr.start_from_first_check_in else kr.start,
                target=kr.target,
                unit=kr.unit,
                days_since_check_in=_days_between(kr.last_check_in_at, today),
                days_since_created=_days_between(
                    max(
                        kr.created_at,
                        timezone.make_aware(datetime.combine(cycle.start, datetime.min.time())),
                    ),
                    today,
                ),
                cycle_active=running,
                confidence=kr.confidence or "",
                pace=getattr(kr, "pace", None),
                # No KPI model yet (method.md §6): kr-restates-kpi has nothing to compare with.
                kpi_bands=(),
            )
        )
        if kr.start_from_first_check_in:
            # Its start is the first measurement: a baseline exists.
            by_kr[kr.id] = [f for f in by_kr[kr.id] if f.check != "kr-no-baseline"]
    return found, by_kr


def _dismissals(
    organization: Organization,
    *,
    objective_ids,
    key_result_ids,
    unit_ids=(),
    cycle: Cycle | None = None,
) -> dict[tuple, Dismissal]:
    """(check id, "objective"|"key_result"|"unit", target id) → dismissal. One query."""
    condition = Q(objective_id__in=list(objective_ids)) | Q(key_result_id__in=list(key_result_ids))
    if cycle is not None and unit_ids:
        condition |= Q(unit_id__in=list(unit_ids), cycle=cycle)
    out = {}
    for d in Dismissal.objects.filter(condition, organization=organization).select_related(
        "dismissed_by"
    ):
        if d.objective_id:
            out[(d.check_id, "objective", d.objective_id)] = d
        elif d.key_result_id:
            out[(d.check_id, "key_result", d.key_result_id)] = d
        else:
            out[(d.check_id, "unit", d.unit_id)] = d
    return out


def _stored(
    raw: list[checks.Finding],
    settings: checks.Settings,
    dismissals: dict,
    *,
    subject: str,
    objective: Objective | None = None,
    key_result: KeyResult | None = None,
    unit: Unit | None = None,
) -> list[StoredFinding]:
    target = key_result or objective or unit
    return [
        StoredFinding(
            check=checks.CHECKS[f.check],
            level=f.level,
            message=f.message,
            subject=subject,
            objective=objective,
            key_result=key_result,
            unit=unit,
            dismissal=dismissals.get((f.check, subject, target.id)),
        )
        for f in checks.apply_settings(raw, settings)
    ]


@dataclass
class ObjectiveFindings:
    objective: Objective
    findings: list[StoredFinding]  # the objective's and its key results', errors first

    @property
    def open(self) -> list[StoredFinding]:
        return [f for f in self.findings if f.is_open]

    @property
    def dismissed(self) -> list[StoredFinding]:
        return [f for f in self.findings if not f.is_open]


def findings_for_objective(
    organization: Organization,
    objective: Objective,
    board: okr_selectors.Board,
    *,
    histories: dict | None = None,
) -> ObjectiveFindings:
    """An objective annotated on its cycle's board (``.krs``, ``.progress``, ``.pace``): its own
    findings and its key results', open and dismissed. Five queries whatever its size."""
    settings = settings_of(organization)
    if objective.is_abandoned:
        return ObjectiveFindings(objective=objective, findings=[])
    previous = _previous_titles(organization, objective.cycle, [objective.unit_id])
    if histories is None:
        histories = okr_selectors.key_result_histories_many([objective])
    dismissals = _dismissals(
        organization, objective_ids=[objective.id], key_result_ids=[k.id for k in objective.krs]
    )
    raw, by_kr = _judge_objective(
        objective,
        today=board.today,
        previous_titles=previous.get(objective.unit_id, ()),
        histories=histories,
        explained=_explained([objective]),
    )
    findings = _stored(raw, settings, dismissals, subject="objective", objective=objective)
    for kr in objective.krs:
        findings += _stored(
            by_kr[kr.id],
            settings,
            dismissals,
            subject="key_result",
            objective=objective,
            key_result=kr,
        )
    findings.sort(key=lambda f: checks.LEVEL_ORDER[f.level])
    return ObjectiveFindings(objective=objective, findings=findings)


def unit_findings_raw(objective_count: int, scores: tuple[float, ...] = ()) -> list[checks.Finding]:
    return checks.check_unit(checks.UnitFacts(objective_count=objective_count, scores=scores))


def _explained(objectives: list[Objective]) -> set[UUID]:
    """Ids of the scored objectives a retrospective note explains. One query, and none at all
    while nothing is scored (a running cycle)."""
    scored = [o.id for o in objectives if o.score is not None]
    if not scored:
        return set()
    return set(
        ObjectiveReviewNote.objects.filter(
            organization_id=objectives[0].organization_id, objective_id__in=scored
        )
        .exclude(text="")
        .values_list("objective_id", flat=True)
    )


@dataclass
class UnitQuality:
    unit: Unit
    depth: int
    objectives: list[Objective]
    findings: list[StoredFinding] = field(default_factory=list)  # open and dismissed
    item_count: int = 0  # objectives + key results judged
    strong_count: int = 0  # of those, without an open warning or error

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


@dataclass
class CheckCount:
    check: checks.Check
    open: int
    dismissed: int


@dataclass
class Quality:
    cycle: Cycle
    today: date
    units: list[UnitQuality]
    counts: list[CheckCount]

    @property
    def open_count(self) -> int:
        return sum(len(u.open) for u in self.units)


def quality_for_cycle(
    organization: Organization, cycle: Cycle, *, today: date | None = None
) -> Quality:
    """Every unit with objectives in the cycle (tree order): its open and dismissed findings,
    its strength score; and the count of findings per check. A fixed number of queries."""
    board = okr_selectors.board_for_cycle(organization, cycle, today=today)
    settings = settings_of(organization)
    tree = UnitTree.load(organization)
    objectives = [o for o in board.in_cycle() if not o.is_abandoned]
    previous = _previous_titles(organization, cycle)
    histories = okr_selectors.key_result_histories_many(objectives)
    by_unit: dict[UUID, list[Objective]] = defaultdict(list)
    for o in objectives:
        by_unit[o.unit_id].append(o)
    explained = _explained(objectives)
    dismissals = _dismissals(
        organization,
        objective_ids=[o.id for o in objectives],
        key_result_ids=[k.id for o in objectives for k in o.krs],
        unit_ids=list(by_unit),
        cycle=cycle,
    )
    units: list[UnitQuality] = []
    for unit, depth in tree.walk():
        unit_objectives = by_unit.get(unit.id)
        if not unit_objectives:
            continue
        uq = UnitQuality(unit=unit, depth=depth, objectives=unit_objectives)
        uq.findings += _stored(
            unit_findings_raw(
                len(unit_objectives),
                scores=tuple(o.score for o in unit_objectives if o.score is not None),
            ),
            settings,
            dismissals,
            subject="unit",
            unit=unit,
        )
        for o in unit_objectives:
            raw, by_kr = _judge_objective(
                o,
                today=board.today,
                previous_titles=previous.get(unit.id, ()),
                histories=histories,
                explained=explained,
            )
            items = [_stored(raw, settings, dismissals, subject="objective", objective=o)]
            for kr in o.krs:
                items.append(
                    _stored(
                        by_kr[kr.id],
                        settings,
                        dismissals,
                        subject="key_result",
                        objective=o,
                        key_result=kr,
                    )
                )
            for item in items:
                uq.item_count += 1
                if not any(f.is_open and f.level in WEAKENING_LEVELS for f in item):
                    uq.strong_count += 1
                uq.findings += item
        uq.findings.sort(key=lambda f: checks.LEVEL_ORDER[f.level])
        units.append(uq)
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


# Dismissals -------------------------------------------------------------------------------


def dismissal_get(organization: Organization, dismissal_id) -> Dismissal:
    dismissal = (
        Dismissal.objects.filter(organization=organization, pk=_uuid_or_404(dismissal_id))
        .select_related(
            "objective__unit", "key_result__objective__unit", "unit", "cycle", "dismissed_by"
        )
        .first()
    )
    if dismissal is None:
        raise Http404("No such dismissal.")
    return dismissal


def dismissal_unit(dismissal: Dismissal) -> Unit:
    """The unit whose editors may withdraw the dismissal."""
    if dismissal.key_result_id:
        return dismissal.key_result.objective.unit
    if dismissal.objective_id:
        return dismissal.objective.unit
    return dismissal.unit
