"""The feed and notifications pages, and the discussion partial on the objective page."""

from django.urls import reverse

from cadence.feed import selectors, services
from cadence.feed.models import Comment, Like

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_feed_page_lists_and_filters(client, admin, member, team, objective, kr):
    services.comment_create(actor=member, target=objective, text="Great objective")
    client.force_login(admin)
    response = client.get(reverse("feed"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Great objective" in body and "Customers love the product" in body
    assert '<label for="feed-unit">Team</label>' in body
    assert '<label for="feed-person">Person</label>' in body
    assert 'aria-current="page">Feed</a>' in body
    response = client.get(reverse("feed") + f"?person={admin.pk}")
    body = response.content.decode()
    assert "Great objective" not in body and "set a new objective" in body
    assert f'<option value="{admin.pk}" selected>' in body
    response = client.get(reverse("feed") + f"?unit={team.pk}&person={member.pk}")
    assert "Great objective" in response.content.decode()


def test_feed_page_refuses_foreign_and_bad_filters(client, admin, outsider):
    client.force_login(outsider)
    other_team = admin.organization.units.get(kind="company")
    assert client.get(reverse("feed") + f"?unit={other_team.pk}").status_code == 404
    assert client.get(reverse("feed") + f"?person={admin.pk}").status_code == 404
    assert client.get(reverse("feed") + "?unit=not-an-id").status_code == 404
    response = client.get(reverse("feed") + "?before=yesterday")
    assert response.status_code == 400 and "date-time" in response.content.decode()


def test_objective_page_shows_the_discussion(client, member, objective, kr):
    services.comment_create(actor=member, target=kr, text="About the NPS")
    client.force_login(member)
    body = client.get(reverse("objective_detail", args=[objective.pk])).content.decode()
    assert f'id="discussion-{objective.pk}"' in body
    assert f'id="discussion-{kr.pk}"' in body
    assert "About the NPS" in body
    assert 'aria-pressed="false"' in body
    assert reverse("objective_comments", args=[objective.pk]) in body
    # Each discussion is a group named by what it discusses, not one more landmark.
    assert 'aria-label="Comments and likes on “Customers love the product”"' in body
    assert 'aria-label="Comments and likes on “NPS from 20 to 40”"' in body
    assert '<section class="discussion"' not in body


def test_each_weekly_items_discussion_is_named_by_the_item(client, member, item):
    client.force_login(member)
    body = client.get(reverse("weekly_update", args=[member.pk, "2026-W47"])).content.decode()
    assert f'id="discussion-{item.pk}" role="group"' in body
    assert 'aria-label="Comments and likes on “Call ten customers”"' in body


def test_comment_with_htmx_answers_the_partial(client, member, objective):
    client.force_login(member)
    url = reverse("objective_comments", args=[objective.pk])
    response = client.post(url, {"text": "Looks right"}, **HTMX)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Looks right" in body and "<html" not in body
    assert body.strip().startswith('<div class="discussion"')
    response = client.post(url, {"text": "  "}, **HTMX)
    assert response.status_code == 422
    assert "Write a comment first." in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()
    assert Comment.objects.count() == 1


def test_comment_without_javascript_redirects_back(client, member, objective):
    client.force_login(member)
    url = reverse("objective_comments", args=[objective.pk])
    back = reverse("objective_detail", args=[objective.pk])
    response = client.post(url, {"text": "Plain post", "next": back})
    assert response.status_code == 302 and response["Location"] == back
    response = client.post(url, {"text": "", "next": "https://evil.example/"})
    assert response.status_code == 302 and "evil" not in response["Location"]
    assert client.get(url).status_code == 405


def test_like_button_toggles_with_a_count(client, member, admin, kr):
    services.like_toggle(actor=admin, target=kr)
    client.force_login(member)
    url = reverse("key_result_like", args=[kr.pk])
    body = client.post(url, **HTMX).content.decode()
    assert 'aria-pressed="true"' in body and ">2</span>" in body
    body = client.post(url, **HTMX).content.decode()
    assert 'aria-pressed="false"' in body and ">1</span>" in body
    assert Like.objects.count() == 1


def test_item_discussion_routes(client, member, admin, item):
    client.force_login(admin)
    response = client.post(reverse("item_comments", args=[item.pk]), {"text": "Nice"}, **HTMX)
    assert response.status_code == 200 and "Nice" in response.content.decode()
    response = client.post(reverse("item_like", args=[item.pk]), **HTMX)
    assert 'aria-pressed="true"' in response.content.decode()


def test_viewers_see_no_forms(client, viewer, member, objective):
    services.comment_create(actor=member, target=objective, text="Visible to all")
    client.force_login(viewer)
    body = client.get(reverse("objective_detail", args=[objective.pk])).content.decode()
    assert "Visible to all" in body
    assert reverse("objective_comments", args=[objective.pk]) not in body
    response = client.post(reverse("objective_comments", args=[objective.pk]), {"text": "x"})
    assert response.status_code == 403


def test_delete_comment(client, member, lena, objective):
    comment = services.comment_create(actor=member, target=objective, text="Oops")
    url = reverse("comment_delete", args=[comment.pk])
    client.force_login(lena)
    assert client.post(url, **HTMX).status_code == 403
    client.force_login(member)
    body = client.get(reverse("objective_detail", args=[objective.pk])).content.decode()
    assert url in body
    response = client.post(url, **HTMX)
    assert response.status_code == 200 and "Oops" not in response.content.decode()
    assert client.post(url).status_code == 404


def test_notifications_page_and_header_count(client, member, lena, objective):
    services.comment_create(actor=member, target=objective, text="@lena.okafor have a look")
    services.comment_create(actor=member, target=objective, text="@lena.okafor and this")
    client.force_login(lena)
    body = client.get(reverse("feed")).content.decode()
    assert 'Notifications <span class="badge badge--count">2' in body
    body = client.get(reverse("notifications")).content.decode()
    assert "have a look" in body and "Mia Member" in body and "Mark all 2 as read" in body
    first = selectors.notifications_of(lena).first()
    response = client.get(reverse("notification_open", args=[first.pk]))
    assert response.status_code == 302
    assert response["Location"].endswith(f"#discussion-{objective.pk}")
    assert selectors.unread_count(lena) == 1
    response = client.post(reverse("notifications"))
    assert response.status_code == 302 and selectors.unread_count(lena) == 0
    body = client.get(reverse("notifications")).content.decode()
    assert "Mark all" not in body and "badge--count" not in body
    # Someone else's notification is not found.
    client.force_login(member)
    assert client.get(reverse("notification_open", args=[first.pk])).status_code == 404


def test_an_items_discussion_links_to_its_weekly_page(client, member, lena, item):
    services.comment_create(actor=member, target=item, text="@lena.okafor see this plan")
    client.force_login(lena)
    notification = selectors.notifications_of(lena).get()
    response = client.get(reverse("notification_open", args=[notification.pk]))
    assert response.status_code == 302
    assert response["Location"] == (
        reverse("weekly_update", args=[member.pk, "2026-W47"]) + f"#item-{item.pk}"
    )
    body = client.get(reverse("notifications")).content.decode()
    assert "Mia Member&#x27;s 2026-W47: Call ten customers" in body
