import os

import pytest

from cadence.orgs.models import Person
from tests import factories as f


def pytest_collection_modifyitems(config, items):
    """Tests that need PostgreSQL skip elsewhere with a reason; under CI=true they must run."""
    from django.db import connection

    on_postgres = connection.vendor == "postgresql"
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            if os.environ.get("CI") == "true" and os.environ.get("DATABASE_URL", "").startswith(
                "postgres"
            ):
                continue
            item.add_marker(
                pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL=postgres://…")
            )


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Real hashing is deliberately slow; tests need it correct, not expensive."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def org_admin(db):
    return f.make_org()


@pytest.fixture
def org(org_admin):
    return org_admin[0]


@pytest.fixture
def admin(org_admin):
    return org_admin[1]


@pytest.fixture
def cycle(admin):
    return f.make_cycle(admin, name="Q4 2026")


@pytest.fixture
def team(org):
    return f.make_unit(org, "Product")


@pytest.fixture
def member(org, team):
    person = f.make_person(org, name="Mia Member")
    f.join(team, person)
    return person


@pytest.fixture
def viewer(org):
    return f.make_person(org, role=Person.Role.VIEWER, name="Vera Viewer")


@pytest.fixture
def outsider(db):
    """An admin of another organization: must never see or touch the first one's data."""
    return f.make_org("Other")[1]
