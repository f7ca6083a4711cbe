"""The rollout mode decides who the schedule reminds: weekly reminders, the digest to a team's
members, the reviews due — people outside the rollout get none of them (a digest they subscribed
to themselves still comes)."""

from datetime import UTC, datetime

import pytest
import time_machine

from cadence.feed import notices
from cadence.feed.models import Notification
from cadence.mail.models import Delivery
from cadence.orgs.models import Membership
from cadence.scheduling import notice_services
from cadence.scheduling import services as scheduling_services
from cadence.scheduling.selectors import due_sends
from tests import factories as f
from tests.scheduling.conftest import WEEK, berlin, join, make_team, since_long_ago, write_update

pytestmark = pytest.mark.django_db

REMINDER, DIGEST = Delivery.Kind.REMINDER, Delivery.Kind.DIGEST


def due(now, kind):
    return sorted(s.person.name for s in due_sends(now) if s.kind == kind)


@pytest.fixture
def teams(org):
    """Growth (lead Lena, member Alice) and Support (member Sven), both in Berlin."""
    growth = make_team(org, "Growth", "Europe/Berlin")
    support = make_team(org, "Support", "Europe/Berlin")
    lena = f.make_person(org, name="Lena Lead")
    alice = f.make_person(org, name="Alice Adler")
    sven = f.make_person(org, name="Sven Support")
    join(growth, lena, role="lead")
    join(growth, alice)
    join(support, sven)
    return {"growth": growth, "support": support, "lena": lena, "alice": alice, "sven": sven}


@pytest.mark.parametrize(
    ("mode", "pilots", "expected"),
    [
        ("everyone", [], ["Alice Adler", "Lena Lead", "Sven Support"]),
        ("leads", [], ["Lena Lead"]),
        ("pilot", ["growth"], ["Alice Adler", "Lena Lead"]),
        ("pilot", ["support"], ["Sven Support"]),
    ],
)
def test_reminders_go_to_the_people_in_the_rollout(org, teams, mode, pilots, expected):
    f.set_rollout(org, mode, [teams[p] for p in pilots])
    assert due(berlin(27, 16), REMINDER) == expected


def test_the_rollout_changes_the_next_run_and_nothing_already_sent(org, teams):
    f.set_rollout(org, "leads")
    summary = scheduling_services.run_once(berlin(27, 16))
    assert summary.sent[REMINDER] == 1
    f.set_rollout(org, "everyone")
    assert due(berlin(27, 16, 30), REMINDER) == ["Alice Adler", "Sven Support"]


@pytest.mark.parametrize(
    ("mode", "pilots", "expected"),
    [
        ("everyone", [], ["Alice Adler", "Bea Board", "Lena Lead"]),
        ("leads", [], ["Bea Board", "Lena Lead"]),
        ("pilot", ["growth"], ["Alice Adler", "Bea Board", "Lena Lead"]),
        ("pilot", ["support"], ["Bea Board"]),
    ],
)
def test_a_teams_digest_goes_to_its_members_in_the_rollout_and_its_subscribers(
    org, teams, mode, pilots, expected
):
    board = f.make_person(org, role="viewer", name="Bea Board")
    since_long_ago(scheduling_services.digest_subscribe(actor=board, unit=teams["growth"]))
    write_update(teams["alice"])
    f.set_rollout(org, mode, [teams[p] for p in pilots])
    growth_digest = sorted(
        s.person.name
        for s in due_sends(berlin(27, 17, 30))
        if s.kind == DIGEST and s.unit == teams["growth"]
    )
    assert growth_digest == expected


def test_the_digest_does_not_list_people_outside_the_rollout_as_missing(org, teams):
    from cadence.weekly import selectors as weekly_selectors

    write_update(teams["lena"])
    f.set_rollout(org, "leads")
    report = weekly_selectors.team_report(org, teams["growth"], WEEK, viewer=f.ALL)
    assert report.missing == []
    f.set_rollout(org, "everyone")
    report = weekly_selectors.team_report(org, teams["growth"], WEEK, viewer=f.ALL)
    assert [p.name for p in report.missing] == ["Alice Adler"]


@pytest.fixture
def in_review(org_admin, teams):
    org, admin = org_admin
    cycle = f.make_cycle(admin, name="Q4 2026")
    for team in (teams["growth"], teams["support"]):
        f.make_objective(admin, cycle, team, state="approved")
    return datetime(2026, 12, 24, 10, 0, tzinfo=UTC)


def told(person):
    return Notification.objects.filter(person=person, kind=notices.REVIEW_DUE).count()


@pytest.mark.parametrize(
    ("mode", "pilots", "expected"),
    [
        ("everyone", [], {"lena": 1, "alice": 1, "sven": 1}),
        ("leads", [], {"lena": 1, "alice": 0, "sven": 0}),
        ("pilot", ["support"], {"lena": 0, "alice": 0, "sven": 1}),
    ],
)
def test_retrospectives_due_are_told_to_the_people_in_the_rollout(
    org, teams, in_review, mode, pilots, expected
):
    f.set_rollout(org, mode, [teams[p] for p in pilots])
    with time_machine.travel(in_review, tick=False):
        notice_services.reviews_due_notify(now=in_review)
    assert {name: told(teams[name]) for name in expected} == expected


@pytest.mark.parametrize(
    ("mode", "pilots", "expected"), [("everyone", [], 2), ("pilot", ["support"], 0)]
)
def test_periodic_reviews_ask_the_leads_in_the_rollout(
    org, teams, in_review, mode, pilots, expected
):
    f.set_rollout(org, mode, [teams[p] for p in pilots])
    late_november = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
    with time_machine.travel(late_november, tick=False):
        notice_services.periodic_reviews_notify(now=late_november)
    assert told(teams["lena"]) == expected
    assert Membership.objects.filter(person=teams["lena"], role="lead").exists()
