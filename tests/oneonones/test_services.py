"""The 1:1 services: who may set one up and write in it, private notes, action items carried
until done, feedback, the audit trail (that something changed, never what was written)."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from cadence.audit.models import Event
from cadence.core.errors import Conflict
from cadence.oneonones import selectors, services
from cadence.oneonones.models import Meeting, Pair
from cadence.orgs.models import Membership
from tests import factories as f
from tests.oneonones.conftest import NEXT


def _create(lead, member, **kw):
    kw.setdefault("frequency", "weekly")
    kw.setdefault("weekday", 1)
    kw.setdefault("at", time(10, 0))
    return services.pair_create(actor=lead, member=member, **kw)


# Who may set one up ---------------------------------------------------------------------------


def test_a_lead_sets_up_a_one_on_one_with_a_member_of_their_team(lead, member):
    pair = _create(lead, member, starts_on=date(2026, 11, 1))
    assert (pair.lead, pair.member, pair.minutes) == (lead, member, Pair.DEFAULT_MINUTES)
    assert selectors.next_meeting_at(pair) == NEXT
    event = Event.objects.get(kind="one_on_one.created")
    assert event.actor == lead and "Every week" in event.changes["schedule"][1]


def test_a_lead_of_a_department_pairs_with_a_member_of_a_team_below_it(org, member, team):
    department = f.make_unit(org, "Making", kind="department")
    team.parent = department
    team.save()
    head = f.make_person(org, name="Hana Head")
    f.join(department, head, role=Membership.Role.LEAD)
    assert _create(head, member).member == member


@pytest.mark.parametrize("who", ["admin", "other_lead", "member"])
def test_only_a_lead_of_the_persons_units_sets_one_up(request, who, member, lead):
    actor = request.getfixturevalue(who)
    target = lead if who == "member" else member
    with pytest.raises(ValidationError) as error:
        _create(actor, target)
    assert "member" in error.value.message_dict
    assert not Pair.objects.exists()


def test_nobody_pairs_with_themselves_or_twice(lead, member):
    with pytest.raises(ValidationError):
        _create(lead, lead)
    _create(lead, member)
    with pytest.raises(Conflict):
        _create(lead, member)
    assert Pair.objects.count() == 1


def test_a_schedule_out_of_bounds_is_refused_whole(lead, member):
    with pytest.raises(ValidationError) as error:
        _create(lead, member, frequency="daily", weekday=7, minutes=500)
    assert set(error.value.message_dict) == {"frequency", "weekday", "minutes"}
    assert not Pair.objects.exists() and not Event.objects.filter(kind__startswith="one_").exists()


# Only the two ---------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["admin", "other_lead", "outsider"])
def test_anyone_but_the_two_is_told_the_pair_does_not_exist(request, who, pair):
    actor = request.getfixturevalue(who)
    with pytest.raises(Http404):
        selectors.pair_get(actor, pair.pk)
    for write in (
        lambda: services.talking_point_add(actor=actor, pair=pair, text="Mine now"),
        lambda: services.note_add(actor=actor, pair=pair, text="Peek"),
        lambda: services.action_item_add(actor=actor, pair=pair, owner="lead", text="x"),
        lambda: services.feedback_add(actor=actor, pair=pair, text="Rating"),
        lambda: services.meeting_create(actor=actor, pair=pair),
    ):
        with pytest.raises(Http404):
            write()
    assert not Meeting.objects.exists()


def test_both_add_talking_points_to_the_next_meeting(pair, lead, member):
    services.talking_point_add(actor=lead, pair=pair, text="Hiring plan")
    services.talking_point_add(actor=member, pair=pair, text="Conference budget")
    meeting = Meeting.objects.get()
    assert meeting.at == NEXT
    assert [p.text for p in meeting.talking_points.all()] == ["Hiring plan", "Conference budget"]


def test_blank_or_long_text_is_refused(pair, lead):
    with pytest.raises(ValidationError):
        services.talking_point_add(actor=lead, pair=pair, text="   ")
    with pytest.raises(ValidationError):
        services.note_add(actor=lead, pair=pair, text="x" * 10_001)
    with pytest.raises(ValidationError) as error:
        services.action_item_add(actor=lead, pair=pair, owner="boss", text="")
    assert set(error.value.message_dict) == {"owner", "text"}
    assert not Meeting.objects.exists()


# Private notes --------------------------------------------------------------------------------


def test_a_private_note_is_read_by_its_writer_only(pair, lead, member, admin):
    services.note_add(actor=lead, pair=pair, text="Shared: agreed on the plan")
    services.note_add(actor=lead, pair=pair, text="Lead's own thought", private=True)
    services.note_add(actor=member, pair=pair, text="Member's own thought", private=True)

    def seen(person):
        return sorted(n.text for n in selectors.meeting_view(pair, person, NEXT).notes)

    assert seen(lead) == ["Lead's own thought", "Shared: agreed on the plan"]
    assert seen(member) == ["Member's own thought", "Shared: agreed on the plan"]
    with pytest.raises(Http404):
        selectors.pair_get(admin, pair.pk)


def test_only_its_writer_changes_a_note_and_the_trail_keeps_no_text(pair, lead, member):
    shared = services.note_add(actor=lead, pair=pair, text="First words")
    private = services.note_add(actor=lead, pair=pair, text="Secret words", private=True)
    with pytest.raises(PermissionDenied):
        services.note_update(actor=member, note=shared, text="Rewritten")
    with pytest.raises(Http404):
        services.note_update(actor=member, note=private, text="Rewritten")
    with pytest.raises(Http404):
        selectors.note_get(pair, member, private.pk)
    services.note_update(actor=lead, note=private, text="Other secret words")
    event = Event.objects.get(kind="one_on_one.note_changed")
    trail = str(list(Event.objects.filter(kind__startswith="one_on_one.").values()))
    for words in ("First words", "Secret words", "Other secret words"):
        assert words not in trail
    assert event.changes == {"text": ["(changed)", "(changed)"]}


# Action items ---------------------------------------------------------------------------------


def test_an_action_item_is_carried_to_every_meeting_until_ticked(pair, lead, member):
    first = services.meeting_create(actor=lead, pair=pair, at=NEXT - timedelta(days=14))
    item = services.action_item_add(
        actor=lead, pair=pair, owner="member", text="Draft the survey", meeting=first
    )
    second = services.meeting_create(actor=lead, pair=pair, at=NEXT - timedelta(days=7))
    third = services.meeting_create(actor=lead, pair=pair)

    def shown(meeting):
        return [(i.text, i.done_by_then) for i in selectors.action_items_on(pair, meeting.at)]

    assert shown(first) == shown(second) == shown(third) == [("Draft the survey", False)]
    services.action_item_tick(actor=member, item=item, meeting=second)
    # Shown done where it was ticked; gone from later meetings; still one row.
    assert shown(first) == [("Draft the survey", False)]
    assert shown(second) == [("Draft the survey", True)]
    assert shown(third) == []
    assert pair.action_items.count() == 1
    # Reopened: carried on again.
    services.action_item_tick(actor=lead, item=item, done=False)
    assert shown(third) == [("Draft the survey", False)]
    kinds = list(
        Event.objects.filter(kind__startswith="one_on_one.action_item").values_list(
            "kind", flat=True
        )
    )
    assert sorted(kinds) == [
        "one_on_one.action_item_added",
        "one_on_one.action_item_done",
        "one_on_one.action_item_reopened",
    ]


def test_an_item_is_not_ticked_in_a_meeting_before_the_one_it_was_raised_in(pair, lead):
    earlier = services.meeting_create(actor=lead, pair=pair, at=NEXT - timedelta(days=7))
    item = services.action_item_add(actor=lead, pair=pair, owner="lead", text="Book a room")
    with pytest.raises(Conflict):
        services.action_item_tick(actor=lead, item=item, meeting=earlier)
    item.refresh_from_db()
    assert not item.done


def test_a_meeting_asked_twice_for_the_same_moment_is_one(pair, lead, member):
    a = services.meeting_create(actor=lead, pair=pair)
    b = services.meeting_create(actor=member, pair=pair, at=NEXT)
    assert a == b and Meeting.objects.count() == 1
    with pytest.raises(ValidationError):
        services.meeting_create(actor=lead, pair=pair, at=datetime(2026, 12, 1, 10))


# Feedback ---------------------------------------------------------------------------------


def test_feedback_on_a_key_result_names_its_objective(pair, lead, admin, cycle, team):
    objective = f.make_objective(admin, cycle, team, title="Win the market")
    kr = f.make_kr(admin, objective, title="Reach 50 customers")
    feedback = services.feedback_add(
        actor=lead, pair=pair, text="Your demos moved this one", key_result=kr
    )
    assert (feedback.objective, feedback.key_result) == (objective, kr)
    other_org_admin = f.make_org("Elsewhere")[1]
    foreign_cycle = f.make_cycle(other_org_admin)
    foreign_unit = f.make_unit(other_org_admin.organization, "Theirs")
    foreign = f.make_objective(other_org_admin, foreign_cycle, foreign_unit)
    with pytest.raises(ValidationError):
        services.feedback_add(actor=lead, pair=pair, text="x", objective=foreign)


# Reminders ----------------------------------------------------------------------------------


def test_the_reminder_is_queued_once_per_occurrence_to_both(pair, lead, member, mailoutbox):
    from cadence.mail.models import Delivery

    assert services.reminders_queue_due(now=NEXT - timedelta(hours=25)) == 0
    assert services.reminders_queue_due(now=NEXT - timedelta(hours=23)) == 2
    assert services.reminders_queue_due(now=NEXT - timedelta(hours=1)) == 0
    rows = Delivery.objects.filter(kind=Delivery.Kind.ONE_ON_ONE)
    assert sorted(d.person_id for d in rows) == sorted([lead.pk, member.pk])
    lead_mail = rows.get(person=lead)
    assert "Mia Member" in lead_mail.subject and "Tuesday 24 November at 10:00" in lead_mail.body
    assert "never a rating" in lead_mail.body
    # The next occurrence has its own reminder.
    assert services.reminders_queue_due(now=NEXT + timedelta(days=6)) == 2
    assert Delivery.objects.filter(kind=Delivery.Kind.ONE_ON_ONE).count() == 4


def test_the_worker_turn_queues_the_reminders(pair):
    from cadence.scheduling import services as scheduling_services

    summary = scheduling_services.tick(now=NEXT - timedelta(hours=2))
    assert "Queued 2 1:1 reminders." in str(summary)
    summary = scheduling_services.tick(now=NEXT - timedelta(hours=1))
    assert "1:1 reminder" not in str(summary)


def test_no_reminder_for_a_deactivated_person(pair, member):
    member.is_active = False
    member.save()
    assert services.reminders_queue_due(now=NEXT - timedelta(hours=2)) == 0


def test_the_schedule_is_in_the_leads_time_zone(lead, member):
    lead.time_zone = "America/New_York"
    lead.save()
    pair = _create(lead, member, starts_on=date(2026, 11, 1))
    assert selectors.next_meeting_at(pair) == datetime(2026, 11, 24, 15, 0, tzinfo=UTC)


def test_either_of_the_two_changes_the_schedule_and_it_is_audited(pair, member, admin):
    services.pair_schedule_set(
        actor=member,
        pair=pair,
        frequency="biweekly",
        weekday=3,
        at=time(15, 30),
        minutes=45,
        starts_on=date(2026, 11, 1),
    )
    pair.refresh_from_db()
    assert (pair.frequency, pair.weekday, pair.at, pair.minutes) == (
        "biweekly",
        3,
        time(15, 30),
        45,
    )
    event = Event.objects.get(kind="one_on_one.schedule_changed")
    assert event.changes["schedule"][1].startswith("Every two weeks, Thu 15:30, 45 min")
    with pytest.raises(Http404):
        services.pair_schedule_set(
            actor=admin,
            pair=pair,
            frequency="weekly",
            weekday=1,
            at=time(9, 0),
            minutes=30,
            starts_on=date(2026, 11, 1),
        )
    with pytest.raises(ValidationError):
        services.pair_schedule_set(
            actor=member,
            pair=pair,
            frequency="weekly",
            weekday=1,
            at=None,
            minutes=5,
            starts_on=None,
        )
