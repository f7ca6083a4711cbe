"""The organization feed: four sources merged newest first, filters, the time cursor, and a
constant number of queries."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cadence.feed import selectors, services
from cadence.feed.models import Comment
from cadence.okrs import services as okr_services
from cadence.okrs.models import Objective
from cadence.weekly import services as weekly_services
from cadence.weekly.models import ItemMove
from tests import factories as f
from tests.feed.conftest import WEEK

T0 = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)


def at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def _objective(actor, cycle, unit, title, when):
    objective = f.make_objective(actor, cycle, unit, title=title)
    Objective.objects.filter(pk=objective.pk).update(created_at=when)
    return objective


def _done(person, text, when, category="progress", **links):
    item = weekly_services.item_create(
        actor=person, person=person, week=WEEK, category="plans", text=text, **links
    )
    weekly_services.item_move(actor=person, item=item, category=category)
    ItemMove.objects.filter(item=item).update(created_at=when)
    return item


def _comment(actor, target, text, when):
    comment = services.comment_create(actor=actor, target=target, text=text)
    Comment.objects.filter(pk=comment.pk).update(created_at=when)
    return comment


@pytest.fixture
def world(org, admin, cycle, team, member):
    """Two teams in a department, one person each, and one of every event, an hour apart."""
    department = f.make_unit(org, "Go-to-market", kind="department")
    sales = f.make_unit(org, "Sales", parent=department)
    seller = f.make_person(org, name="Sam Seller")
    f.join(sales, seller)
    product_objective = _objective(admin, cycle, team, "Customers love the product", at(0))
    kr = f.make_kr(admin, product_objective, title="NPS from 20 to 40", start=20, target=40)
    sales_objective = _objective(admin, cycle, sales, "Close deals faster", at(1))
    okr_services.check_in_create(
        actor=member, key_result=kr, value=25, confidence="on_track", note="Up", at=at(2)
    )
    plan = _done(member, "Call ten customers", at(3), key_result=kr)
    _done(member, "Stuck on the export", at(3.5), category="problems")  # not a completed plan
    _done(seller, "Send the new price list", at(4))
    _comment(seller, sales_objective, "Let us aim higher", at(5))
    _comment(admin, plan, "Well done", at(6))
    return {
        "org": org,
        "product": team,
        "sales": sales,
        "department": department,
        "member": member,
        "seller": seller,
        "admin": admin,
    }


TEXT = {
    "objective": lambda s: s.title,
    "check_in": lambda s: s.key_result.title,
    "plan_done": lambda s: s.item.text,
    "comment": lambda s: s.text,
}


def _summary(page):
    return [(e.kind, TEXT[e.kind](e.subject)) for e in page.events]


def test_merged_newest_first(world):
    page = selectors.feed(world["org"], viewer=f.ALL)
    assert _summary(page) == [
        ("comment", "Well done"),
        ("comment", "Let us aim higher"),
        ("plan_done", "Send the new price list"),
        ("plan_done", "Call ten customers"),
        ("check_in", "NPS from 20 to 40"),
        ("objective", "Close deals faster"),
        ("objective", "Customers love the product"),
    ]
    assert page.next_before is None
    assert [e.at for e in page.events] == sorted((e.at for e in page.events), reverse=True)


def test_filter_by_team(world):
    org = world["org"]
    product = _summary(selectors.feed(org, unit=world["product"], viewer=f.ALL))
    assert product == [
        ("comment", "Well done"),  # on a product member's weekly item
        ("plan_done", "Call ten customers"),
        ("check_in", "NPS from 20 to 40"),
        ("objective", "Customers love the product"),
    ]
    sales = _summary(selectors.feed(org, unit=world["sales"], viewer=f.ALL))
    assert sales == [
        ("comment", "Let us aim higher"),
        ("plan_done", "Send the new price list"),
        ("objective", "Close deals faster"),
    ]
    # A department shows its teams.
    assert _summary(selectors.feed(org, unit=world["department"], viewer=f.ALL)) == sales


def test_filter_by_person(world):
    org = world["org"]
    assert _summary(selectors.feed(org, person=world["member"], viewer=f.ALL)) == [
        ("plan_done", "Call ten customers"),
        ("check_in", "NPS from 20 to 40"),
    ]
    assert _summary(selectors.feed(org, person=world["admin"], viewer=f.ALL)) == [
        ("comment", "Well done"),
        ("objective", "Close deals faster"),
        ("objective", "Customers love the product"),
    ]
    assert (
        _summary(selectors.feed(org, person=world["seller"], unit=world["product"], viewer=f.ALL))
        == []
    )


def test_deleted_comments_and_items_leave_the_feed(world):
    org = world["org"]
    comment = Comment.objects.get(text="Well done")
    services.comment_delete(actor=world["admin"], comment=comment)
    item = ItemMove.objects.get(item__text="Send the new price list").item
    weekly_services.item_delete(actor=world["seller"], item=item)
    kinds = _summary(selectors.feed(org, viewer=f.ALL))
    assert ("comment", "Well done") not in kinds
    assert ("plan_done", "Send the new price list") not in kinds


def test_another_organization_sees_nothing(world, outsider):
    assert selectors.feed(outsider.organization, viewer=f.ALL).events == []
    with pytest.raises(Http404):
        selectors.feed(outsider.organization, unit=world["sales"], viewer=f.ALL)
    with pytest.raises(Http404):
        selectors.feed(outsider.organization, person=world["member"], viewer=f.ALL)


def test_cursor_walks_every_event_once_even_at_the_same_moment(org, admin, cycle, team, member):
    moment = at(10)
    objectives = [_objective(admin, cycle, team, f"Objective {i}", moment) for i in range(4)]
    for i in range(3):
        _comment(member, objectives[0], f"Comment {i}", moment)
        _done(member, f"Plan {i}", moment)
    _objective(admin, cycle, team, "Older", at(1))
    seen = []
    before = None
    pages = 0
    while True:
        page = selectors.feed(org, before=before, limit=3, viewer=f.ALL)
        seen += [(e.kind, e.id) for e in page.events]
        pages += 1
        if page.next_before is None:
            break
        before = page.next_before
        assert pages < 10
    assert len(seen) == len(set(seen)) == 4 + 3 + 3 + 1
    assert seen[-1][1] == Objective.objects.get(title="Older").pk


def test_before_a_date_time(world):
    page = selectors.feed(world["org"], before=at(3.5).isoformat(), viewer=f.ALL)
    assert _summary(page)[0] == ("plan_done", "Call ten customers")
    page = selectors.feed(world["org"], before="2026-11-16T10:30:00", viewer=f.ALL)  # no zone: UTC
    assert _summary(page) == [
        ("objective", "Close deals faster"),
        ("objective", "Customers love the product"),
    ]
    for bad in ("yesterday", "2026-11-16T10:30:00~nonsense~x", "2026-11-16~comment~not-a-uuid"):
        with pytest.raises(ValidationError):
            selectors.feed(world["org"], before=bad, viewer=f.ALL)


def _grow(admin, cycle, team, member, n):
    objective = f.make_objective(admin, cycle, team, title=f"Grown {n}")
    kr = f.make_kr(admin, objective, title=f"Grown KR {n}")
    for i in range(n):
        okr_services.check_in_create(actor=admin, key_result=kr, value=i, confidence="on_track")
        _done(member, f"Plan {n}.{i}", at(i), key_result=kr)
        services.comment_create(actor=member, target=objective, text=f"Comment {n}.{i}")
        services.comment_create(actor=member, target=kr, text=f"On the KR {n}.{i}")


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_feed_page_queries_do_not_grow(client, org, admin, cycle, team, member):
    client.force_login(admin)
    _grow(admin, cycle, team, member, 3)
    urls = [reverse("feed"), reverse("feed") + f"?unit={team.pk}&person={member.pk}"]
    small = [_count(client, url) for url in urls]
    _grow(admin, cycle, team, member, 30)
    large = [_count(client, url) for url in urls]
    assert large == small, f"{small} queries with ~10 events, {large} with ~100"
