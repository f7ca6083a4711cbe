"""Settings → Audit trail: admins only, this organization only, newest first, filtered by who,
what and when, before → after readable, a page at a time in a fixed number of queries."""

import datetime as dt

import pytest
from django.urls import reverse

from cadence.audit.models import Event
from cadence.audit.services import audit_record
from cadence.okrs import services as okr_services
from cadence.scoring import services as scoring_services
from tests import factories as f
from tests.clock import TEST_NOW

pytestmark = pytest.mark.django_db
URL = "/settings/audit/"


def table(html: str) -> str:
    """The events' rows (the kind filter's options name every kind too)."""
    return html.split("<tbody>", 1)[1] if "<tbody>" in html else ""


@pytest.fixture
def admin_client(client, admin):
    client.force_login(admin)
    Event.objects.filter(kind="signin.succeeded")._purge()  # the force_login: not under test
    return client


def test_the_settings_index_links_it_for_admins_only(client, admin, member):
    client.force_login(admin)
    assert f'href="{URL}"' in client.get(reverse("settings")).content.decode()
    client.force_login(member)
    assert f'href="{URL}"' not in client.get(reverse("settings")).content.decode()


def test_members_and_viewers_are_refused(client, member, viewer):
    for person in (member, viewer):
        client.force_login(person)
        assert client.get(URL).status_code == 403


def test_an_admin_sees_changes_readably_newest_first(admin_client, admin, cycle, team):
    objective = f.make_objective(admin, cycle, team, title="Custmers love us")
    okr_services.objective_update(actor=admin, objective=objective, title="Customers love us")
    html = table(admin_client.get(URL).content.decode())
    assert html.index("Objective changed") < html.index("Objective created")
    assert "<del>Custmers love us</del> → <ins>Customers love us</ins>" in html
    assert f'href="?actor={admin.pk}"' in html


def test_another_organization_s_events_never_show(client, admin, outsider, cycle, team):
    f.make_objective(admin, cycle, team, title="Secret plan")
    client.force_login(outsider)
    response = client.get(URL)
    assert response.status_code == 200
    assert "Secret plan" not in response.content.decode()
    # Naming a person of the other organization is a 404, as anywhere.
    assert client.get(f"{URL}?actor={admin.pk}").status_code == 404


def test_filters_by_actor_group_kind_and_days(admin_client, admin, member, cycle, team):
    f.make_objective(member, cycle, team, title="Mine")
    scoring_services.organization_grading_scheme_set(actor=admin, scheme="percent")

    def shown(query: str) -> str:
        response = admin_client.get(URL + query)
        assert response.status_code == 200, response.content
        return table(response.content.decode())

    by_member = shown(f"?actor={member.pk}")
    assert "Objective created" in by_member and "Grading scheme changed" not in by_member
    settings_only = shown("?kind=organization")
    assert "Grading scheme changed" in settings_only and "Objective created" not in settings_only
    assert "Objective created" not in shown("?kind=objective.deleted")
    today = TEST_NOW.date()
    assert "Objective created" in shown(f"?start={today}&end={today}")
    tomorrow = today + dt.timedelta(days=1)
    assert shown(f"?start={tomorrow}") == ""
    assert (
        "No events match these filters"
        in admin_client.get(f"{URL}?start={tomorrow}").content.decode()
    )


def test_bad_filters_say_so(admin_client):
    response = admin_client.get(f"{URL}?start=2026-11-20&end=2026-11-01")
    assert response.status_code == 400
    assert "The last day comes on or after the first." in response.content.decode()
    assert admin_client.get(f"{URL}?start=1066-10-14").status_code == 400
    assert admin_client.get(f"{URL}?kind=everything").status_code == 400
    bad_page = admin_client.get(f"{URL}?after=yesterday")
    assert bad_page.status_code == 400 and "not one this page made" in bad_page.content.decode()


def test_pages_go_back_in_time_in_a_fixed_number_of_queries(
    admin_client, admin, org, django_assert_max_num_queries
):
    for i in range(120):
        audit_record(organization=org, kind="token.created", actor=admin, target_label=f"T{i:03}")
    with django_assert_max_num_queries(12):
        first = admin_client.get(URL)
    html = first.content.decode()
    assert "T119" in html and "T070" in html and "T069" not in html
    next_link = html.split('href="?after=')[1].split('"')[0].replace("&amp;", "&")
    second = admin_client.get(f"{URL}?after={next_link}").content.decode()
    assert "T069" in second and "T020" in second and "T070" not in second
