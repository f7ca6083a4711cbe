"""Weekly settings pages: a team's rhythm (deadline weekday, time and time zone) and its own
categories; the organization-wide categories for admins. Who may change what; bad input saves
nothing; foreign ids are 404 (the tenancy walk covers every new URL too)."""

from datetime import UTC, datetime, time

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cadence.orgs import services as org_services
from cadence.orgs.models import Membership, Unit
from cadence.weekly import selectors, services
from cadence.weekly.models import Category
from tests import factories as f

from .conftest import WEEK


def settings_url(unit):
    return reverse("team_settings", args=[unit.pk])


def change_url(category):
    return reverse("weekly_category_change", args=[category.pk])


def rhythm(**overrides):
    data = {
        "action": "rhythm",
        "checkin_weekday": "0",
        "checkin_time": "09:30",
        "time_zone": "Asia/Tokyo",
    }
    data.update(overrides)
    return data


@pytest.fixture
def lead(org, team):
    person = f.make_person(org, name="Lea Lead")
    f.join(team, person, Membership.Role.LEAD)
    return person


def login(client, person):
    client.force_login(person)
    return client


def team_names(org, team):
    active, _ = selectors.categories_in_scope(org, team)
    return [c.name for c in active]


# Rhythm -----------------------------------------------------------------------------------


def test_the_lead_sets_the_deadline_and_the_deadline_follows(client, org, team, lead):
    before = selectors.team_deadline(team, WEEK)
    assert before == datetime(2026, 11, 20, 17, 0, tzinfo=UTC)  # Friday 17:00 UTC by default

    response = login(client, lead).post(settings_url(team), rhythm())

    assert response.status_code == 302
    team.refresh_from_db()
    assert (team.checkin_weekday, team.checkin_time, team.time_zone) == (
        Unit.Weekday.MONDAY,
        time(9, 30),
        "Asia/Tokyo",
    )
    # Monday 16 Nov 09:30 in Tokyo is 00:30 UTC the same day.
    assert selectors.team_deadline(team, WEEK) == datetime(2026, 11, 16, 0, 30, tzinfo=UTC)
    page = client.get(settings_url(team))
    assert "The weekly deadline is saved." in page.content.decode()
    assert 'value="Asia/Tokyo" selected' in page.content.decode()


def test_an_admin_and_a_lead_above_may_set_the_rhythm(client, org, admin, team):
    department = f.make_unit(org, "Engineering", Unit.Kind.DEPARTMENT)
    squad = f.make_unit(org, "Squad", parent=department)
    head = f.make_person(org, name="Head of Engineering")
    f.join(department, head, Membership.Role.LEAD)
    assert login(client, head).post(settings_url(squad), rhythm()).status_code == 302
    assert login(client, admin).post(settings_url(team), rhythm()).status_code == 302
    squad.refresh_from_db()
    team.refresh_from_db()
    assert squad.time_zone == team.time_zone == "Asia/Tokyo"


def test_a_member_who_is_not_a_lead_cannot_set_the_rhythm(client, team, member):
    client = login(client, member)
    page = client.get(settings_url(team))
    assert page.status_code == 200  # members manage their team's categories…
    body = page.content.decode()
    assert 'name="checkin_weekday"' not in body  # …but only see the deadline
    assert "Due Fridays at 17:00 (UTC)" in body

    response = client.post(settings_url(team), rhythm())

    assert response.status_code == 403
    team.refresh_from_db()
    assert (team.checkin_weekday, team.time_zone) == (Unit.Weekday.FRIDAY, "UTC")
    with pytest.raises(PermissionDenied):
        org_services.unit_rhythm_update(
            actor=member, unit=team, checkin_weekday=0, checkin_time=time(9), time_zone="UTC"
        )


def test_viewers_and_other_teams_get_403(client, org, team, viewer):
    stranger = f.make_person(org, name="Other team")
    f.join(f.make_unit(org, "Sales"), stranger)
    for person in (viewer, stranger):
        client = login(client, person)
        assert client.get(settings_url(team)).status_code == 403
        assert client.post(settings_url(team), rhythm()).status_code == 403
    assert client.get(reverse("weekly_categories")).status_code == 403


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("time_zone", "Mars/Olympus_Mons", "Choose a time zone from the list."),
        ("checkin_weekday", "7", "Choose a day of the week."),
        ("checkin_weekday", "friday", "Choose a day of the week."),
        ("checkin_time", "25:00", "Give the time, such as 17:00."),
    ],
)
def test_bad_rhythm_shows_the_field_error_and_saves_nothing(
    client, team, lead, field, value, message
):
    response = login(client, lead).post(settings_url(team), rhythm(**{field: value}))

    assert response.status_code == 422
    errors = response.context["rhythm_form"].errors
    assert list(errors) == [field]
    assert message in response.content.decode()
    team.refresh_from_db()
    assert (team.checkin_weekday, team.checkin_time, team.time_zone) == (
        Unit.Weekday.FRIDAY,
        time(17, 0),
        "UTC",
    )


def test_the_service_validates_too(team, lead):
    with pytest.raises(ValidationError) as error:
        org_services.unit_rhythm_update(
            actor=lead, unit=team, checkin_weekday=9, checkin_time="17:00", time_zone="Nowhere"
        )
    assert set(error.value.message_dict) == {"checkin_weekday", "time_zone"}
    team.refresh_from_db()
    assert (team.checkin_weekday, team.time_zone) == (Unit.Weekday.FRIDAY, "UTC")


def test_departments_have_no_weekly_settings(client, org, admin):
    department = f.make_unit(org, "Engineering", Unit.Kind.DEPARTMENT)
    assert login(client, admin).get(settings_url(department)).status_code == 404
    with pytest.raises(ValidationError):
        org_services.unit_rhythm_update(
            actor=admin, unit=department, checkin_weekday=0, checkin_time="9:00", time_zone="UTC"
        )


def test_the_company_rhythm_is_for_admins(client, org, admin, member):
    company = Unit.objects.get(organization=org, kind=Unit.Kind.COMPANY)
    assert login(client, member).get(settings_url(company)).status_code == 403
    response = login(client, admin).post(settings_url(company), rhythm(time_zone="Europe/Berlin"))
    assert response.status_code == 302
    company.refresh_from_db()
    assert company.time_zone == "Europe/Berlin"


# Team categories --------------------------------------------------------------------------


def test_team_categories_add_rename_reorder_archive_restore(client, org, team, lead, member):
    client = login(client, lead)
    url = settings_url(team)

    assert client.post(url, {"action": "add", "name": "Lessons learned"}).status_code == 302
    response = client.post(url, {"action": "add", "name": "Ideas", "carries_over": "on"})
    assert response.status_code == 302
    lessons = Category.objects.get(unit=team, name="Lessons learned")
    ideas = Category.objects.get(unit=team, name="Ideas")
    assert response["Location"].endswith(f"#category-{ideas.pk}")
    assert (lessons.carries_over, ideas.carries_over) == (False, True)
    assert team_names(org, team) == ["Lessons learned", "Ideas"]

    client.post(change_url(ideas), {"action": "up"})
    assert team_names(org, team) == ["Ideas", "Lessons learned"]
    client.post(change_url(ideas), {"action": "down"})
    assert team_names(org, team) == ["Lessons learned", "Ideas"]

    response = client.post(change_url(ideas), {"action": "rename", "name": "Future ideas"})
    assert response.status_code == 302
    assert team_names(org, team) == ["Lessons learned", "Future ideas"]

    item = services.item_create(
        actor=member, person=member, week=WEEK, category=ideas.slug, text="A dark mode"
    )
    assert client.post(change_url(ideas), {"action": "archive"}).status_code == 302
    assert team_names(org, team) == ["Lessons learned"]
    item.refresh_from_db()
    assert item.category_id == ideas.pk and item.deleted_at is None  # keeps its items
    page = client.get(url).content.decode()
    assert "Archived" in page and "Future ideas" in page

    assert client.post(change_url(ideas), {"action": "restore"}).status_code == 302
    assert team_names(org, team) == ["Lessons learned", "Future ideas"]


def test_a_member_manages_the_team_categories_too(client, org, team, member):
    response = login(client, member).post(settings_url(team), {"action": "add", "name": "Wins"})
    assert response.status_code == 302
    assert team_names(org, team) == ["Wins"]


def test_bad_category_names_show_errors_and_save_nothing(client, org, team, lead):
    client = login(client, lead)
    empty = client.post(settings_url(team), {"action": "add", "name": "  "})
    assert empty.status_code == 422
    assert "Give the category a name." in empty.content.decode()
    clash = client.post(settings_url(team), {"action": "add", "name": "plans"})
    assert clash.status_code == 422
    assert "A category with this name already exists." in clash.content.decode()
    assert team_names(org, team) == []

    wins = services.category_create(actor=lead, name="Wins", unit=team)
    response = client.post(change_url(wins), {"action": "rename", "name": "Problems"})
    assert response.status_code == 422
    assert response.context["rows"][0]["form"].errors["name"] == [
        "A category with this name already exists."
    ]
    wins.refresh_from_db()
    assert wins.name == "Wins"


def test_org_wide_categories_are_read_only_on_the_team_page(client, team, lead):
    body = login(client, lead).get(settings_url(team)).content.decode()
    plans = Category.objects.get(organization=team.organization, slug="plans")
    assert "Plans" in body
    assert change_url(plans) not in body
    assert "Admins change them." in body
    assert login(client, lead).post(change_url(plans), {"action": "up"}).status_code == 403


# Organization-wide categories -------------------------------------------------------------


def test_admins_manage_organization_wide_categories(client, org, admin):
    client = login(client, admin)
    url = reverse("weekly_categories")
    assert client.get(url).status_code == 200
    assert client.post(url, {"action": "add", "name": "Kudos"}).status_code == 302
    kudos = Category.objects.get(organization=org, unit=None, slug="kudos")
    problems = Category.objects.get(organization=org, unit=None, slug="problems")

    response = client.post(change_url(problems), {"action": "rename", "name": "Blockers"})
    assert response["Location"].startswith(url)
    client.post(change_url(kudos), {"action": "up"})
    names = [c.name for c in selectors.categories_in_scope(org, None)[0]]
    assert names == ["Plans", "Progress", "Kudos", "Blockers"]

    assert client.post(change_url(kudos), {"action": "archive"}).status_code == 302
    assert [c.name for c in selectors.categories_for(org)] == ["Plans", "Progress", "Blockers"]


def test_a_built_in_category_cannot_be_archived(client, org, admin):
    plans = Category.objects.get(organization=org, unit=None, slug="plans")
    body = login(client, admin).get(reverse("weekly_categories")).content.decode()
    assert 'value="archive"' not in body.split(f'id="category-{plans.pk}"')[1].split("</li>")[0]

    response = client.post(change_url(plans), {"action": "archive"})

    assert response.status_code == 422
    assert "Plans is built in: rename or reorder it instead." in response.content.decode()
    plans.refresh_from_db()
    assert plans.archived_at is None


def test_members_cannot_open_the_organization_categories(client, member):
    assert login(client, member).get(reverse("weekly_categories")).status_code == 403


# Links, methods, tenancy ------------------------------------------------------------------


def test_links_show_only_to_those_who_may_edit(client, org, team, member, viewer):
    link = settings_url(team)
    for person, visible in ((member, True), (viewer, False)):
        client = login(client, person)
        unit_page = client.get(reverse("unit_detail", args=[team.pk])).content.decode()
        report = client.get(reverse("team_report", args=[team.pk])).content.decode()
        assert (link in unit_page, link in report) == (visible, visible)
    nav = client.get(reverse("dashboard")).content.decode()
    assert reverse("settings") in nav  # the settings page leads to the email settings
    assert reverse("notification_settings") in client.get(reverse("settings")).content.decode()


def test_category_changes_are_post_only_and_foreign_ids_404(client, team, lead, outsider):
    wins = services.category_create(actor=lead, name="Wins", unit=team)
    assert login(client, lead).get(change_url(wins)).status_code == 405
    assert client.post(change_url(wins), {"action": "explode"}).status_code == 400
    client = login(client, outsider)
    assert client.get(settings_url(team)).status_code == 404
    assert client.post(settings_url(team), rhythm()).status_code == 404
    assert client.post(change_url(wins), {"action": "archive"}).status_code == 404
    wins.refresh_from_db()
    assert wins.archived_at is None
