"""Rollovers running at the same moment on PostgreSQL: no item duplicated, none lost, no error.

Real threads, each with its own database connection, committing real transactions (hence
``transaction=True``). Skipped unless DATABASE_URL points at PostgreSQL (see tests/conftest.py).
"""

from datetime import UTC, datetime, time, timedelta

import pytest
from django.db import connection
from django.db.models import Count

from cadence.weekly import services
from cadence.weekly.models import Item, WeeklyUpdate
from tests import factories as f
from tests.concurrency import run_together

from .conftest import WEEK

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 6
PEOPLE = 5


def _setup(org):
    """Five people's items of WEEK, written during it (Monday morning, before its deadline)."""
    written = datetime.combine(WEEK, time(9), tzinfo=UTC)
    team = f.make_unit(org, "Team")
    people = [f.make_person(org, name=f"P{n}") for n in range(PEOPLE)]
    for person in people:
        f.join(team, person)
        for n in range(3):
            services.item_create(
                actor=person,
                person=person,
                week=WEEK,
                category="plans",
                text=f"plan {n}",
                at=written,
            )
        services.item_create(
            actor=person, person=person, week=WEEK, category="problems", text="stuck", at=written
        )
        services.item_create(
            actor=person, person=person, week=WEEK, category="progress", text="done", at=written
        )
        # Planned ahead: next week's update exists before the rollover, so concurrent runs
        # race on the items themselves, not only on creating the update.
        services.item_create(
            actor=person,
            person=person,
            week=WEEK + timedelta(weeks=1),
            category="plans",
            text="ahead",
        )
    return people


def _assert_exactly_once(per_week: dict):
    assert connection.vendor == "postgresql"
    # Every open original was carried exactly once into every later week.
    duplicated = (
        Item.objects.filter(carried_over_from__isnull=False)
        .values("carried_over_from")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    assert not duplicated.exists()
    for week, count in per_week.items():
        assert Item.objects.filter(update__week=week).count() == count, week
        assert WeeklyUpdate.objects.filter(week=week).count() == PEOPLE
    assert (
        WeeklyUpdate.objects.values("person", "week").annotate(n=Count("id")).filter(n__gt=1)
    ).count() == 0


def test_concurrent_rollover_due_after_a_downtime(org):
    _setup(org)
    # Three missed deadlines (W47, W48, W49): every thread tries to catch up at once.
    now = datetime.combine(WEEK + timedelta(weeks=2, days=5), time(12), tzinfo=UTC)
    results = run_together([lambda: services.rollover_due(now=now)] * THREADS)
    # Per person: four open items into W48 (which has its own plan too), then five twice.
    assert sum(results) == PEOPLE * (4 + 5 + 5)
    _assert_exactly_once({WEEK + timedelta(weeks=n): PEOPLE * 5 for n in (1, 2, 3)})
    assert services.rollover_due(now=now) == 0


def test_concurrent_rollover_week(org):
    _setup(org)
    results = run_together(
        [lambda: services.rollover_week(week=WEEK)] * (THREADS // 2)
        + [lambda: services.rollover_week(organization=org, week=WEEK)] * (THREADS // 2)
    )
    assert sum(results) == PEOPLE * 4
    _assert_exactly_once({WEEK + timedelta(weeks=1): PEOPLE * 5})
