"""Exactly once on PostgreSQL: workers sending webhook deliveries at the same moment, each
delivery received once by a real server on 127.0.0.1 — also when some attempts fail and are
retried by whichever worker comes next.

Real threads with their own database connections, committing real transactions (hence
``transaction=True``). Skipped unless DATABASE_URL points at PostgreSQL."""

from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from cadence.integrations import services
from cadence.integrations.models import WebhookDelivery
from cadence.okrs import services as okr_services
from tests.concurrency import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

CHECK_INS = 40
WORKERS = 4


def _queue(okrs, n=CHECK_INS):
    for value in range(n):
        okr_services.check_in_create(
            actor=okrs["admin"], key_result=okrs["kr"], value=value, confidence="on_track"
        )
    assert WebhookDelivery.objects.count() == n


def _received(receiver) -> Counter:
    return Counter(r.headers["x-cadence-delivery"] for r in receiver.received)


def test_workers_at_once_send_each_delivery_exactly_once(okrs, hook, receiver):
    assert connection.vendor == "postgresql"
    _queue(okrs)
    now = timezone.now()
    summaries = run_together(
        [lambda: services.deliveries_send_due(now=now)] * WORKERS, what="a webhook worker"
    )
    assert sum(s.delivered for s in summaries) == CHECK_INS
    counts = _received(receiver)
    assert len(counts) == CHECK_INS and set(counts.values()) == {1}
    assert all(r.signature_valid for r in receiver.received)
    assert set(WebhookDelivery.objects.values_list("state", "attempts")) == {("delivered", 1)}
    # Whole worker turns at once afterwards find nothing left to send.
    run_together([lambda: services.worker_turn(now=now)] * WORKERS, what="a worker turn")
    assert len(receiver.received) == CHECK_INS


def test_retries_by_concurrent_workers_are_each_made_once(okrs, hook, receiver):
    """The first five attempts fail, whoever makes them; the retries, due after their backoff,
    are raced for too: each delivery is received once per attempt and delivered in the end."""
    _queue(okrs, 10)
    now = timezone.now()
    receiver.answers = [500] * 5
    run_together([lambda: services.deliveries_send_due(now=now)] * WORKERS)
    for minutes in (1, 3, 7):
        later = now + timedelta(minutes=minutes)
        run_together([lambda later=later: services.deliveries_send_due(now=later)] * WORKERS)
    deliveries = list(WebhookDelivery.objects.all())
    assert {d.state for d in deliveries} == {"delivered"}
    counts = _received(receiver)
    # Each delivery was received exactly as many times as it was attempted, and delivered once.
    assert counts == Counter({str(d.pk): d.attempts for d in deliveries})
    assert sum(counts.values()) == 10 + 5
