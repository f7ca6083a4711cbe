"""The demo loaded into an empty database (not the shared demo): the same every time, on any day,
refusing a clash, and on a Saturday the current week is next week."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from cadence.demo.loader import DemoError, load_demo, quarter_of
from cadence.feed.models import Comment, Like
from cadence.okrs import selectors
from cadence.okrs.models import CheckIn, Cycle
from cadence.orgs import services as org_services
from cadence.orgs.models import Membership, Organization, Unit
from cadence.weekly import selectors as weekly_selectors
from cadence.weekly.models import Item, ItemMove, WeeklyUpdate
from cadence.weekly.weeks import monday_of
from tests import factories as f
from tests.demo.conftest import TODAY
from tests.demo.test_loader import _counts, _objective, _spec_title
from tests.demo.test_weekly import _assert_alive


def test_the_demo_is_the_same_every_time_for_the_same_day(db):
    """Check-ins, and the weekly history (items, comments): two loads, the same demo. (One test
    for both, as each load of the demo is the slowest thing the suite does.)"""

    def snapshot():
        return sorted(
            (ci.key_result.title, ci.at, ci.value, ci.confidence, ci.note, ci.author.email)
            for ci in CheckIn.objects.select_related("key_result", "author")
        )

    def weekly_snapshot():
        return sorted(
            (
                i.update.person.email,
                i.update.week,
                i.category.slug,
                i.text,
                i.key_result.title if i.key_result else "",
                i.carried_over_from_id is not None,
                i.created_at,
            )
            for i in Item.objects.select_related("update__person", "category", "key_result")
        ) + sorted((c.author.email, c.text, c.created_at) for c in Comment.objects.all())

    with transaction.atomic():
        load_demo(today=TODAY)
        first = snapshot()
        first_weekly = weekly_snapshot()
        transaction.set_rollback(True)
    assert not Organization.objects.exists()
    org = load_demo(today=TODAY)
    assert snapshot() == first
    assert len(first) > 150
    assert weekly_snapshot() == first_weekly

    # The weekly history loads once.
    counts = (Item.objects.count(), Comment.objects.count(), Like.objects.count())
    assert load_demo(today=TODAY + timedelta(days=7)) == org
    assert (Item.objects.count(), Comment.objects.count(), Like.objects.count()) == counts
    assert Membership.objects.filter(unit__organization=org).exists()


def test_refuses_when_the_admin_email_belongs_to_another_organization(db):
    other, _ = f.make_org("Elsewhere")
    org_services.person_create(organization=other, email="admin@example.com", name="Someone")
    before = _counts()
    with pytest.raises(DemoError, match="admin@example.com"):
        load_demo(today=TODAY)
    assert _counts() == before


@pytest.mark.parametrize(
    "today",
    [
        date(2027, 1, 5),  # early January: the previous quarter is in last year
        date(2026, 4, 1),  # first day of a quarter: no check-ins in it yet
        date(2026, 6, 30),  # last day of a quarter
    ],
)
def test_loads_on_any_day(db, today):
    org = load_demo(today=today)
    start, end = quarter_of(today)
    current = Cycle.objects.get(organization=org, start=start, end=end)
    assert CheckIn.objects.filter(organization=org, at__date__gte=today).count() == 0
    board = selectors.board_for_cycle(org, current, today=today, viewer=f.ALL)
    assert all(o.progress is not None for o in board.in_cycle())
    learn = _objective(org, _spec_title("learn_churn"))
    if learn.cycle.start.year == today.year:
        assert learn.parent == _objective(org, _spec_title("annual"))
    else:
        assert learn.parent is None


@pytest.mark.django_db
def test_loaded_on_a_saturday_the_current_week_is_next_week(client):
    """After Friday's deadline people write in next week: that is the demo's live week; the
    week that just closed is a finished week, carried over."""
    saturday = datetime.combine(TODAY + timedelta(days=5), time(10), tzinfo=UTC)
    with time_machine.travel(saturday, tick=True):
        org = load_demo()
        closed = monday_of(saturday.date())
        current = closed + timedelta(weeks=1)
        assert (
            weekly_selectors.unit_current_week(Unit.objects.get(organization=org, kind="company"))
            == current
        )
        weeks = set(WeeklyUpdate.objects.filter(organization=org).values_list("week", flat=True))
        assert max(weeks) == current
        # The week that just closed is finished: written, its open items carried on.
        product = Unit.objects.get(organization=org, name="Product")
        last = weekly_selectors.team_report(org, product, closed, viewer=f.ALL)
        assert len(last.missing) < len(last.people) and last.done >= 1
        assert Item.objects.filter(update__week=current, carried_over_from__update__week=closed)
        _assert_alive(org, client, current)
        # Nothing the demo wrote is later than the moment it loaded.
        assert not Item.objects.filter(organization=org, created_at__gt=timezone.now()).exists()
        assert not ItemMove.objects.filter(
            item__organization=org, created_at__gt=timezone.now()
        ).exists()
