"""A small organization for the alignment tests, built through services.

company (Acme N; admin; lead: Cleo Company)
├── Engineering (department; lead: Dana Lead, member: Dirk Dept)
│   └── Platform (team; member: Pia Platform)
├── Product (team, from tests/conftest.py; member: Mia Member)
└── Growth (team; member: Gus Growth)

``top``: a company objective owned by Olive Owner (a plain member of the company unit).
"""

import pytest

from cadence.orgs.models import Membership, Unit
from cadence.orgs.selectors import company_unit
from tests import factories as f


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
    person = f.make_person(org, name="Dirk Dept")
    f.join(department, person)
    return person


@pytest.fixture
def pia(org, platform):
    person = f.make_person(org, name="Pia Platform")
    f.join(platform, person)
    return person


@pytest.fixture
def gus(org, growth):
    person = f.make_person(org, name="Gus Growth")
    f.join(growth, person)
    return person


@pytest.fixture
def company_lead(org, company):
    person = f.make_person(org, name="Cleo Company")
    f.join(company, person, role=Membership.Role.LEAD)
    return person


@pytest.fixture
def owner(org, company):
    person = f.make_person(org, name="Olive Owner")
    f.join(company, person)
    return person


@pytest.fixture
def top(admin, cycle, company, owner):
    return f.make_objective(
        admin, cycle, company, title="Customers stay with us", owner=owner, state="approved"
    )


@pytest.fixture
def draft(member, cycle, team, top):
    """Product's draft aligned to ``top``, with one key result: ready to propose."""
    objective = f.make_objective(member, cycle, team, title="Onboarding people finish", parent=top)
    f.make_kr(member, objective, title="Onboarding completion from 40% to 70%", start=40, target=70)
    return objective
