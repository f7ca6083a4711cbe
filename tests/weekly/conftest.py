"""Weekly fixtures: a week, a team member's helper to write items, an objective to link to."""

from datetime import UTC, date, datetime, time

import pytest
from django.utils import timezone

from cadence.weekly import services
from cadence.weekly.weeks import monday_of
from tests import factories as f

WEEK = date(2026, 11, 16)  # Monday of 2026-W47


@pytest.fixture
def week():
    return WEEK


@pytest.fixture
def objective(admin, cycle, team):
    return f.make_objective(admin, cycle, team, title="Customers love the product")


@pytest.fixture
def kr(admin, objective):
    return f.make_kr(admin, objective, title="NPS from 20 to 40", start=20, target=40)


def during(week):
    """A moment inside ``week`` (its Monday, 09:00 UTC), or now if that is still to come: when
    an item of that week was written on time, before the week's deadline."""
    return min(timezone.now(), datetime.combine(monday_of(week), time(9), tzinfo=UTC))


@pytest.fixture
def add():
    """add(person, "plans", "text", week=WEEK, actor=person, **links) → Item, written during its
    week (see ``during``); ``late=True`` writes it now, after the deadline of a past week."""

    def _add(person, category, text, week=WEEK, actor=None, late=False, **kw):
        return services.item_create(
            actor=actor or person,
            person=person,
            week=week,
            category=category,
            text=text,
            at=None if late else during(week),
            **kw,
        )

    return _add
