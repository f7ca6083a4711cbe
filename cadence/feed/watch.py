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

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from cadence.feed import notices, notify
from cadence.feed.models import KeyResultSignal
from cadence.okrs import progress as arithmetic
from cadence.okrs.models import Cycle, KeyResult, Objective
from cadence.orgs.models import Person
from cadence.orgs.selectors import Access, UnitTree

WATCHED_STATES = (Objective.State.DRAFT, Objective.State.PROPOSED, Objective.State.APPROVED)


@dataclass(frozen=True)
class Reading:
    """A watched key result's id and whether it is off track or stale now."""

    key_result_id: UUID
    off_track: bool
    stale: bool


def _running_cycles(now: datetime):
    today = timezone.localdate(now)
    return Cycle.objects.filter(closed_at__isnull=True, start__lte=today, end__gte=today)


def _readings(now: datetime) -> Iterator[Reading]:
    """Every watched key result (the open objectives of the cycles running today), read as a
    few values each, in chunks: a large organization's running cycles hold tens of thousands,
    and the worker's memory stays the same whatever their number."""
    today = timezone.localdate(now)
    cycles = {c.pk: c for c in _running_cycles(now)}
    if not cycles:
        return
    expected = {pk: c.expected_on(today) for pk, c in cycles.items()}
    started = {
        pk: timezone.make_aware(datetime.combine(c.start, datetime.min.time()))
        for pk, c in cycles.items()
    }
    rows = (
        KeyResult.objects.filter(
            objective__cycle__in=list(cycles), objective__state__in=WATCHED_STATES
        )
        .order_by()
        .values_list(
            "pk",
            "kind",
            "start",
            "target",
            "current",
            "direction",
            "commitment",
            "objective__commitment",
            "objective__cycle_id",
            "last_check_in_at",
            "created_at",
        )
    )
    for row in rows.iterator(chunk_size=2000):
        pk, kind, start, target, current, direction = row[:6]
        commitment, objective_commitment, cycle_id, last, created = row[6:]
        # ``KeyResult.progress``, from the columns it reads.
        progress = arithmetic.kr_progress(
            kind,
            start=start,
            target=target,
            current=current if current is not None else start,
            direction=direction or None,
        )
        aspirational = (commitment or objective_commitment) == Objective.Commitment.ASPIRATIONAL
        pace = arithmetic.pace(progress, expected[cycle_id], aspirational=aspirational)
        since = max(started[cycle_id], created)
        yield Reading(
            key_result_id=pk,
            off_track=pace == arithmetic.OFF_TRACK,
            stale=arithmetic.is_stale(last, since=since, now=now),
        )


TEXTS = {
    notices.OFF_TRACK: "Your key result “{kr}” turned off track ({percent} done)",
    notices.STALE: "Your key result “{kr}” has had no check-in for two weeks",
}


def _tell(kr: KeyResult, owner: Person | None, kind: str) -> bool:
    """Open the signal and tell the owner in one transaction; False if it was open already."""
    try:
        with transaction.atomic():
            signal = KeyResultSignal.objects.create(
                organization_id=kr.organization_id, key_result=kr, kind=kind
            )
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


# How many key results are told at a time (loaded with their objectives and owners).
TELL_CHUNK = 500


def _tell_all(transitions: list[tuple[UUID, str]]) -> int:
    """Tell each (key result, kind) that turned. The key results are loaded in chunks; each
    owner is one object, read once, whose sight (what they may see) is computed once, from one
    unit tree per organization: a first turn after a long pause can have thousands to tell."""
    told = 0
    owners: dict[UUID, Person] = {}
    trees: dict[UUID, UnitTree] = {}
    for start in range(0, len(transitions), TELL_CHUNK):
        chunk = transitions[start : start + TELL_CHUNK]
        krs = KeyResult.objects.select_related("objective", "objective__cycle").in_bulk(
            {kr_id for kr_id, _kind in chunk}
        )
        wanted = {kr.owner_id or kr.objective.owner_id for kr in krs.values()} - {None}
        missing = wanted - owners.keys()
        if missing:
            owners.update(Person.objects.select_related("organization").in_bulk(missing))
        for kr_id, kind in chunk:
            kr = krs.get(kr_id)
            if kr is None:  # deleted since it was read
                continue
            owner = owners.get(kr.owner_id or kr.objective.owner_id)
            if owner is not None:
                tree = trees.get(owner.organization_id)
                if tree is None:
                    tree = trees[owner.organization_id] = UnitTree.load(owner.organization)
                Access.of(owner, tree)
            told += _tell(kr, owner, kind)
    return told


def key_result_signals_refresh(*, now: datetime | None = None) -> int:
    """Open a signal (and tell) for each watched key result that turned off track or stale,
    clear those that recovered. Returns how many transitions this call told."""
    now = now or timezone.now()
    open_signals = {
        (key_result_id, kind): pk
        # By join, not by a list of ids: a large organization's running cycles hold more key
        # results than a statement may carry parameters.
        for pk, key_result_id, kind in KeyResultSignal.objects.filter(
            cleared_at__isnull=True, key_result__objective__cycle__in=_running_cycles(now)
        ).values_list("pk", "key_result_id", "kind")
    }
    transitions: list[tuple[UUID, str]] = []
    recovered = []
    for reading in _readings(now):
        for kind, now_on in (
            (notices.OFF_TRACK, reading.off_track),
            (notices.STALE, reading.stale),
        ):
            signal = open_signals.get((reading.key_result_id, kind))
            if now_on and signal is None:
                transitions.append((reading.key_result_id, kind))
            elif not now_on and signal is not None:
                recovered.append(signal)
    told = _tell_all(transitions)
    if recovered:
        KeyResultSignal.objects.filter(pk__in=recovered, cleared_at__isnull=True).update(
            cleared_at=now, updated_at=now
        )
    return told
