import os

import pytest
from django.test import override_settings

from cadence.orgs.models import Organization, Person
from tests import factories as f
from tests.shared_data import SHARED

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _uses_shared_demo(item) -> bool:
    """True when the test's `demo` is the shared one below (not a module's own `demo`)."""
    info = getattr(item, "_fixtureinfo", None)
    definitions = info.name2fixturedefs.get("demo") if info else None
    return bool(definitions) and definitions[-1].func.__module__ == __name__


def pytest_collection_modifyitems(config, items):
    """Tests that need PostgreSQL skip elsewhere with a reason; under CI=true they must run.

    The tests that read the shared demo run one after another (from where the first of them
    was), so it is loaded once; pytest-django has already put database tests first."""
    from django.db import connection

    readers = [item for item in items if _uses_shared_demo(item)]
    if readers:
        first = items.index(readers[0])
        others = [item for item in items if not _uses_shared_demo(item)]
        items[:] = others[:first] + readers + others[first:]

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


# Under pytest-xdist (`make test`), the tests of each group run in one worker: the shared demo's
# readers (one load), the browser tests (one Chromium, one live server) and the query counts
# (one world); every other test goes wherever a worker is free. (xdist's own --dist loadgroup
# does not work with pytest 9: it renames node ids through an attribute pytest no longer reads.)
XDIST_GROUPS = {
    "tests/demo/": "demo",
    "tests/alignment/test_demo.py": "demo",
    "tests/e2e/": "browser",
    "tests/test_query_counts.py": "query-counts",
}


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    from xdist.scheduler import LoadScopeScheduling

    class GroupScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            path = nodeid.split("::", 1)[0]
            for prefix, group in XDIST_GROUPS.items():
                if path.startswith(prefix):
                    return group
            return nodeid

    return GroupScheduling(config, log)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """The test database's connections (pytest-django's hook; it keeps the -n worker suffix).

    CONN_MAX_AGE 0: a live-server thread closes its connection after each request, so none is
    left open (by a browser that keeps its socket alive) when the test database is dropped.
    On PostgreSQL, commits do not wait for the disk (migrations, transaction=True tests): a
    crash could lose the last commits of a database that is thrown away anyway."""
    from django.db import connections

    for alias in connections:
        settings_dict = connections[alias].settings_dict
        settings_dict["CONN_MAX_AGE"] = 0
        if settings_dict["ENGINE"] == "django.db.backends.postgresql":
            options = settings_dict.setdefault("OPTIONS", {})
            options["options"] = f"{options.get('options', '')} -c synchronous_commit=off".strip()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """A test that does not read the shared demo starts from an empty database."""
    if not _uses_shared_demo(item):
        SHARED.release()


@pytest.fixture(scope="session")
def _shared_data(django_db_setup):
    """Rolls the shared data back before the test database is destroyed."""
    yield SHARED
    SHARED.release()


@pytest.fixture
def _demo_loaded(request, _shared_data, django_db_blocker):
    """Loads the shared demo (or finds it loaded); set up before `db`, which nests inside it."""
    from cadence.demo.loader import load_demo
    from tests.demo.conftest import TODAY

    marker = request.node.get_closest_marker("django_db")
    if {"transactional_db", "live_server"} & set(request.fixturenames) or (
        marker and marker.kwargs.get("transaction")
    ):
        pytest.fail("the shared demo cannot be used by transaction=True or live_server tests")

    def build():
        with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
            return load_demo(today=TODAY).pk

    return _shared_data.get("demo", build, django_db_blocker)


@pytest.fixture
def demo(_demo_loaded, db):
    """The demo organization (tests/demo/conftest.py's TODAY), loaded once for all the tests that
    read it in a row (see tests/shared_data.py); what a test writes is rolled back after it."""
    return Organization.objects.get(pk=_demo_loaded)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Real hashing is deliberately slow; tests need it correct, not expensive."""
    settings.PASSWORD_HASHERS = FAST_HASHERS


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
