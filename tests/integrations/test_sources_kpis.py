"""Data sources of KPIs, synced by the worker against a real server on 127.0.0.1 (and a SQLite
file): each new reading is a KPI value recorded through ``kpi_value_add`` by the source (no
person entered it), a steady one once per period of the KPI's frequency; leaving the band from
a synced value is told once, like a hand-entered one; a failure streak is told once to the KPI's
owner or whoever set the source; who may set one is who may enter the KPI's values; an archived
KPI's source waits."""

import json
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from hypothesis import given
from hypothesis import strategies as st

from cadence.core.errors import Conflict
from cadence.integrations import sources
from cadence.integrations.models import DataSource
from cadence.kpis import bands
from cadence.kpis import services as kpi_services
from cadence.kpis.models import KpiCrossing, KpiValue
from cadence.mail.models import Delivery
from cadence.orgs import person_services
from cadence.orgs.models import Membership
from tests import factories as f


@pytest.fixture
def kpis(okrs):
    org, team = okrs["org"], okrs["team"]
    lead = f.make_person(org, name="Lena Lead")
    f.join(team, lead, Membership.Role.LEAD)
    member = f.make_person(org, name="Mo Member")
    f.join(team, member)
    kpi = kpi_services.kpi_create(
        actor=lead, unit=team, name="Open bugs", band_max=40, frequency="weekly"
    )
    return {**okrs, "lead": lead, "member": member, "kpi": kpi}


def _serve(server, value):
    return server.serve("/bugs.json", json.dumps({"open": {"count": value}}))


def _json_source(kpis, server, value=35, actor="member", **kw):
    url = _serve(server, value)
    return sources.data_source_set(
        actor=kpis[actor], kpi=kpis["kpi"], kind="http_json", url=url, path="open.count", **kw
    )


def _due(source):
    source.refresh_from_db()
    return source.next_run_at + timedelta(seconds=1)


def _values(kpi):
    return list(KpiValue.objects.filter(kpi=kpi).values_list("at", "value", "source"))


def test_a_kpi_synced_from_json_records_values_from_the_source(kpis, data_server):
    kpi = kpis["kpi"]
    source = _json_source(kpis, data_server)
    assert (source.kpi, source.key_result, source.label) == (kpi, None, "JSON from 127.0.0.1")
    tuesday = _due(source)  # the suite's clock: Monday 23 November 2026; synced at 06:00 UTC
    assert tuesday.date() == date(2026, 11, 24)
    assert sources.sources_sync_due(now=tuesday).recorded == 1
    row = KpiValue.objects.get(kpi=kpi)
    assert (row.value, row.at, row.source, row.entered_by) == (
        35,
        date(2026, 11, 24),
        "JSON from 127.0.0.1",
        None,
    )
    kpi.refresh_from_db()
    assert (kpi.status, kpi.current_value, kpi.current_at) == ("healthy", 35, date(2026, 11, 24))
    source.refresh_from_db()
    assert (source.last_value, source.last_synced_at, source.last_error) == (35, tuesday, "")
    # Sync now, the same day, the same number: no news.
    sources.data_source_request(actor=kpis["member"], kpi=kpi, what="sync")
    assert sources.sources_sync_due(now=tuesday + timedelta(hours=1)).unchanged == 1
    # Wednesday, the same week of a weekly KPI, the same number: no news either.
    wednesday = _due(source)
    assert sources.sources_sync_due(now=wednesday).unchanged == 1
    # A new number on Thursday is recorded.
    _serve(data_server, 38)
    thursday = _due(source)
    assert sources.sources_sync_due(now=thursday).recorded == 1
    # Friday to Sunday, steady: nothing. Monday starts a new (ISO) week: the same number is
    # recorded, so the history shows the KPI was measured that week.
    for _ in range(3):
        assert sources.sources_sync_due(now=_due(source)).unchanged == 1
    monday = _due(source)
    assert monday.date() == date(2026, 11, 30)
    assert sources.sources_sync_due(now=monday).recorded == 1
    assert sources.sources_sync_due(now=_due(source)).unchanged == 1
    assert _values(kpi) == [
        (date(2026, 11, 24), 35, "JSON from 127.0.0.1"),
        (date(2026, 11, 26), 38, "JSON from 127.0.0.1"),
        (date(2026, 11, 30), 38, "JSON from 127.0.0.1"),
    ]


def test_a_kpi_synced_from_csv_and_from_sql(kpis, data_server, metrics_db):
    kpi = kpis["kpi"]
    url = data_server.serve(
        "/bugs.csv", "Week,Open bugs\nW46,31\nW47,33\n", content_type="text/csv"
    )
    source = sources.data_source_set(
        actor=kpis["member"], kpi=kpi, kind="csv", url=url, cell="open bugs"
    )
    assert sources.sources_sync_due(now=_due(source)).recorded == 1
    assert KpiValue.objects.get(kpi=kpi).value == 33
    source = sources.data_source_set(
        actor=kpis["member"],
        kpi=kpi,
        kind="sql",
        connection="metrics",
        query="select sum(n) from signups",
    )
    assert sources.sources_sync_due(now=_due(source)).recorded == 1
    assert _values(kpi)[-1][1:] == (13, "SQL on metrics")
    kpi.refresh_from_db()
    assert kpi.current_value == 13


def test_leaving_the_band_from_a_synced_value_is_told_once(kpis, data_server):
    kpi = kpis["kpi"]
    source = _json_source(kpis, data_server, value=35)
    assert sources.sources_sync_due(now=_due(source)).recorded == 1
    assert not KpiCrossing.objects.exists()
    _serve(data_server, 45)
    assert sources.sources_sync_due(now=_due(source)).recorded == 1
    crossing = KpiCrossing.objects.get(kpi=kpi)
    assert crossing.current_value == 45 and crossing.value.source == "JSON from 127.0.0.1"
    told = Delivery.objects.get(kind=Delivery.Kind.KPI)
    assert told.person == kpis["lead"]
    # Still outside the next day, with another number, and a sync asked twice: nobody is told
    # again.
    _serve(data_server, 47)
    now = _due(source)
    assert sources.sources_sync_due(now=now).recorded == 1
    sources.data_source_request(actor=kpis["member"], kpi=kpi, what="sync")
    assert sources.sources_sync_due(now=now).unchanged == 1
    assert KpiCrossing.objects.count() == 1
    assert Delivery.objects.filter(kind=Delivery.Kind.KPI).count() == 1
    kpi.refresh_from_db()
    assert (kpi.status, kpi.current_value) == ("unhealthy", 47)
    # Back inside, then out again: a second crossing, told once more.
    _serve(data_server, 30)
    sources.sources_sync_due(now=_due(source))
    _serve(data_server, 50)
    sources.sources_sync_due(now=_due(source))
    assert KpiCrossing.objects.count() == 2
    assert Delivery.objects.filter(kind=Delivery.Kind.KPI).count() == 2


@pytest.mark.parametrize("owned", [True, False])
def test_a_failure_streak_is_told_once_to_the_owner_or_whoever_set_it(kpis, data_server, owned):
    kpi = kpis["kpi"]
    owner = f.make_person(kpis["org"], name="Olga Owner")
    if owned:
        kpi_services.kpi_update(actor=kpis["lead"], kpi=kpi, owner=owner)
    source = _json_source(kpis, data_server)
    data_server.serve("/bugs.json", "down", status=503)
    for attempt in range(1, 4):
        assert sources.sources_sync_due(now=_due(source)).failed == 1
        if attempt < 3:
            assert not Delivery.objects.filter(kind="source").exists()
    told = Delivery.objects.get(kind="source")
    assert told.person == (owner if owned else kpis["member"])
    assert "The data source of the KPI" in told.body and "Open bugs" in told.body
    assert "failed 3 times in a row" in told.body and "503" in told.body
    assert "enter a value by hand" in told.body and f"/kpis/{kpi.pk}/source/" in told.body
    assert told.subject == "Data source failing: Open bugs"
    # A fourth failure tells nobody again; a success ends the streak.
    assert sources.sources_sync_due(now=_due(source)).failed == 1
    assert Delivery.objects.filter(kind="source").count() == 1
    _serve(data_server, 12)
    assert sources.sources_sync_due(now=_due(source)).recorded == 1
    source.refresh_from_db()
    assert (source.failures_in_a_row, source.failure_notified, source.last_error) == (0, False, "")
    assert not KpiValue.objects.exclude(value=12).exists()


def test_who_may_set_a_kpis_source_is_who_may_enter_its_values(kpis, data_server):
    org = kpis["org"]
    viewer = f.make_person(org, role="viewer")
    elsewhere = f.make_person(org, name="Gus Growth")
    f.join(f.make_unit(org, "Growth"), elsewhere)
    for person in (viewer, elsewhere):
        with pytest.raises(PermissionDenied):
            _json_source({**kpis, "member": person}, data_server)
    assert not DataSource.objects.exists()
    source = _json_source(kpis, data_server)  # a member of the KPI's unit may
    for person in (viewer, elsewhere):
        with pytest.raises(PermissionDenied):
            sources.data_source_request(actor=person, kpi=kpis["kpi"], what="sync")
        with pytest.raises(PermissionDenied):
            sources.data_source_switch(actor=person, kpi=kpis["kpi"], active=False)
        with pytest.raises(PermissionDenied):
            sources.data_source_delete(actor=person, kpi=kpis["kpi"])
    # The source acts for the member: once they are gone, its syncs fail and record nothing.
    person_services.person_deactivate(actor=kpis["admin"], person=kpis["member"])
    assert sources.sources_sync_due(now=_due(source)).failed == 1
    source.refresh_from_db()
    assert "no longer active" in source.last_error
    assert not KpiValue.objects.exists()


def test_the_source_needs_its_person_still_allowed_to_enter_values(kpis, data_server):
    from cadence.orgs import unit_services

    source = _json_source(kpis, data_server)
    unit_services.membership_remove(actor=kpis["admin"], unit=kpis["team"], person=kpis["member"])
    assert sources.sources_sync_due(now=_due(source)).failed == 1
    source.refresh_from_db()
    assert source.last_error == (
        "The value was refused: Only members of Platform, its leads and admins may do this."
    )
    assert not KpiValue.objects.exists()


def test_an_archived_kpis_source_waits_until_it_is_restored(kpis, data_server):
    kpi = kpis["kpi"]
    source = _json_source(kpis, data_server)
    kpi_services.kpi_archive(actor=kpis["lead"], kpi=kpi)
    now = _due(source)
    summary = sources.sources_sync_due(now=now)
    assert (summary.recorded, summary.failed, summary.tested) == (0, 0, 0)
    assert data_server.requests == []
    with pytest.raises(Conflict, match="archived"):
        sources.data_source_request(actor=kpis["member"], kpi=kpi, what="test")
    with pytest.raises(Conflict, match="archived"):
        _json_source(kpis, data_server, value=1)
    # It may still be switched off or removed.
    sources.data_source_switch(actor=kpis["member"], kpi=kpi, active=False)
    sources.data_source_switch(actor=kpis["member"], kpi=kpi, active=True)
    kpi_services.kpi_restore(actor=kpis["lead"], kpi=kpi)
    assert sources.sources_sync_due(now=_due(source)).recorded == 1


def test_a_key_result_and_a_kpi_each_have_their_own_source(kpis, data_server):
    kr_source = sources.data_source_set(
        actor=kpis["admin"],
        key_result=kpis["kr"],
        kind="http_json",
        url=_serve(data_server, 20),
        path="open.count",
    )
    kpi_source = _json_source(kpis, data_server, value=20)
    assert kr_source.pk != kpi_source.pk and DataSource.objects.count() == 2
    summary = sources.sources_sync_due(now=max(_due(kr_source), _due(kpi_source)))
    assert summary.recorded == 2
    assert kpis["kr"].check_ins.get().value == 20
    assert KpiValue.objects.get().value == 20
    # Removing the KPI's source leaves the key result's and the KPI's values.
    sources.data_source_delete(actor=kpis["member"], kpi=kpis["kpi"])
    assert list(DataSource.objects.all()) == [kr_source]
    assert KpiValue.objects.get().source == "JSON from 127.0.0.1"


def test_a_source_has_exactly_one_target(kpis):
    fields = {
        "organization": kpis["org"],
        "kind": "http_json",
        "url": "https://example.com/x.json",
        "next_run_at": kpis["kpi"].created_at,
    }
    for targets in ({}, {"key_result": kpis["kr"], "kpi": kpis["kpi"]}):
        with pytest.raises(IntegrityError), transaction.atomic():
            DataSource.objects.create(**fields, **targets)
    for targets in ({}, {"key_result": kpis["kr"], "kpi": kpis["kpi"]}):
        with pytest.raises(TypeError):
            sources.data_source_set(actor=kpis["admin"], kind="http_json", **targets)


# The rule of news (pure) ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("frequency", "current_at", "on", "news"),
    [
        ("daily", date(2026, 11, 24), date(2026, 11, 24), False),
        ("daily", date(2026, 11, 23), date(2026, 11, 24), True),
        ("weekly", date(2026, 11, 23), date(2026, 11, 29), False),  # Monday → Sunday
        ("weekly", date(2026, 11, 29), date(2026, 11, 30), True),  # Sunday → Monday
        ("weekly", date(2026, 12, 28), date(2027, 1, 3), False),  # ISO week 53 of 2026
        ("monthly", date(2026, 11, 1), date(2026, 11, 30), False),
        ("monthly", date(2026, 11, 30), date(2026, 12, 1), True),
        ("quarterly", date(2026, 10, 1), date(2026, 12, 31), False),
        ("quarterly", date(2026, 12, 31), date(2027, 1, 1), True),
    ],
)
def test_a_steady_reading_is_news_once_per_period(frequency, current_at, on, news):
    assert (
        bands.is_news(7, on=on, current_value=7, current_at=current_at, frequency=frequency) is news
    )


@given(
    value=st.floats(allow_nan=False, allow_infinity=False),
    current=st.none() | st.floats(allow_nan=False, allow_infinity=False),
    current_at=st.dates(min_value=date(2000, 1, 1), max_value=date(2200, 12, 31)),
    gap=st.integers(min_value=0, max_value=400),
    frequency=st.sampled_from(["daily", "weekly", "monthly", "quarterly"]),
)
def test_news_is_a_first_value_a_new_number_or_a_new_period(
    value, current, current_at, gap, frequency
):
    on = current_at + timedelta(days=gap)
    news = bands.is_news(
        value, on=on, current_value=current, current_at=current_at, frequency=frequency
    )
    if current is None or value != current:
        assert news
    else:
        assert news == (bands.period_of(on, frequency) != bands.period_of(current_at, frequency))
        if gap == 0:
            assert not news
