import json
import sqlite3
from datetime import date

import pytest

from cadence.integrations import services
from tests import factories as f
from tests.integrations.receiver import running

ALL_EVENTS = [
    "check_in.created",
    "objective.state_changed",
    "weekly_update.submitted",
    "cycle.closed",
    "kpi.left_band",
]


@pytest.fixture
def allow_private(settings):
    settings.ALLOW_PRIVATE_OUTBOUND = True  # the receiver listens on 127.0.0.1


@pytest.fixture
def receiver(allow_private):
    with running() as r:
        yield r


@pytest.fixture
def org_admin(db):
    return f.make_org("Hooked")


@pytest.fixture
def okrs(org_admin):
    org, admin = org_admin
    team = f.make_unit(org, "Platform")
    cycle = f.make_cycle(admin, name="Q4", start=date(2026, 10, 1), end=date(2026, 12, 31))
    objective = f.make_objective(admin, cycle, team, title="Ship the platform")
    kr = f.make_kr(admin, objective, title="Reach 100 customers", start=0, target=100)
    return {
        "org": org,
        "admin": admin,
        "team": team,
        "cycle": cycle,
        "objective": objective,
        "kr": kr,
    }


@pytest.fixture
def hook(receiver, org_admin):
    """A webhook of the organization to the receiver, for every event; the receiver knows its
    secret."""
    _, admin = org_admin
    endpoint, secret = services.webhook_create(
        actor=admin, url=f"{receiver.url}/hooks/cadence", events=ALL_EVENTS
    )
    receiver.secret = secret
    return endpoint


@pytest.fixture
def data_server(allow_private):
    """A server on 127.0.0.1 serving data sources' JSON and CSV (private addresses allowed)."""
    from tests.integrations.data_server import serving

    with serving() as server:
        yield server


@pytest.fixture
def metrics_db(tmp_path, settings):
    """A SQLite file the operator named ``metrics`` (CADENCE_DATA_SOURCES), with a table."""
    path = tmp_path / "metrics.db"
    with sqlite3.connect(path) as db:
        db.execute("create table signups (day text, n integer)")
        db.executemany("insert into signups values (?, ?)", [("mon", 5), ("tue", 8)])
    db.close()
    settings.CADENCE_DATA_SOURCES = json.dumps({"metrics": f"sqlite:///{path}"})
    return path
