"""A closed week changed while the worker carries it over, on PostgreSQL: real threads, each with
its own connection, committing real transactions. Whatever the interleaving, an item finished
late has no open copy next week, an open one has exactly one, a late one none — and nothing
deadlocks (the item services and the rollover lock a person's weeks in week order, each before
its items). Skipped unless DATABASE_URL points at PostgreSQL (see tests/conftest.py)."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.db.models import Count

from cadence.scheduling import services as scheduling_services
from cadence.weekly import services
from cadence.weekly.models import Item
from tests import factories as f
from tests.concurrency import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

W48 = date(2026, 11, 23)
W49 = W48 + timedelta(weeks=1)
SATURDAY = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
PEOPLE = 6
ROUNDS = 4


def _people(org, round_no):
    team = f.make_unit(org, f"Team {round_no}")
    people = [f.make_person(org, name=f"R{round_no} P{n}") for n in range(PEOPLE)]
    for person in people:
        f.join(team, person)
    return people


def _write(person, text, category="plans"):
    return services.item_create(actor=person, person=person, week=W48, category=category, text=text)


def _copies(item):
    return list(Item.objects.filter(carried_over_from=item))


def _assert_no_duplicate_links():
    assert connection.vendor == "postgresql"
    doubled = (
        Item.objects.filter(carried_over_from__isnull=False)
        .values("carried_over_from")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    assert not doubled.exists()


def test_finishing_late_while_the_worker_carries_leaves_no_open_copy(org):
    for round_no in range(ROUNDS):
        people = _people(org, round_no)
        # Written on Monday, on time.
        finished = [_write(p, "Finish me late") for p in people]
        kept = [_write(p, "Still open") for p in people]
        with time_machine.travel(SATURDAY + timedelta(minutes=round_no), tick=True):
            jobs = [
                (lambda p=p, i=i: services.item_move(actor=p, item=i, category="progress"))
                for p, i in zip(people, finished, strict=True)
            ]
            jobs += [(lambda p=p: _write(p, "Written late", category="plans")) for p in people]
            jobs += [lambda: scheduling_services.tick().carried] * 3
            run_together(jobs, what="late changes racing the worker")
            scheduling_services.tick()  # and one more turn after everything settled
        for item in finished:
            live = [c for c in _copies(item) if c.deleted_at is None]
            assert live == [], "a plan finished late is still open next week"
        for item in kept:
            copies = _copies(item)
            assert len(copies) == 1 and copies[0].deleted_at is None
            assert copies[0].update.week == W49
        late = Item.objects.filter(text="Written late", update__person__in=people)
        assert late.count() == PEOPLE and all(i.late for i in late)
        assert not Item.objects.filter(carried_over_from__in=late).exists()
    _assert_no_duplicate_links()


def test_reopening_late_while_the_worker_carries_gives_exactly_one_copy(org):
    for round_no in range(ROUNDS):
        people = _people(org, round_no)
        reopened = []
        for person in people:
            item = _write(person, "Done on time, then not done")
            services.item_move(actor=person, item=item, category="progress")
            reopened.append(item)
        stuck = [_write(p, "Carried, then finished, then reopened") for p in people]
        with time_machine.travel(SATURDAY + timedelta(minutes=round_no), tick=True):
            scheduling_services.tick()  # the open ones are carried
            # Finished late (their copies are settled), then both kinds reopened while the
            # worker runs: each must end with exactly one open copy next week.
            for person, item in zip(people, stuck, strict=True):
                services.item_move(actor=person, item=item, category="progress")
            jobs = [
                (lambda p=p, i=i: services.item_move(actor=p, item=i, category="plans"))
                for p, i in [*zip(people, reopened, strict=True), *zip(people, stuck, strict=True)]
            ]
            jobs += [lambda: scheduling_services.tick().carried] * 3
            run_together(jobs, what="reopening racing the worker")
            scheduling_services.tick()
        for item in reopened + stuck:
            item.refresh_from_db()
            assert item.category.slug == "plans"
            live = [c for c in _copies(item) if c.deleted_at is None]
            assert len(live) == 1 and live[0].category.slug == "plans", item.text
    _assert_no_duplicate_links()
