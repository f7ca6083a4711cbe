"""Concurrent check-ins on PostgreSQL: every check-in is kept, the current value is the latest
one's, and the roll-up read afterwards is never stale.

Real threads, each with its own database connection, committing real transactions (hence
``transaction=True``). Skipped unless DATABASE_URL points at PostgreSQL (see tests/conftest.py).
"""

import pytest
from django.db import connection

from cadence.okrs import progress as arithmetic
from cadence.okrs import selectors, services
from cadence.okrs.models import CheckIn, KeyResult
from cadence.orgs.selectors import company_unit
from tests import factories as f
from tests.concurrency import run_together
from tests.progress_check import stale_objectives

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 8


def latest(kr: KeyResult) -> CheckIn:
    return CheckIn.objects.filter(key_result=kr).order_by("-at", "-created_at").first()


def expected_progress(kr: KeyResult) -> float | None:
    kr.refresh_from_db()
    return arithmetic.kr_progress(
        kr.kind,
        start=kr.start,
        target=kr.target,
        current=latest(kr).value,
        direction=kr.direction or None,
    )


def test_concurrent_check_ins_on_one_key_result(org, admin, member, cycle, team):
    assert connection.vendor == "postgresql"
    top = f.make_objective(admin, cycle, company_unit(org), title="Customers stay with us")
    objective = f.make_objective(member, cycle, team, title="Onboarding that sticks", parent=top)
    kr = f.make_kr(member, objective, title="Activation", start=0, target=100, weight=2)
    other = f.make_kr(member, objective, title="Tickets", start=220, target=120)
    services.check_in_create(actor=member, key_result=other, value=170, confidence="on_track")
    values = [float(10 * (i + 1)) for i in range(THREADS)]  # 10, 20, … 80: all distinct

    def job(value):
        return lambda: services.check_in_create(
            actor=member, key_result=kr, value=value, confidence="at_risk", note=f"v{value}"
        )

    run_together([job(v) for v in values])

    check_ins = list(CheckIn.objects.filter(key_result=kr))
    assert len(check_ins) == THREADS
    assert sorted(c.value for c in check_ins) == values
    assert {c.note for c in check_ins} == {f"v{v}" for v in values}
    last = latest(kr)
    kr.refresh_from_db()
    assert kr.current == last.value
    assert kr.last_check_in_at == last.at
    assert kr.confidence == "at_risk"
    # the row lock serialised the writers: no two check-ins share a moment
    assert len({c.at for c in check_ins}) == THREADS

    board = selectors.board_for_cycle(org, cycle, today=cycle.start, viewer=f.ALL)
    want = (2 * last.value / 100 + 0.5) / 3  # weights 2 and 1; tickets 220 → 170 is 0.5
    assert want == pytest.approx(
        arithmetic.weighted_mean([(expected_progress(kr), 2.0), (expected_progress(other), 1.0)])
    )
    assert board.objectives[objective.id].progress == pytest.approx(want)
    assert board.objectives[top.id].progress == pytest.approx(want)
    assert stale_objectives(org) == []


def test_concurrent_check_ins_across_teams_roll_up_to_the_company(org, admin, cycle):
    top = f.make_objective(admin, cycle, company_unit(org), title="Customers stay with us")
    krs = []
    for i in range(THREADS):
        team = f.make_unit(org, f"Team {i}")
        objective = f.make_objective(admin, cycle, team, title=f"Team {i} objective", parent=top)
        krs.append(f.make_kr(admin, objective, title=f"Team {i} result", start=0, target=THREADS))
    rounds = 3

    def job(i):
        def run():
            # each team checks in several times; the last value of team i is i
            for step in range(rounds):
                value = float(i + (rounds - 1 - step))
                services.check_in_create(
                    actor=admin, key_result=krs[i], value=value, confidence="on_track"
                )

        return run

    run_together([job(i) for i in range(THREADS)])

    assert CheckIn.objects.filter(key_result__in=krs).count() == THREADS * rounds
    finals = []
    for i, kr in enumerate(krs):
        kr.refresh_from_db()
        assert kr.current == latest(kr).value == float(i)
        finals.append(expected_progress(kr))
    assert finals == [i / THREADS for i in range(THREADS)]
    board = selectors.board_for_cycle(org, cycle, today=cycle.start, viewer=f.ALL)
    mean = sum(finals) / THREADS
    assert board.objectives[top.id].progress == pytest.approx(mean)
    assert mean == pytest.approx((THREADS - 1) / 2 / THREADS)
    assert stale_objectives(org) == []


def test_many_writers_on_a_few_key_results(org, admin, member, cycle, team):
    """Writers interleave on shared key results: each key result ends on its latest check-in."""
    objective = f.make_objective(member, cycle, team, title="Onboarding that sticks")
    krs = [f.make_kr(member, objective, start=0, target=1000) for _ in range(3)]
    per_thread = 4

    def job(t):
        def run():
            for n in range(per_thread):
                kr = krs[(t + n) % len(krs)]
                services.check_in_create(
                    actor=member, key_result=kr, value=float(t * 100 + n), confidence="at_risk"
                )

        return run

    run_together([job(t) for t in range(THREADS)])

    assert CheckIn.objects.filter(key_result__in=krs).count() == THREADS * per_thread
    progresses = []
    for kr in krs:
        kr.refresh_from_db()
        assert kr.current == latest(kr).value
        assert kr.last_check_in_at == latest(kr).at
        progresses.append(kr.current / 1000)
    board = selectors.board_for_cycle(org, cycle, today=cycle.start, viewer=f.ALL)
    assert board.objectives[objective.id].progress == pytest.approx(sum(progresses) / len(krs))
    assert stale_objectives(org) == []
