"""A week after its deadline: people write in the next week, the closed week stays open for late
progress (marked late, never carried), and a change to an item after it was carried settles its
carried copy — with a real worker turn (``scheduling.services.tick``: the rollover, then the
emails) between the steps, as in production where it runs every minute.

The suite's clock is Monday 2026-11-23 10:00 UTC (2026-W48). The team keeps the default rhythm,
Friday 17:00 UTC, so 2026-W48 closes on Friday 27 November at 17:00; on Saturday people write in
2026-W49."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from cadence.scheduling import services as scheduling_services
from cadence.weekly import selectors, services
from cadence.weekly.models import Item, ItemMove
from tests import factories as f
from tests.api.conftest import Api

W48 = date(2026, 11, 23)
W49, W50 = W48 + timedelta(weeks=1), W48 + timedelta(weeks=2)
DEADLINE = datetime(2026, 11, 27, 17, 0, tzinfo=UTC)
SATURDAY = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
HTMX = {"HTTP_HX_REQUEST": "true"}


def worker_turn() -> int:
    """One turn of `cadence worker` now: returns how many items it carried."""
    return scheduling_services.tick().carried


def live(person, week, slug=None):
    items = Item.objects.filter(
        update__person=person, update__week=week, deleted_at__isnull=True
    ).select_related("category")
    return [(i.category.slug, i.text) for i in items if slug is None or i.category.slug == slug]


def copy_of(item) -> Item:
    return Item.objects.select_related("category").get(carried_over_from=item)


@pytest.fixture
def saturday():
    with time_machine.travel(SATURDAY, tick=True):
        yield SATURDAY


@pytest.fixture
def planned(member):
    """Two plans and a problem written on Monday (on time), carried by the worker on Saturday."""
    write = lambda category, text: services.item_create(  # noqa: E731
        actor=member, person=member, week=W48, category=category, text=text
    )
    return (
        write("plans", "Ship the checklist"),
        write("plans", "Call Acme"),
        write("problems", "Waiting for legal"),
    )


# "This week" -------------------------------------------------------------------------------


def test_before_the_deadline_this_week_is_the_calendar_week(member):
    assert selectors.current_week(member) == W48
    with time_machine.travel(DEADLINE - timedelta(seconds=1), tick=False):
        assert selectors.current_week(member) == W48
    with time_machine.travel(DEADLINE, tick=False):
        assert selectors.current_week(member) == W49


def test_on_saturday_my_week_is_next_week_and_the_closed_week_says_so(client, member, saturday):
    client.force_login(member)
    response = client.get(reverse("weekly_mine"))
    assert response["Location"] == reverse("weekly_update", args=[member.pk, "2026-W49"])
    html = client.get(response["Location"]).content.decode()
    assert "<strong>this week</strong>" in html and "due Fri 4 Dec, 17:00" in html
    assert "This week is closed" not in html

    closed = client.get(reverse("weekly_update", args=[member.pk, "2026-W48"])).content.decode()
    head = closed.split('id="weekly-board"')[0]
    assert "<strong>this week</strong>" not in head
    assert '<span class="badge badge--closed">Closed</span> Fri 27 Nov, 17:00' in head
    assert "This week is closed:" in head and "its deadline was Friday 27 Nov, 17:00" in head
    assert "what you add now is marked <strong>late</strong> and does not carry over" in head
    plan_here = reverse("weekly_update", args=[member.pk, "2026-W49"])
    assert f'Plan in <a href="{plan_here}">2026-W49</a>, your week now.' in head
    # The "This week" button leads to the week people write in now.
    assert f'href="{plan_here}">This week</a>' in head


def test_a_reader_of_a_closed_week_is_told_what_late_means(client, org, team, member, saturday):
    colleague = f.make_person(org, name="Colleague")
    f.join(team, colleague)
    client.force_login(colleague)
    html = client.get(reverse("weekly_update", args=[member.pk, "2026-W48"])).content.decode()
    assert "Items marked <strong>late</strong> were added after the deadline." in html
    assert "Plan in" not in html


def test_reports_meetings_and_the_api_default_to_the_week_people_write_in(
    client, member, team, saturday
):
    client.force_login(member)
    report = client.get(reverse("team_report", args=[team.pk])).content.decode()
    assert "Product: 2026-W49" in report and "updates due Fri 4 Dec, 17:00" in report
    closed = client.get(reverse("team_report", args=[team.pk]) + "?week=2026-W48")
    html = closed.content.decode()
    assert '<span class="badge badge--closed">Closed</span> Fri 27 Nov, 17:00' in html
    assert 'href="?week=2026-W49&amp;group=person">This week</a>' in html
    meeting = client.get(reverse("team_meeting", args=[team.pk]))
    assert meeting.context["week"] == W49 and meeting.context["this_week_label"] == "2026-W49"
    settings_page = client.get(reverse("team_settings", args=[team.pk])).content.decode()
    assert "Next deadline: <strong>Friday 4 Dec, 17:00</strong>" in settings_page


def test_the_api_tells_whether_a_week_is_closed(member, team, planned, saturday):
    api = Api(member)
    body = api.get(f"/weekly/{member.pk}/2026-W48").json()
    assert body["closed"] is True and body["current_week"] == "2026-W49"
    assert body["deadline"] == "2026-11-27T17:00:00Z"
    assert api.get(f"/weekly/{member.pk}/2026-W49").json()["closed"] is False
    assert api.get(f"/teams/{team.pk}/report").json()["week"] == "2026-W49"
    late = api.post(
        f"/weekly/{member.pk}/2026-W48/items", {"category": "progress", "text": "Finished late"}
    )
    assert late.status_code == 201 and late.json()["late"] is True
    on_time = api.post(f"/weekly/{member.pk}/2026-W49/items", {"category": "plans", "text": "x"})
    assert on_time.json()["late"] is False


# Late items --------------------------------------------------------------------------------


def test_an_item_first_written_into_a_closed_week_is_never_carried(client, member, team, saturday):
    client.force_login(member)
    url = reverse("weekly_update", args=[member.pk, "2026-W48"])
    client.post(url, {"category": "plans", "text": "Written after the deadline"}, **HTMX)
    client.post(url, {"category": "problems", "text": "Stuck, said late"}, **HTMX)
    late = Item.objects.get(text="Written after the deadline")
    assert late.late and Item.objects.get(text="Stuck, said late").late
    assert worker_turn() == 0
    services.item_move(actor=member, item=late, category="problems")
    services.item_move(actor=member, item=late, category="plans")
    assert worker_turn() == 0
    assert live(member, W49) == []
    # Still not carried when the next week closes too.
    with time_machine.travel(SATURDAY + timedelta(weeks=1), tick=True):
        assert worker_turn() == 0
    assert not Item.objects.filter(carried_over_from__isnull=False).exists()
    html = client.get(url).content.decode()
    assert 'title="Added after the week’s deadline: it does not carry over">late</span>' in html
    report = client.get(reverse("team_report", args=[team.pk]) + "?week=2026-W48")
    assert '<span class="badge badge--late">late</span>' in report.content.decode()


def test_written_before_the_deadline_it_carries_even_if_the_worker_comes_later(member):
    item = services.item_create(
        actor=member, person=member, week=W48, category="plans", text="On time"
    )
    assert not item.late
    with time_machine.travel(SATURDAY, tick=True):
        assert worker_turn() == 1
    assert live(member, W49) == [("plans", "On time")]


def test_writing_ahead_into_next_week_is_not_late(member, saturday):
    item = services.item_create(
        actor=member, person=member, week=W50, category="plans", text="Far ahead"
    )
    assert not item.late


# Settling the carried copy -------------------------------------------------------------------


def test_a_plan_finished_in_the_closed_week_settles_its_carried_copy(
    client, member, team, planned, saturday
):
    ship, call, legal = planned
    assert worker_turn() == 3
    assert live(member, W49, "plans") == [("plans", "Ship the checklist"), ("plans", "Call Acme")]
    copy = copy_of(ship)

    # Done, late, in the closed week (through the page, as people do it).
    client.force_login(member)
    response = client.post(
        reverse("weekly_item_move", args=[ship.pk]), {"category": "progress"}, **HTMX
    )
    assert response.status_code == 200
    copy.refresh_from_db()
    assert copy.deleted_at is not None and copy.settled
    assert live(member, W49, "plans") == [("plans", "Call Acme")]
    # The worker carries nothing again, and the week shows no duplicate.
    assert worker_turn() == 0
    assert live(member, W49, "plans") == [("plans", "Call Acme")]
    page = client.get(reverse("weekly_update", args=[member.pk, "2026-W49"])).content.decode()
    assert "Ship the checklist" not in page  # not even under "Recently deleted"
    # Reports: done in its own week, no longer a plan of the next.
    assert selectors.team_report(member.organization, team, W48, viewer=f.ALL).done == 1
    assert selectors.team_report(member.organization, team, W49, viewer=f.ALL).planned == 1
    # A move of the original is history; the copy has none (it was not moved, it was settled).
    assert ItemMove.objects.filter(item=ship).count() == 1
    assert not ItemMove.objects.filter(item=copy).exists()

    # "Not done" after all: the copy comes back, last in Plans, and nothing doubles.
    services.item_move(actor=member, item=ship, category="plans")
    copy.refresh_from_db()
    assert copy.deleted_at is None and not copy.settled and copy.category.slug == "plans"
    assert worker_turn() == 0
    assert live(member, W49, "plans") == [("plans", "Call Acme"), ("plans", "Ship the checklist")]


def test_stuck_resolved_and_moved_out_in_the_closed_week(admin, member, planned, saturday):
    ship, call, legal = planned
    worker_turn()
    services.item_move(actor=member, item=ship, category="problems")  # Stuck
    assert copy_of(ship).category.slug == "problems" and copy_of(ship).deleted_at is None
    services.item_move(actor=member, item=ship, category="plans")  # Back to plans
    assert copy_of(ship).category.slug == "plans"
    services.item_move(actor=member, item=legal, category="progress")  # Resolved
    assert copy_of(legal).settled
    services.category_create(actor=admin, name="Future ideas")  # does not carry over
    services.item_move(actor=member, item=call, category="future-ideas")
    assert copy_of(call).settled
    assert worker_turn() == 0
    assert live(member, W49) == [("plans", "Ship the checklist")]


def test_a_copy_changed_by_hand_is_left_alone(member, planned, saturday):
    ship, call, legal = planned
    worker_turn()
    # Done in the new week first, then in the closed one too: the copy stays done.
    services.item_move(actor=member, item=copy_of(ship), category="progress")
    services.item_move(actor=member, item=ship, category="progress")
    assert copy_of(ship).category.slug == "progress" and copy_of(ship).deleted_at is None
    # Reworded in the new week: the person's own now.
    services.item_update(actor=member, item=copy_of(call), text="Call Acme and Beta")
    services.item_move(actor=member, item=call, category="progress")
    assert copy_of(call).deleted_at is None and copy_of(call).text == "Call Acme and Beta"
    # Moved away and back by hand: also the person's own.
    services.item_move(actor=member, item=copy_of(legal), category="plans")
    services.item_move(actor=member, item=copy_of(legal), category="problems")
    services.item_move(actor=member, item=legal, category="progress")
    assert copy_of(legal).deleted_at is None and copy_of(legal).category.slug == "problems"
    assert worker_turn() == 0
    assert not Item.objects.filter(settled=True).exists()


def test_a_copy_deleted_by_hand_stays_deleted_and_is_not_settled(member, planned, saturday):
    ship, _, _ = planned
    worker_turn()
    services.item_delete(actor=member, item=copy_of(ship))
    services.item_move(actor=member, item=ship, category="progress")
    services.item_move(actor=member, item=ship, category="plans")
    copy = copy_of(ship)
    assert copy.deleted_at is not None and not copy.settled
    assert [
        i.pk for i in selectors.deleted_items_of(member.organization, member, W49, viewer=f.ALL)
    ] == [copy.pk]


def test_deleting_and_restoring_the_original_settles_the_copy(member, planned, saturday):
    ship, _, _ = planned
    worker_turn()
    services.item_delete(actor=member, item=ship)
    assert copy_of(ship).settled
    assert selectors.deleted_items_of(member.organization, member, W49, viewer=f.ALL) == []
    assert worker_turn() == 0
    services.item_restore(actor=member, item=ship)
    assert copy_of(ship).deleted_at is None and copy_of(ship).category.slug == "plans"
    assert worker_turn() == 0
    assert live(member, W49, "plans") == [("plans", "Call Acme"), ("plans", "Ship the checklist")]


def test_editing_the_original_rewords_and_relinks_its_untouched_copy(
    member, planned, objective, kr, saturday
):
    ship, _, _ = planned
    worker_turn()
    services.item_update(actor=member, item=ship, text="Ship the checklist to everyone")
    services.item_update(actor=member, item=ship, key_result=kr)
    copy = copy_of(ship)
    assert copy.text == "Ship the checklist to everyone"
    assert (copy.objective_id, copy.key_result_id) == (objective.pk, kr.pk)
    # Still untouched (it is what carrying the item now would make): a later Done settles it.
    services.item_move(actor=member, item=ship, category="progress")
    assert copy_of(ship).settled


def test_settling_follows_the_chain_through_weeks_the_worker_carried(member, planned, saturday):
    ship, call, _ = planned
    worker_turn()  # 2026-W48 → 2026-W49
    with time_machine.travel(SATURDAY + timedelta(weeks=1), tick=True):
        assert worker_turn() == 3  # 2026-W49 → 2026-W50
        assert selectors.current_week(member) == W50
        first, second = copy_of(ship), copy_of(copy_of(ship))
        assert second.update.week == W50
        # Finished two weeks late, in 2026-W48: both copies leave their weeks.
        services.item_move(actor=member, item=ship, category="progress")
        first.refresh_from_db(), second.refresh_from_db()
        assert first.settled and second.settled
        # One link of a chain changed by hand stops the settling there.
        services.item_move(actor=member, item=copy_of(copy_of(call)), category="progress")
        services.item_move(actor=member, item=call, category="progress")
        assert copy_of(call).settled
        assert copy_of(copy_of(call)).category.slug == "progress"
        assert copy_of(copy_of(call)).deleted_at is None
        assert worker_turn() == 0
    assert live(member, W50) == [("progress", "Call Acme"), ("problems", "Waiting for legal")]


def test_settling_needs_the_same_rights_as_the_change(client, org, team, member, planned, saturday):
    worker_turn()
    colleague = f.make_person(org, name="Colleague")
    f.join(team, colleague)
    client.force_login(colleague)
    ship = planned[0]
    response = client.post(reverse("weekly_item_move", args=[ship.pk]), {"category": "progress"})
    assert response.status_code == 403
    assert copy_of(ship).deleted_at is None and not copy_of(ship).settled
