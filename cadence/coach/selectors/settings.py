"""The coach's settings as an organization chose them, its catalogue of checks, and the live check
of text as it is typed (no database)."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from django.db.models import Exists, QuerySet

from cadence.coach import checks
from cadence.coach.models import CheckSetting
from cadence.orgs.models import Organization

LEVEL_LABELS = {checks.ERROR: "Needs fixing", checks.WARN: "Warning", checks.INFO: "Advice"}


def check_settings_of(organization: Organization | UUID) -> QuerySet[CheckSetting]:
    """An organization (or its id: the services' gate has only that at hand)."""
    return CheckSetting.objects.filter(organization_id=getattr(organization, "pk", organization))


def overrides_exist(organization: Organization | UUID) -> Exists:
    """Whether the organization changed any check (an annotation of a page's other query:
    without any, ``settings_of`` reads nothing and the defaults hold)."""
    return Exists(check_settings_of(organization))


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


@dataclass(frozen=True)
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


@dataclass(frozen=True)
class FindingRow:
    """A finding as the live check's partial and the weekly update show it."""

    finding: checks.Finding
    check: checks.Check
    label: str


def finding_rows(findings: list[checks.Finding]) -> list[FindingRow]:
    return [
        FindingRow(finding=f, check=checks.CHECKS[f.check], label=level_label(f.level))
        for f in findings
    ]


def plan_count_findings(settings: checks.Settings, plan_count: int) -> list[FindingRow]:
    """The plan-count advice for a weekly update (docs/method.md §8), under the organization's
    settings (read once per page by the caller). No database."""
    found = checks.check_weekly_update(checks.WeeklyUpdateFacts(plan_count=plan_count))
    return finding_rows(checks.apply_settings(found, settings))
