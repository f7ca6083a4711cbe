"""Data sources synced by the worker against a real server on 127.0.0.1: JSON and CSV, a check-in
only when the value changed (authored by the source), header secrets sent, "Sync now" and
"Test", failures with retries, and the owner told once at the third failure in a row."""

import datetime
import json
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied

from cadence.core.errors import Conflict
from cadence.integrations import sources
from cadence.integrations.models import DataSource
from cadence.mail.models import Delivery
from cadence.okrs.models import CheckIn
from cadence.orgs import person_services
from tests import factories as f


def _json_source(okrs, server, value=42, **kw):
    url = server.serve("/metrics.json", json.dumps({"data": {"items": [{"value": value}]}}))
    return sources.data_source_set(
        actor=okrs["admin"],
        key_result=okrs["kr"],
        kind="http_json",
        url=url,
        path="data.items[0].value",
        **kw,
    )


def _due(source):
    source.refresh_from_db()
    return source.next_run_at + timedelta(seconds=1)


def test_a_new_value_is_checked_in_by_the_source_and_an_unchanged_one_is_not(okrs, data_server):
    source = _json_source(okrs, data_server, headers={"Authorization": "Bearer s3cret"})
    now = _due(source)
    summary = sources.sources_sync_due(now=now)
    assert (summary.recorded, summary.failed) == (1, 0)
    check_in = CheckIn.objects.get(key_result=okrs["kr"])
    assert check_in.value == 42 and check_in.author is None
    assert check_in.source == "JSON from 127.0.0.1" == source.label
    okrs["kr"].refresh_from_db()
    assert okrs["kr"].current == 42
    # The secret header went with the request.
    assert data_server.requests[-1][1]["authorization"] == "Bearer s3cret"
    source.refresh_from_db()
    assert source.last_value == 42 and source.last_synced_at == now and not source.last_error
    # The next day at the organization's hour (06:00 UTC by default), the same value: no
    # check-in.
    assert source.next_run_at > now
    assert source.next_run_at.astimezone(datetime.UTC).hour == 6
    assert sources.sources_sync_due(now=now).recorded == 0  # not due again the same day
    later = _due(source)
    assert sources.sources_sync_due(now=later).unchanged == 1
    assert CheckIn.objects.filter(key_result=okrs["kr"]).count() == 1
    # A new value the day after: a second check-in.
    data_server.serve("/metrics.json", json.dumps({"data": {"items": [{"value": 57.5}]}}))
    assert sources.sources_sync_due(now=_due(source)).recorded == 1
    assert list(CheckIn.objects.filter(key_result=okrs["kr"]).values_list("value", flat=True)) == [
        42,
        57.5,
    ]


def test_csv_by_cell_and_by_column(okrs, data_server):
    url = data_server.serve(
        "/sheet.csv",
        'Month,Revenue,Customers\nJan,"1,200",10\nFeb,1500,12\nMar,,\n',
        content_type="text/csv",
    )
    source = sources.data_source_set(
        actor=okrs["admin"], key_result=okrs["kr"], kind="csv", url=url, cell="C3"
    )
    assert sources.sources_sync_due(now=_due(source)).recorded == 1
    assert okrs["kr"].check_ins.last().value == 12
    sources.data_source_set(
        actor=okrs["admin"], key_result=okrs["kr"], kind="csv", url=url, cell="revenue"
    )
    assert sources.sources_sync_due(now=_due(source)).recorded == 1
    assert okrs["kr"].check_ins.last().value == 1500  # the last non-empty value


def test_sync_now_runs_at_the_next_turn_and_keeps_the_daily_time(okrs, data_server):
    source = _json_source(okrs, data_server)
    scheduled = source.next_run_at
    now = scheduled - timedelta(hours=3)
    assert sources.sources_sync_due(now=now).recorded == 0  # not due, nothing asked
    assert data_server.hits("/metrics.json") == 0
    sources.data_source_request(actor=okrs["admin"], key_result=okrs["kr"], what="sync")
    source.refresh_from_db()
    assert source.requested == "sync"
    assert sources.sources_sync_due(now=now).recorded == 1
    source.refresh_from_db()
    assert source.requested == "" and source.next_run_at == scheduled
    assert sources.sources_sync_due(now=now).recorded == 0  # asked once, synced once


def test_a_test_shows_the_value_and_records_nothing(okrs, data_server):
    source = _json_source(okrs, data_server, value="1,234")
    now = source.next_run_at - timedelta(hours=1)
    sources.data_source_request(actor=okrs["admin"], key_result=okrs["kr"], what="test")
    assert sources.sources_sync_due(now=now).tested == 1
    source.refresh_from_db()
    assert source.test_result == "Found 1234." and source.tested_at == now
    assert not CheckIn.objects.exists() and source.requested == ""


def test_failures_are_retried_shown_and_told_once_at_the_third(okrs, data_server):
    source = _json_source(okrs, data_server)
    data_server.serve("/metrics.json", "down", status=503)
    now = _due(source)
    assert sources.sources_sync_due(now=now).failed == 1
    source.refresh_from_db()
    assert source.last_error == "The address answered 503."
    assert source.failures_in_a_row == 1 and source.next_run_at == now + timedelta(minutes=10)
    now = _due(source)
    assert sources.sources_sync_due(now=now).failed == 1
    source.refresh_from_db()
    assert source.next_run_at == now + timedelta(hours=1)
    assert not Delivery.objects.filter(kind="source").exists()
    now = _due(source)
    assert sources.sources_sync_due(now=now).failed == 1
    source.refresh_from_db()
    # The slot's attempts are spent: the next try is the next day's hour.
    assert source.failures_in_a_row == 3 and source.next_run_at > now + timedelta(hours=12)
    told = Delivery.objects.get(kind="source")
    assert told.person == okrs["admin"]  # the person who set it (the key result has no owner)
    assert "failed 3 times in a row" in told.body and "503" in told.body
    # A fourth failure tells nobody again; a success ends the streak.
    assert sources.sources_sync_due(now=_due(source)).failed == 1
    assert Delivery.objects.filter(kind="source").count() == 1
    data_server.serve("/metrics.json", json.dumps({"data": {"items": [{"value": 3}]}}))
    assert sources.sources_sync_due(now=_due(source)).recorded == 1
    source.refresh_from_db()
    assert (source.failures_in_a_row, source.failure_notified, source.last_error) == (0, False, "")


def test_the_owner_is_told(okrs, data_server):
    owner = f.make_person(okrs["org"], name="Olga Owner")
    from cadence.okrs import services as okr_services

    okr_services.key_result_update(actor=okrs["admin"], key_result=okrs["kr"], owner=owner)
    source = _json_source(okrs, data_server)
    data_server.serve("/metrics.json", "{}")
    for _ in range(3):
        sources.sources_sync_due(now=_due(source))
    source.refresh_from_db()
    assert source.last_error == "data: there is no such key."
    assert Delivery.objects.get(kind="source").person == owner


def test_a_source_acts_for_an_active_person_with_the_right_to_check_in(okrs, data_server):
    member = f.make_person(okrs["org"])
    with pytest.raises(PermissionDenied):
        _json_source({**okrs, "admin": member}, data_server)
    source = _json_source(okrs, data_server)
    other_admin = f.make_person(okrs["org"], role="admin")
    person_services.person_deactivate(actor=other_admin, person=okrs["admin"])
    assert sources.sources_sync_due(now=_due(source)).failed == 1
    source.refresh_from_db()
    assert "no longer active" in source.last_error
    assert not CheckIn.objects.exists()


def test_a_milestone_refuses_another_number_with_a_clear_error(okrs, data_server):
    from cadence.okrs import services as okr_services

    milestone = okr_services.key_result_create(
        actor=okrs["admin"], objective=okrs["objective"], title="Launch the beta", kind="milestone"
    )
    url = data_server.serve("/done.json", "5")
    source = sources.data_source_set(
        actor=okrs["admin"], key_result=milestone, kind="http_json", url=url, path=""
    )
    assert sources.sources_sync_due(now=_due(source)).failed == 1
    source.refresh_from_db()
    assert "milestone takes 1 (done) or 0" in source.last_error
    data_server.serve("/done.json", "1")
    assert sources.sources_sync_due(now=_due(source)).recorded == 1


def test_an_answer_over_the_size_cap_fails(okrs, data_server):
    from cadence.integrations import fetch

    url = data_server.serve("/big.json", b"1" + b" " * (fetch.MAX_BYTES + 10))
    source = sources.data_source_set(
        actor=okrs["admin"], key_result=okrs["kr"], kind="http_json", url=url
    )
    assert sources.sources_sync_due(now=_due(source)).failed == 1
    source.refresh_from_db()
    assert "larger than 1024 KB" in source.last_error


def test_sync_now_needs_a_source_switched_on(okrs, data_server):
    with pytest.raises(Conflict, match="no data source"):
        sources.data_source_request(actor=okrs["admin"], key_result=okrs["kr"], what="sync")
    source = _json_source(okrs, data_server, active=False)
    with pytest.raises(Conflict, match="switched off"):
        sources.data_source_request(actor=okrs["admin"], key_result=okrs["kr"], what="sync")
    # Switched off, it is not synced at its hour either; a test still runs.
    assert sources.sources_sync_due(now=_due(source)).recorded == 0
    sources.data_source_request(actor=okrs["admin"], key_result=okrs["kr"], what="test")
    assert sources.sources_sync_due(now=_due(source)).tested == 1
    assert DataSource.objects.get().test_result == "Found 42."


def test_data_sources_switched_off_sync_nothing_until_switched_back_on(okrs, data_server):
    from cadence.orgs import services as org_services

    source = _json_source(okrs, data_server)
    now = _due(source)
    org_services.organization_integration_switch(
        actor=okrs["admin"], organization=okrs["org"], integration="data_sources", on=False
    )
    assert sources.sources_sync_due(now=now).recorded == 0
    assert data_server.requests == [] and not CheckIn.objects.filter(key_result=okrs["kr"])
    org_services.organization_integration_switch(
        actor=okrs["admin"], organization=okrs["org"], integration="data_sources", on=True
    )
    assert sources.sources_sync_due(now=now).recorded == 1
