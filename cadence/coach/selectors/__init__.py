"""Organization-scoped reads of the coach, in three parts: its settings and the live check
(``settings``), findings of stored OKRs and dismissals (``findings``), a cycle's quality page
(``quality``). Callers use this package's names: ``coach.selectors.findings_for_objective``."""

from cadence.coach.selectors.findings import (
    ObjectiveFindings,
    StoredFinding,
    dismissal_get,
    dismissal_unit,
    findings_for_objective,
    findings_for_objectives,
    objective_coach_flags,
    unit_findings_raw,
)
from cadence.coach.selectors.quality import (
    UNIT_FINDING_PENALTY,
    WEAKENING_LEVELS,
    CheckCount,
    Quality,
    UnitQuality,
    quality_for_cycle,
)
from cadence.coach.selectors.settings import (
    LEVEL_LABELS,
    CatalogueEntry,
    FindingRow,
    catalogue,
    check_settings_of,
    finding_rows,
    level_label,
    live_findings,
    plan_count_findings,
    settings_of,
)

__all__ = [
    "LEVEL_LABELS",
    "UNIT_FINDING_PENALTY",
    "WEAKENING_LEVELS",
    "CatalogueEntry",
    "CheckCount",
    "FindingRow",
    "ObjectiveFindings",
    "Quality",
    "StoredFinding",
    "UnitQuality",
    "catalogue",
    "check_settings_of",
    "dismissal_get",
    "dismissal_unit",
    "findings_for_objective",
    "finding_rows",
    "findings_for_objectives",
    "objective_coach_flags",
    "level_label",
    "live_findings",
    "plan_count_findings",
    "quality_for_cycle",
    "settings_of",
    "unit_findings_raw",
]
