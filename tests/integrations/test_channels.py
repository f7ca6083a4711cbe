"""Slack and Teams channels: connecting one (who may, which addresses), what falls due (digest,
reminder summary, key results that turned, approvals) queued exactly once per trigger, and the
worker posting to a real server on 127.0.0.1 that checks each message's shape.

The team is Growth in Berlin: week 2026-W48's deadline is Friday 27 November 2026, 17:00 Berlin
time, so its reminders go out from 15:00 (tests/scheduling/conftest.py)."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cadence.alignment import services as alignment_services
from cadence.core.errors import Conflict
from cadence.integrations import channel_services as services
from cadence.integrations.models import ChannelConnection, ChannelPost, KeyResultMark
from cadence.okrs import services as okr_services
from cadence.orgs.models import Person, Unit
from cadence.scheduling import services as scheduling_services
from tests import factories as f
from tests.integrations.channel_receiver import running
from tests.scheduling.conftest import LONG_AGO, berlin, join, make_team, write_update

pytestmark = pytest.mark.django_db

ALL = ["digest", "reminders", "alerts", "approvals"]


@pytest.fixture
def receiver(settings):
    settings.ALLOW_PRIVATE_OUTBOUND = True  # the receiver listens on 127.0.0.1
    settings.SITE_URL = "https://okrs.example.com"
    with running(settings.SITE_URL) as r:
        yield r


@pytest.fixture
def team(org):
    return make_team(org, "Growth", "Europe/Berlin")


@pytest.fixture
def people(org, team):
    alice = f.make_person(org, name="Alice Adler")
    bob = f.make_person(org, name="Bob Berger")
    lead = f.make_person(org, name="Lena Lead")
    join(team, alice)
    join(team, bob)
    join(team, lead, "lead")
    return {"alice": alice, "bob": bob, "lead": lead}


def connect(actor, unit, receiver, kind="slack", messages=ALL, label="#growth"):
    url = receiver.slack_url() if kind == "slack" else receiver.teams_url()
    channel = services.channel_create(
        actor=actor, unit=unit, kind=kind, url=url, messages=messages, label=label
    )
    # Connected long before the weeks the tests look at.
    ChannelConnection.objects.filter(pk=channel.pk).update(created_at=LONG_AGO)
    channel.refresh_from_db()
    return channel


def turn(now):
    return services.worker_turn(now=now)


# Connecting ---------------------------------------------------------------------------------


def test_a_lead_connects_their_team_and_members_cannot(admin, team, people, receiver):
    channel = connect(people["lead"], team, receiver)
    assert (channel.kind, channel.messages, channel.active) == ("slack", ALL, True)
    assert channel.created_by == people["lead"]
    with pytest.raises(PermissionDenied):
        connect(people["alice"], team, receiver)
    other = make_team(team.organization, "Other", "Europe/Berlin")
    with pytest.raises(PermissionDenied):
        connect(people["lead"], other, receiver)  # not their team
    connect(admin, other, receiver)  # admins connect any unit


def test_another_organizations_admin_cannot_connect_a_unit(team, outsider, receiver):
    with pytest.raises(PermissionDenied):
        connect(outsider, team, receiver)
    assert not ChannelConnection.objects.exists()


def test_a_viewer_cannot_connect(org, team, receiver):
    viewer = f.make_person(org, role=Person.Role.VIEWER)
    join(team, viewer, "lead")
    with pytest.raises(PermissionDenied):
        connect(viewer, team, receiver)


@pytest.mark.parametrize(
    "url, message",
    [
        ("", "Paste the channel's incoming webhook address."),
        ("ftp://hooks.slack.com/x", "Use an address that starts with https://."),
        ("https://hooks.slack.com/" + "a" * 2000, "Keep the address to 2000 characters."),
        ("https://hooks.slack.com/a b", "An address has no spaces or control characters."),
    ],
)
def test_addresses_are_checked(admin, team, url, message):
    with pytest.raises(ValidationError) as error:
        services.channel_create(actor=admin, unit=team, kind="slack", url=url, messages=ALL)
    assert error.value.message_dict["url"] == [message]


def test_a_loopback_address_is_refused_unless_the_operator_allows_it(admin, team, settings):
    settings.ALLOW_PRIVATE_OUTBOUND = False
    with pytest.raises(ValidationError) as error:
        services.channel_create(
            actor=admin, unit=team, kind="teams", url="https://127.0.0.1/x", messages=ALL
        )
    assert "private or local address" in error.value.message_dict["url"][0]
    with pytest.raises(ValidationError) as error:
        services.channel_create(
            actor=admin, unit=team, kind="teams", url="https://169.254.169.254/", messages=ALL
        )
    assert "private or local address" in error.value.message_dict["url"][0]


def test_kind_and_messages_are_checked(admin, team, receiver):
    with pytest.raises(ValidationError) as error:
        services.channel_create(
            actor=admin, unit=team, kind="irc", url=receiver.slack_url(), messages=["gossip"]
        )
    assert set(error.value.message_dict) == {"kind", "messages"}
    with pytest.raises(ValidationError):
        services.channel_create(
            actor=admin, unit=team, kind="slack", url=receiver.slack_url(), messages=[]
        )


# What falls due ------------------------------------------------------------------------------


def test_the_reminder_summary_is_posted_once_when_reminders_go_out(team, people, receiver):
    channel = connect(people["lead"], team, receiver, messages=["reminders"])
    write_update(people["alice"])
    assert services.channels_queue_due(now=berlin(27, 14, 59)) == 0  # before the window
    assert services.channels_queue_due(now=berlin(27, 15, 0)) == 1
    assert services.channels_queue_due(now=berlin(27, 15, 1)) == 0  # once per week
    assert services.channels_queue_due(now=berlin(27, 16, 59)) == 0
    post = ChannelPost.objects.get()
    assert (post.message, post.key) == ("reminders", f"{channel.pk}:reminders:2026-W48")
    assert "1 of 3 have updated" in post.payload
    assert "Bob Berger and Lena Lead" in post.payload
    assert turn(berlin(27, 15, 2)) == "Channels: 1 message posted."
    (got,) = receiver.posts
    assert got.problems == []
    assert got.path == "/slack/services/T0A1B2C3D/B0E4F5G6H/secrethookpath"
    assert "1 of 3 have updated" in got.texts()
    post.refresh_from_db()
    assert (post.state, post.attempts, post.response_code) == ("delivered", 1, 200)


def test_the_digest_follows_the_close_of_the_week_in_teams_shape(team, people, receiver):
    connect(people["lead"], team, receiver, kind="teams", messages=["digest"])
    assert services.channels_queue_due(now=berlin(27, 18)) == 0  # nobody wrote: no digest
    write_update(people["alice"], text="Ship the onboarding email")
    weekly_item = write_update(people["bob"], text="Fix the build")
    weekly_item.category  # noqa: B018 (a plan, not a problem)
    assert services.channels_queue_due(now=berlin(27, 16, 59)) == 0  # the week is open
    assert services.channels_queue_due(now=berlin(27, 17, 0)) == 1
    assert services.channels_queue_due(now=berlin(28, 9)) == 0
    turn(berlin(27, 17, 1))
    (got,) = receiver.posts
    assert got.problems == [] and got.path.startswith("/teams/")
    card = got.json["attachments"][0]["content"]
    assert "Growth — week 2026-W48" in got.texts()
    assert "2 of 3 people wrote their update." in got.texts()
    assert card["actions"][0]["url"] == (
        f"https://okrs.example.com/teams/{team.pk}/weekly/?week=2026-W48"
    )
    # The next week's digest after the next deadline.
    write_update(people["alice"], week=date(2026, 11, 30))
    assert services.channels_queue_due(now=berlin(4, 17, 5, month=12)) == 1


def test_a_channel_connected_after_the_deadline_waits_for_next_week(team, people, receiver):
    channel = connect(people["lead"], team, receiver, messages=["digest"])
    ChannelConnection.objects.filter(pk=channel.pk).update(created_at=berlin(27, 18))
    write_update(people["alice"])
    assert services.channels_queue_due(now=berlin(27, 19)) == 0


@pytest.fixture
def okrs(admin, team):
    cycle = f.make_cycle(admin, name="Q4", start=date(2026, 10, 1), end=date(2026, 12, 31))
    objective = f.make_objective(
        admin, cycle, team, title="Grow the funnel", standalone_reason="Our own"
    )
    kr = f.make_kr(admin, objective, title="Reach 100 signups", start=0, target=100)
    alignment_services.objective_propose(actor=admin, objective=objective)
    alignment_services.objective_approve(actor=admin, objective=objective, notify=False)
    return {"cycle": cycle, "objective": objective, "kr": kr}


def check_in(admin, kr, value, at):
    return okr_services.check_in_create(
        actor=admin, key_result=kr, value=value, confidence="on_track", at=at
    )


def test_a_key_result_that_turns_off_track_is_told_once_per_turn(
    admin, team, people, okrs, receiver
):
    channel = connect(people["lead"], team, receiver, messages=["alerts"])
    kr = okrs["kr"]
    check_in(admin, kr, 60, datetime(2026, 11, 2, 10, tzinfo=UTC))
    # 2 November: 35% of the cycle gone, 60% done: on track. Nothing to tell.
    assert services.channels_queue_due(now=berlin(2, 12)) == 0
    assert KeyResultMark.objects.get().off_track is False
    check_in(admin, kr, 10, datetime(2026, 11, 3, 10, tzinfo=UTC))
    # Within the hour of a look the channel is not looked at again.
    assert services.channels_queue_due(now=berlin(2, 12, 30)) == 0
    assert services.channels_queue_due(now=berlin(3, 12)) == 1
    post = ChannelPost.objects.get()
    assert "Reach 100 signups (10%) — Grow the funnel" in post.payload
    assert "Off track" in post.payload
    # Still off track an hour later, a day later: told once.
    assert services.channels_queue_due(now=berlin(3, 13, 1)) == 0
    assert services.channels_queue_due(now=berlin(4, 12)) == 0
    # Back on track (quietly), then off track again: a new turn, told again.
    check_in(admin, kr, 90, datetime(2026, 11, 5, 10, tzinfo=UTC))
    assert services.channels_queue_due(now=berlin(5, 12)) == 0
    check_in(admin, kr, 5, datetime(2026, 11, 6, 10, tzinfo=UTC))
    assert services.channels_queue_due(now=berlin(6, 12)) == 1
    mark = KeyResultMark.objects.get()
    assert (mark.off_track, mark.alerts) == (True, 2)
    turn(berlin(6, 12, 1))
    assert len(receiver.posts) == 2 and all(p.problems == [] for p in receiver.posts)
    assert receiver.posts[0].json["blocks"][-2]["elements"][0]["url"] == (
        f"https://okrs.example.com/objectives/{okrs['objective'].pk}/"
    )
    assert channel.marks.count() == 1


def test_a_stalled_key_result_is_told(admin, team, people, okrs, receiver):
    connect(people["lead"], team, receiver, messages=["alerts"])
    kr = okrs["kr"]
    # Early in the cycle, the same value two weeks running after the start: stalled.
    check_in(admin, kr, 0, datetime(2026, 10, 5, 10, tzinfo=UTC))
    check_in(admin, kr, 0, datetime(2026, 10, 12, 10, tzinfo=UTC))
    assert services.channels_queue_due(now=berlin(13, 12, month=10)) == 1
    post = ChannelPost.objects.get()
    # 13 October: 13% of the cycle gone, 0% done: at risk, not off track; but stalled.
    assert "Stalled (no change in two weeks)" in post.payload
    assert "Off track" not in post.payload
    mark = KeyResultMark.objects.get()
    assert (mark.stalled, mark.off_track) == (True, False)


def test_key_results_already_off_track_when_connected_are_not_old_news(
    admin, team, people, okrs, receiver
):
    check_in(admin, okrs["kr"], 1, datetime(2026, 11, 20, 10, tzinfo=UTC))
    channel = connect(people["lead"], team, receiver, messages=["alerts"])
    ChannelConnection.objects.filter(pk=channel.pk).update(
        created_at=datetime(2099, 1, 1, tzinfo=UTC)  # after the key result was made
    )
    assert services.channels_queue_due(now=berlin(23, 12)) == 0
    assert KeyResultMark.objects.get().off_track is True


def test_approvals_waiting_are_summed_up_once_a_working_day(org, admin, receiver):
    product = f.make_unit(org, "Product", kind="department")
    Unit.objects.filter(pk=product.pk).update(time_zone="Europe/Berlin")
    product.refresh_from_db()
    growth = f.make_unit(org, "Growth", parent=product)
    lead = f.make_person(org, name="Pia Product")
    join(product, lead, "lead")
    channel = connect(lead, product, receiver, messages=["approvals"])
    cycle = f.make_cycle(admin, name="Q4")
    objective = f.make_objective(
        admin, cycle, growth, title="Win the market", standalone_reason="Ours"
    )
    f.make_kr(admin, objective)
    assert services.channels_queue_due(now=berlin(27, 10)) == 0  # nothing proposed
    alignment_services.objective_propose(actor=admin, objective=objective)
    assert services.channels_queue_due(now=berlin(27, 8, 59)) == 0  # before 09:00
    assert services.channels_queue_due(now=berlin(27, 9, 0)) == 1
    assert services.channels_queue_due(now=berlin(27, 16)) == 0  # once a day
    assert services.channels_queue_due(now=berlin(28, 10)) == 0  # Saturday
    assert services.channels_queue_due(now=berlin(30, 9, 5)) == 1  # Monday
    post = ChannelPost.objects.filter(connection=channel).order_by("created_at").first()
    assert "Win the market (Growth)" in post.payload
    assert "Waiting for Product's approval" in post.payload


def test_a_channel_only_gets_the_messages_it_chose(team, people, receiver):
    connect(people["lead"], team, receiver, messages=["digest"])
    assert services.channels_queue_due(now=berlin(27, 15, 30)) == 0  # no reminder summary


# Posting ------------------------------------------------------------------------------------


def test_the_worker_turn_posts_channels(team, people, receiver, admin):
    channel = connect(people["lead"], team, receiver)
    services.channel_test(actor=people["lead"], channel=channel)
    assert not receiver.posts  # queued, never posted during the request
    summary = scheduling_services.tick(datetime.now(UTC))
    assert "Channels: 1 message posted" in str(summary)
    (got,) = receiver.posts
    assert got.problems == []
    assert "is connected" in got.texts()


def test_a_failed_post_is_retried_after_a_growing_wait_then_given_up(team, people, receiver):
    channel = connect(people["lead"], team, receiver, kind="teams")
    receiver.answers = [500] * 8
    services.channel_test(actor=people["lead"], channel=channel)
    now = datetime.now(UTC)
    assert turn(now) == "Channels: 0 messages posted, 1 to be retried."
    post = ChannelPost.objects.get()
    assert (post.state, post.attempts, post.response_code) == ("pending", 1, 500)
    assert post.next_attempt_at == now + timedelta(minutes=1)
    assert turn(now + timedelta(seconds=30)) == ""  # not before its time
    moment = now
    for _ in range(2, 9):  # attempts 2 to 8
        moment = moment + timedelta(hours=7)
        turn(moment)
    post.refresh_from_db()
    assert (post.state, post.attempts) == ("failed", 8)
    assert "Given up after 8 attempts." in post.last_error
    assert len(receiver.posts) == 8
    channel.refresh_from_db()
    assert channel.failures_in_a_row == 8 and channel.last_success_at is None


def test_a_redirect_is_not_followed(team, people, receiver):
    channel = connect(people["lead"], team, receiver)
    receiver.answers = [302]
    services.channel_test(actor=people["lead"], channel=channel)
    turn(datetime.now(UTC))
    assert [p.path for p in receiver.posts] == [
        "/slack/services/T0A1B2C3D/B0E4F5G6H/secrethookpath"
    ]
    assert "Redirects are not followed" in ChannelPost.objects.get().last_error


def test_loopback_is_refused_at_posting_time_when_the_operator_stops_allowing_it(
    team, people, receiver, settings
):
    channel = connect(people["lead"], team, receiver)
    services.channel_test(actor=people["lead"], channel=channel)
    settings.ALLOW_PRIVATE_OUTBOUND = False
    turn(datetime.now(UTC))
    assert receiver.posts == []
    post = ChannelPost.objects.get()
    assert post.state == "pending" and post.last_error.startswith("OutboundRefused")


def test_switching_off_gives_up_waiting_posts_and_refuses_tests(team, people, receiver):
    channel = connect(people["lead"], team, receiver)
    services.channel_test(actor=people["lead"], channel=channel)
    services.channel_update(actor=people["lead"], channel=channel, active=False)
    assert ChannelPost.objects.get().state == "failed"
    with pytest.raises(Conflict):
        services.channel_test(actor=people["lead"], channel=channel)
    write_update(people["alice"])
    assert services.channels_queue_due(now=berlin(27, 15, 30)) == 0  # off: nothing queued
    turn(datetime.now(UTC))
    assert receiver.posts == []
    with pytest.raises(PermissionDenied):
        services.channel_update(actor=people["alice"], channel=channel, active=True)
    services.channel_update(actor=people["lead"], channel=channel, active=True)
    assert services.channels_queue_due(now=berlin(27, 15, 30)) == 1


def test_deleting_removes_the_channel_and_its_log(team, people, receiver, admin):
    channel = connect(people["lead"], team, receiver)
    services.channel_test(actor=people["lead"], channel=channel)
    with pytest.raises(PermissionDenied):
        services.channel_delete(actor=people["bob"], channel=channel)
    services.channel_delete(actor=admin, channel=channel)
    assert not ChannelConnection.objects.exists() and not ChannelPost.objects.exists()


def test_changes_are_in_the_audit_trail(team, people, receiver):
    from cadence.audit.models import Event

    channel = connect(people["lead"], team, receiver)
    services.channel_update(actor=people["lead"], channel=channel, active=False)
    services.channel_delete(actor=people["lead"], channel=channel)
    kinds = list(Event.objects.order_by("created_at").values_list("kind", flat=True))
    assert kinds[-3:] == ["channel.created", "channel.updated", "channel.deleted"]
    assert "secrethookpath" not in str(list(Event.objects.values_list("changes", flat=True)))


def test_channels_switched_off_queue_nothing_and_post_nothing(org, admin, team, people, receiver):
    from cadence.orgs import services as org_services

    connect(people["lead"], team, receiver, messages=["reminders"])
    write_update(people["alice"])
    org_services.organization_integration_switch(
        actor=admin, organization=org, integration="channels", on=False
    )
    assert services.channels_queue_due(now=berlin(27, 15, 0)) == 0
    org_services.organization_integration_switch(
        actor=admin, organization=org, integration="channels", on=True
    )
    assert services.channels_queue_due(now=berlin(27, 15, 1)) == 1
    org_services.organization_integration_switch(
        actor=admin, organization=org, integration="channels", on=False
    )
    assert turn(berlin(27, 15, 2)) == ""  # queued while on, held while off
    assert not receiver.posts
    org_services.organization_integration_switch(
        actor=admin, organization=org, integration="channels", on=True
    )
    assert turn(berlin(27, 15, 3)) == "Channels: 1 message posted."
