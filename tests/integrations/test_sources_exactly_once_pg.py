"""Exactly once on PostgreSQL: workers syncing data sources at the same moment — each due source
fetched once per slot and each new value checked in once, also when "Sync now" and a slot's
retry are raced for, and when a claim's lease runs out while its worker is still fetching. The
same for KPIs' sources: each new value recorded once, each KPI leaving its band told once, also
when a person enters a value at the moment a worker records one.

Real threads with their own database connections against a real server on 127.0.0.1. Skipped
unless DATABASE_URL points at PostgreSQL."""

import json
from datetime import timedelta

import pytest
from django.db import connection

from cadence.integrations import sources
from cadence.integrations.models import DataSource
from cadence.kpis import services as kpi_services
from cadence.kpis.models import KpiCrossing, KpiValue
from cadence.mail.models import Delivery
from cadence.okrs.models import CheckIn
from cadence.orgs.models import Membership
from tests import factories as f
from tests.concurrency import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

SOURCES = 12
WORKERS = 4


def _sources(okrs, server, n=SOURCES):
    made = []
    for i in range(n):
        kr = f.make_kr(okrs["admin"], okrs["objective"], title=f"Reach {i} signups", target=100)
        url = server.serve(f"/s{i}.json", json.dumps({"value": i + 1}))
        made.append(
            sources.data_source_set(
                actor=okrs["admin"], key_result=kr, kind="http_json", url=url, path="value"
            )
        )
    return made


def test_workers_at_once_sync_each_source_once(okrs, data_server):
    assert connection.vendor == "postgresql"
    made = _sources(okrs, data_server)
    now = max(s.next_run_at for s in made) + timedelta(seconds=1)
    summaries = run_together(
        [lambda: sources.sources_sync_due(now=now)] * WORKERS, what="a source worker"
    )
    assert sum(s.recorded for s in summaries) == SOURCES
    assert all(data_server.hits(f"/s{i}.json") == 1 for i in range(SOURCES))
    assert CheckIn.objects.filter(source__gt="").count() == SOURCES
    # Whole worker turns at once afterwards: nothing is due until tomorrow's hour.
    run_together([lambda: sources.worker_turn(now=now)] * WORKERS, what="a worker turn")
    assert len(data_server.requests) == SOURCES
    # Sync now on every source, raced for by the workers: fetched once more each; the value is
    # the same, so no check-in.
    for source in made:
        sources.data_source_request(actor=okrs["admin"], key_result=source.key_result, what="sync")
    summaries = run_together([lambda: sources.sources_sync_due(now=now)] * WORKERS)
    assert sum(s.unchanged for s in summaries) == SOURCES
    assert len(data_server.requests) == 2 * SOURCES
    assert CheckIn.objects.count() == SOURCES


def test_retries_of_failed_slots_are_each_made_once(okrs, data_server):
    made = _sources(okrs, data_server, 6)
    for i in range(6):
        data_server.serve(f"/s{i}.json", "down", status=500)
    now = max(s.next_run_at for s in made) + timedelta(seconds=1)
    run_together([lambda: sources.sources_sync_due(now=now)] * WORKERS)
    assert len(data_server.requests) == 6
    for i in range(6):
        data_server.serve(f"/s{i}.json", json.dumps({"value": 50 + i}))
    later = now + timedelta(minutes=11)
    summaries = run_together([lambda: sources.sources_sync_due(now=later)] * WORKERS)
    assert sum(s.recorded for s in summaries) == 6
    assert len(data_server.requests) == 12
    assert set(DataSource.objects.values_list("failures_in_a_row", "slot_attempts")) == {(0, 0)}


def test_a_lapsed_claim_records_nothing(okrs, data_server):
    """A worker whose lease ran out while it fetched finds its claim taken: the value is checked
    in by the worker holding the claim, once."""
    (source,) = _sources(okrs, data_server, 1)
    now = source.next_run_at + timedelta(seconds=1)
    slow = sources.source_claim(source_id=source.pk, now=now, lease=timedelta(seconds=1))
    later = now + timedelta(seconds=2)
    fast = sources.source_claim(source_id=source.pk, now=later)
    assert slow is not None and fast is not None and slow.claim_token != fast.claim_token
    outcomes = run_together(
        [
            lambda: sources.source_record(
                source=slow, outcome=sources.source_fetch(slow), now=later
            ),
            lambda: sources.source_record(
                source=fast, outcome=sources.source_fetch(fast), now=later
            ),
        ]
    )
    assert sorted(outcomes) == ["", "recorded"]
    assert CheckIn.objects.count() == 1


# KPIs ---------------------------------------------------------------------------------------


def _kpi_sources(okrs, server, n=SOURCES):
    """KPIs of the team (healthy at most 40) with sources; the even ones read a number outside
    the band. The team has a lead, who is told."""
    lead = f.make_person(okrs["org"], name="Lena Lead")
    f.join(okrs["team"], lead, Membership.Role.LEAD)
    made = []
    for i in range(n):
        kpi = kpi_services.kpi_create(
            actor=okrs["admin"], unit=okrs["team"], name=f"Queue {i}", band_max=40
        )
        url = server.serve(f"/k{i}.json", json.dumps({"value": 50 + i if i % 2 == 0 else i}))
        made.append(
            sources.data_source_set(
                actor=okrs["admin"], kpi=kpi, kind="http_json", url=url, path="value"
            )
        )
    return made


def test_workers_at_once_record_each_kpis_value_once_and_tell_each_crossing_once(okrs, data_server):
    made = _kpi_sources(okrs, data_server)
    krs = _sources(okrs, data_server, 4)  # key results' sources in the same turns
    now = max(s.next_run_at for s in made + krs) + timedelta(seconds=1)
    summaries = run_together([lambda: sources.sources_sync_due(now=now)] * WORKERS)
    assert sum(s.recorded for s in summaries) == SOURCES + 4
    assert all(data_server.hits(f"/k{i}.json") == 1 for i in range(SOURCES))
    assert KpiValue.objects.filter(source="JSON from 127.0.0.1").count() == SOURCES
    assert CheckIn.objects.filter(source__gt="").count() == 4
    outside = SOURCES // 2
    assert KpiCrossing.objects.count() == outside
    assert Delivery.objects.filter(kind=Delivery.Kind.KPI).count() == outside
    # Sync now on every KPI's source, raced for: fetched once more each, the same number the
    # same day is no news, nobody is told again.
    for source in made:
        sources.data_source_request(actor=okrs["admin"], kpi=source.kpi, what="sync")
    summaries = run_together([lambda: sources.sources_sync_due(now=now)] * WORKERS)
    assert sum(s.unchanged for s in summaries) == SOURCES
    assert all(data_server.hits(f"/k{i}.json") == 2 for i in range(SOURCES))
    assert KpiValue.objects.count() == SOURCES and KpiCrossing.objects.count() == outside
    assert Delivery.objects.filter(kind=Delivery.Kind.KPI).count() == outside


def test_a_lapsed_claim_on_a_kpis_source_records_nothing(okrs, data_server):
    (source,) = _kpi_sources(okrs, data_server, 1)  # reads 50: outside the band
    now = source.next_run_at + timedelta(seconds=1)
    slow = sources.source_claim(source_id=source.pk, now=now, lease=timedelta(seconds=1))
    later = now + timedelta(seconds=2)
    fast = sources.source_claim(source_id=source.pk, now=later)
    outcomes = run_together(
        [
            lambda: sources.source_record(
                source=slow, outcome=sources.source_fetch(slow), now=later
            ),
            lambda: sources.source_record(
                source=fast, outcome=sources.source_fetch(fast), now=later
            ),
        ]
    )
    assert sorted(outcomes) == ["", "recorded"]
    assert KpiValue.objects.count() == KpiCrossing.objects.count() == 1
    assert Delivery.objects.filter(kind=Delivery.Kind.KPI).count() == 1


def test_a_synced_value_and_one_entered_by_hand_at_once_tell_the_crossing_once(okrs, data_server):
    (source,) = _kpi_sources(okrs, data_server, 1)  # the source reads 50: outside the band
    kpi = source.kpi
    now = source.next_run_at + timedelta(seconds=1)
    day = now.date()  # the organization's time zone is UTC
    kpi_services.kpi_value_add(actor=okrs["admin"], kpi=kpi, value=30, at=day, today=day)
    claimed = sources.source_claim(source_id=source.pk, now=now)
    outcome = sources.source_fetch(claimed)
    results = run_together(
        [
            lambda: sources.source_record(source=claimed, outcome=outcome, now=now),
            lambda: kpi_services.kpi_value_add(
                actor=okrs["admin"], kpi=kpi, value=60, at=day, today=day
            ),
        ]
    )
    assert "recorded" in results
    assert KpiValue.objects.count() == 3
    assert KpiCrossing.objects.count() == 1
    assert Delivery.objects.filter(kind=Delivery.Kind.KPI).count() == 1
