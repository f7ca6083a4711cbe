"""A small organization for the export tests, built through services.

company (Acme N, time zone Europe/Berlin)      "Grow revenue" (company, approved, no key result)
├── Product (department)
│   └── Web (team; Wes Web)                    "Café — Zürich launch" (aligned to Grow revenue,
│                                               approved, one key result checked in at 40)
└── Sales (team; Sam Sales)                    '=HYPERLINK("http://evil.test","click")' (draft)
"""

import csv
import io
from datetime import UTC, date, datetime

import pytest

from cadence.okrs import services as okr_services
from cadence.orgs import services as org_services
from cadence.orgs.models import Membership, Unit
from cadence.orgs.selectors import company_unit
from cadence.transfer.columns import CHECK_IN_COLUMNS, OKR_COLUMNS
from cadence.transfer.okr_import import ImportFiles
from cadence.weekly import services as weekly_services
from tests import factories as f

EVIL = '=HYPERLINK("http://evil.test","click")'


@pytest.fixture
def world(org, admin, cycle):
    org_services.organization_update(actor=admin, organization=org, time_zone="Europe/Berlin")
    org.refresh_from_db()
    product = f.make_unit(org, "Product", kind=Unit.Kind.DEPARTMENT)
    web = f.make_unit(org, "Web", parent=product)
    sales = f.make_unit(org, "Sales")
    wes = f.make_person(org, name="Wes Web")
    f.join(web, wes)
    sam = f.make_person(org, name="Sam Sales")
    f.join(sales, sam)
    grow = f.make_objective(admin, cycle, company_unit(org), title="Grow revenue", state="approved")
    launch = f.make_objective(
        admin,
        cycle,
        web,
        title="Café — Zürich launch",
        why="Customers in Zürich asked for it",
        parent=grow,
        owner=wes,
        state="approved",
    )
    kr = f.make_kr(
        admin, launch, title="Reach 100 signups in Zürich", unit="signups", owner=wes, weight=2
    )
    okr_services.check_in_create(
        actor=admin,
        key_result=kr,
        value=40,
        confidence="at_risk",
        note="-slow start",
        # 23:30 in UTC is the next day in Berlin.
        at=datetime(2026, 11, 10, 23, 30, tzinfo=UTC),
    )
    evil = f.make_objective(admin, cycle, sales, title=EVIL)
    evil_kr = f.make_kr(admin, evil, title="+1 deal a week", start=-10, target=-2)
    plan = weekly_services.item_create(
        actor=wes, person=wes, week=date(2026, 11, 23), category="plans", text="Ship the page"
    )
    weekly_services.item_create(
        actor=wes,
        person=wes,
        week=date(2026, 11, 23),
        category="problems",
        text="@team the build is red",
        objective=launch,
    )
    # Last week, past its deadline: late.
    weekly_services.item_create(
        actor=sam, person=sam, week=date(2026, 11, 17), category="plans", text="Call Zoë"
    )
    # Before the cycle: not in its export.
    weekly_services.item_create(
        actor=sam, person=sam, week=date(2026, 9, 21), category="plans", text="Old plan"
    )
    return {
        "org": org,
        "admin": admin,
        "cycle": cycle,
        "product": product,
        "web": web,
        "sales": sales,
        "wes": wes,
        "sam": sam,
        "grow": grow,
        "launch": launch,
        "kr": kr,
        "evil": evil,
        "evil_kr": evil_kr,
        "plan": plan,
    }


# The import tests' units, people and files (the organization, admin and Q4 2026 cycle are the
# suite's own fixtures).


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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
