"""A small organization for the export tests, built through services.

company (Acme N, time zone Europe/Berlin)      "Grow revenue" (company, approved, no key result)
├── Product (department)
│   └── Web (team; Wes Web)                    "Café — Zürich launch" (aligned to Grow revenue,
│                                               approved, one key result checked in at 40)
└── Sales (team; Sam Sales)                    '=HYPERLINK("http://evil.test","click")' (draft)
"""

from datetime import UTC, date, datetime

import pytest

from cadence.okrs import services as okr_services
from cadence.orgs import services as org_services
from cadence.orgs.models import Unit
from cadence.orgs.selectors import company_unit
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
