"""The weekly pages: a person's update (add, move, edit, delete and restore items, with htmx and
without) and the team report; who may change what; foreign ids are 404."""

import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cadence.weekly import selectors, services
from cadence.weekly.models import Item, ItemMove
from cadence.weekly.weeks import format_week
from tests import factories as f

HTMX = {"HTTP_HX_REQUEST": "true"}
WEEK = date(2026, 11, 16)
LABEL = "2026-W47"


def page(person, label=LABEL):
    return reverse("weekly_update", args=[person.pk, label])


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


def test_my_week_redirects_to_the_canonical_url(member_client, member):
    response = member_client.get(reverse("weekly_mine"))
    assert response.status_code == 302
    assert response["Location"] == page(member, format_week(selectors.current_week(member)))


def test_pages_need_a_login(client, member, team):
    for url in (reverse("weekly_mine"), page(member), reverse("team_report", args=[team.pk])):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"], url


def test_update_page_shows_the_columns_and_week_links(member_client, member, add):
    add(member, "plans", "Write the onboarding email")
    html = member_client.get(page(member)).content.decode()
    for name in ("Plans", "Progress", "Problems"):
        assert f'>{name} <span class="count"' in html
    assert "Write the onboarding email" in html
    assert page(member, "2026-W46") in html and page(member, "2026-W48") in html
    assert 'id="add-plans-text"' in html and '<label for="add-plans-text">' in html
    assert 'draggable="true"' in html


def test_bad_week_is_404_and_sloppy_week_redirects(member_client, member):
    assert member_client.get(page(member, "2026-W60")).status_code == 404
    assert member_client.get(page(member, "last-week")).status_code == 404
    # Weeks are written as ISO writes them ("W", two digits): a lower-case "w" is not a week.
    assert member_client.get(page(member, "2026-w47")).status_code == 404
    # A week with stray spaces round it (a pasted link) goes to the week's own address.
    response = member_client.get(page(member, " 2026-W47 "))
    assert response.status_code == 302
    assert response["Location"] == page(member, "2026-W47")


def test_add_an_item_with_htmx_answers_the_board(member_client, member):
    response = member_client.post(
        page(member), {"category": "plans", "text": "Ship the release", "link": ""}, **HTMX
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="weekly-board"')
    assert "Ship the release" in html
    assert 'data-focus="add-plans"' in html
    assert "weekly:changed" in response["HX-Trigger"]
    assert selectors.update_of(
        member.organization, member, WEEK, viewer=f.ALL
    ).items.get().text == ("Ship the release")


def test_add_without_javascript_redirects_back(member_client, member):
    response = member_client.post(page(member), {"category": "progress", "text": "Fixed a bug"})
    assert response.status_code == 302
    assert response["Location"].startswith(page(member) + "#item-")
    item = Item.objects.get()
    assert item.category.slug == "progress"


def test_empty_text_is_422_with_the_message_at_the_field(member_client, member):
    response = member_client.post(page(member), {"category": "plans", "text": "  "}, **HTMX)
    assert response.status_code == 422
    assert response["HX-Retarget"] == "#weekly-board"
    assert "Write what you plan" in response.content.decode()
    assert not Item.objects.exists()
    plain = member_client.post(page(member), {"category": "nope", "text": "x"})
    assert plain.status_code == 422
    assert "There is no category" in plain.content.decode()
    assert not Item.objects.exists()


def test_link_to_a_team_key_result(member_client, member, objective, kr):
    html = member_client.get(page(member)).content.decode()
    assert f'value="k:{kr.pk}"' in html and f'value="o:{objective.pk}"' in html
    member_client.post(
        page(member), {"category": "plans", "text": "Call 5 users", "link": f"k:{kr.pk}"}
    )
    item = Item.objects.get()
    assert (item.key_result_id, item.objective_id) == (kr.pk, objective.pk)
    report = member_client.get(reverse("team_report", args=[objective.unit_id]) + f"?week={LABEL}")
    assert "100%" in report.content.decode()  # the one plan is linked


def test_a_link_outside_the_choices_is_refused(member_client, member, outsider):
    other_cycle = f.make_cycle(outsider)
    other = f.make_objective(
        outsider, other_cycle, f.make_unit(outsider.organization, "X"), title="Foreign goal"
    )
    response = member_client.post(
        page(member), {"category": "plans", "text": "Sneaky", "link": f"o:{other.pk}"}
    )
    assert response.status_code == 422
    assert "Foreign goal" not in response.content.decode()
    assert not Item.objects.exists()


def test_move_done_and_stuck(member_client, member, add):
    a = add(member, "plans", "Plan A")
    b = add(member, "plans", "Plan B")
    html = member_client.get(page(member)).content.decode()
    assert re.search(r">Done<span class=\"visually-hidden\">: Plan A", html)
    move = reverse("weekly_item_move", args=[a.pk])
    response = member_client.post(move, {"category": "progress"}, **HTMX)
    assert response.status_code == 200
    member_client.post(reverse("weekly_item_move", args=[b.pk]), {"category": "problems"})
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.category.slug, b.category.slug) == ("progress", "problems")
    assert ItemMove.objects.count() == 2
    # A problem offers "Resolved".
    html = member_client.get(page(member)).content.decode()
    assert re.search(r">Resolved<span class=\"visually-hidden\">: Plan B", html)


def test_move_to_unknown_category_is_422_and_get_is_405(member_client, member, add):
    a = add(member, "plans", "Plan A")
    move = reverse("weekly_item_move", args=[a.pk])
    assert member_client.get(move).status_code == 405
    assert member_client.post(move, {"category": "nowhere"}, **HTMX).status_code == 422
    a.refresh_from_db()
    assert a.category.slug == "plans"


def test_move_with_position_reorders(member_client, member, add):
    a = add(member, "plans", "A")
    b = add(member, "plans", "B")
    member_client.post(
        reverse("weekly_item_move", args=[b.pk]), {"category": "plans", "position": 0}
    )
    a.refresh_from_db()
    b.refresh_from_db()
    assert (b.position, a.position) == (0, 1)


def test_edit_inline_and_as_a_page(member_client, member, add):
    a = add(member, "plans", "Draft")
    url = reverse("weekly_item_edit", args=[a.pk])
    inline = member_client.get(url, **HTMX).content.decode()
    assert inline.lstrip().startswith(
        f'<li class="weekly-item weekly-item--editing" id="item-{a.pk}"'
    )
    assert member_client.get(url).status_code == 200
    bad = member_client.post(url, {"text": ""}, **HTMX)
    assert bad.status_code == 422 and bad["HX-Retarget"] == f"#item-{a.pk}"
    member_client.post(url, {"text": "Final", "link": ""}, **HTMX)
    a.refresh_from_db()
    assert a.text == "Final"


def test_delete_then_undo(member_client, member, add):
    a = add(member, "plans", "Oops")
    response = member_client.post(reverse("weekly_item_delete", args=[a.pk]), **HTMX)
    html = response.content.decode()
    assert "Recently deleted" in html and "Undo" in html
    a.refresh_from_db()
    assert a.deleted_at is not None
    member_client.post(reverse("weekly_item_restore", args=[a.pk]), **HTMX)
    a.refresh_from_db()
    assert a.deleted_at is None


def test_carried_over_items_are_marked(member_client, member, add):
    add(member, "plans", "Unfinished")
    services.rollover_week(organization=member.organization, week=WEEK)
    html = member_client.get(page(member, "2026-W48")).content.decode()
    assert "Unfinished" in html and "carried over" in html


def test_others_read_but_do_not_edit(client, member, team, org, add):
    add(member, "plans", "Private? No, readable")
    colleague = f.make_person(org, name="Colleague")
    f.join(team, colleague)
    client.force_login(colleague)
    html = client.get(page(member)).content.decode()
    assert "Private? No, readable" in html
    assert "draggable" not in html and "Add to Plans" not in html
    item = Item.objects.get()
    assert client.post(page(member), {"category": "plans", "text": "x"}).status_code == 403
    for name in ("weekly_item_move", "weekly_item_delete", "weekly_item_edit"):
        response = client.post(reverse(name, args=[item.pk]), {"category": "progress", "text": "x"})
        assert response.status_code == 403, name
    item.refresh_from_db()
    assert (item.category.slug, item.deleted_at, item.text) == (
        "plans",
        None,
        "Private? No, readable",
    )


def test_viewer_reads_only(client, viewer, member, add):
    add(member, "plans", "Visible to the board")
    client.force_login(viewer)
    assert "Visible to the board" in client.get(page(member)).content.decode()
    assert client.post(page(member), {"category": "plans", "text": "x"}).status_code == 403


def test_admin_edits_someone_elses_update(client, admin, member):
    client.force_login(admin)
    html = client.get(page(member)).content.decode()
    assert "Add to Plans" in html
    client.post(page(member), {"category": "plans", "text": "Added by admin"})
    assert Item.objects.get().created_by == admin


def test_foreign_ids_are_404(client, outsider, member, team, add):
    item = add(member, "plans", "Secret")
    client.force_login(outsider)
    assert client.get(page(member)).status_code == 404
    assert client.get(reverse("team_report", args=[team.pk])).status_code == 404
    for name in (
        "weekly_item_move",
        "weekly_item_delete",
        "weekly_item_restore",
        "weekly_item_edit",
    ):
        assert client.post(reverse(name, args=[item.pk])).status_code == 404, name


def test_update_page_queries_do_not_grow_with_items(member_client, member, add, objective, kr):
    """The closed week (2026-W47, with late items) and the week it carried into (2026-W48, with
    carried copies, some settled): the same number of queries at 3 items as at 30."""

    def grow(n, start=0):
        for i in range(start, start + n):
            item = add(member, "plans", f"Plan {i}", key_result=kr if i % 2 else None)
            if i % 3 == 0:
                services.item_move(actor=member, item=item, category="progress")
            if i % 5 == 0:
                services.item_delete(actor=member, item=item)
            if i % 4 == 0:
                add(member, "progress", f"Late {i}", late=True)
        services.rollover_week(week=WEEK)
        # Finished late: their carried copies are settled.
        for item in Item.objects.filter(text__in=[f"Plan {i}" for i in range(start, start + n)]):
            if (
                item.update.week == WEEK
                and item.deleted_at is None
                and item.category.slug == "plans"
            ):
                services.item_move(actor=member, item=item, category="progress")
                break

    def count(label):
        with CaptureQueriesContext(connection) as queries:
            html = member_client.get(page(member, label)).content.decode()
        return len(queries), html

    grow(3)
    small = [count(LABEL)[0], count("2026-W48")[0]]
    grow(27, start=3)
    (closed, html), (carried, carried_html) = count(LABEL), count("2026-W48")
    assert "Plan 29" in html and ">late</span>" in html and "carried over" in carried_html
    assert Item.objects.filter(settled=True).count() == 2
    assert [closed, carried] == small, f"{small} queries at 3 items, {[closed, carried]} at 30"
