"""Values entered at the same moment on PostgreSQL: every value is kept, and each crossing out
of the band is told exactly once (real threads, real transactions)."""

from datetime import timedelta

import pytest
from django.db import connection

from cadence.kpis.models import KpiCrossing, KpiValue
from cadence.mail.models import Delivery
from tests.concurrency import run_together
from tests.kpis.conftest import TODAY, add

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 8


def test_concurrent_values_out_of_the_band_tell_once(member, lead, uptime):
    assert connection.vendor == "postgresql"
    add(member, uptime, 99.9, at=TODAY - timedelta(days=1))
    run_together([lambda v=v: add(member, uptime, v) for v in range(90, 90 + THREADS)])
    assert KpiValue.objects.filter(kpi=uptime).count() == THREADS + 1
    assert KpiCrossing.objects.filter(kpi=uptime).count() == 1
    assert Delivery.objects.filter(kind=Delivery.Kind.KPI).count() == 1
    uptime.refresh_from_db()
    last = KpiValue.objects.filter(kpi=uptime).order_by("-at", "-seq").first()
    assert uptime.current_value == last.value and uptime.status == "unhealthy"
    assert sorted(KpiValue.objects.values_list("seq", flat=True)) == list(range(1, THREADS + 2))


def test_concurrent_in_and_out_values_each_crossing_told_once(member, lead, uptime):
    # Alternating values: however the lock orders them, every move out is one crossing.
    values = [99.9 if i % 2 else 90.0 for i in range(THREADS)]
    run_together([lambda v=v: add(member, uptime, v) for v in values])
    ordered = list(
        KpiValue.objects.filter(kpi=uptime).order_by("seq").values_list("value", flat=True)
    )
    outs, healthy_before = 0, None
    for v in ordered:
        healthy = v >= 99.5
        if not healthy and healthy_before is not False:
            outs += 1
        healthy_before = healthy
    assert KpiCrossing.objects.filter(kpi=uptime).count() == outs
    assert Delivery.objects.filter(kind=Delivery.Kind.KPI).count() == outs
