"""Making a feed twice at the same moment on PostgreSQL: both succeed one after the other (the
owner's row is locked) and exactly one address stays live."""

import pytest

from cadence.calendars import selectors, services
from cadence.calendars.models import CalendarFeed
from tests.concurrency import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 6


def test_concurrent_makes_leave_one_live_feed(member, admin, team):
    secrets = []

    def make_mine():
        secrets.append(services.calendar_feed_create(actor=member, person=member)[1])

    def make_team():
        secrets.append(services.calendar_feed_create(actor=admin, unit=team)[1])

    run_together([make_mine, make_team] * (THREADS // 2))

    assert len(secrets) == THREADS
    assert CalendarFeed.objects.filter(person=member).count() == THREADS // 2
    assert CalendarFeed.objects.filter(unit=team).count() == THREADS // 2
    live = list(CalendarFeed.objects.filter(revoked_at__isnull=True))
    assert sorted(f.person_id is not None for f in live) == [False, True]
    assert {f.token_hash for f in live} <= {selectors.secret_hash(s) for s in secrets}
