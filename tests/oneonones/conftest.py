"""A lead of Product, a member of it (the suite's ``member``) and their weekly 1:1, on Tuesdays
at 10:00 UTC: at the suite's clock (Monday 23 November 2026, 10:00 UTC) the next one is Tuesday
24 November, 10:00."""

from datetime import UTC, date, datetime, time

import pytest

from cadence.oneonones import services
from cadence.orgs.models import Membership
from tests import factories as f

NEXT = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)


@pytest.fixture
def lead(org, team):
    person = f.make_person(org, name="Leo Lead")
    f.join(team, person, role=Membership.Role.LEAD)
    return person


@pytest.fixture
def pair(lead, member):
    return services.pair_create(
        actor=lead,
        member=member,
        frequency="weekly",
        weekday=1,
        at=time(10, 0),
        minutes=30,
        starts_on=date(2026, 11, 1),
    )


@pytest.fixture
def other_lead(org):
    """A lead of another team of the same organization."""
    unit = f.make_unit(org, "Sales")
    person = f.make_person(org, name="Olga Otherlead")
    f.join(unit, person, role=Membership.Role.LEAD)
    return person
