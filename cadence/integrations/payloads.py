"""What each webhook event carries: plain JSON-ready dicts built from the rows the change just
wrote (no query beyond the rows already loaded with them). Field names follow the API's
(``/api/v1``), so a receiver reads an event's key result as it would read the API's."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.urls import reverse

from cadence.core.emails import absolute_url
from cadence.kpis.models import Kpi, KpiCrossing
from cadence.okrs.models import CheckIn, Cycle, KeyResult, Objective
from cadence.orgs.models import Person
from cadence.weekly.models import WeeklyUpdate
from cadence.weekly.weeks import format_week


def _when(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _id(value) -> str | None:
    return str(value) if value is not None else None


def person(p: Person | None) -> dict[str, Any] | None:
    """Who did it (null for the command line and the worker)."""
    if p is None:
        return None
    return {"id": str(p.pk), "name": p.name}


def envelope(event: str, organization_id, at: datetime, **parts: Any) -> dict[str, Any]:
    return {
        "event": event,
        "organization_id": str(organization_id),
        "occurred_at": at.isoformat(),
        **parts,
    }


def objective(o: Objective) -> dict[str, Any]:
    return {
        "id": str(o.pk),
        "title": o.title,
        "cycle_id": str(o.cycle_id),
        "unit_id": str(o.unit_id),
        "parent_id": _id(o.parent_id),
        "owner_id": _id(o.owner_id),
        "commitment": o.commitment,
        "state": o.state,
        "progress": o.progress,
        "score": o.score,
        "url": absolute_url(reverse("objective_detail", args=[o.pk])),
    }


def key_result(kr: KeyResult) -> dict[str, Any]:
    return {
        "id": str(kr.pk),
        "objective_id": str(kr.objective_id),
        "title": kr.title,
        "kind": kr.kind,
        "start": kr.start,
        "target": kr.target,
        "current": kr.current,
        "unit": kr.unit,
        "direction": kr.direction or None,
        "weight": kr.weight,
        "owner_id": _id(kr.owner_id),
        "progress": kr.progress,
        "confidence": kr.confidence or None,
        "last_check_in_at": _when(kr.last_check_in_at),
        "url": absolute_url(reverse("objective_detail", args=[kr.objective_id])),
    }


def check_in(c: CheckIn) -> dict[str, Any]:
    return {
        "id": str(c.pk),
        "key_result_id": str(c.key_result_id),
        "value": c.value,
        "confidence": c.confidence,
        "note": c.note,
        "at": _when(c.at),
        "author_id": _id(c.author_id),
        "author_name": c.author.name if c.author_id else None,
        "source": c.source,
    }


def weekly_update(update: WeeklyUpdate, owner: Person) -> dict[str, Any]:
    week = format_week(update.week)
    return {
        "id": str(update.pk),
        "week": week,
        "person": person(owner),
        "submitted_at": _when(update.submitted_at),
        "url": absolute_url(reverse("weekly_update", args=[owner.pk, week])),
    }


def cycle(c: Cycle) -> dict[str, Any]:
    return {
        "id": str(c.pk),
        "name": c.name,
        "kind": c.kind,
        "start": _when(c.start),
        "end": _when(c.end),
        "closed_at": _when(c.closed_at),
        "url": absolute_url(reverse("cycle_results", args=[c.pk])),
    }


def kpi(k: Kpi, crossing: KpiCrossing) -> dict[str, Any]:
    return {
        "id": _id(k.pk),
        "name": k.name,
        "unit_id": _id(k.unit_id),
        "unit_of_measure": k.unit_of_measure,
        "band": {"min": crossing.band_min, "max": crossing.band_max},
        "value": crossing.current_value,
        "at": _when(k.current_at),
        "status": k.status,
        "url": absolute_url(reverse("kpi_detail", args=[k.pk])),
    }
