"""A key result's check-ins with the markers derived from them (week-over-week change, stalled,
stale) and its forecast, for the board objectives a page shows: one query whatever their
number."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING
from uuid import UUID

from django.utils import timezone

from cadence.okrs import forecasts
from cadence.okrs import progress as arithmetic
from cadence.okrs.models import CheckIn, KeyResult, Objective

if TYPE_CHECKING:
    from cadence.okrs.selectors import BoardObjective


@dataclass
class KeyResultHistory:
    key_result: KeyResult
    check_ins: list[CheckIn]
    points: list[arithmetic.Point]
    week_change: float | None
    stalled: bool
    stale: bool
    forecast: forecasts.Forecast | None = None


def key_result_histories(
    objective: BoardObjective, *, now: datetime | None = None
) -> dict[UUID, KeyResultHistory]:
    """Every check-in of an objective's key results in one query, with the markers derived
    from them: week-over-week change, stalled, stale, and the forecast."""
    return key_result_histories_many([objective], now=now)


def key_result_histories_many(
    objectives: list[BoardObjective], *, now: datetime | None = None, check_ins: bool = True
) -> dict[UUID, KeyResultHistory]:
    """``key_result_histories`` for several board objectives of one
    organization, in one query whatever their number. ``check_ins=False``: the markers and
    forecasts only, from each check-in's time and value (no ``CheckIn`` rows, ``check_ins``
    empty): what a list of many key results needs, at a fraction of the cost."""
    now = now or timezone.now()
    by_kr: dict[UUID, list] = defaultdict(list)
    if not objectives:
        return {}
    # By key-result id, the (key_result, at) index's way in: the key results come from the
    # organization's own objectives, so this reads nothing of another organization's.
    kr_ids = [kr.pk for o in objectives for kr in o.krs]
    rows = CheckIn.objects.filter(key_result_id__in=kr_ids).order_by("at", "created_at")
    if check_ins:
        for ci in rows.select_related("author"):
            by_kr[ci.key_result_id].append(ci)
    else:
        for kr_id, at, value in rows.values_list("key_result_id", "at", "value"):
            by_kr[kr_id].append(arithmetic.Point(at, value))
    out = {}
    for objective in objectives:
        out.update(_histories_of(objective, by_kr, now, check_ins=check_ins))
    return out


def _histories_of(
    objective: BoardObjective, by_kr: dict[UUID, list], now: datetime, *, check_ins: bool = True
) -> dict[UUID, KeyResultHistory]:
    cycle_start = timezone.make_aware(datetime.combine(objective.cycle.start, datetime.min.time()))
    out = {}
    for kr in objective.krs:
        cis = by_kr.get(kr.id, [])
        if check_ins:
            points = [arithmetic.Point(ci.at, ci.value) for ci in cis]
        else:
            points, cis = cis, []
        # When the start value is the first check-in itself, it is not an earlier week's value.
        earlier_start = None if kr.start_from_first_check_in else kr.start
        out[kr.id] = KeyResultHistory(
            key_result=kr,
            check_ins=cis,
            points=points,
            week_change=arithmetic.week_over_week(
                kr.kind,
                start=kr.start,
                target=kr.target,
                direction=kr.direction or None,
                history=points,
                now=now,
            ),
            stalled=arithmetic.is_stalled(points, start=earlier_start, progress=kr.progress),
            stale=objective.cycle.start <= now.date() <= objective.cycle.end
            and arithmetic.is_stale(
                kr.last_check_in_at, since=max(cycle_start, kr.created_at), now=now
            ),
            forecast=forecast_of(
                objective, kr, [(p.at, p.value) for p in points], today=timezone.localdate(now)
            ),
        )
    return out


def forecast_of(
    objective: BoardObjective, kr, history: list[tuple[datetime, float]], *, today: date
) -> forecasts.Forecast | None:
    """The forecast of one of a board objective's key results (``kr``: its board row) from its
    check-ins (when, value), each counted on its local day. None for an abandoned objective:
    nothing is heading anywhere."""
    if objective.is_abandoned:
        return None
    return forecasts.kr_forecast(
        kind=kr.kind,
        start=kr.start,
        target=kr.target,
        direction=kr.direction or None,
        history=[(timezone.localtime(at), value) for at, value in history],
        cycle_start=objective.cycle.start,
        cycle_end=objective.cycle.end,
        today=today,
        aspirational=kr.commitment_in_force == Objective.Commitment.ASPIRATIONAL,
        percent=kr.unit == "%",
    )


def forecasts_many(
    objectives: list[BoardObjective], *, today: date
) -> dict[UUID, forecasts.Forecast | None]:
    """The forecast of every metric and threshold key result of these board objectives (one
    organization's), from one query of their check-ins' days and values, whatever their
    number; None for the others."""
    kinds = (KeyResult.Kind.METRIC, KeyResult.Kind.THRESHOLD)
    measured = [kr.pk for o in objectives for kr in o.krs if kr.kind in kinds]
    by_kr: dict[UUID, list[tuple[datetime, float]]] = defaultdict(list)
    if measured:
        for kr_id, at, value in (
            CheckIn.objects.filter(key_result_id__in=measured)
            .order_by("at", "created_at")
            .values_list("key_result_id", "at", "value")
        ):
            by_kr[kr_id].append((at, value))
    return {
        kr.pk: forecast_of(o, kr, by_kr.get(kr.pk, []), today=today)
        for o in objectives
        for kr in o.krs
    }
