"""A key result's check-ins with the markers derived from them (week-over-week change, stalled,
stale) and its forecast, for the board objectives a page shows: one query whatever their
number."""

from __future__ import annotations

import hashlib
import logging
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any
from uuid import UUID

from django.core.cache import cache as django_cache
from django.db.models import Count, Max
from django.utils import timezone

from cadence.okrs import forecasts
from cadence.okrs import progress as arithmetic
from cadence.okrs.models import CheckIn, KeyResult, Objective

if TYPE_CHECKING:
    from cadence.okrs.selectors import BoardObjective

log = logging.getLogger(__name__)


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
    objectives: list[BoardObjective], *, now: datetime | None = None
) -> dict[UUID, KeyResultHistory]:
    """``key_result_histories`` for several board objectives of one
    organization, in one query whatever their number (a list of many key results that needs
    only their markers: ``markers_many``)."""
    now = now or timezone.now()
    by_kr: dict[UUID, list[CheckIn]] = defaultdict(list)
    if not objectives:
        return {}
    # By key-result id, the (key_result, at) index's way in: the key results come from the
    # organization's own objectives, so this reads nothing of another organization's.
    kr_ids = [kr.pk for o in objectives for kr in o.krs]
    for ci in (
        CheckIn.objects.filter(key_result_id__in=kr_ids)
        .order_by("at", "created_at")
        .select_related("author")
    ):
        by_kr[ci.key_result_id].append(ci)
    out = {}
    for objective in objectives:
        out.update(_histories_of(objective, by_kr, now))
    return out


def _histories_of(
    objective: BoardObjective, by_kr: dict[UUID, list[CheckIn]], now: datetime
) -> dict[UUID, KeyResultHistory]:
    today = timezone.localdate(now)
    out = {}
    for kr in objective.krs:
        cis = by_kr.get(kr.id, [])
        points = [arithmetic.Point(ci.at, ci.value) for ci in cis]
        stalled, forecast = _judged(objective, kr, points, today=today)
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
            stalled=stalled,
            stale=_stale(objective, kr, now),
            forecast=forecast,
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


# --- Markers for long lists, kept between requests -----------------------------------------


@dataclass(frozen=True)
class Markers:
    """What a list of many key results judges each one by (the dashboard's "What to chase"):
    stalled, stale, and the forecast."""

    stalled: bool
    stale: bool
    forecast: forecasts.Forecast | None


# Raise when what ``_judged`` computes changes: entries of the old code are then never read
# (the release is part of the key too, for a Redis shared across a deploy).
MARKERS_VERSION = 1
# An entry holds one day's forecast ("today" is part of its key).
MARKERS_TIMEOUT = 24 * 60 * 60


@dataclass(frozen=True)
class MarkerInputs:
    """What one key result's stalled marker and forecast are computed from, as a list holds it:
    its board row and objective, its check-ins' ``stamp`` (how many, and when the last was
    written), the day and the time zone."""

    objective: BoardObjective
    kr: Any  # the board's key-result row
    stamp: tuple
    today: date
    zone: str


def _kr_fields(m: MarkerInputs) -> tuple:
    """Kind, start, target, direction, whether the start is the first check-in, progress (a
    finished key result is not stalled), unit (a percentage's forecast stays within 100) and
    the commitment in force (what "falls short" means)."""
    kr = m.kr
    return (
        str(kr.pk),
        kr.kind,
        kr.start,
        kr.target,
        kr.direction,
        kr.start_from_first_check_in,
        kr.progress,
        kr.unit,
        kr.commitment_in_force,
    )


def _objective_state(m: MarkerInputs) -> bool:
    """An abandoned objective's key results have no forecast."""
    return m.objective.is_abandoned


def _cycle_dates(m: MarkerInputs) -> tuple:
    """The forecast is for the cycle's end, from its start."""
    return (m.objective.cycle.start.isoformat(), m.objective.cycle.end.isoformat())


def _check_ins(m: MarkerInputs) -> tuple:
    """Any check-in written (backdated ones too: the key result's row stays as it was)."""
    return m.stamp


def _today(m: MarkerInputs) -> str:
    """The forecast reads the check-ins up to today, and is the last value once the cycle
    has ended."""
    return m.today.isoformat()


def _zone(m: MarkerInputs) -> str:
    """The forecast counts each check-in on its local day."""
    return m.zone


MARKER_PARTS: tuple[tuple[str, Callable[[MarkerInputs], Any]], ...] = (
    ("key_result", _kr_fields),
    ("objective", _objective_state),
    ("cycle", _cycle_dates),
    ("check_ins", _check_ins),
    ("today", _today),
    ("time_zone", _zone),
)


def markers_key(inputs: MarkerInputs, parts: Sequence | None = None) -> str:
    """The cache key of one key result's stalled marker and forecast: a version, its id and a
    hash of every part of ``MARKER_PARTS`` (read at call time, so a test can take one out)."""
    parts = MARKER_PARTS if parts is None else parts
    values = repr([(name, read(inputs)) for name, read in parts])
    digest = hashlib.sha256(values.encode()).hexdigest()
    return f"cadence:krmarkers:{MARKERS_VERSION}.{_release()}:{inputs.kr.pk}:{digest}"


@cache
def _release() -> str:
    try:
        return version("cadence")
    except PackageNotFoundError:
        return "0"


def check_in_stamp(count: int, written: datetime) -> tuple:
    """A key result's check-ins as a marker key holds them: how many, and when the last was
    written (a key result without any has none: ``NO_CHECK_INS``)."""
    return (count, written.isoformat())


NO_CHECK_INS = (0, None)


def markers_many(
    objectives: list[BoardObjective], *, now: datetime, stamps: dict[UUID, tuple] | None = None
) -> dict[UUID, Markers]:
    """Stalled, stale and the forecast of every key result of these board objectives (one
    organization's), for a list of many: the dashboard's chase list judges ~650 key results
    for an admin at 5,000 people, whose check-ins run to ~9,000.

    Stale is read from the key result's row (its last check-in). Stalled and the forecast need
    the check-ins: they are kept in Django's cache under a key made of all they depend on
    (``MARKER_PARTS``), so one query reads how many check-ins each key result has and when the
    last was written, and only the key results whose key is not kept read their check-ins'
    times and values (a second query). Key-based: nothing to invalidate, never stale."""
    pairs = [(o, kr) for o in objectives for kr in o.krs]
    if not pairs:
        return {}
    today = timezone.localdate(now)
    zone = timezone.get_current_timezone_name()
    if stamps is None:
        stamps = {
            kr_id: check_in_stamp(n, last)
            for kr_id, n, last in CheckIn.objects.filter(
                key_result_id__in=[kr.pk for _o, kr in pairs]
            )
            .order_by()
            .values("key_result_id")
            .annotate(n=Count("id"), last=Max("updated_at"))
            .values_list("key_result_id", "n", "last")
        }
    keys = {
        kr.pk: markers_key(MarkerInputs(o, kr, stamps.get(kr.pk, NO_CHECK_INS), today, zone))
        for o, kr in pairs
    }
    try:
        kept = django_cache.get_many(list(keys.values()))
    except Exception:  # noqa: BLE001 — any backend error: compute as if nothing were kept
        log.warning("cache unreachable; computing the markers without it", exc_info=True)
        kept = {}
    judged: dict[UUID, tuple[bool, forecasts.Forecast | None]] = {}
    missing = []
    for o, kr in pairs:
        value = kept.get(keys[kr.pk])
        if value is None:
            missing.append((o, kr))
        else:
            judged[kr.pk] = value
    if missing:
        by_kr: dict[UUID, list[arithmetic.Point]] = defaultdict(list)
        # Only those with check-ins: the others' markers need none.
        read = [kr.pk for _o, kr in missing if kr.pk in stamps]
        if read:
            for kr_id, at, value in (
                CheckIn.objects.filter(key_result_id__in=read)
                .order_by("at", "created_at")
                .values_list("key_result_id", "at", "value")
            ):
                by_kr[kr_id].append(arithmetic.Point(at, value))
        fresh = {}
        for o, kr in missing:
            judged[kr.pk] = _judged(o, kr, by_kr.get(kr.pk, []), today=today)
            fresh[keys[kr.pk]] = judged[kr.pk]
        try:
            django_cache.set_many(fresh, MARKERS_TIMEOUT)
        except Exception:  # noqa: BLE001
            log.warning("cache unreachable; not keeping the markers", exc_info=True)
    out = {}
    for o, kr in pairs:
        stalled, forecast = judged[kr.pk]
        out[kr.pk] = Markers(stalled=stalled, stale=_stale(o, kr, now), forecast=forecast)
    return out


def _judged(
    objective: BoardObjective, kr, points: list[arithmetic.Point], *, today: date
) -> tuple[bool, forecasts.Forecast | None]:
    """(stalled, forecast) of one key result from its check-ins, oldest first: as
    ``key_result_histories_many`` computes them."""
    earlier_start = None if kr.start_from_first_check_in else kr.start
    return (
        arithmetic.is_stalled(points, start=earlier_start, progress=kr.progress),
        forecast_of(objective, kr, [(p.at, p.value) for p in points], today=today),
    )


def _stale(objective: BoardObjective, kr, now: datetime) -> bool:
    cycle = objective.cycle
    if not cycle.start <= now.date() <= cycle.end:
        return False
    since = max(
        timezone.make_aware(datetime.combine(cycle.start, datetime.min.time())), kr.created_at
    )
    return arithmetic.is_stale(kr.last_check_in_at, since=since, now=now)
