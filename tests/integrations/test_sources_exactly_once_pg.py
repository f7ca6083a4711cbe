"""Exactly once on PostgreSQL: workers syncing data sources at the same moment — each due source
fetched once per slot and each new value checked in once, also when "Sync now" and a slot's
retry are raced for, and when a claim's lease runs out while its worker is still fetching.

Real threads with their own database connections against a real server on 127.0.0.1. Skipped
unless DATABASE_URL points at PostgreSQL."""

import json
from datetime import timedelta

import pytest
from django.db import connection

from cadence.integrations import sources
from cadence.integrations.models import DataSource
from cadence.okrs.models import CheckIn
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
