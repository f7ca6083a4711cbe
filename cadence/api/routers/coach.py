"""/api/v1/coach: the coach's checks, findings of stored OKRs, dismissals, settings."""

from datetime import datetime
from typing import Literal
from uuid import UUID

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from cadence.api.auth import actor
from cadence.api.common import body_object, organization
from cadence.api.errors import fields_renamed
from cadence.api.schemas import (
    ERRORS,
    Flag,
    Input,
    KeyResultKind,
    LongText,
    MeasureUnit,
    Number,
    text,
)
from cadence.coach import checks as coach_checks
from cadence.coach import selectors as coach_selectors
from cadence.coach import services as coach_services
from cadence.coach.models import Dismissal
from cadence.okrs.selectors import (
    cycle_get,
    key_result_get,
    objective_get,
    objective_with_progress,
)
from cadence.orgs.selectors import unit_get

router = Router(tags=["coach"])

Level = Literal["error", "warn", "info"]
CheckText = Literal["key_result", "objective"]
CheckId = Literal[tuple(coach_checks.CHECKS)]
DismissReason = text(coach_services.MAX_REASON, min_chars=1)


class CheckTextIn(Input):
    """Text to judge as it is typed, with what is known about it."""

    kind: CheckText = Field(description="What the text is: a key result or an objective.")
    text: LongText
    start: Number | None = None
    target: Number | None = None
    unit: MeasureUnit = ""
    key_result_kind: KeyResultKind = "metric"


class FindingOut(Schema):
    check: str
    level: Level
    message: str


class FindingsOut(Schema):
    findings: list[FindingOut]


class CheckOut(Schema):
    id: str
    title: str
    subject: str
    default_level: Level
    level: Level = Field(description="The organization's level (the default when unchanged).")
    enabled: bool
    live: bool = Field(description="Judged as text is typed; otherwise only on stored OKRs.")
    explanation: str
    weak: str
    strong: str


class DismissalOut(Schema):
    id: UUID
    check: str
    reason: str
    objective_id: UUID | None
    key_result_id: UUID | None
    unit_id: UUID | None
    cycle_id: UUID | None
    dismissed_by_id: UUID | None
    created_at: datetime


class StoredFindingOut(Schema):
    check: str
    level: Level
    message: str
    subject: Literal["objective", "key_result", "unit"]
    objective_id: UUID | None
    key_result_id: UUID | None
    unit_id: UUID | None
    dismissal: DismissalOut | None = None


class ObjectiveFindingsOut(Schema):
    findings: list[StoredFindingOut] = Field(description="Open findings, errors first.")
    dismissed: list[StoredFindingOut]


class UnitQualityOut(Schema):
    unit_id: UUID
    name: str
    score: int | None = Field(
        description="0–100: the share of the unit's objectives and key results with no open "
        "warning or error, less 10 per open unit-level warning."
    )
    objective_count: int
    findings: list[StoredFindingOut] = Field(description="Open findings, errors first.")
    dismissed: list[StoredFindingOut]


class CheckCountOut(Schema):
    check: str
    open: int
    dismissed: int


class QualityOut(Schema):
    cycle_id: UUID
    units: list[UnitQualityOut]
    counts: list[CheckCountOut]


class DismissalIn(Input):
    """Exactly one of objective_id, key_result_id and unit_id (a unit with cycle_id)."""

    check: CheckId = Field(description="A check about the kind of thing named.")
    reason: DismissReason
    objective_id: UUID | None = None
    key_result_id: UUID | None = None
    unit_id: UUID | None = None
    cycle_id: UUID | None = Field(None, description="With unit_id: the cycle it was judged in.")


class SettingIn(Input):
    check: CheckId
    enabled: Flag
    level: Level | None = Field(None, description="None: the check's own level.")


def _dismissal_out(d: Dismissal) -> dict:
    return {
        "id": d.id,
        "check": d.check_id,
        "reason": d.reason,
        "objective_id": d.objective_id,
        "key_result_id": d.key_result_id,
        "unit_id": d.unit_id,
        "cycle_id": d.cycle_id,
        "dismissed_by_id": d.dismissed_by_id,
        "created_at": d.created_at,
    }


def _finding_out(f: coach_selectors.StoredFinding) -> dict:
    return {
        "check": f.check_id,
        "level": f.level,
        "message": f.message,
        "subject": f.subject,
        "objective_id": f.objective.id if f.objective else None,
        "key_result_id": f.key_result.id if f.key_result else None,
        "unit_id": f.unit.id if f.unit else None,
        "dismissal": _dismissal_out(f.dismissal) if f.dismissal else None,
    }


def _check_out(entry: coach_selectors.CatalogueEntry) -> dict:
    c = entry.check
    return {
        "id": c.id,
        "title": c.title,
        "subject": c.subject,
        "default_level": c.level,
        "level": entry.level,
        "enabled": entry.enabled,
        "live": c.live,
        "explanation": c.explanation,
        "weak": c.weak,
        "strong": c.strong,
    }


@router.post("/coach/check", response={200: FindingsOut, **ERRORS})
def coach_check_text(request: HttpRequest, payload: CheckTextIn) -> dict:
    """What the coach says about a key result or an objective as written, under your
    organization's settings. Saves nothing."""
    findings = coach_selectors.live_findings(
        coach_selectors.settings_of(organization(request)),
        subject=payload.kind,
        title=payload.text,
        kind=payload.key_result_kind,
        start=payload.start,
        target=payload.target,
        unit=payload.unit,
    )
    return {
        "findings": [{"check": f.check, "level": f.level, "message": f.message} for f in findings]
    }


@router.get("/coach/checks", response={200: list[CheckOut], **ERRORS})
def coach_checks(request: HttpRequest) -> list[dict]:
    """Every check with your organization's effective level and whether it is on."""
    return [_check_out(e) for e in coach_selectors.catalogue(organization(request))]


@router.get("/coach/settings", response={200: list[CheckOut], **ERRORS})
def coach_settings_list(request: HttpRequest) -> list[dict]:
    """Your organization's coach settings: the same list as /coach/checks."""
    return coach_checks(request)


@router.put("/coach/settings", response={200: CheckOut, **ERRORS})
def coach_setting_update(request: HttpRequest, payload: SettingIn) -> dict:
    """Switch a check on or off, or change its level (admins)."""
    person = actor(request)
    with fields_renamed({"check_id": "check"}):
        coach_services.check_setting_update(
            actor=person, check_id=payload.check, enabled=payload.enabled, level=payload.level
        )
    entry = next(
        e for e in coach_selectors.catalogue(person.organization) if e.check.id == payload.check
    )
    return _check_out(entry)


@router.get("/objectives/{objective_id}/findings", response={200: ObjectiveFindingsOut, **ERRORS})
def objective_findings(request: HttpRequest, objective_id: str) -> dict:
    """The coach's findings about a stored objective and its key results."""
    org = organization(request)
    viewer = actor(request)
    annotated, board = objective_with_progress(
        org, objective_get(org, objective_id, viewer=viewer), viewer=viewer
    )
    found = coach_selectors.findings_for_objective(org, annotated, board)
    return {
        "findings": [_finding_out(f) for f in found.open],
        "dismissed": [_finding_out(f) for f in found.dismissed],
    }


@router.get("/cycles/{cycle_id}/quality", response={200: QualityOut, **ERRORS})
def cycle_quality(request: HttpRequest, cycle_id: str) -> dict:
    """Per unit of the cycle: open findings and strength score; and counts per check."""
    org = organization(request)
    quality = coach_selectors.quality_for_cycle(
        org, cycle_get(org, cycle_id), viewer=actor(request)
    )
    return {
        "cycle_id": quality.cycle.id,
        "units": [
            {
                "unit_id": u.unit.id,
                "name": u.unit.name,
                "score": u.score,
                "objective_count": len(u.objectives),
                "findings": [_finding_out(f) for f in u.open],
                "dismissed": [_finding_out(f) for f in u.dismissed],
            }
            for u in quality.units
        ],
        "counts": [
            {"check": c.check.id, "open": c.open, "dismissed": c.dismissed} for c in quality.counts
        ],
    }


@router.post("/dismissals", response={201: DismissalOut, **ERRORS})
def dismissal_create(request: HttpRequest, payload: DismissalIn) -> Status:
    """Dismiss a warning or advice about one objective, key result, or unit in a cycle, with
    the reason. Errors cannot be dismissed; only findings the coach currently makes can."""
    data = payload.model_dump()
    with fields_renamed(
        {
            "check_id": "check",
            "objective": "objective_id",
            "key_result": "key_result_id",
            "unit": "unit_id",
            "cycle": "cycle_id",
        }
    ):
        target = {
            "objective": body_object(request, "objective_id", objective_get, data["objective_id"]),
            "key_result": body_object(
                request, "key_result_id", key_result_get, data["key_result_id"]
            ),
            "unit": body_object(request, "unit_id", unit_get, data["unit_id"]),
            "cycle": body_object(request, "cycle_id", cycle_get, data["cycle_id"]),
        }
        dismissal = coach_services.finding_dismiss(
            actor=actor(request), check_id=data["check"], reason=data["reason"], **target
        )
    return Status(201, _dismissal_out(dismissal))


@router.delete("/dismissals/{dismissal_id}", response={204: None, **ERRORS})
def dismissal_delete(request: HttpRequest, dismissal_id: str) -> Status:
    """Withdraw a dismissal: the finding is open again."""
    dismissal = coach_selectors.dismissal_get(organization(request), dismissal_id)
    coach_services.dismissal_withdraw(actor=actor(request), dismissal=dismissal)
    return Status(204, None)
