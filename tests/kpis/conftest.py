from datetime import date

import pytest

from cadence.kpis import services
from cadence.orgs.models import Membership
from tests import factories as f

TODAY = date(2026, 11, 16)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def lead(org, team):
    person = f.make_person(org, name="Lena Lead")
    f.join(team, person, Membership.Role.LEAD)
    return person


@pytest.fixture
def uptime(lead, team):
    return services.kpi_create(
        actor=lead, unit=team, name="Uptime", band_min=99.5, unit_of_measure="%"
    )


def add(actor, kpi, value, at=TODAY):
    return services.kpi_value_add(actor=actor, kpi=kpi, value=value, at=at, today=TODAY)
