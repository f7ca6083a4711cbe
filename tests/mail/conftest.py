"""Something to comment on, and two people to mention by their email names."""

import pytest

from cadence.orgs import services as org_services
from tests import factories as f


@pytest.fixture
def objective(admin, cycle, team):
    return f.make_objective(admin, cycle, team, title="Customers love the product")


def _person(org, team, email, name):
    person = org_services.person_create(organization=org, email=email, name=name)
    f.join(team, person)
    return person


@pytest.fixture
def lena(org, team):
    return _person(org, team, "lena.okafor@example.test", "Lena Okafor")


@pytest.fixture
def omar(org, team):
    return _person(org, team, "omar.haddad@example.test", "Omar Haddad")
