"""What is due at a moment: reminders in the two hours before a team's deadline, digests after
it — time zones, opt-outs, viewers, subscribers and late runs."""

from datetime import UTC, datetime, time

import pytest

from cadence.mail.models import Delivery
from cadence.orgs.models import Person, Unit
from cadence.scheduling import services
from cadence.scheduling.selectors import due_sends
from tests import factories as f
from tests.scheduling.conftest import NEXT_WEEK, WEEK, berlin, join, make_team, write_update

pytestmark = pytest.mark.django_db

REMINDER, DIGEST = Delivery.Kind.REMINDER, Delivery.Kind.DIGEST


def due(now, kind):
    return sorted((s.person.name, s.week) for s in due_sends(now) if s.kind == kind)


def test_reminders_are_due_in_the_two_hours_before_friday_17_berlin(alice, bob):
    assert due(berlin(27, 14, 59), REMINDER) == []
    expected = [("Alice Adler", WEEK), ("Bob Berger", WEEK)]
    assert due(berlin(27, 15, 0), REMINDER) == expected
    assert due(berlin(27, 16, 59), REMINDER) == expected
    # The deadline is 17:00 Berlin, 16:00 UTC: the same moment written in UTC.
    assert due(datetime(2026, 11, 27, 15, 59, tzinfo=UTC), REMINDER) == expected
    assert due(berlin(27, 17, 0), REMINDER) == []


def test_the_send_carries_the_deadline_of_the_week(alice):
    (send,) = due_sends(berlin(27, 16))
    assert send.unit.name == "Growth"
    assert send.deadline == berlin(27, 17)


def test_each_team_reminds_on_its_own_time_zone(org, alice):
    new_york = make_team(org, "Support", "America/New_York")
    nora = f.make_person(org, name="Nora York")
    join(new_york, nora)
    # 15:30 in Berlin is 09:30 in New York: only Berlin's window is open.
    assert due(berlin(27, 15, 30), REMINDER) == [("Alice Adler", WEEK)]
    # 16:00 in New York (Friday 22:00 in Berlin): Support's window, Growth's deadline passed.
    assert due(berlin(27, 22, 0), REMINDER) == [("Nora York", WEEK)]


def test_a_persons_own_time_zone_changes_how_the_deadline_reads_not_when(alice):
    services.notification_settings_update(
        person=alice,
        weekly_reminders=True,
        weekly_digests=True,
        time_zone="Asia/Tokyo",
    )
    assert due(berlin(27, 15, 0), REMINDER) == [("Alice Adler", WEEK)]
    assert due(berlin(27, 14, 59), REMINDER) == []


def test_who_has_written_their_update_is_not_reminded(alice, bob):
    write_update(alice)
    assert due(berlin(27, 16), REMINDER) == [("Bob Berger", WEEK)]


def test_an_update_of_another_week_does_not_count(alice):
    write_update(alice, week=NEXT_WEEK)
    assert due(berlin(27, 16), REMINDER) == [("Alice Adler", WEEK)]


def test_opting_out_of_reminders_is_respected(alice, bob):
    services.notification_settings_update(
        person=bob, weekly_reminders=False, weekly_digests=True, time_zone=""
    )
    assert due(berlin(27, 16), REMINDER) == [("Alice Adler", WEEK)]


def test_viewers_and_deactivated_people_get_no_reminder(org, berlin_team, alice, bob):
    viewer = f.make_person(org, role=Person.Role.VIEWER, name="Vic Viewer")
    join(berlin_team, viewer)
    Person.objects.filter(pk=bob.pk).update(is_active=False)
    assert due(berlin(27, 16), REMINDER) == [("Alice Adler", WEEK)]


def test_a_person_in_two_teams_is_reminded_once_by_their_primary_team(org, alice):
    other = make_team(org, "Alpha", "Europe/Berlin")
    join(other, alice)
    sends = [s for s in due_sends(berlin(27, 16)) if s.kind == REMINDER]
    assert [s.person for s in sends] == [alice]


def test_a_monday_morning_deadline_is_reminded_on_sunday_night(org, alice, berlin_team):
    Unit.objects.filter(pk=berlin_team.pk).update(checkin_weekday=0, checkin_time=time(1, 0))
    # Sunday 29 November 23:30 Berlin is in W48 locally; the next deadline is W49's Monday 01:00.
    assert due(berlin(29, 23, 30), REMINDER) == [("Alice Adler", NEXT_WEEK)]
    assert due(berlin(29, 22, 59), REMINDER) == []


def test_digest_after_the_deadline_to_members_and_subscribers(alice, bob, board):
    write_update(alice)
    after = [("Alice Adler", WEEK), ("Bea Board", WEEK), ("Bob Berger", WEEK)]
    assert due(berlin(27, 17, 0), DIGEST) == after
    # Still due until the next deadline replaces it (a late run still sends it).
    assert due(berlin(2, 9, 0, month=12), DIGEST) == after


def test_no_digest_before_the_first_deadline_with_updates(alice, bob, board):
    write_update(alice)
    # Before W48's deadline the last deadline is W47's, a week nobody wrote anything in.
    assert due(berlin(27, 16, 59), DIGEST) == []


def test_no_digest_for_a_week_without_any_update(alice, bob, board):
    assert due(berlin(27, 17, 0), DIGEST) == []


def test_opting_out_of_digests_is_respected(alice, bob, board):
    write_update(alice)
    services.notification_settings_update(
        person=board, weekly_reminders=True, weekly_digests=False, time_zone=""
    )
    assert due(berlin(27, 18), DIGEST) == [("Alice Adler", WEEK), ("Bob Berger", WEEK)]


def test_who_joined_or_followed_after_the_deadline_waits_for_next_week(org, berlin_team, alice):
    write_update(alice)
    late = f.make_person(org, name="Lou Late")
    f.join(berlin_team, late)  # joins now, after the January-dated memberships
    follower = f.make_person(org, role=Person.Role.VIEWER, name="Fay Follower")
    services.digest_subscribe(actor=follower, unit=berlin_team)
    write_update(alice, week=WEEK - (NEXT_WEEK - WEEK))
    # At W47's deadline (Friday 20 November) they had not joined or followed yet.
    assert due(berlin(20, 17), DIGEST) == [("Alice Adler", WEEK - (NEXT_WEEK - WEEK))]


def test_unsubscribing_stops_the_digest(alice, board, berlin_team):
    write_update(alice)
    services.digest_unsubscribe(actor=board, unit=berlin_team)
    assert due(berlin(27, 18), DIGEST) == [("Alice Adler", WEEK)]


def test_a_late_run_sends_only_the_last_deadlines_digest_and_no_stale_reminders(alice, bob):
    write_update(alice)
    write_update(alice, week=NEXT_WEEK)
    # Three weeks later (the worker was down): W49 is the last deadline, no reminders at all.
    moment = berlin(16, 10, 0, month=12)  # Wednesday of W51
    assert due(moment, REMINDER) == []
    assert due(moment, DIGEST) == []  # W50 had no update: no digest
    moment = berlin(9, 10, 0, month=12)  # Wednesday of W50: W49 is the last deadline
    assert due(moment, DIGEST) == [("Alice Adler", NEXT_WEEK), ("Bob Berger", NEXT_WEEK)]


def test_sent_emails_are_no_longer_due(alice, bob):
    services.run_once(berlin(27, 16))
    assert due(berlin(27, 16, 30), REMINDER) == []
    assert Delivery.objects.filter(kind=REMINDER, sent_at__isnull=False).count() == 2
