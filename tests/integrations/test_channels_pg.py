"""Exactly once on PostgreSQL: workers queuing and posting channel messages at the same moment
— the reminder summary, the digest, the approvals and the key results that turned are each
queued once and received once by a real server on 127.0.0.1, also when attempts fail and are
retried by whichever worker comes next.

Real threads with their own database connections, committing real transactions (hence
``transaction=True``). Skipped unless DATABASE_URL points at PostgreSQL."""

from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection

from cadence.alignment import services as alignment_services
from cadence.integrations import channel_services as services
from cadence.integrations.models import ChannelConnection, ChannelPost, KeyResultMark
from cadence.okrs import services as okr_services
from tests import factories as f
from tests.concurrency import run_together
from tests.integrations.channel_receiver import running
from tests.scheduling.conftest import LONG_AGO, berlin, join, make_team, write_update

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

WORKERS = 2
CHANNELS = 6


@pytest.fixture
def receiver(settings):
    settings.ALLOW_PRIVATE_OUTBOUND = True
    with running(settings.SITE_URL) as r:
        yield r


@pytest.fixture
def world(receiver):
    org, admin = f.make_org("Raced")
    team = make_team(org, "Growth", "Europe/Berlin")
    alice, bob = f.make_person(org, name="Alice"), f.make_person(org, name="Bob")
    join(team, alice)
    join(team, bob)
    cycle = f.make_cycle(admin, name="Q4", start=date(2026, 10, 1), end=date(2026, 12, 31))
    objective = f.make_objective(admin, cycle, team, title="Grow", standalone_reason="Ours")
    kr = f.make_kr(admin, objective, title="Signups", start=0, target=100)
    alignment_services.objective_propose(actor=admin, objective=objective)
    alignment_services.objective_approve(actor=admin, objective=objective, notify=False)
    okr_services.check_in_create(
        actor=admin, key_result=kr, value=1, confidence="on_track",
        at=datetime(2026, 11, 20, 10, tzinfo=UTC),
    )  # fmt: skip
    # The team's own proposal, waiting for approval above it.
    waiting = f.make_objective(admin, cycle, team, title="Ops", standalone_reason="Ours")
    f.make_kr(admin, waiting)
    alignment_services.objective_propose(actor=admin, objective=waiting)
    write_update(alice)
    for i in range(CHANNELS):
        channel = services.channel_create(
            actor=admin,
            unit=team,
            kind="slack" if i % 2 else "teams",
            url=receiver.slack_url(f"c{i}") if i % 2 else receiver.teams_url(f"c{i}"),
            messages=["digest", "reminders", "alerts", "approvals"],
        )
        ChannelConnection.objects.filter(pk=channel.pk).update(created_at=LONG_AGO)
    return {"admin": admin, "team": team}


def test_workers_at_once_queue_and_post_each_message_once(world, receiver):
    assert connection.vendor == "postgresql"
    # Friday 27 November 15:30 Berlin: reminders go out, approvals are due, the key result is
    # off track (1% done, 63% of the cycle gone).
    now = berlin(27, 15, 30)
    run_together([lambda: services.worker_turn(now=now)] * WORKERS, what="a channel worker")
    posts = list(ChannelPost.objects.all())
    assert Counter(p.message for p in posts) == Counter(
        {"reminders": CHANNELS, "approvals": CHANNELS, "alerts": CHANNELS}
    )
    # Both key results (the proposal's too, nothing done yet) turned, told once per channel.
    assert KeyResultMark.objects.filter(alerts=1).count() == 2 * CHANNELS
    assert KeyResultMark.objects.count() == 2 * CHANNELS
    # Further turns at once post nothing new.
    run_together([lambda: services.worker_turn(now=now)] * WORKERS)
    run_together([lambda: services.worker_turn(now=now + timedelta(hours=1))] * WORKERS)
    # After the deadline: the digest, once per channel.
    later = berlin(27, 17, 5)
    run_together([lambda: services.worker_turn(now=later)] * WORKERS)
    assert ChannelPost.objects.filter(message="digest").count() == CHANNELS
    assert set(ChannelPost.objects.values_list("state", "attempts")) == {("delivered", 1)}
    bodies = Counter((p.path, p.body) for p in receiver.posts)
    assert len(receiver.posts) == 4 * CHANNELS and set(bodies.values()) == {1}
    assert all(p.problems == [] for p in receiver.posts)


def test_retries_by_concurrent_workers_are_each_made_once(world, receiver):
    admin = world["admin"]
    for channel in ChannelConnection.objects.all():
        services.channel_test(actor=admin, channel=channel)
    now = datetime.now(UTC)
    receiver.answers = [500] * 3
    run_together([lambda: services.posts_send_due(now=now)] * WORKERS)
    for minutes in (1, 3, 7):
        later = now + timedelta(minutes=minutes)
        run_together([lambda later=later: services.posts_send_due(now=later)] * WORKERS)
    posts = list(ChannelPost.objects.all())
    assert {p.state for p in posts} == {"delivered"}
    assert len(receiver.posts) == sum(p.attempts for p in posts) == CHANNELS + 3
