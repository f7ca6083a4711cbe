"""SQL data sources on the operator's named connections: a real SQLite file (opened read-only)
and, marked postgres, a real PostgreSQL database (a scratch table made through a separate
connection). One row of one number, read-only, one statement; otherwise a clear error."""

import json
import sqlite3
from datetime import timedelta
from decimal import Decimal
from urllib.parse import quote

import pytest
from django.db import connection

from cadence.integrations import fetch, sources, values
from cadence.integrations.values import ValueProblem
from cadence.okrs.models import CheckIn


def test_a_sqlite_query_checks_in_its_number(okrs, metrics_db):
    source = sources.data_source_set(
        actor=okrs["admin"],
        key_result=okrs["kr"],
        kind="sql",
        connection="metrics",
        query="select sum(n) from signups",
    )
    assert source.label == "SQL on metrics"
    assert sources.sources_sync_due(now=source.next_run_at + timedelta(seconds=1)).recorded == 1
    check_in = CheckIn.objects.get()
    assert (check_in.value, check_in.source) == (13, "SQL on metrics")


@pytest.mark.parametrize(
    ("query", "problem"),
    [
        ("select n from signups", "more than one row"),
        ("select n from signups where day = 'sun'", "no row"),
        ("select day, n from signups limit 1", "2 columns"),
        ("select day from signups limit 1", "not a number"),
        ("delete from signups", "readonly"),
        ("select 1; delete from signups", "one statement"),
        ("select * from nowhere", "no such table"),
    ],
)
def test_sqlite_problems_are_said_and_nothing_is_written(metrics_db, query, problem):
    with pytest.raises(ValueProblem) as caught:
        values.sql_value(fetch.sql_rows("metrics", query))
    assert problem in str(caught.value).lower()
    with sqlite3.connect(metrics_db) as db:
        assert db.execute("select count(*) from signups").fetchone() == (2,)
    db.close()


def test_only_the_operators_names_are_used(okrs, metrics_db):
    with pytest.raises(ValueProblem, match="no connection 'other'"):
        fetch.sql_rows("other", "select 1")
    with pytest.raises(Exception, match="There is no connection 'sqlite:///x.db'"):
        sources.data_source_set(
            actor=okrs["admin"],
            key_result=okrs["kr"],
            kind="sql",
            connection="sqlite:///x.db",
            query="select 1",
        )


@pytest.fixture
def scratch_table(db):
    """A table in the test's PostgreSQL database, made and filled through a connection of its
    own (committed, so the source's own connection sees it); yields the database's URL."""
    import psycopg

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only (DATABASE_URL)")
    p = connection.get_connection_params()
    password = f":{quote(p['password'])}" if p.get("password") else ""
    url = (
        f"postgresql://{quote(p['user'])}{password}@{p.get('host') or '127.0.0.1'}:"
        f"{p.get('port') or 5432}/{quote(p['dbname'])}"
    )
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute("drop table if exists source_scratch")
        admin.execute("create table source_scratch (team text, revenue numeric)")
        admin.execute("insert into source_scratch values ('a', 1200.5), ('b', 300)")
    yield url
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute("drop table if exists source_scratch")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_postgres_query_runs_read_only(okrs, scratch_table, settings):
    settings.CADENCE_DATA_SOURCES = json.dumps({"warehouse": scratch_table})
    assert fetch.sql_rows("warehouse", "select sum(revenue) from source_scratch") == [
        (Decimal("1500.5"),)
    ]
    for query, problem in (
        ("delete from source_scratch", "read-only transaction"),
        ("commit; delete from source_scratch", "one statement"),
        ("select team from source_scratch where team = 'a'", "not a number"),
        ("select revenue from source_scratch", "more than one row"),
    ):
        with pytest.raises(ValueProblem, match=problem):
            values.sql_value(fetch.sql_rows("warehouse", query))
    assert fetch.sql_rows("warehouse", "select count(*) from source_scratch") == [(2,)]
    source = sources.data_source_set(
        actor=okrs["admin"],
        key_result=okrs["kr"],
        kind="sql",
        connection="warehouse",
        query="select revenue from source_scratch where team = 'a'",
    )
    assert sources.sources_sync_due(now=source.next_run_at + timedelta(seconds=1)).recorded == 1
    assert CheckIn.objects.get().value == 1200.5
