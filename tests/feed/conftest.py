"""Feed fixtures: something to discuss (an objective, a key result, a weekly item), and people
with predictable email names to mention."""

from datetime import date

import pytest

from cadence.orgs import services as org_services
from cadence.weekly import services as weekly_services
from tests import factories as f

WEEK = date(2026, 11, 16)  # Monday of 2026-W47


@pytest.fixture
def objective(admin, cycle, team):
    return f.make_objective(admin, cycle, team, title="Customers love the product")


@pytest.fixture
def kr(admin, objective):
    return f.make_kr(admin, objective, title="NPS from 20 to 40", start=20, target=40)


@pytest.fixture
def item(member, kr):
    return weekly_services.item_create(
        actor=member,
        person=member,
        week=WEEK,
        category="plans",
        text="Call ten customers",
        key_result=kr,
    )


@pytest.fixture
def lena(org, team):
    person = org_services.person_create(
        organization=org, email="lena.okafor@example.test", name="Lena Okafor"
    )
    f.join(team, person)
    return person


@pytest.fixture
def targets(objective, kr, item):
    return {"objective": objective, "key_result": kr, "item": item}
