"""Retention: the worker's turn deletes the events older than AUDIT_RETENTION_DAYS (730 by
default; 0 keeps them forever), and nothing else ever deletes one."""

import datetime as dt

import pytest
import time_machine

from cadence.audit.models import Event
from cadence.audit.services import audit_purge, audit_record
from cadence.scheduling import services as scheduling_services
from tests.clock import TEST_NOW

pytestmark = pytest.mark.django_db


def _event_at(org, when: dt.datetime, label: str) -> Event:
    with time_machine.travel(when, tick=False):
        return audit_record(organization=org, kind="token.created", target_label=label)


def _kept() -> list[str]:
    return sorted(Event.objects.values_list("target_label", flat=True))


def test_the_worker_s_turn_removes_events_past_the_retention(org, settings):
    assert settings.AUDIT_RETENTION_DAYS == 730
    Event.objects.all()._purge()
    _event_at(org, TEST_NOW - dt.timedelta(days=731), "old")
    _event_at(org, TEST_NOW - dt.timedelta(days=729), "recent")
    _event_at(org, TEST_NOW, "now")
    summary = scheduling_services.tick(now=TEST_NOW)
    assert summary.purged == 1 and summary.did_something
    assert "Removed 1 audit event past their retention." in str(summary)
    assert _kept() == ["now", "recent"]
    assert scheduling_services.tick(now=TEST_NOW).purged == 0  # nothing more to remove


def test_the_retention_is_a_setting_and_zero_keeps_everything(org, settings):
    Event.objects.all()._purge()
    _event_at(org, TEST_NOW - dt.timedelta(days=40), "forty days")
    _event_at(org, TEST_NOW - dt.timedelta(days=5000), "ancient")
    settings.AUDIT_RETENTION_DAYS = 0
    assert audit_purge(now=TEST_NOW) == 0
    assert _kept() == ["ancient", "forty days"]
    settings.AUDIT_RETENTION_DAYS = 30
    assert audit_purge(now=TEST_NOW) == 2
    assert _kept() == []


def test_every_organization_is_purged_alike(org, outsider, settings):
    Event.objects.all()._purge()
    _event_at(org, TEST_NOW - dt.timedelta(days=800), "ours")
    _event_at(outsider.organization, TEST_NOW - dt.timedelta(days=800), "theirs")
    _event_at(outsider.organization, TEST_NOW, "theirs, new")
    assert audit_purge(now=TEST_NOW) == 2
    assert _kept() == ["theirs, new"]
