"""A small organization for the OKR service tests, built through services.

company (Acme N)
├── Engineering (department; lead: Dana Lead, member: Dirk Dept)
│   └── Platform (team; member: Pia Platform)
├── Product (team, from tests/conftest.py; member: Mia Member)
└── Growth (team; member: Gus Growth)
"""

from datetime import date

import pytest

from cadence.okrs.models import Cycle
from cadence.orgs.models import Membership, Unit
from cadence.orgs.selectors import company_unit
from tests import factories as f


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Every fixture person gets a password; the production hasher costs ~0.3 s each."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def company(org):
    return company_unit(org)


@pytest.fixture
def department(org):
    return f.make_unit(org, "Engineering", kind=Unit.Kind.DEPARTMENT)


@pytest.fixture
def platform(org, department):
    return f.make_unit(org, "Platform", parent=department)


@pytest.fixture
def growth(org):
    return f.make_unit(org, "Growth")


@pytest.fixture
def dept_lead(org, department):
    person = f.make_person(org, name="Dana Lead")
    f.join(department, person, role=Membership.Role.LEAD)
    return person


@pytest.fixture
def dept_member(org, department):
    """A plain member of the department: not a lead, so not an editor of its teams."""
    person = f.make_person(org, name="Dirk Dept")
    f.join(department, person)
    return person


@pytest.fixture
def platform_member(org, platform):
    person = f.make_person(org, name="Pia Platform")
    f.join(platform, person)
    return person


@pytest.fixture
def growth_member(org, growth):
    person = f.make_person(org, name="Gus Growth")
    f.join(growth, person)
    return person


@pytest.fixture
def year(admin):
    return f.make_cycle(
        admin, name="2026", kind=Cycle.Kind.YEAR, start=date(2026, 1, 1), end=date(2026, 12, 31)
    )


@pytest.fixture
def q3(admin):
    return f.make_cycle(admin, name="Q3 2026", start=date(2026, 7, 1), end=date(2026, 9, 30))
