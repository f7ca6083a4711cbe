"""The admin's page for external subscribers: admins only, add (with clear errors), list,
remove; linked from the settings index."""

import pytest
from django.urls import reverse

from cadence.scheduling import subscriber_services
from cadence.scheduling.models import ExternalSubscriber
from tests.scheduling.conftest import make_team

pytestmark = pytest.mark.django_db

PAGE = "/settings/subscribers/"


@pytest.fixture
def investor(admin, berlin_team):
    return subscriber_services.subscriber_add(
        actor=admin,
        email="ines@investor.example",
        name="Ines Investor",
        what="team_digest",
        unit=berlin_team,
    )


def test_the_page_lists_subscribers_and_offers_every_team(client, admin, investor, berlin_team):
    client.force_login(admin)
    response = client.get(PAGE)
    assert response.status_code == 200
    body = response.content.decode()
    assert "ines@investor.example" in body and "Ines Investor" in body
    assert "Weekly digest of Growth" in body and "Monthly company OKR summary" in body
    assert reverse("subscriber_remove", args=[investor.id]) in body


def test_an_admin_adds_a_subscriber(client, admin, berlin_team):
    client.force_login(admin)
    response = client.post(
        PAGE,
        {"email": "bo@board.example", "name": "Bo Board", "what": str(berlin_team.id)},
        follow=True,
    )
    assert response.status_code == 200
    assert "bo@board.example will get the weekly digest of Growth." in response.content.decode()
    subscriber = ExternalSubscriber.objects.get()
    assert (subscriber.what, subscriber.unit, subscriber.created_by) == (
        "team_digest",
        berlin_team,
        admin,
    )
    client.post(PAGE, {"email": "bo@board.example", "what": "company_summary"})
    assert ExternalSubscriber.objects.filter(what="company_summary", unit=None).count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "nope", "what": "company_summary"}, "Enter a valid email address."),
        ({"email": "a@b.example", "what": ""}, "This field is required."),
        ({"email": "a@b.example", "what": "00000000-0000-0000-0000-000000000000"}, "valid choice"),
    ],
)
def test_bad_input_answers_422_with_the_message(client, admin, data, message):
    client.force_login(admin)
    response = client.post(PAGE, data)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not ExternalSubscriber.objects.exists()


def test_a_person_of_the_organization_is_told_where_to_go(client, admin, alice, berlin_team):
    client.force_login(admin)
    response = client.post(PAGE, {"email": alice.email, "what": str(berlin_team.id)})
    assert response.status_code == 422
    assert "their own email settings" in response.content.decode()


def test_members_and_viewers_get_403(client, member, viewer, investor):
    for person in (member, viewer):
        client.force_login(person)
        assert client.get(PAGE).status_code == 403
        assert (
            client.post(PAGE, {"email": "x@y.example", "what": "company_summary"}).status_code
            == 403
        )
        remove = reverse("subscriber_remove", args=[investor.id])
        assert client.post(remove).status_code == 403
    assert ExternalSubscriber.objects.count() == 1


def test_another_organizations_admin_gets_404_on_remove(client, outsider, investor):
    client.force_login(outsider)
    assert client.post(reverse("subscriber_remove", args=[investor.id])).status_code == 404
    assert ExternalSubscriber.objects.count() == 1
    # Their own page lists only their own organization's subscribers.
    assert "ines@investor.example" not in client.get(PAGE).content.decode()


def test_an_admin_removes_a_subscriber(client, admin, investor):
    client.force_login(admin)
    remove = reverse("subscriber_remove", args=[investor.id])
    assert client.get(remove).status_code == 405
    response = client.post(remove, follow=True)
    assert "no longer gets the weekly digest of Growth" in response.content.decode()
    assert not ExternalSubscriber.objects.exists()


def test_the_page_needs_a_login(client):
    response = client.get(PAGE)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_settings_index_links_the_page_for_admins_only(client, admin, member):
    client.force_login(admin)
    assert PAGE in client.get(reverse("settings")).content.decode()
    client.force_login(member)
    assert PAGE not in client.get(reverse("settings")).content.decode()


def test_the_list_reads_a_fixed_number_of_queries(
    client, admin, org, berlin_team, django_assert_max_num_queries
):
    def add(n: int) -> None:
        for i in range(n):
            team = make_team(org, f"Team {ExternalSubscriber.objects.count()}-{i}", "UTC")
            subscriber_services.subscriber_add(
                actor=admin, email=f"s{i}@{team.pk}.example", what="team_digest", unit=team
            )

    client.force_login(admin)
    add(2)
    with django_assert_max_num_queries(12) as few:
        assert client.get(PAGE).status_code == 200
    add(8)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(PAGE).status_code == 200
