import collections
import os

import pytest
import time_machine
from django.db import transaction
from django.test import override_settings
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from cadence.orgs.models import Organization, Person
from tests import factories as f
from tests.clock import TEST_NOW
from tests.secret_key import TEST_SECRET_KEY
from tests.shared_data import SHARED

# This process's settings were read before this file (pytest-django); the commands that tests
# run in it (`main(["serve", …])`) and the processes they start get a real key too.
os.environ.setdefault("SECRET_KEY", TEST_SECRET_KEY)
if not os.environ.get("DEBUG"):
    from django.conf import settings as _settings

    if _settings.SECRET_KEY == _settings.DEVELOPMENT_SECRET_KEY:
        _settings.SECRET_KEY = os.environ["SECRET_KEY"]

# Generating examples takes longer on a loaded machine (CI runs helpers beside the suite): that
# is not a property of the code under test, so the slowness health check does not fail tests.
hypothesis_settings.register_profile(
    "cadence", suppress_health_check=[HealthCheck.too_slow], deadline=None
)
hypothesis_settings.load_profile("cadence")

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _uses_shared_demo(item) -> bool:
    """True when the test's `demo` is the shared one below (not a module's own `demo`)."""
    info = getattr(item, "_fixtureinfo", None)
    definitions = info.name2fixturedefs.get("demo") if info else None
    return bool(definitions) and definitions[-1].func.__module__ == __name__


def _uses_database(item) -> bool:
    names = set(getattr(item, "fixturenames", ()))
    return bool(
        item.get_closest_marker("django_db")
        or {"db", "transactional_db", "live_server", "django_db_reset_sequences"} & names
    )


def pytest_collection_modifyitems(config, items):
    """Tests that need PostgreSQL skip elsewhere with a reason; under CI=true they must run.
    Tests marked own_sqlite are left out of a run on PostgreSQL (they are the same in both).

    A module whose tests read the shared demo holds it for the whole module (see `_demo_module`),
    so its other database tests would not start from an empty database: they belong elsewhere."""
    from django.db import connection

    readers = {item.module for item in items if _uses_shared_demo(item)}
    mixed = [
        item.nodeid
        for item in items
        if item.module in readers and not _uses_shared_demo(item) and _uses_database(item)
    ]
    if mixed:
        raise pytest.UsageError(
            "these tests share a module with tests of the shared `demo` but not the demo; "
            "move them to a module of their own:\n  " + "\n  ".join(mixed)
        )

    on_postgres = connection.vendor == "postgresql"
    if on_postgres:
        # Tests of installations on SQLite files of their own, on the wall clock, read neither
        # the suite's database nor its clock: they ran, identical, in the run on SQLite.
        same = [item for item in items if "own_sqlite" in item.keywords]
        if same:
            config.hook.pytest_deselected(items=same)
            items[:] = [item for item in items if "own_sqlite" not in item.keywords]
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            if os.environ.get("CI") == "true" and os.environ.get("DATABASE_URL", "").startswith(
                "postgres"
            ):
                continue
            item.add_marker(
                pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL=postgres://…")
            )
    # The longest files first: under pytest-xdist (--dist loadfile) a worker takes the next file
    # when it is done, so a file of several minutes taken last would leave the other worker idle.
    # The other files follow by their number of tests, most first (xdist's own order, which
    # --no-loadscope-reorder in pyproject.toml turns off so that this one holds).
    rank = {path: i for i, path in enumerate(LONGEST_FILES)}
    count = collections.Counter(item.nodeid.split("::")[0] for item in items)

    def order(item):
        path = item.nodeid.split("::")[0]
        return (rank.get(path, len(rank)), 0 if path in rank else -count[path], path)

    items.sort(key=order)


# The suite's longest files, longest first (each a minute or more on two cores): subprocess
# installations, demo loads, browser sweeps.
LONGEST_FILES = [
    "tests/transfer/test_archive_roundtrip.py",
    "tests/transfer/test_archive_roundtrip_back.py",
    "tests/demo/test_loading.py",
    "tests/upgrade/test_upgrade.py",
    "tests/e2e/test_accessibility.py",
    "tests/demo/test_serve.py",
    "tests/scheduling/test_worker_process.py",
    "tests/transfer/test_backup.py",
    "tests/scale/test_multiprocess_pg.py",
    "tests/scale/test_fragment_cache_pg.py",
    "tests/bench/test_harness.py",
    "tests/mailin/test_cli.py",
    "tests/test_visibility.py",
]


# Django's catalogue of models (content types, permissions): written by migrate, read by
# nothing of Cadence's but the archive's row counts, and the same before and after every test.
KEPT_BY_FLUSH = {"django_content_type", "auth_permission"}


@pytest.fixture(scope="session", autouse=True)
def _flush_keeps_the_catalogue():
    """After a transaction=True test the database is emptied (Django's flush) except for the
    catalogue tables, and the post-migrate signal is not sent again: re-creating the catalogue
    and the search indexes' DDL after every such test cost about a second each (measured), the
    largest part of a transactional test on PostgreSQL. The search DDL stays (flush empties
    tables, it drops nothing)."""
    from django.core.management.commands import flush

    original = flush.sql_flush, flush.emit_post_migrate_signal

    def sql_flush(style, connection, reset_sequences=True, allow_cascade=False):
        tables = [
            t
            for t in connection.introspection.django_table_names(
                only_existing=True, include_views=False
            )
            if t not in KEPT_BY_FLUSH
        ]
        return connection.ops.sql_flush(
            style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )

    flush.sql_flush = sql_flush
    flush.emit_post_migrate_signal = lambda *args, **kwargs: None
    try:
        yield
    finally:
        flush.sql_flush, flush.emit_post_migrate_signal = original


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


@pytest.fixture(scope="module")
def _demo_module(django_db_setup, django_db_blocker):
    """The demo, in a transaction of the module's own, rolled back when the module's tests are
    done: built the first time in this process, restored from its snapshot after that
    (tests/shared_data.py)."""
    from cadence.demo.loader import load_demo
    from tests.demo.conftest import TODAY

    def build():
        # On the suite's clock, as tests run (the module's set-up comes before `_frozen_clock`).
        with override_settings(PASSWORD_HASHERS=FAST_HASHERS), time_machine.travel(TEST_NOW):
            return load_demo(today=TODAY).pk

    with django_db_blocker.unblock(), transaction.atomic():
        yield SHARED.get("demo", build)
        transaction.set_rollback(True)


@pytest.fixture
def demo(request, _demo_module, db):
    """The demo organization (tests/demo/conftest.py's TODAY), loaded once for each module that
    reads it (see tests/shared_data.py); what a test writes is rolled back after it. pytest sets
    up the module's transaction first (broader scope), then `db` nests the test's inside it."""
    marker = request.node.get_closest_marker("django_db")
    if {"transactional_db", "live_server"} & set(request.fixturenames) or (
        marker and marker.kwargs.get("transaction")
    ):
        pytest.fail("the shared demo cannot be used by transaction=True or live_server tests")
    return Organization.objects.get(pk=_demo_module)


@pytest.fixture(autouse=True)
def _frozen_clock(request):
    """Every test starts at TEST_NOW (tests/clock.py) and the clock ticks from there; tests
    marked real_clock (they start other processes) keep the wall clock."""
    if request.node.get_closest_marker("real_clock"):
        yield None
        return
    with time_machine.travel(TEST_NOW, tick=True) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def _empty_cache(settings):
    """Every test starts with an empty cache of this process's own (rendered fragments,
    cadence/okrs/fragments.py): what one test rendered is never another's hit, and a CACHE_URL
    in the environment is never emptied by the suite (tests/scale name their own Redis database)."""
    from django.core.cache import cache

    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tests"}
    }
    cache.clear()
    yield


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
