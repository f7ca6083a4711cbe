"""Exactly once on PostgreSQL: several worker turns at once queue each 1:1 reminder once per
occurrence and person. Real threads with their own connections, committing real transactions
(hence ``transaction=True``). Skipped unless DATABASE_URL points at PostgreSQL."""

from datetime import timedelta

import pytest

from cadence.mail.models import Delivery
from cadence.oneonones import services
from tests.concurrency import run_together
from tests.oneonones.conftest import NEXT

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 4


def test_concurrent_worker_turns_queue_each_reminder_once(pair, lead, member):
    now = NEXT - timedelta(hours=3)
    counts = run_together(
        [lambda: services.reminders_queue_due(now=now)] * THREADS, what="a worker turn"
    )
    assert sum(counts) == 2
    rows = Delivery.objects.filter(kind=Delivery.Kind.ONE_ON_ONE)
    assert sorted(rows.values_list("person_id", flat=True)) == sorted([lead.pk, member.pk])
