"""The agenda of a 1:1: the member's weekly items since the last 1:1 (Problems, then Progress,
then Plans, then other categories; a carried item once), and their own key results that are off
track or stalled."""

from datetime import UTC, date, datetime, timedelta

from cadence.oneonones import selectors, services
from cadence.weekly import services as weekly_services
from tests import factories as f
from tests.oneonones.conftest import NEXT

THIS_WEEK = date(2026, 11, 23)
LAST_WEEK = date(2026, 11, 16)


def _write(member, week, category, text):
    return weekly_services.item_create(
        actor=member, person=member, week=week, category=category, text=text
    )


def test_updates_come_problems_first_then_progress_plans_and_others(pair, member, admin):
    weekly_services.category_create(actor=admin, name="Lessons learned")
    _write(member, THIS_WEEK, "plans", "Ship the export")
    _write(member, THIS_WEEK, "lessons-learned", "Smaller batches help")
    _write(member, LAST_WEEK, "progress", "Closed the pilot")
    _write(member, THIS_WEEK, "problems", "Blocked on the API key")
    _write(member, date(2026, 11, 9), "problems", "Too old to count")
    agenda = selectors.agenda_for(pair, NEXT, viewer=pair.lead)
    assert (agenda.since, agenda.until) == (LAST_WEEK, THIS_WEEK)
    assert [(slug, [i.text for i in items]) for _name, slug, items in agenda.updates] == [
        ("problems", ["Blocked on the API key"]),
        ("progress", ["Closed the pilot"]),
        ("plans", ["Ship the export"]),
        ("lessons-learned", ["Smaller batches help"]),
    ]


def test_updates_since_the_last_one_on_one(pair, lead, member):
    services.meeting_create(actor=lead, pair=pair, at=NEXT - timedelta(days=1))  # Monday
    _write(member, LAST_WEEK, "progress", "Before the last 1:1")
    _write(member, THIS_WEEK, "progress", "Since the last 1:1")
    agenda = selectors.agenda_for(pair, NEXT, viewer=pair.lead)
    assert agenda.since == THIS_WEEK
    assert [i.text for _n, _s, items in agenda.updates for i in items] == ["Since the last 1:1"]


def test_a_carried_plan_is_shown_once_as_its_latest_copy(pair, member):
    from cadence.weekly.models import Item

    plan = weekly_services.item_create(
        actor=member,
        person=member,
        week=LAST_WEEK,
        category="plans",
        text="Hire a designer",
        at=datetime(2026, 11, 17, 9, tzinfo=UTC),
    )
    weekly_services.rollover_due(now=NEXT - timedelta(days=1))
    copy = Item.objects.get(carried_over_from=plan)
    agenda = selectors.agenda_for(pair, NEXT, viewer=pair.lead)
    plans = {slug: items for _n, slug, items in agenda.updates}["plans"]
    assert plans == [copy]


def test_key_results_off_track_or_stalled_owned_by_the_member(pair, member, admin, cycle, team):
    objective = f.make_objective(admin, cycle, team, title="Delight customers")
    behind = f.make_kr(admin, objective, title="Behind", owner=member)
    fine = f.make_kr(admin, objective, title="Fine", owner=member)
    theirs = f.make_kr(admin, objective, title="Someone else's, behind")
    stalled = f.make_kr(admin, objective, title="Stuck", owner=member)
    from cadence.okrs import services as okr_services

    base = datetime(2026, 11, 2, 12, tzinfo=UTC)
    for week in range(3):
        at = base + timedelta(weeks=week)
        okr_services.check_in_create(
            actor=admin, key_result=behind, value=5 + week, confidence="at_risk", at=at
        )
        okr_services.check_in_create(
            actor=admin, key_result=fine, value=40 + 10 * week, confidence="on_track", at=at
        )
        okr_services.check_in_create(
            actor=admin, key_result=theirs, value=1, confidence="at_risk", at=at
        )
        okr_services.check_in_create(
            actor=admin, key_result=stalled, value=55, confidence="on_track", at=at
        )
    found = selectors.key_results_to_discuss(member, NEXT - timedelta(days=1), viewer=member)
    assert [(k.key_result.title, k.reasons) for k in found] == [
        ("Behind", ("off_track",)),
        ("Stuck", ("stalled",)),
    ]


def test_the_agenda_hides_what_the_reader_may_not_see(pair, lead, member, admin, cycle, org):
    """An item linked to a unit-only objective of a team the lead does not lead: the member's
    agenda shows it, the lead's does not (okrs.visibility)."""
    secret_team = f.make_unit(org, "Skunkworks")
    f.join(secret_team, member)
    hidden = f.make_objective(admin, cycle, secret_team, title="Quiet bet", visibility="unit")
    weekly_services.item_create(
        actor=member,
        person=member,
        week=THIS_WEEK,
        category="progress",
        text="Prototype for the quiet bet",
        objective=hidden,
    )
    _write(member, THIS_WEEK, "progress", "Open work")

    def texts(viewer):
        agenda = selectors.agenda_for(pair, NEXT, viewer=viewer)
        return [i.text for _n, _s, items in agenda.updates for i in items]

    assert texts(member) == ["Prototype for the quiet bet", "Open work"]
    assert texts(lead) == ["Open work"]


def test_the_agenda_lists_the_members_personal_objectives(pair, lead, member, other_lead, cycle):
    """The member's personal objectives of the current cycle: on both agendas (the lead leads
    the member), with their progress; never another person's."""
    from cadence.okrs import services as okr_services

    mine = okr_services.personal_objective_create(
        actor=member, cycle=cycle, title="Become fluent in our pricing model"
    )
    kr = f.make_kr(member, mine, title="Explain 5 pricing cases to new hires", start=0, target=5)
    okr_services.check_in_create(actor=member, key_result=kr, value=2, confidence="on_track")
    okr_services.personal_objective_create(
        actor=other_lead, cycle=cycle, title="Someone else's growth"
    )
    for viewer in (member, lead):
        personal = selectors.agenda_for(pair, NEXT, viewer=viewer).personal
        assert [(o.title, o.progress) for o in personal] == [
            ("Become fluent in our pricing model", 0.4)
        ]
