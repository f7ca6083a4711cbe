"""Key results that turn off track or stale, told to their owner exactly once per transition
(run by the worker's turn, ``scheduling.services.tick``).

A transition is a ``KeyResultSignal`` row: open while the key result stays off track (or
stale), cleared when it recovers, a new row when it turns again. At most one open row per key
result and kind (a partial unique constraint): whichever worker inserts it first tells the
owner in the same transaction; every other insert fails and tells nobody. Off track and stale
follow the pages' rules (``okrs.progress``: the pace against the expected progress of the day,
no check-in for 14 days), for the open objectives of cycles running today.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from cadence.feed import notices, notify
from cadence.feed.models import KeyResultSignal
from cadence.okrs import progress as arithmetic
from cadence.okrs.models import Cycle, KeyResult, Objective

WATCHED_STATES = (Objective.State.DRAFT, Objective.State.PROPOSED, Objective.State.APPROVED)


@dataclass(frozen=True)
class Reading:
    key_result: KeyResult
    off_track: bool
    stale: bool


def _reading(kr: KeyResult, now: datetime) -> Reading:
    objective, cycle = kr.objective, kr.objective.cycle
    today = timezone.localdate(now)
    aspirational = (kr.commitment or objective.commitment) == Objective.Commitment.ASPIRATIONAL
    pace = arithmetic.pace(kr.progress, cycle.expected_on(today), aspirational=aspirational)
    cycle_start = timezone.make_aware(datetime.combine(cycle.start, datetime.min.time()))
    stale = arithmetic.is_stale(kr.last_check_in_at, since=max(cycle_start, kr.created_at), now=now)
    return Reading(kr, off_track=pace == arithmetic.OFF_TRACK, stale=stale)


def _running_cycles(now: datetime):
    today = timezone.localdate(now)
    return Cycle.objects.filter(closed_at__isnull=True, start__lte=today, end__gte=today)


def _watched(now: datetime):
    cycles = _running_cycles(now)
    return KeyResult.objects.filter(
        objective__cycle__in=cycles, objective__state__in=WATCHED_STATES
    ).select_related(
        "objective", "objective__cycle", "objective__unit", "owner", "objective__owner"
    )


TEXTS = {
    notices.OFF_TRACK: "Your key result “{kr}” turned off track ({percent} done)",
    notices.STALE: "Your key result “{kr}” has had no check-in for two weeks",
}


def _tell(reading: Reading, kind: str) -> bool:
    """Open the signal and tell the owner in one transaction; False if it was open already."""
    kr = reading.key_result
    try:
        with transaction.atomic():
            signal = KeyResultSignal.objects.create(
                organization_id=kr.organization_id, key_result=kr, kind=kind
            )
            owner = kr.owner or kr.objective.owner
            if owner is not None:
                notify.notify(
                    person=owner,
                    kind=kind,
                    key_result=kr,
                    text=TEXTS[kind].format(kr=kr.title, percent=arithmetic.percent(kr.progress)),
                    url=reverse("objective_detail", args=[kr.objective_id]) + f"#kr-{kr.pk}",
                    key=f"{kind}:{signal.pk}",
                )
    except IntegrityError:
        return False
    return True


def key_result_signals_refresh(*, now: datetime | None = None) -> int:
    """Open a signal (and tell) for each watched key result that turned off track or stale,
    clear those that recovered. Returns how many transitions this call told."""
    now = now or timezone.now()
    readings = [_reading(kr, now) for kr in _watched(now)]
    open_signals = {
        (s.key_result_id, s.kind): s.pk
        # By join, not by a list of ids: a large organization's running cycles hold more key
        # results than a statement may carry parameters.
        for s in KeyResultSignal.objects.filter(
            cleared_at__isnull=True, key_result__objective__cycle__in=_running_cycles(now)
        )
    }
    told = 0
    recovered = []
    for reading in readings:
        for kind, now_on in (
            (notices.OFF_TRACK, reading.off_track),
            (notices.STALE, reading.stale),
        ):
            signal = open_signals.get((reading.key_result.pk, kind))
            if now_on and signal is None:
                told += _tell(reading, kind)
            elif not now_on and signal is not None:
                recovered.append(signal)
    if recovered:
        KeyResultSignal.objects.filter(pk__in=recovered, cleared_at__isnull=True).update(
            cleared_at=now, updated_at=now
        )
    return told
