"""Weekly fixtures: a week, a team member's helper to write items, an objective to link to."""

from datetime import date

import pytest

from cadence.weekly import services
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


@pytest.fixture
def add():
    """add(person, "plans", "text", week=WEEK, actor=person, **links) → Item."""

    def _add(person, category, text, week=WEEK, actor=None, **kw):
        return services.item_create(
            actor=actor or person, person=person, week=week, category=category, text=text, **kw
        )

    return _add
