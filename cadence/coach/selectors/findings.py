"""Findings of stored OKRs: the coach's judgement of objectives and key results in their
context (counts, dates, progress, scores), with the dismissals recorded against them.

Findings are never stored. They are computed from a cycle's Board (okrs.selectors) plus a fixed
number of extra queries (settings, dismissals, the previous cycle's titles, check-in history),
whatever the number of objectives and units.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from django.db.models import Exists, OuterRef, Q, Subquery
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from cadence.coach import checks, hooks
from cadence.coach.models import CheckSetting, Dismissal
from cadence.coach.selectors.settings import LEVEL_LABELS, settings_of
from cadence.core.flags import said_empty
from cadence.core.ids import uuid_or_404
from cadence.kpis import selectors as kpi_selectors
from cadence.okrs import progress as arithmetic
from cadence.okrs import selectors as okr_selectors
from cadence.okrs.models import Cycle, KeyResult, Objective
from cadence.okrs.visibility import Sight
from cadence.orgs.models import Organization, Unit


@dataclass(frozen=True)
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


def previous_titles_by_unit(
    organization: Organization, cycle: Cycle, unit_ids=None, cycles: list[Cycle] | None = None
) -> dict[UUID, tuple[str, ...]]:
    """unit id → titles of its objectives in the previous cycle of the same kind (the latest
    one that ended before this one started), for every unit or only ``unit_ids``. One
    query (the previous cycle is its subquery; given the organization's ``cycles``, picked from
    them, and no query without one)."""
    if cycles is None:
        previous = (
            okr_selectors.cycles_of(organization)
            .filter(kind=cycle.kind, end__lt=cycle.start)
            .order_by("-end")
            .values("pk")[:1]
        )
    else:
        earlier = [c for c in cycles if c.kind == cycle.kind and c.end < cycle.start]
        if not earlier:
            return {}
        previous = max(earlier, key=lambda c: c.end).pk
    out: dict[UUID, list[str]] = defaultdict(list)
    # Only titles the whole organization may read: a finding quotes the title it repeats.
    for unit_id, title in (
        okr_selectors.objectives_of(organization, Sight.public(organization.id))
        .filter(
            cycle_id=previous if cycles is not None else Subquery(previous),
            **({} if unit_ids is None else {"unit_id__in": list(unit_ids)}),
        )
        .exclude(state=Objective.State.ABANDONED)
        .values_list("unit_id", "title")
    ):
        out[unit_id].append(title)
    return {k: tuple(v) for k, v in out.items()}


def _reached_full_fraction(objective: okr_selectors.BoardObjective, histories) -> float | None:
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


def judge_objective(
    objective: okr_selectors.BoardObjective,
    *,
    today: date,
    previous_titles: tuple[str, ...],
    histories,
    explained: frozenset | set = frozenset(),
    kpi_bands: dict | None = None,
) -> tuple[list[checks.Finding], dict[UUID, list[checks.Finding]]]:
    """The engine's raw findings about a board objective and each of its key results.
    ``kpi_bands``: unit id → the healthy bands of its KPIs (``kpis.selectors.bands_by_unit``),
    which its key results' targets should not merely restate."""
    unit_bands = (kpi_bands or {}).get(objective.unit_id, ())
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
            unit_kind=checks.unit_kind_of(objective),
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
                kpi_bands=unit_bands,
            )
        )
        if kr.start_from_first_check_in:
            # Its start is the first measurement: a baseline exists.
            by_kr[kr.id] = [f for f in by_kr[kr.id] if f.check != "kr-no-baseline"]
    return found, by_kr


def dismissals_exist(organization: Organization, cycle: Cycle) -> Exists:
    """Whether any finding of the cycle's objectives, their key results or its units was
    dismissed (an annotation of a page's other query: without any, ``dismissals_by_target`` is
    not asked). The objectives of its board: its own and those of the cycles inside it."""
    inside = {"cycle__start__gte": cycle.start, "cycle__end__lte": cycle.end}
    return Exists(
        Dismissal.objects.filter(organization=organization).filter(
            Q(objective_id__in=Objective.objects.filter(organization=organization, **inside))
            | Q(
                key_result_id__in=KeyResult.objects.filter(
                    organization=organization,
                    **{f"objective__{k}": v for k, v in inside.items()},
                )
            )
            | Q(unit__isnull=False, cycle=cycle)
        )
    )


def dismissals_by_target(
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


def stored_findings(
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


@dataclass(frozen=True)
class ObjectiveFindings:
    objective: Objective
    findings: list[StoredFinding]  # the objective's and its key results', errors first

    @property
    def open(self) -> list[StoredFinding]:
        return [f for f in self.findings if f.is_open]

    @property
    def dismissed(self) -> list[StoredFinding]:
        return [f for f in self.findings if not f.is_open]


def objective_coach_flags() -> dict:
    """The flags of the coach's reads on an objective's page (cadence.core.flags): the
    organization's check settings, titles of its unit in an earlier cycle of the same kind (the
    previous cycle's, which the restatement check quotes, are among them), dismissals of its
    findings or its key results'. The KPI bands of its unit have ``kpis``' flag."""
    earlier = Objective.objects.filter(
        organization_id=OuterRef("organization_id"),
        unit_id=OuterRef("unit_id"),
        cycle__kind=OuterRef("cycle__kind"),
        cycle__end__lt=OuterRef("cycle__start"),
    )
    return {
        "has_check_settings": Exists(
            CheckSetting.objects.filter(organization_id=OuterRef("organization_id"))
        ),
        "unit_had_objectives": Exists(earlier),
        "has_dismissals": Exists(
            Dismissal.objects.filter(
                Q(objective=OuterRef("pk")) | Q(key_result__objective=OuterRef("pk"))
            )
        ),
    }


def findings_for_objective(
    organization: Organization,
    objective: okr_selectors.BoardObjective,
    board: okr_selectors.Board,
    *,
    histories: dict | None = None,
    flags: Objective | None = None,
) -> ObjectiveFindings:
    """An objective as on its cycle's board (``.krs``, ``.progress``, ``.pace``): its own
    findings and its key results', open and dismissed. Six queries whatever its size, fewer
    when ``flags`` (the objective as its page read it, ``objective_coach_flags`` and
    ``kpis.selectors.objective_kpi_flags``) says a read would find nothing."""
    settings = (
        checks.Settings(overrides={})
        if said_empty(flags, "has_check_settings")
        else settings_of(organization)
    )
    if objective.is_abandoned:
        return ObjectiveFindings(objective=objective, findings=[])
    previous = (
        {}
        if said_empty(flags, "unit_had_objectives")
        else previous_titles_by_unit(organization, objective.cycle, [objective.unit_id])
    )
    if histories is None:
        histories = okr_selectors.key_result_histories_many([objective])
    dismissals = (
        {}
        if said_empty(flags, "has_dismissals")
        else dismissals_by_target(
            organization,
            objective_ids=[objective.id],
            key_result_ids=[k.id for k in objective.krs],
        )
    )
    raw, by_kr = judge_objective(
        objective,
        today=board.today,
        previous_titles=previous.get(objective.unit_id, ()),
        histories=histories,
        explained=explained_ids([objective]),
        kpi_bands=(
            {}
            if said_empty(flags, "unit_has_kpis")
            else kpi_selectors.bands_by_unit(organization, [objective.unit_id])
        ),
    )
    findings = stored_findings(raw, settings, dismissals, subject="objective", objective=objective)
    for kr in objective.krs:
        findings += stored_findings(
            by_kr[kr.id],
            settings,
            dismissals,
            subject="key_result",
            objective=objective,
            key_result=kr,
        )
    findings.sort(key=lambda f: checks.LEVEL_ORDER[f.level])
    return ObjectiveFindings(objective=objective, findings=findings)


def findings_for_objectives(
    organization: Organization, objectives: list[okr_selectors.BoardObjective], *, today: date
) -> dict[UUID, ObjectiveFindings]:
    """``findings_for_objective`` for several board objectives (``.krs``, ``.progress``,
    ``.pace``), of one or more cycles: objective id → its findings and its key results'. Five
    queries, and two more per cycle among them (the titles of each one's previous cycle)."""
    objectives = [o for o in objectives if not o.is_abandoned]
    if not objectives:
        return {}
    settings = settings_of(organization)
    previous: dict[UUID, dict[UUID, tuple[str, ...]]] = {}
    for o in objectives:
        if o.cycle_id not in previous:
            units = {x.unit_id for x in objectives if x.cycle_id == o.cycle_id}
            previous[o.cycle_id] = previous_titles_by_unit(organization, o.cycle, units)
    histories = okr_selectors.key_result_histories_many(objectives)
    dismissals = dismissals_by_target(
        organization,
        objective_ids=[o.id for o in objectives],
        key_result_ids=[k.id for o in objectives for k in o.krs],
    )
    explained = explained_ids(objectives)
    kpi_bands = kpi_selectors.bands_by_unit(organization, {o.unit_id for o in objectives})
    out = {}
    for o in objectives:
        raw, by_kr = judge_objective(
            o,
            today=today,
            previous_titles=previous[o.cycle_id].get(o.unit_id, ()),
            histories=histories,
            explained=explained,
            kpi_bands=kpi_bands,
        )
        findings = stored_findings(raw, settings, dismissals, subject="objective", objective=o)
        for kr in o.krs:
            findings += stored_findings(
                by_kr[kr.id], settings, dismissals, subject="key_result", objective=o, key_result=kr
            )
        findings.sort(key=lambda f: checks.LEVEL_ORDER[f.level])
        out[o.id] = ObjectiveFindings(objective=o, findings=findings)
    return out


def unit_findings_raw(objective_count: int, scores: tuple[float, ...] = ()) -> list[checks.Finding]:
    return checks.check_unit(checks.UnitFacts(objective_count=objective_count, scores=scores))


def explained_ids(objectives: list[Objective]) -> set[UUID]:
    """Ids of the scored objectives a retrospective note explains (asked of the reviews app
    through ``hooks.objectives_explained``). None asked while nothing is scored (a running
    cycle)."""
    scored = [o.id for o in objectives if o.score is not None]
    if not scored:
        return set()
    return set(hooks.objectives_explained(objectives[0].organization_id, scored))


# Dismissals -------------------------------------------------------------------------------


def dismissal_get(organization: Organization, dismissal_id) -> Dismissal:
    dismissal = (
        Dismissal.objects.filter(organization=organization, pk=uuid_or_404(dismissal_id))
        .select_related(
            "objective__unit", "key_result__objective__unit", "unit", "cycle", "dismissed_by"
        )
        .first()
    )
    if dismissal is None:
        raise Http404("No such dismissal.")
    return dismissal


def dismissal_unit(dismissal: Dismissal) -> Unit | None:
    """The unit whose editors may withdraw the dismissal (None for a personal objective's:
    its owner may)."""
    if dismissal.key_result_id:
        return dismissal.key_result.objective.unit
    if dismissal.objective_id:
        return dismissal.objective.unit
    return dismissal.unit
