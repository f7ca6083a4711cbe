"""Carry-over at the deadline: open plans and problems move on to next week as new items,
exactly once — run twice, run late after a downtime, and week after week."""

from datetime import UTC, datetime, time, timedelta

import pytest

from cadence.orgs.models import Membership, Person, Unit
from cadence.orgs.selectors import company_unit
from cadence.weekly import selectors, services
from cadence.weekly.models import Item, WeeklyUpdate
from cadence.weekly.weeks import next_week
from tests import factories as f

from .conftest import WEEK

W1, W2, W3, W4 = (WEEK + timedelta(weeks=n) for n in range(4))


def items_of(person, week):
    return list(
        Item.objects.filter(update__person=person, update__week=week, deleted_at__isnull=True)
        .select_related("category")
        .order_by("category__position", "position")
    )


def texts(person, week, slug=None):
    return [i.text for i in items_of(person, week) if slug is None or i.category.slug == slug]


def deadline_utc(week, hour=17):
    """Friday of ``week`` at ``hour`` UTC (the default rhythm of a UTC team)."""
    return datetime.combine(week + timedelta(days=4), time(hour), tzinfo=UTC)


def test_rollover_week_carries_open_plans_and_problems_once(org, admin, member, add, kr):
    plan = add(member, "plans", "Ship onboarding", key_result=kr)
    add(member, "plans", "Call Acme")
    done = add(member, "plans", "Write the spec")
    services.item_move(actor=member, item=done, category="progress")
    stuck = add(member, "problems", "Waiting for legal")
    add(member, "progress", "Unplanned fix")
    gone = add(member, "plans", "Dropped idea")
    services.item_delete(actor=member, item=gone)
    services.category_create(actor=admin, name="Future ideas")
    add(member, "future-ideas", "Dark mode")

    assert services.rollover_week(week=W1) == 3
    assert texts(member, W2, "plans") == ["Ship onboarding", "Call Acme"]
    assert texts(member, W2, "problems") == ["Waiting for legal"]
    assert texts(member, W2, "progress") == [] and texts(member, W2, "future-ideas") == []
    copy = Item.objects.get(carried_over_from=plan)
    assert copy.carried_over and (copy.objective, copy.key_result) == (kr.objective, kr)
    assert Item.objects.get(carried_over_from=stuck).category.slug == "problems"
    # The originals stay in their week as history.
    assert texts(member, W1, "plans") == ["Ship onboarding", "Call Acme"]
    # A carried week alone is not an update the person wrote.
    assert WeeklyUpdate.objects.get(person=member, week=W2).submitted_at is None

    assert services.rollover_week(week=W1) == 0
    assert services.rollover_week(organization=org, week=W1 + timedelta(days=2)) == 0
    assert Item.objects.filter(update__week=W2).count() == 3


def test_carried_items_keep_carrying_until_done(org, member, add):
    add(member, "plans", "Long task")
    services.rollover_week(week=W1)
    copy = items_of(member, W2)[0]
    assert services.rollover_week(week=W2) == 1
    third = items_of(member, W3)[0]
    assert third.carried_over_from == copy and copy.carried_over_from.update.week == W1
    services.item_move(actor=member, item=third, category="progress")
    assert services.rollover_week(week=W3) == 0
    assert items_of(member, W4) == []


def test_a_carried_copy_deleted_or_done_is_not_carried_again(org, member, add):
    add(member, "plans", "Maybe")
    services.rollover_week(week=W1)
    services.item_delete(actor=member, item=items_of(member, W2)[0])
    assert services.rollover_week(week=W1) == 0
    assert services.rollover_week(week=W2) == 0
    assert items_of(member, W2) == items_of(member, W3) == []


def test_carried_items_go_after_what_next_week_already_has(org, member, add):
    add(member, "plans", "Old plan")
    add(member, "plans", "Next week's own", week=W2)
    services.rollover_week(week=W1)
    assert texts(member, W2, "plans") == ["Next week's own", "Old plan"]


def test_custom_and_archived_categories(org, admin, member, add):
    carrying = services.category_create(actor=admin, name="Follow-ups", carries_over=True)
    archived = services.category_create(actor=admin, name="Old column", carries_over=True)
    add(member, "follow-ups", "Email the board")
    add(member, "old-column", "Stays put")
    services.category_archive(actor=admin, category=archived)
    assert services.rollover_week(week=W1) == 1
    assert [i.category for i in items_of(member, W2)] == [carrying]


def test_rollover_due_waits_for_the_deadline(org, member, add):
    add(member, "plans", "Before the deadline")
    assert services.rollover_due(now=deadline_utc(W1) - timedelta(seconds=1)) == 0
    assert services.rollover_due(now=deadline_utc(W1)) == 1
    assert services.rollover_due(now=deadline_utc(W1) + timedelta(minutes=5)) == 0
    assert texts(member, W2) == ["Before the deadline"]


def test_rollover_due_uses_the_teams_rhythm_and_time_zone(org, member, team, add):
    Unit.objects.filter(pk=team.pk).update(
        checkin_weekday=Unit.Weekday.THURSDAY, checkin_time=time(9, 30), time_zone="Asia/Tokyo"
    )
    add(member, "plans", "Tokyo plan")
    # Thursday 09:30 in Tokyo is Thursday 00:30 UTC.
    due = datetime.combine(W1 + timedelta(days=3), time(0, 30), tzinfo=UTC)
    team.refresh_from_db()
    assert selectors.team_deadline(team, W1) == due
    assert services.rollover_due(now=due - timedelta(seconds=1)) == 0
    assert services.rollover_due(now=due) == 1


def test_rollover_due_after_a_downtime_carries_week_by_week(org, member, add):
    add(member, "plans", "Still open")
    add(member, "problems", "Still stuck")
    finished = add(member, "plans", "Done in week 2")
    # Nothing ran for three weeks: now is after W3's deadline, before W4's.
    now = deadline_utc(W3) + timedelta(days=1)
    assert services.rollover_due(now=now) == 3 + 3 + 3
    chain = Item.objects.get(update__week=W4, text="Still open")
    weeks = []
    node = chain
    while node is not None:
        weeks.append(node.update.week)
        node = node.carried_over_from
    assert weeks == [W4, W3, W2, W1]
    assert services.rollover_due(now=now) == 0
    assert services.rollover_due(now=now + timedelta(hours=1)) == 0
    for week in (W2, W3, W4):
        assert sorted(texts(member, week)) == ["Done in week 2", "Still open", "Still stuck"]
    assert finished.pk in Item.objects.filter(update__week=W1).values_list("pk", flat=True)
    # Nothing for W5 until W4's deadline has passed.
    assert not WeeklyUpdate.objects.filter(week=next_week(W4)).exists()
    assert services.rollover_due(now=deadline_utc(W4)) == 3
    # Each item was carried exactly once.
    assert Item.objects.filter(carried_over_from__isnull=False).count() == 12
    assert Item.objects.filter(carried_to__isnull=False).count() == 12


def test_late_rollover_stops_where_an_item_was_done(org, member, add):
    add(member, "plans", "Finish me")
    services.rollover_due(now=deadline_utc(W1))
    services.item_move(actor=member, item=items_of(member, W2)[0], category="progress")
    assert services.rollover_due(now=deadline_utc(W3) + timedelta(days=1)) == 0
    assert items_of(member, W3) == [] == items_of(member, W4)


def test_rollover_due_handles_people_on_different_rhythms(org, member, team, add):
    night = f.make_unit(org, "Night shift")
    Unit.objects.filter(pk=night.pk).update(checkin_weekday=Unit.Weekday.MONDAY)
    owl = f.make_person(org, name="Owl")
    f.join(night, owl)
    add(member, "plans", "Friday person")
    add(owl, "plans", "Monday person")
    monday_evening = datetime.combine(W1, time(18), tzinfo=UTC)
    assert services.rollover_due(now=monday_evening) == 1
    assert texts(owl, W2) == ["Monday person"] and texts(member, W2) == []
    assert services.rollover_due(now=deadline_utc(W1)) == 1
    assert texts(member, W2) == ["Friday person"]


def test_inactive_people_are_not_carried(org, member, add):
    add(member, "plans", "Left the company")
    Person.objects.filter(pk=member.pk).update(is_active=False)
    assert services.rollover_due(now=deadline_utc(W3)) == 0


def test_rollover_is_per_organization_when_asked(org, member, add):
    other, other_admin = f.make_org("Other")
    add(member, "plans", "Ours")
    add(other_admin, "plans", "Theirs")
    assert services.rollover_week(organization=other, week=W1) == 1
    assert texts(member, W2) == []
    assert services.rollover_week(week=W1) == 1


# Rhythm -----------------------------------------------------------------------------------


def test_primary_team_and_rhythm(org, member, team):
    assert selectors.primary_team(member) == team
    alpha = f.make_unit(org, "Alpha")
    f.join(alpha, member)
    assert selectors.primary_team(member) == alpha  # first team by name
    zulu = f.make_unit(org, "Zulu")
    f.join(zulu, member, Membership.Role.LEAD)
    assert selectors.primary_team(member) == zulu  # the team they lead wins
    dept = f.make_unit(org, "Engineering", kind=Unit.Kind.DEPARTMENT)
    loner = f.make_person(org, name="Loner")
    f.join(dept, loner, Membership.Role.LEAD)
    assert selectors.primary_team(loner) is None
    assert selectors.rhythm_unit(loner) == company_unit(org)


def test_time_zone_and_current_week(org, member, team):
    Unit.objects.filter(pk=team.pk).update(time_zone="Pacific/Auckland")
    assert selectors.person_time_zone(member) == "Pacific/Auckland"
    Person.objects.filter(pk=member.pk).update(time_zone="Europe/Paris")
    member.refresh_from_db()
    assert selectors.person_time_zone(member) == "Europe/Paris"
    # Sunday 20:00 UTC is already Monday in Auckland: the team's week decides.
    sunday = datetime.combine(W2 - timedelta(days=1), time(20), tzinfo=UTC)
    assert selectors.current_week(member, sunday) == W2
    # Friday 05:00 UTC is Friday 18:00 in Auckland: past the team's Friday 17:00 deadline, so
    # its people write in the next week; in UTC (a loner follows the company) not yet.
    friday = datetime.combine(W1 + timedelta(days=4), time(5), tzinfo=UTC)
    assert selectors.current_week(member, friday) == W2
    assert selectors.current_week(member, friday - timedelta(hours=2)) == W1
    loner = f.make_person(org, name="Loner")
    assert selectors.current_week(loner, friday) == W1
    assert selectors.current_week(loner, deadline_utc(W1) - timedelta(seconds=1)) == W1
    assert selectors.current_week(loner, deadline_utc(W1)) == W2
    assert selectors.current_week(loner, sunday) == W2
    assert selectors.team_deadline(None, W1) == deadline_utc(W1)


@pytest.mark.parametrize("runs", [2, 5])
def test_many_runs_change_nothing_more(org, member, add, runs):
    add(member, "plans", "Once")
    add(member, "problems", "Once too")
    now = deadline_utc(W2) + timedelta(hours=1)
    results = [services.rollover_due(now=now) for _ in range(runs)]
    assert results[0] == 4 and set(results[1:]) == {0}
    assert Item.objects.count() == 6
