"""Notifications of every event that concerns a person: each kind's people, the preferences
honoured on every channel (in the app, email, the team's Slack channel, the daily digest),
transitions told exactly once, and tenancy."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from cadence.alignment import services as alignment_services
from cadence.feed import notices, notify, selectors, services, watch
from cadence.feed.models import KeyResultSignal, Notification
from cadence.integrations import channel_services
from cadence.integrations.models import ChannelPost
from cadence.kpis import services as kpi_services
from cadence.mail import services as mail_services
from cadence.mail.models import Delivery
from cadence.okrs import services as okr_services
from cadence.orgs.models import Membership, Unit
from cadence.scheduling import notice_services
from tests import factories as f
from tests.clock import TEST_NOW


def choose(person, **choices):
    """Set ``kind__channel=on`` choices, keeping every other default."""
    grid = notices.grid(notify.choices_of(person))
    for name, on in choices.items():
        kind, channel = name.split("__")
        grid[kind, channel] = on
    notify.notification_preferences_update(
        actor=person,
        person=person,
        choices=grid,
        daily_digest=False,
        digest_hour=8,
    )


def set_digest(person, on=True, hour=8):
    notify.notification_preferences_update(
        actor=person,
        person=person,
        choices=notices.grid(notify.choices_of(person)),
        daily_digest=on,
        digest_hour=hour,
    )


def notices_of(person, kind=None):
    rows = Notification.objects.filter(person=person)
    return rows.filter(kind=kind) if kind else rows


def emails_to(person, kind=None):
    rows = Delivery.objects.filter(person=person)
    return rows.filter(kind=kind) if kind else rows


@pytest.fixture
def owned(admin, cycle, team, member):
    """An objective of the team owned by the member, with a key result the member owns."""
    objective = f.make_objective(admin, cycle, team, title="Ship the new onboarding", owner=member)
    kr = f.make_kr(admin, objective, title="Activation from 0 to 100", owner=member)
    return objective, kr


@pytest.fixture
def slack(settings, admin, team):
    settings.ALLOW_PRIVATE_OUTBOUND = True  # never called here: the post is only queued
    return channel_services.channel_create(
        actor=admin,
        unit=team,
        kind="slack",
        url="https://127.0.0.1:9/services/secrethookpath",
        messages=["digest"],
    )


# The catalogue ---------------------------------------------------------------------------------


def test_defaults_in_app_for_all_email_where_it_waits_on_you_slack_never():
    for kind in notices.KINDS:
        assert notices.default(kind.value, notices.IN_APP) is True
        assert notices.default(kind.value, notices.SLACK) is False
    emailed = {k.value for k in notices.KINDS if notices.default(k.value, notices.EMAIL)}
    assert emailed == {
        notices.MENTION,
        notices.APPROVAL_ASKED,
        notices.APPROVAL_OUTCOME,
        notices.DEPENDENCY_ASKED,
        notices.KPI_LEFT_BAND,
    }
    assert notices.wanted({(notices.LIKE, notices.EMAIL): True}, notices.LIKE, notices.EMAIL)
    assert not notices.wanted({(notices.MENTION, notices.EMAIL): False}, "mention", "email")


# Preferences on every channel (a comment on the member's objective) ----------------------------


def test_comment_default_is_in_the_app_only(owned, admin, member):
    objective, _ = owned
    services.comment_create(actor=admin, target=objective, text="Looks good")
    notification = selectors.notifications_of(member).get()
    assert notification.kind == notices.COMMENT and notification.actor == admin
    assert notification.url.startswith(f"/objectives/{objective.pk}/")
    assert "Admin" in notification.text and "Ship the new onboarding" in notification.text
    assert not emails_to(member).exists()
    assert not ChannelPost.objects.exists()


def test_email_on_queues_one_email_that_links_to_the_object(owned, admin, member, mailoutbox):
    objective, _ = owned
    choose(member, comment__email=True)
    services.comment_create(actor=admin, target=objective, text="Looks good")
    delivery = emails_to(member).get()
    assert delivery.kind == Delivery.Kind.NOTICE
    assert f"/objectives/{objective.pk}/" in delivery.body and "Looks good" in delivery.body
    assert mail_services.deliveries_send_queued().sent == {"notice": 1}
    assert selectors.notifications_of(member).get().emailed_at is not None


def test_in_app_off_email_on_emails_but_shows_nothing(owned, admin, member):
    objective, _ = owned
    choose(member, comment__in_app=False, comment__email=True)
    services.comment_create(actor=admin, target=objective, text="Looks good")
    assert emails_to(member, Delivery.Kind.NOTICE).count() == 1
    assert not selectors.notifications_of(member).exists()
    assert selectors.unread_count(member) == 0


def test_every_channel_off_tells_nothing(owned, admin, member, slack):
    objective, _ = owned
    choose(member, comment__in_app=False, comment__email=False, comment__slack=False)
    services.comment_create(actor=admin, target=objective, text="Looks good")
    assert not notices_of(member).exists()
    assert not emails_to(member).exists() and not ChannelPost.objects.exists()


def test_slack_on_posts_to_the_teams_channel(owned, admin, member, slack):
    objective, _ = owned
    choose(member, comment__slack=True)
    services.comment_create(actor=admin, target=objective, text="Looks good")
    post = ChannelPost.objects.get()
    assert post.connection == slack and post.message == "notice"
    assert "Ship the new onboarding" in post.payload and str(objective.pk) in post.payload
    assert not emails_to(member).exists()


def test_slack_off_or_channel_off_posts_nothing(owned, admin, member, slack):
    objective, _ = owned
    services.comment_create(actor=admin, target=objective, text="Default: no Slack")
    assert not ChannelPost.objects.exists()
    choose(member, comment__slack=True)
    channel_services.channel_update(actor=admin, channel=slack, active=False)
    services.comment_create(actor=admin, target=objective, text="Channel switched off")
    assert not ChannelPost.objects.exists()
    assert notices_of(member, notices.COMMENT).count() == 2


def test_slack_without_a_team_channel_posts_nothing(owned, admin, member):
    objective, _ = owned
    choose(member, comment__slack=True)
    services.comment_create(actor=admin, target=objective, text="No channel connected")
    assert notices_of(member).count() == 1 and not ChannelPost.objects.exists()


def test_mention_email_follows_the_preference(owned, admin, member, lena):
    objective, _ = owned
    choose(lena, mention__email=False)
    services.comment_create(actor=admin, target=objective, text="@lena.okafor have a look")
    assert notices_of(lena, notices.MENTION).count() == 1
    assert not emails_to(lena).exists()


def test_a_mentioned_owner_is_told_once(owned, admin, member):
    objective, _ = owned
    name = member.email.split("@")[0]
    services.comment_create(actor=admin, target=objective, text=f"@{name} see this")
    assert list(notices_of(member).values_list("kind", flat=True)) == [notices.MENTION]


def test_likes_tell_the_owner_once_per_person(owned, admin, member):
    _, kr = owned
    services.like_toggle(actor=admin, target=kr)
    services.like_toggle(actor=admin, target=kr)  # taken back
    services.like_toggle(actor=admin, target=kr)  # and again
    notification = notices_of(member, notices.LIKE).get()
    assert notification.key_result == kr and "likes" in notification.text
    services.like_toggle(actor=member, target=kr)  # one's own like tells nobody
    assert notices_of(member).count() == 1


def test_comments_on_a_weekly_item_tell_its_writer(member, admin, item):
    services.comment_create(actor=admin, target=item, text="Nice plan")
    notification = notices_of(member, notices.COMMENT).get()
    assert notification.url.endswith(f"#item-{item.pk}")


# The daily digest ------------------------------------------------------------------------------


def test_digest_gathers_instead_of_single_emails(owned, admin, member, lena):
    objective, _ = owned
    choose(member, comment__email=True)
    set_digest(member, hour=8)
    services.comment_create(actor=admin, target=objective, text="One")
    services.comment_create(actor=lena, target=objective, text="Two")
    assert not emails_to(member).exists()
    assert notices_of(member).filter(digest_pending=True).count() == 2
    early = datetime(2026, 11, 24, 7, 59, tzinfo=UTC)
    assert not notify.daily_digest_send(person=member, now=early, time_zone="UTC")
    morning = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
    assert notify.daily_digest_send(person=member, now=morning, time_zone="UTC")
    digest = emails_to(member).get()
    assert digest.kind == Delivery.Kind.DAILY and digest.key.endswith(":2026-11-24")
    assert "Admin" in digest.body and "Lena Okafor" in digest.body
    assert f"/objectives/{objective.pk}/" in digest.body
    assert set(notices_of(member).values_list("digest", flat=True)) == {digest.pk}
    # The same day again: nothing, even with something new waiting.
    services.comment_create(actor=admin, target=objective, text="Three")
    later = morning + timedelta(hours=3)
    assert not notify.daily_digest_send(person=member, now=later, time_zone="UTC")
    assert emails_to(member).count() == 1
    # The next morning carries what came since.
    assert notify.daily_digest_send(person=member, now=morning + timedelta(days=1), time_zone="UTC")
    assert emails_to(member, Delivery.Kind.DAILY).count() == 2
    mail_services.deliveries_send_queued()
    assert not notices_of(member).filter(emailed_at__isnull=True).exists()


def test_digest_goes_at_the_persons_hour_in_their_time_zone(owned, admin, member):
    objective, _ = owned
    choose(member, comment__email=True)
    set_digest(member, hour=8)
    services.comment_create(actor=admin, target=objective, text="One")
    # 07:30 UTC is 08:30 in Berlin in winter: due there, not in UTC.
    now = datetime(2026, 11, 24, 7, 30, tzinfo=UTC)
    assert not notify.daily_digest_send(person=member, now=now, time_zone="UTC")
    assert notify.daily_digest_send(person=member, now=now, time_zone="Europe/Berlin")


def test_digest_skips_a_day_with_nothing_and_a_person_who_left(owned, admin, member):
    objective, _ = owned
    set_digest(member)
    morning = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
    assert not notify.daily_digest_send(person=member, now=morning, time_zone="UTC")
    assert not Delivery.objects.exists()


def test_the_worker_turn_sends_due_digests(owned, admin, member):
    objective, _ = owned
    choose(member, comment__email=True)
    set_digest(member, hour=0)
    services.comment_create(actor=admin, target=objective, text="One")
    assert notify.daily_digests_send(now=TEST_NOW + timedelta(days=1)) == 1
    assert notify.daily_digests_send(now=TEST_NOW + timedelta(days=1)) == 0


def test_turning_the_digest_off_returns_to_single_emails(owned, admin, member):
    objective, _ = owned
    choose(member, comment__email=True)
    set_digest(member)
    services.comment_create(actor=admin, target=objective, text="One")
    set_digest(member, on=False)
    assert not notices_of(member).filter(digest_pending=True).exists()
    services.comment_create(actor=admin, target=objective, text="Two")
    assert emails_to(member, Delivery.Kind.NOTICE).count() == 1


# Preferences: the service --------------------------------------------------------------------


def test_preferences_are_ones_own_and_bounded(member, lena, org):
    with pytest.raises(PermissionDenied):
        notify.notification_preferences_update(
            actor=lena, person=member, choices={}, daily_digest=False, digest_hour=8
        )
    with pytest.raises(ValidationError):
        notify.notification_preferences_update(
            actor=member, person=member, choices={}, daily_digest=True, digest_hour=24
        )
    with pytest.raises(ValidationError):
        notify.notification_preferences_update(
            actor=member,
            person=member,
            choices={("nonsense", "email"): True},
            daily_digest=False,
            digest_hour=8,
        )
    assert not member.notification_preferences.exists()
    choose(member, like__email=True)
    from cadence.audit.models import Event

    event = Event.objects.get(kind="person.notifications_changed")
    assert event.changes == {"like/email": [False, True]}


# Approvals, dependencies, KPIs ---------------------------------------------------------------


@pytest.fixture
def proposal(admin, cycle, org, team, member):
    """A team objective aligned to a company objective owned by the admin, ready to propose."""
    company = Unit.objects.get(organization=org, kind=Unit.Kind.COMPANY)
    parent = f.make_objective(admin, cycle, company, title="Grow revenue", owner=admin)
    objective = f.make_objective(
        member, cycle, team, title="Win ten new customers", parent=parent, owner=member
    )
    f.make_kr(member, objective, title="Sign 10 customers", start=0, target=10)
    return objective


def test_an_approval_to_give_tells_the_approver_by_email(proposal, admin, member):
    alignment_services.objective_propose(actor=member, objective=proposal)
    notification = notices_of(admin, notices.APPROVAL_ASKED).get()
    assert notification.objective == proposal and notification.actor == member
    assert notification.url == f"/objectives/{proposal.pk}/"
    assert emails_to(admin, Delivery.Kind.NOTICE).count() == 1
    assert not notices_of(member).exists()  # the proposer is not told of their own proposal


def test_the_outcome_tells_owner_and_author(proposal, admin, member):
    alignment_services.objective_propose(actor=member, objective=proposal)
    alignment_services.objective_return(actor=admin, objective=proposal, comment="Which ones?")
    notification = notices_of(member, notices.APPROVAL_OUTCOME).get()
    assert "returned" in notification.text
    assert emails_to(member, Delivery.Kind.APPROVAL).count() == 1
    choose(member, approval_outcome__email=False)
    alignment_services.objective_propose(actor=member, objective=proposal)
    alignment_services.objective_approve(actor=admin, objective=proposal)
    assert notices_of(member, notices.APPROVAL_OUTCOME).count() == 2
    assert emails_to(member, Delivery.Kind.APPROVAL).count() == 1


def test_a_dependency_tells_the_asked_team(admin, cycle, org, team, member):
    other = f.make_unit(org, "Platform")
    asker = f.make_person(org, name="Asker")
    f.join(other, asker)
    objective = f.make_objective(asker, cycle, other, title="Faster builds")
    alignment_services.dependency_create(
        actor=asker, objective=objective, provider=team, description="A build cache"
    )
    notification = notices_of(member, notices.DEPENDENCY_ASKED).get()
    assert "A build cache" in notification.text and notification.objective == objective
    assert emails_to(member, Delivery.Kind.NOTICE).count() == 1
    assert not notices_of(asker).exists()


def test_a_kpi_leaving_its_band_tells_the_leads(admin, org, team, member):
    lead = f.make_person(org, name="Lee Lead")
    f.join(team, lead, role=Membership.Role.LEAD)
    kpi = kpi_services.kpi_create(actor=admin, unit=team, name="Uptime", band_min=99.5)
    choose(lead, kpi_left_band__email=False)
    kpi_services.kpi_value_add(actor=member, kpi=kpi, value=90)
    notification = notices_of(lead, notices.KPI_LEFT_BAND).get()
    assert notification.kpi == kpi and notification.url == f"/kpis/{kpi.pk}/"
    assert not emails_to(lead).exists()
    assert not notices_of(member).exists()  # members are not leads


# Key results turning off track or stale: once per transition --------------------------------


def test_off_track_is_told_once_per_transition(owned, admin, member):
    _, kr = owned  # 0 of 100 seven weeks into the quarter: off track
    assert watch.key_result_signals_refresh(now=TEST_NOW) == 1
    assert watch.key_result_signals_refresh(now=TEST_NOW) == 0
    notification = notices_of(member, notices.OFF_TRACK).get()
    assert notification.key_result == kr and notification.url.endswith(f"#kr-{kr.pk}")
    okr_services.check_in_create(actor=member, key_result=kr, value=90, confidence="on_track")
    assert watch.key_result_signals_refresh(now=TEST_NOW) == 0
    assert not KeyResultSignal.objects.filter(kind="off_track", cleared_at__isnull=True).exists()
    okr_services.check_in_create(actor=member, key_result=kr, value=5, confidence="off_track")
    assert watch.key_result_signals_refresh(now=TEST_NOW) == 1
    assert notices_of(member, notices.OFF_TRACK).count() == 2


def test_stale_after_two_weeks_without_a_check_in(owned, admin, member):
    _, kr = owned
    okr_services.check_in_create(actor=member, key_result=kr, value=60, confidence="on_track")
    assert watch.key_result_signals_refresh(now=TEST_NOW) == 0
    with time_machine.travel(TEST_NOW + timedelta(days=15), tick=False):
        later = TEST_NOW + timedelta(days=15)
        told = watch.key_result_signals_refresh(now=later)
        assert notices_of(member, notices.STALE).count() == 1
        assert watch.key_result_signals_refresh(now=later) == 0
    assert told == 1


def test_many_turned_key_results_are_told_with_one_unit_tree_and_each_owner_read_once(
    org, admin, cycle, monkeypatch
):
    """A first turn after a long pause can have thousands to tell: the key results are read in
    chunks, each owner once, and their sight from one unit tree of the organization (a tree
    for each key result held the worker at 1.5 GB for 5,657 of them at 5,000 people)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    monkeypatch.setattr(watch, "TELL_CHUNK", 4)  # three chunks
    team = f.make_unit(org, "Support")
    people = [f.make_person(org, name=f"Owner {n}") for n in range(5)]
    for person in people:
        f.join(team, person)
    objective = f.make_objective(admin, cycle, team, title="Answers within a day")
    krs = [
        f.make_kr(admin, objective, title=f"Tickets {n}", owner=people[n % 5]) for n in range(10)
    ]
    with CaptureQueriesContext(connection) as queries:
        assert watch.key_result_signals_refresh(now=TEST_NOW) == 10  # 0 of 100: off track
    trees = [
        q for q in queries if 'FROM "orgs_unit"' in q["sql"] and "WITH RECURSIVE" not in q["sql"]
    ]
    people_read = [q for q in queries if q["sql"].startswith('SELECT "orgs_person"')]
    assert len(trees) == 1, [q["sql"][:120] for q in trees]
    assert len(people_read) == 2  # owners 0–3 with the first chunk, owner 4 with the second
    for n, kr in enumerate(krs):
        told = notices_of(people[n % 5], notices.OFF_TRACK).filter(key_result=kr)
        assert told.count() == 1


def test_a_retrospective_due_is_told_once_per_cycle(owned, admin, member):
    in_review = datetime(2026, 12, 24, 10, 0, tzinfo=UTC)
    with time_machine.travel(in_review, tick=False):
        assert notice_services.reviews_due_notify(now=in_review) >= 1
        assert notice_services.reviews_due_notify(now=in_review) == 0
    notification = notices_of(member, notices.REVIEW_DUE).get()
    assert "retrospective" in notification.text and "/retrospective/" in notification.url


def test_the_leads_are_asked_for_the_mid_cycle_and_the_months_review_once(
    owned, admin, member, org, team
):
    from cadence.reviews import services as review_services
    from cadence.reviews.models import Review

    lead = f.make_person(org, name="Lena Lead")
    f.join(team, lead, role=Membership.Role.LEAD)
    objective, _ = owned
    cycle = objective.cycle  # 1 October to 31 December 2026: its middle is 15 November
    early = datetime(2026, 11, 10, 9, 0, tzinfo=UTC)
    with time_machine.travel(early, tick=False):
        assert notice_services.periodic_reviews_notify(now=early) == 0
    late_november = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
    with time_machine.travel(late_november, tick=False):
        assert notice_services.periodic_reviews_notify(now=late_november) == 2
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as again:
            assert notice_services.periodic_reviews_notify(now=late_november) == 0
        # Those told are skipped by one look, not by an insert refused at every worker turn.
        assert not [q for q in again.captured_queries if q["sql"].startswith("INSERT")]
    texts = sorted(n.text for n in notices_of(lead, notices.REVIEW_DUE))
    assert texts == [
        f"Product: the November review of {cycle.name} is due",
        f"Product: the mid-cycle review of {cycle.name} is due",
    ]
    urls = {n.url for n in notices_of(lead, notices.REVIEW_DUE)}
    assert f"/reviews/monthly/2026-11/?unit={team.pk}" in {u[u.index("/reviews/") :] for u in urls}
    assert not notices_of(member, notices.REVIEW_DUE).exists()  # the leads hold the reviews
    # December's review, written before its last week, is never asked for.
    with time_machine.travel(datetime(2026, 12, 15, 9, 0, tzinfo=UTC), tick=False):
        review_services.review_save(
            actor=lead,
            cycle=cycle,
            unit=team,
            kind=Review.Kind.MONTHLY,
            period=datetime(2026, 12, 1).date(),
            answers={},
            notes="Held early: the team is away at the end of the month.",
        )
    late_december = datetime(2026, 12, 27, 9, 0, tzinfo=UTC)
    with time_machine.travel(late_december, tick=False):
        assert notice_services.periodic_reviews_notify(now=late_december) == 0
    assert notices_of(lead, notices.REVIEW_DUE).count() == 2


# Tenancy and visibility ----------------------------------------------------------------------


def test_nobody_is_told_of_another_organizations_things(owned, outsider, member):
    objective, _ = owned
    assert (
        notify.notify(person=outsider, kind=notices.COMMENT, text="x", url="/", objective=objective)
        is None
    )
    assert (
        notify.notify(person=member, kind=notices.COMMENT, text="x", url="/", actor=outsider)
        is None
    )
    assert not Notification.objects.exists()


def test_people_who_left_are_not_told(owned, admin, member):
    objective, _ = owned
    member.is_active = False
    member.save()
    services.comment_create(actor=admin, target=objective, text="Anyone?")
    assert not notices_of(member).exists()


def test_the_same_key_is_told_once(member, owned):
    objective, _ = owned
    first = notify.notify(person=member, kind=notices.LIKE, text="x", url="/", key="k:1")
    again = notify.notify(person=member, kind=notices.LIKE, text="x", url="/", key="k:1")
    assert first is not None and again is None and notices_of(member).count() == 1


# The settings page and the notifications page ------------------------------------------------


def test_the_settings_page_saves_each_kind_on_each_channel(client, member):
    client.force_login(member)
    page = client.get("/settings/notifications/")
    assert page.status_code == 200
    html = page.content.decode()
    assert notices.field_name("mention", "email") in html and "Team&#x27;s Slack channel" in html
    data = {"form": "notices", "digest_hour": "7", "daily_digest": "on"}
    # Everything off except the mention in the app and on Slack.
    data[notices.field_name("mention", "in_app")] = "on"
    data[notices.field_name("mention", "slack")] = "on"
    response = client.post("/settings/notifications/", data)
    assert response.status_code == 302
    grid = notices.grid(notify.choices_of(member))
    assert grid["mention", "in_app"] and grid["mention", "slack"]
    assert not grid["mention", "email"] and not grid["approval_asked", "email"]
    assert not any(on for (k, c), on in grid.items() if k != "mention")
    assert (member.daily_digest.enabled, member.daily_digest.hour) == (True, 7)
    bad = client.post("/settings/notifications/", {"form": "notices", "digest_hour": "25"})
    assert bad.status_code == 422
    member.daily_digest.refresh_from_db()
    assert member.daily_digest.hour == 7


def test_the_notifications_page_lists_and_opens_every_kind(client, owned, admin, member):
    objective, kr = owned
    services.comment_create(actor=admin, target=objective, text="A comment")
    services.like_toggle(actor=admin, target=kr)
    client.force_login(member)
    html = client.get("/notifications/").content.decode()
    assert "commented on" in html and "likes" in html
    like = notices_of(member, notices.LIKE).get()
    response = client.get(f"/notifications/{like.pk}/")
    assert response.status_code == 302 and response["Location"] == like.url
    like.refresh_from_db()
    assert like.read_at is not None
