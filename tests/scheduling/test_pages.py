"""The notification settings page and following a team's digest from its page."""

import pytest
from django.template import Context, Template
from django.urls import reverse

from cadence.orgs.models import Person
from cadence.scheduling.context_processors import digest_follows
from cadence.scheduling.models import DigestSubscription
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_settings_page_shows_the_current_choices(client, alice):
    client.force_login(alice)
    response = client.get(reverse("notification_settings"))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="weekly_reminders" id="id_weekly_reminders" checked' in body
    assert "My team&#x27;s (Europe/Berlin)" in body
    assert "Growth" in body  # the digest she gets as a member


def test_opting_out_and_choosing_a_time_zone(client, alice):
    client.force_login(alice)
    response = client.post(
        reverse("notification_settings"),
        {"weekly_digests": "on", "time_zone": "America/Chicago"},
        follow=True,
    )
    assert response.status_code == 200
    assert "Your notification settings are saved." in response.content.decode()
    alice.refresh_from_db()
    assert (alice.weekly_reminders, alice.weekly_digests) == (False, True)
    assert alice.time_zone == "America/Chicago"


def test_an_unknown_time_zone_is_refused_and_nothing_saved(client, alice):
    client.force_login(alice)
    response = client.post(reverse("notification_settings"), {"time_zone": "Mars/Olympus"})
    assert response.status_code == 422
    alice.refresh_from_db()
    assert alice.weekly_reminders and alice.time_zone == ""


def test_the_settings_page_needs_a_login(client):
    response = client.get(reverse("notification_settings"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_viewer_follows_and_unfollows_a_team_from_its_page(client, org, berlin_team):
    board = f.make_person(org, role=Person.Role.VIEWER, name="Bea Board")
    client.force_login(board)
    page = reverse("unit_detail", args=[berlin_team.id])
    body = client.get(page).content.decode()
    assert "Follow the digest" in body

    response = client.post(
        reverse("digest_subscription", args=[berlin_team.id]),
        {"action": "subscribe", "next": page},
    )
    assert response.status_code == 302 and response["Location"] == page
    assert DigestSubscription.objects.filter(person=board, unit=berlin_team).count() == 1
    body = client.get(page).content.decode()
    assert "Unfollow the digest" in body
    assert "Growth" in client.get(reverse("notification_settings")).content.decode()

    # Following twice keeps one subscription.
    client.post(reverse("digest_subscription", args=[berlin_team.id]), {"action": "subscribe"})
    assert DigestSubscription.objects.filter(person=board).count() == 1

    client.post(reverse("digest_subscription", args=[berlin_team.id]), {"action": "unsubscribe"})
    assert not DigestSubscription.objects.exists()


def test_members_see_that_they_get_the_digest(client, alice, berlin_team):
    client.force_login(alice)
    body = client.get(reverse("unit_detail", args=[berlin_team.id])).content.decode()
    assert "As a member you get Growth" in body and "Follow the digest" not in body


def test_departments_have_no_digest_button_and_refuse_a_subscription(client, org, admin):
    department = f.make_unit(org, "Engineering", kind="department")
    client.force_login(admin)
    assert (
        "Follow the digest"
        not in client.get(reverse("unit_detail", args=[department.id])).content.decode()
    )
    response = client.post(
        reverse("digest_subscription", args=[department.id]), {"action": "subscribe"}, follow=True
    )
    assert "Only teams have a weekly digest." in response.content.decode()
    assert not DigestSubscription.objects.exists()


def test_another_organizations_team_is_404(client, outsider, berlin_team):
    client.force_login(outsider)
    url = reverse("digest_subscription", args=[berlin_team.id])
    assert client.post(url, {"action": "subscribe"}).status_code == 404
    assert client.get(url).status_code == 404
    assert not DigestSubscription.objects.exists()


def test_the_next_address_must_be_on_this_site(client, viewer, berlin_team):
    client.force_login(viewer)
    response = client.post(
        reverse("digest_subscription", args=[berlin_team.id]),
        {"action": "subscribe", "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("unit_detail", args=[berlin_team.id])


def test_the_follow_button_reads_the_persons_digests_once_per_request(
    rf, board, alice, berlin_team, django_assert_num_queries
):
    """The tag runs no queries: the request's ``digest_follows`` reads the person's teams and
    followed digests once (at most two queries), however many buttons the page draws."""
    template = Template("{% load scheduling_ui %}{% digest_follow unit %}{% digest_follow unit %}")
    for person, text, queries in (
        (board, "Unfollow the digest", 2),  # not a member: are they following?
        (alice, "As a member you get Growth", 1),  # a member gets it anyway
    ):
        request = rf.get("/")
        request.user = person
        context = Context({"request": request, "unit": berlin_team, **digest_follows(request)})
        with django_assert_num_queries(queries):
            html = template.render(context)
        assert html.count(text) == 2
