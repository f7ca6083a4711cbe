"""The coach's checks (docs/method.md §8). Pure: plain values in, findings out. No database.

Every check has an id, a default level, a subject (what it judges), a short explanation in the
product's own words and a weak-versus-strong example. Two kinds of input:

- text as someone types it: ``check_key_result(KeyResultDraft)`` and
  ``check_objective(ObjectiveDraft)`` judge one key result or one objective on its own;
- facts about stored OKRs gathered by the selectors (counts, dates, progress, scores):
  the same two functions judge the richer context when it is given, and ``check_unit`` and
  ``check_weekly_update`` judge the rest.

Organization settings (a check switched off, or at another level) are applied by
``apply_settings``; the selectors and services call it, the checks themselves never know.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from cadence.coach import text as language

ERROR, WARN, INFO = "error", "warn", "info"
LEVELS = (ERROR, WARN, INFO)
LEVEL_ORDER = {ERROR: 0, WARN: 1, INFO: 2}

KEY_RESULT, OBJECTIVE, UNIT, WEEKLY_UPDATE = "key_result", "objective", "unit", "weekly_update"


@dataclass(frozen=True)
class Check:
    id: str
    level: str
    subject: str
    title: str
    explanation: str
    weak: str
    strong: str
    # Whether it judges text as it is typed (shown live in forms), or only stored context.
    live: bool = True


@dataclass(frozen=True)
class Finding:
    check: str
    level: str
    message: str


@dataclass(frozen=True)
class KeyResultDraft:
    """A key result as typed, plus what is known about it when it is stored."""

    title: str
    kind: str = "metric"  # metric | threshold | milestone
    start: float | None = None
    target: float | None = None
    unit: str = ""
    # Stored context (None when judging a draft):
    days_since_check_in: int | None = None  # None: never checked in
    days_since_created: int | None = None
    cycle_active: bool = False
    confidence: str = ""  # latest reported confidence
    pace: str | None = None  # computed pace of its objective's progress
    # Healthy bands of the organization's KPIs, as (low, high) with None for an open side.
    kpi_bands: tuple[tuple[float | None, float | None], ...] = ()


PERSON = "person"


def unit_kind_of(objective) -> str:
    """The level an objective is judged at: its unit's kind, or "person" for a personal
    objective (one person's own: no alignment asked of it)."""
    unit = getattr(objective, "unit", None)
    return unit.kind if unit is not None else PERSON


@dataclass(frozen=True)
class ObjectiveDraft:
    title: str
    why: str = ""
    unit_kind: str = "team"  # company | department | team | person (a personal objective)
    # Stored context (None when unknown):
    key_result_count: int | None = None
    has_parent: bool | None = None
    standalone_reason: str = ""
    previous_titles: tuple[str, ...] = ()  # the unit's objectives in its previous cycle
    progress: float | None = None
    reached_full_on_fraction: float | None = None  # share of the cycle passed when p hit 1.0
    commitment: str = "committed"
    score: float | None = None
    has_review_explanation: bool = False
    # Carried forward from an earlier cycle's objective (reviews: objective_carry_forward).
    carried_forward: bool = False


@dataclass(frozen=True)
class UnitFacts:
    objective_count: int
    scores: tuple[float, ...] = ()  # final scores of the unit's objectives in a closed cycle


@dataclass(frozen=True)
class WeeklyUpdateFacts:
    plan_count: int


def _checks(*checks: Check) -> dict[str, Check]:
    return {c.id: c for c in checks}


CHECKS: dict[str, Check] = _checks(
    Check(
        "kr-no-number",
        WARN,
        KEY_RESULT,
        "Key result without a number",
        "A key result says how you will know you got there. Without a number it is usually a "
        "task or a wish: nobody can tell at the end whether it was reached.",
        "Improve customer onboarding",
        "Raise the share of new customers active in week one from 40% to 65%",
    ),
    Check(
        "kr-output-verb",
        WARN,
        KEY_RESULT,
        "Describes an activity, not a result",
        "Launching, building or writing something is work you plan to do. Ask what result that "
        "work should bring, and measure that instead.",
        "Launch the new website",
        "Increase trial sign-ups from the website from 300 to 500 a month",
    ),
    Check(
        "kr-counts-activities",
        WARN,
        KEY_RESULT,
        "Counts deliverables, not their effect",
        "Counting what you produce (posts, campaigns, calls) measures effort. Measure what the "
        "output changes for customers or the business.",
        "Publish 5 blog posts",
        "Grow organic visits to the blog from 8,000 to 12,000 a month",
    ),
    Check(
        "kr-input-change",
        INFO,
        KEY_RESULT,
        "Measures more effort, not its effect",
        "More hours, budget or people is an input: worth tracking, but it is not yet a result. "
        "Ask what the extra input should bring, and measure that too.",
        "Raise coaching hours per rep from 2 to 4 a month",
        "Raise the win rate of coached reps from 18% to 25%",
    ),
    Check(
        "kr-no-baseline",
        INFO,
        KEY_RESULT,
        "No start value",
        "Without a start value progress cannot be measured until the first check-in. If you do "
        "not know the baseline yet, measuring it is the first week's job.",
        "Reach 95% on-time deliveries",
        "Raise on-time deliveries from 88% to 95%",
    ),
    Check(
        "kr-binary",
        WARN,
        KEY_RESULT,
        "Done / not done",
        "A key result that is either done or not done is usually a plan. Describe the change "
        "it should make, so partial progress shows.",
        "New pricing page is live",
        "Raise the visit-to-trial conversion on pricing from 2% to 3.5%",
    ),
    Check(
        "kr-start-equals-target",
        ERROR,
        KEY_RESULT,
        "Target equals start",
        "If the target is where you already are, there is nothing to achieve.",
        "Keep churn from 3% to 3%",
        "Reduce monthly churn from 3% to 2%",
    ),
    Check(
        "kr-restates-kpi",
        INFO,
        KEY_RESULT,
        "Restates a KPI",
        "A target that equals a KPI's healthy band is business as usual. Keep the KPI as a "
        "health metric and aim the key result at a change.",
        "Keep uptime at 99.9% (our KPI band)",
        "Cut time to recover from incidents from 90 to 30 minutes",
        live=False,
    ),
    Check(
        "obj-has-metric",
        WARN,
        OBJECTIVE,
        "Numbers in the objective",
        "An objective says where you want to go and why it matters, in words that inspire. The "
        "numbers belong in its key results.",
        "Increase revenue by 20% to $1.2M",
        "Become the obvious choice for small clinics",
    ),
    Check(
        "obj-kr-count",
        WARN,
        OBJECTIVE,
        "Too few or too many key results",
        "Two to five key results describe an objective well: one alone is easy to game, more "
        "than five spreads the team thin.",
        "An objective with one key result, or with eight",
        "An objective with three key results that together show it is reached",
        live=False,
    ),
    Check(
        "unit-too-many-objectives",
        WARN,
        UNIT,
        "Too many objectives",
        "Focus is the point: more than five objectives in a cycle means none gets enough "
        "attention. Start with three.",
        "Seven objectives for one team in a quarter",
        "Three objectives, each with a clear reason",
        live=False,
    ),
    Check(
        "obj-not-aligned",
        INFO,
        OBJECTIVE,
        "Not aligned",
        "A team objective usually moves one of the company's objectives. If it stands alone on "
        "purpose, say why, so others understand.",
        "A team objective with no parent and no reason",
        "A team objective aligned to a company objective, or with a stated reason",
        live=False,
    ),
    Check(
        "obj-repeats",
        INFO,
        OBJECTIVE,
        "Same as last cycle",
        "An objective repeated cycle after cycle is often a KPI to watch rather than a change to "
        "make. Either aim higher or track it as a KPI.",
        "'Keep customers happy' every quarter",
        "A KPI for satisfaction, and an objective for what should change this quarter",
        live=False,
    ),
    Check(
        "okr-stale",
        WARN,
        KEY_RESULT,
        "No check-in for two weeks",
        "Progress that is not checked in is invisible. A weekly check-in takes a minute.",
        "Last check-in a month ago",
        "A check-in every week, even when nothing moved",
        live=False,
    ),
    Check(
        "confidence-mismatch",
        WARN,
        KEY_RESULT,
        "Reported on track, computed off track",
        "The latest check-in says on track, but progress is far behind the expected pace. "
        "Either the plan to catch up is real, or the confidence should change.",
        "On track at 10% with the cycle two-thirds gone",
        "At risk, with a note on what will change",
        live=False,
    ),
    Check(
        "achieved-early",
        INFO,
        OBJECTIVE,
        "Reached before half-time",
        "Reaching 100% before half the cycle has passed suggests the target was too safe. Aim "
        "higher next cycle.",
        "Target met in week three",
        "A target that takes the whole cycle to reach",
        live=False,
    ),
    Check(
        "all-achieved",
        INFO,
        UNIT,
        "Every objective scored 1.0",
        "When everything scores 1.0 the targets were probably too easy. Good OKRs stretch.",
        "Every objective at 1.0",
        "Committed objectives at 1.0, aspirational ones around 0.7",
        live=False,
    ),
    Check(
        "committed-missed",
        WARN,
        OBJECTIVE,
        "Committed objective missed",
        "A committed objective is a promise. Scoring below 1.0 needs an explanation in the "
        "review, so the next cycle can learn from it.",
        "A committed objective at 0.6 and no word on why",
        "A committed objective at 0.6 with what got in the way and what changes next time",
        live=False,
    ),
    Check(
        "plan-count",
        INFO,
        WEEKLY_UPDATE,
        "More than seven plans",
        "A week holds a handful of important things. A long list hides the priorities.",
        "Twelve plans for one week",
        "Four plans, each linked to an OKR",
        live=False,
    ),
)

STALE_DAYS = 14


def start_equals_target(kr: KeyResultDraft) -> Finding | None:
    """The one check of a key result read from its numbers alone."""
    if kr.kind == "metric" and kr.start is not None and kr.start == kr.target:
        return Finding("kr-start-equals-target", ERROR, "The target equals the start value.")
    return None


def check_key_result(kr: KeyResultDraft) -> list[Finding]:
    findings: list[Finding] = []
    title = (kr.title or "").strip()
    has_values = kr.kind in ("metric", "threshold") and kr.target is not None
    if title:
        if not language.has_number(title) and not has_values:
            findings.append(
                Finding(
                    "kr-no-number",
                    WARN,
                    "There is no number here: how will you know it was reached? "
                    "Add a measure, a start and a target.",
                )
            )
        verb = language.output_verb(title)
        if verb:
            findings.append(
                Finding(
                    "kr-output-verb",
                    WARN,
                    f"“{verb.capitalize()}” describes work, not a result. "
                    "And what result will that bring? Measure that change instead.",
                )
            )
        counted = language.counted_deliverable(title)
        if counted:
            findings.append(
                Finding(
                    "kr-counts-activities",
                    WARN,
                    f"“{counted}” counts output, not what it changes. "
                    "What should that work achieve? Measure that instead.",
                )
            )
        given = language.input_change(title)
        if given:
            findings.append(
                Finding(
                    "kr-input-change",
                    INFO,
                    f"“{given}” is effort put in. What result should the extra "
                    f"{given.split()[-1]} bring? Consider measuring that as well.",
                )
            )
    if kr.kind == "metric" and kr.start is None and kr.target is not None:
        findings.append(
            Finding(
                "kr-no-baseline",
                INFO,
                "No start value: progress will count from the first check-in.",
            )
        )
    if kr.kind == "milestone":
        findings.append(
            Finding(
                "kr-binary",
                WARN,
                "Done or not done is usually a plan. What change should it make? "
                "Measure that, so partial progress shows.",
            )
        )
    if equal := start_equals_target(kr):
        findings.append(equal)
    if kr.kind in ("metric", "threshold") and kr.target is not None:
        for low, high in kr.kpi_bands:
            if kr.target in (low, high):
                findings.append(
                    Finding(
                        "kr-restates-kpi",
                        INFO,
                        "This target is a KPI's healthy band: business as usual, not a change.",
                    )
                )
                break
    if kr.cycle_active:
        days = kr.days_since_check_in
        if days is None:
            days = kr.days_since_created
        if days is not None and days >= STALE_DAYS:
            findings.append(Finding("okr-stale", WARN, f"No check-in for {days} days."))
        if kr.confidence == "on_track" and kr.pace == "off_track":
            findings.append(
                Finding(
                    "confidence-mismatch",
                    WARN,
                    "Reported on track, but progress is far behind the expected pace.",
                )
            )
    return findings


def check_objective(objective: ObjectiveDraft) -> list[Finding]:
    findings: list[Finding] = []
    title = (objective.title or "").strip()
    if title and language.has_metric(title):
        findings.append(
            Finding(
                "obj-has-metric",
                WARN,
                "This objective carries numbers. Say where you want to go in words, and put the "
                "numbers in its key results.",
            )
        )
    count = objective.key_result_count
    if count is not None and objective.unit_kind != "company" and not 2 <= count <= 5:
        findings.append(
            Finding(
                "obj-kr-count",
                WARN,
                f"{count} key result{'s' if count != 1 else ''}: two to five work best.",
            )
        )
    if (
        objective.has_parent is False
        and objective.unit_kind == "team"
        and not objective.standalone_reason.strip()
    ):
        findings.append(
            Finding(
                "obj-not-aligned",
                INFO,
                "This team objective aligns to nothing above it. Align it, or say why it "
                "stands alone.",
            )
        )
    if objective.carried_forward or (
        title and any(language.same_objective(title, t) for t in objective.previous_titles)
    ):
        findings.append(
            Finding(
                "obj-repeats",
                INFO,
                "The same objective as last cycle: is it a KPI to watch rather than a change?",
            )
        )
    if objective.reached_full_on_fraction is not None and objective.reached_full_on_fraction < 0.5:
        findings.append(
            Finding("achieved-early", INFO, "Reached 100% before half the cycle: aim higher.")
        )
    if (
        objective.commitment == "committed"
        and objective.score is not None
        and objective.score < 1.0
        and not objective.has_review_explanation
    ):
        findings.append(
            Finding(
                "committed-missed",
                WARN,
                f"A committed objective scored {objective.score:.1f}: explain why in the review.",
            )
        )
    return findings


def check_unit(unit: UnitFacts) -> list[Finding]:
    findings: list[Finding] = []
    if unit.objective_count > 5:
        findings.append(
            Finding(
                "unit-too-many-objectives",
                WARN,
                f"{unit.objective_count} objectives this cycle: five at most, three to start.",
            )
        )
    if unit.scores and all(s >= 1.0 for s in unit.scores):
        findings.append(
            Finding(
                "all-achieved",
                INFO,
                "Every objective scored 1.0: the targets may have been too easy.",
            )
        )
    return findings


def check_weekly_update(update: WeeklyUpdateFacts) -> list[Finding]:
    if update.plan_count > 7:
        return [
            Finding(
                "plan-count",
                INFO,
                f"{update.plan_count} plans this week: pick the few that matter most.",
            )
        ]
    return []


@dataclass(frozen=True)
class Settings:
    """An organization's overrides: check id → level, or None for switched off."""

    overrides: Mapping[str, str | None] = field(default_factory=dict)

    def level_of(self, check_id: str) -> str | None:
        if check_id in self.overrides:
            return self.overrides[check_id]
        return CHECKS[check_id].level


def may_block(settings: Settings, subject: str) -> frozenset[str]:
    """The checks of this subject that are errors under these settings: only their findings
    can block a save."""
    return frozenset(
        c.id for c in CHECKS.values() if c.subject == subject and settings.level_of(c.id) == ERROR
    )


def apply_settings(findings: Iterable[Finding], settings: Settings) -> list[Finding]:
    """Drop switched-off checks, apply changed levels, order errors first."""
    out = []
    for f in findings:
        level = settings.level_of(f.check)
        if level is None:
            continue
        out.append(replace(f, level=level) if level != f.level else f)
    out.sort(key=lambda f: LEVEL_ORDER[f.level])
    return out


def blocking(findings: Iterable[Finding]) -> list[Finding]:
    return [f for f in findings if f.level == ERROR]
