import pytest

from cadence.okrs import services as okr_services
from cadence.orgs.selectors import company_unit
from tests import factories as f

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def company(org):
    return company_unit(org)


@pytest.fixture
def company_objective(admin, cycle, company):
    return f.make_objective(admin, cycle, company, title="Customers stay with us", state="approved")


@pytest.fixture
def objective(member, cycle, team, company_objective):
    """A team objective aligned to the company objective, with two key results."""
    return f.make_objective(
        member, cycle, team, title="Onboarding people finish", parent=company_objective
    )


@pytest.fixture
def kr(member, objective):
    return f.make_kr(
        member,
        objective,
        title="Onboarding completion",
        start=13,
        target=45,
        unit="%",
        owner=member,
    )


@pytest.fixture
def kr2(member, objective):
    return f.make_kr(member, objective, title="Support tickets", start=220, target=120)


@pytest.fixture
def checked_in(member, kr, kr2):
    okr_services.check_in_create(actor=member, key_result=kr, value=29, confidence="on_track")
    okr_services.check_in_create(actor=member, key_result=kr2, value=170, confidence="at_risk")
    return kr


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


@pytest.fixture
def viewer_client(client, viewer):
    client.force_login(viewer)
    return client


@pytest.fixture
def admin_client(client, admin):
    client.force_login(admin)
    return client
