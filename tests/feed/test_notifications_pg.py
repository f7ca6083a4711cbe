"""Workers at the same moment on PostgreSQL: a key result's transition is told once, and a
person's daily digest is queued once (real threads, real transactions)."""

from datetime import UTC, datetime

import pytest
from django.db import connection

from cadence.feed import notices, notify, services, watch
from cadence.feed.models import KeyResultSignal, Notification
from cadence.mail.models import Delivery
from tests import factories as f
from tests.clock import TEST_NOW
from tests.concurrency import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 8


@pytest.fixture
def owned(admin, cycle, team, member):
    objective = f.make_objective(admin, cycle, team, title="Ship the onboarding", owner=member)
    kr = f.make_kr(admin, objective, title="Activation from 0 to 100", owner=member)
    return objective, kr


def test_concurrent_workers_tell_a_transition_once(owned, member):
    assert connection.vendor == "postgresql"
    told = run_together(
        [lambda: watch.key_result_signals_refresh(now=TEST_NOW) for _ in range(THREADS)],
        what="a key-result watch",
    )
    assert sum(told) == 1
    assert KeyResultSignal.objects.filter(kind=notices.OFF_TRACK).count() == 1
    assert Notification.objects.filter(person=member, kind=notices.OFF_TRACK).count() == 1


def test_concurrent_workers_queue_a_digest_once(owned, admin, member):
    assert connection.vendor == "postgresql"
    objective, _ = owned
    grid = notices.grid(notify.choices_of(member))
    grid["comment", "email"] = True
    notify.notification_preferences_update(
        actor=member, person=member, choices=grid, daily_digest=True, digest_hour=8
    )
    for n in range(3):
        services.comment_create(actor=admin, target=objective, text=f"Comment {n}")
    morning = datetime(2026, 11, 24, 8, 5, tzinfo=UTC)
    queued = run_together(
        [
            lambda: notify.daily_digest_send(person=member, now=morning, time_zone="UTC")
            for _ in range(THREADS)
        ],
        what="a daily digest",
    )
    assert sum(queued) == 1
    digest = Delivery.objects.get(kind=Delivery.Kind.DAILY)
    assert Notification.objects.filter(digest=digest).count() == 3
    assert not Notification.objects.filter(digest_pending=True).exists()
