import csv
import io
from datetime import date

import pytest

from cadence.orgs.models import Membership, Unit
from cadence.transfer.columns import CHECK_IN_COLUMNS, OKR_COLUMNS
from cadence.transfer.okr_import import ImportFiles
from tests import factories as f


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def org_admin(db):
    return f.make_org("Importco")


@pytest.fixture
def org(org_admin):
    return org_admin[0]


@pytest.fixture
def admin(org_admin):
    return org_admin[1]


@pytest.fixture
def cycle(admin):
    return f.make_cycle(admin, name="Q4 2026", start=date(2026, 10, 1), end=date(2026, 12, 31))


@pytest.fixture
def engineering(org):
    return f.make_unit(org, "Product & Engineering", kind=Unit.Kind.DEPARTMENT)


@pytest.fixture
def product(org, engineering):
    return f.make_unit(org, "Product", parent=engineering)


@pytest.fixture
def sales(org):
    return f.make_unit(org, "Sales", kind=Unit.Kind.DEPARTMENT)


@pytest.fixture
def owner(org, product):
    person = f.make_person(org, name="Olive Owner")
    f.join(product, person)
    return person


@pytest.fixture
def lead(org, engineering):
    person = f.make_person(org, name="Lee Lead")
    f.join(engineering, person, role=Membership.Role.LEAD)
    return person


def csv_bytes(rows: list[dict], columns=OKR_COLUMNS) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), extrasaction="raise")
    writer.writeheader()
    for row in rows:
        writer.writerow({c: row.get(c, "") for c in columns})
    return out.getvalue().encode()


def files(rows: list[dict], check_ins: list[dict] | None = None) -> ImportFiles:
    return ImportFiles(
        okr_name="okrs.csv",
        okr_data=csv_bytes(rows),
        check_in_name="check-ins.csv" if check_ins is not None else "",
        check_in_data=csv_bytes(check_ins, CHECK_IN_COLUMNS) if check_ins is not None else None,
    )


def okr_row(owner=None, **kw) -> dict:
    row = {
        "cycle": "Q4 2026",
        "unit": "Product & Engineering/Product",
        "objective": "Make onboarding delightful for new teams",
        "commitment": "committed",
        "why": "New teams churn in their first month.",
        "key_result": "Raise week-one activation from 40% to 60%",
        "kind": "metric",
        "start": "40",
        "target": "60",
        "unit_of_measure": "%",
        "weight": "1",
        "owner_email": owner.email if owner else "",
    }
    row.update(kw)
    return row
