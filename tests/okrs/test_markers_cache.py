"""The markers of a long list of key results (``okrs.histories.markers_many``: stalled, stale,
the forecast; the dashboard's "What to chase") are kept in Django's cache and are never stale.

Each write that can change them is made through the services between two reads: the first read
is kept (the second read without a write costs no query and reads the cache), and the read after
the write is exactly what the check-ins say, computed from scratch by
``key_result_histories_many``, and differs from the one before. Then every part of the key is
taken out in turn: a write that it alone records then leaves stale markers.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cadence.okrs import histories, selectors
from cadence.okrs import services as okr_services
from cadence.okrs.histories import Markers, markers_many
from tests import factories as f

pytestmark = pytest.mark.django_db

# Sundays at 20:00 UTC: Mondays in Tokyo (another ISO week there).
CHECK_INS = [
    (datetime(2026, 10, 11, 20, tzinfo=UTC) + timedelta(weeks=n), 10.0 + 6 * n) for n in range(6)
]


@dataclass
class World:
    org: object
    admin: object
    cycle: object
    objective: object
    kr: object  # climbing 6 a week toward 100: forecast ~78, short of a committed target
    flat: object  # the same value three weeks running: stalled


@pytest.fixture
def w(org, admin, cycle) -> World:
    team = f.make_unit(org, "Growth")
    objective = f.make_objective(admin, cycle, team, title="More people sign up")
    kr = f.make_kr(admin, objective, title="Weekly sign-ups", start=0, target=100, owner=admin)
    flat = f.make_kr(admin, objective, title="Paying teams", start=0, target=40, owner=admin)
    for at, value in CHECK_INS:
        okr_services.check_in_create(
            actor=admin, key_result=kr, value=value, confidence="on_track", at=at
        )
    for at, _value in CHECK_INS[-3:]:
        okr_services.check_in_create(
            actor=admin, key_result=flat, value=5, confidence="on_track", at=at
        )
    return World(org, admin, cycle, objective, kr, flat)


def _board(w: World):
    return selectors.board_for_cycle(w.org, w.cycle, viewer=w.admin, check_in_stamps=True)


def read(w: World) -> dict:
    board = _board(w)
    return markers_many(
        list(board.objectives.values()), now=timezone.now(), stamps=board.check_in_stamps
    )


def computed(w: World) -> dict:
    """What the check-ins say, from scratch (no cache involved)."""
    board = _board(w)
    found = selectors.key_result_histories_many(list(board.objectives.values()))
    return {k: Markers(h.stalled, h.stale, h.forecast) for k, h in found.items()}


def kept(w: World) -> dict:
    """The markers, read and then read again from the cache (asserted: no query)."""
    first = read(w)
    board = _board(w)
    with CaptureQueriesContext(connection) as queries:
        again = markers_many(
            list(board.objectives.values()), now=timezone.now(), stamps=board.check_in_stamps
        )
    assert again == first
    assert len(queries) == 0, [q["sql"] for q in queries]
    return first


def test_the_markers_are_the_histories_and_kept_ones_cost_no_query(w):
    cache.clear()
    board = _board(w)
    objectives = list(board.objectives.values())
    with CaptureQueriesContext(connection) as queries:
        first = markers_many(objectives, now=timezone.now(), stamps=board.check_in_stamps)
    assert len(queries) == 1  # the check-ins' times and values, of the key results with any
    assert first == computed(w)
    assert first[w.flat.id].stalled and not first[w.kr.id].stalled
    assert first[w.kr.id].forecast.short and 70 < first[w.kr.id].forecast.value < 90
    assert kept(w) == first


def test_without_the_boards_stamps_one_query_reads_them(w):
    board = selectors.board_for_cycle(w.org, w.cycle, viewer=w.admin)
    assert board.check_in_stamps is None
    objectives = list(board.objectives.values())
    markers_many(objectives, now=timezone.now())
    with CaptureQueriesContext(connection) as queries:
        again = markers_many(objectives, now=timezone.now())
    assert len(queries) == 1
    assert again == computed(w)


def test_stale_is_read_live_from_the_key_results_row(w):
    first = kept(w)
    assert not first[w.kr.id].stale
    # Two weeks after its last check-in (or its creation, when later): stale now.
    row = reread(w.kr)
    since = max(row.last_check_in_at, row.created_at)
    with time_machine.travel(since + timedelta(days=14, minutes=1), tick=False):
        later = read(w)
        assert later[w.kr.id].stale and later == computed(w)


class BrokenCache:
    def get_many(self, keys):
        raise ConnectionError("the cache is down")

    def set_many(self, values, timeout):
        raise ConnectionError("the cache is down")


def test_a_broken_cache_costs_the_computation_not_the_list(w, monkeypatch):
    monkeypatch.setattr(histories, "django_cache", BrokenCache())
    assert read(w) == computed(w)


# The writes --------------------------------------------------------------------------------


def reread(model):
    return type(model).objects.get(pk=model.pk)


def _check_in(w):
    okr_services.check_in_create(
        actor=w.admin, key_result=reread(w.kr), value=60, confidence="on_track"
    )


def _backdated_check_in(w):
    # Older than the latest, an hour after an earlier one (the week's last value now: the
    # flat key result moved that week): the key result's row stays as it was.
    before = reread(w.flat)
    okr_services.check_in_create(
        actor=w.admin,
        key_result=before,
        value=7,
        confidence="on_track",
        at=CHECK_INS[-2][0] + timedelta(hours=1),
    )
    after = reread(w.flat)
    assert (after.updated_at, after.progress) == (before.updated_at, before.progress)


def _target(w):
    okr_services.key_result_update(actor=w.admin, key_result=reread(w.kr), target=75)


def _abandon(w):
    okr_services.objective_set_state(
        actor=w.admin, objective=reread(w.objective), state="abandoned", reason="Merged"
    )


def _aspirational(w):
    okr_services.objective_update(
        actor=w.admin, objective=reread(w.objective), commitment="aspirational"
    )


def _cycle_end(w):
    okr_services.cycle_update(actor=w.admin, cycle=reread(w.cycle), end=date(2027, 1, 31))


def _time_zone(w):
    return timezone.override("Asia/Tokyo")


@dataclass(frozen=True)
class Write:
    act: Callable[[World], contextlib.AbstractContextManager | None]
    # The moment of the first read, when not the suite's.
    at: datetime | None = None
    kr: str = "kr"  # whose markers change


# The cycle's last evening, and its next morning (well within an entry's day).
LAST_EVENING = datetime(2026, 12, 31, 20, tzinfo=UTC)


def _the_cycle_ended(w):
    return time_machine.travel(LAST_EVENING + timedelta(hours=6), tick=False)


WRITES: dict[str, Write] = {
    "check-in": Write(_check_in),
    "backdated check-in": Write(_backdated_check_in, kr="flat"),
    "target changed": Write(_target),
    "objective abandoned": Write(_abandon),
    "objective made aspirational": Write(_aspirational),
    "cycle's end moved": Write(_cycle_end),
    "the time zone": Write(_time_zone),
    "the cycle ended overnight": Write(_the_cycle_ended, at=LAST_EVENING),
}


def _kept_part(m: Markers) -> tuple:
    return (m.stalled, m.forecast)  # stale is read live from the row, never kept


def _read_after(w: World, write: Write) -> tuple[tuple, tuple, tuple]:
    """The key result's stalled marker and forecast before the write (kept), after it (as read)
    and computed."""
    cache.clear()
    moment = time_machine.travel(write.at, tick=False) if write.at else contextlib.nullcontext()
    with moment:
        kr = getattr(w, write.kr)
        before = kept(w)[kr.id]
        context = write.act(w) or contextlib.nullcontext()
        with context:
            after, expected = read(w)[kr.id], computed(w)[kr.id]
    return _kept_part(before), _kept_part(after), _kept_part(expected)


@pytest.mark.parametrize("name", list(WRITES))
def test_every_write_is_read_at_once(w, name):
    before, after, expected = _read_after(w, WRITES[name])
    assert after == expected
    assert after != before, "the write changes nothing the markers show: it proves nothing"


# Which write shows that each part of the key is needed: with the part taken out, that write
# leaves the markers as they were.
PART_WRITES = {
    "key_result": "target changed",
    "objective": "objective abandoned",
    "cycle": "cycle's end moved",
    "check_ins": "backdated check-in",
    "today": "the cycle ended overnight",
    "time_zone": "the time zone",
}


def test_every_part_of_the_key_has_a_write_it_alone_records():
    assert set(PART_WRITES) == {name for name, _read in histories.MARKER_PARTS}


@pytest.mark.parametrize("part", list(PART_WRITES))
def test_a_key_without_a_part_serves_stale_markers(w, part, monkeypatch):
    without = tuple(p for p in histories.MARKER_PARTS if p[0] != part)
    monkeypatch.setattr(histories, "MARKER_PARTS", without)
    before, after, expected = _read_after(w, WRITES[PART_WRITES[part]])
    assert after == before != expected
