"""Settings → Teams and departments: the tree with its add form, and one unit's settings (name
and place, weekly deadline, people, archive, restore, delete)."""

from datetime import time

import pytest
from django.test import Client

from cadence.audit.models import Event
from cadence.orgs import services as org_services
from cadence.orgs.models import Membership, Unit
from cadence.orgs.selectors import company_unit
from tests import factories as f
from tests.web.conftest import HTMX

pytestmark = pytest.mark.django_db

LIST = "/settings/units/"


def client_for(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def page(unit) -> str:
    return f"/settings/units/{unit.pk}/"


def test_the_settings_index_links_to_teams_and_departments(admin):
    body = client_for(admin).get("/settings/").content.decode()
    assert f'href="{LIST}">Teams and departments</a>' in body


def test_the_list_shows_the_tree_with_leads_and_counts(org, admin, team, member):
    sales = f.make_unit(org, "Sales", kind="department")
    emea = f.make_unit(org, "EMEA", parent=sales)
    lead = f.make_person(org, name="Lee Lead")
    f.join(emea, lead, Membership.Role.LEAD)
    org_services.unit_archive(actor=admin, unit=team)
    response = client_for(member).get(LIST)
    body = response.content.decode()
    assert response.status_code == 200
    assert f'unit-depth-2"><a href="{page(emea)}">EMEA</a>' in body
    assert "<td>Lee Lead</td>" in body
    assert 'Product</a> <span class="badge">Archived</span>' in body
    assert "Add a department or team" not in body  # members read, admins change
    assert "Add a department or team" in client_for(admin).get(LIST).content.decode()


def test_the_list_page_queries_do_not_grow_with_the_tree(org, admin, django_assert_max_num_queries):
    client = client_for(admin)
    client.get(LIST)
    with django_assert_max_num_queries(14) as small:
        client.get(LIST)
    for i in range(20):
        department = f.make_unit(org, f"Department {i}", kind="department")
        team = f.make_unit(org, f"Team {i}", parent=department)
        f.join(team, f.make_person(org), Membership.Role.LEAD)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(LIST).status_code == 200


def test_adding_a_unit_with_htmx_swaps_the_panel(org, admin):
    company = company_unit(org)
    client = client_for(admin)
    data = {"name": "Sales", "kind": "department", "parent": str(company.pk)}
    response = client.post(LIST, data, **HTMX)
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="units-panel"')
    sales = Unit.objects.get(name="Sales")
    assert 'role="status">Department Sales created.' in body and f'id="unit-{sales.pk}"' in body
    response = client.post(LIST, {**data, "parent": str(sales.pk)}, **HTMX)
    assert response.status_code == 200
    response = client.post(LIST, {"name": " ", "kind": "team", "parent": str(sales.pk)}, **HTMX)
    assert response.status_code == 422
    assert "Give the unit a name." in response.content.decode()
    response = client.post(
        LIST, {"name": "Sales", "kind": "team", "parent": str(company.pk)}, **HTMX
    )
    assert response.status_code == 422
    assert f"{company.name} already has a unit called Sales." in response.content.decode()
    assert Unit.objects.filter(name="Sales").count() == 2  # the department, and its team


def test_adding_without_javascript_redirects_and_members_are_refused(org, admin, member):
    company = company_unit(org)
    data = {"name": "Ops", "kind": "team", "parent": str(company.pk)}
    response = client_for(admin).post(LIST, data)
    ops = Unit.objects.get(name="Ops")
    assert response.status_code == 302 and response["Location"] == f"{LIST}#unit-{ops.pk}"
    assert client_for(member).post(LIST, {**data, "name": "Mine"}).status_code == 403
    assert not Unit.objects.filter(name="Mine").exists()


def test_an_admin_renames_moves_and_sets_the_deadline(org, admin, team):
    sales = f.make_unit(org, "Sales", kind="department")
    client = client_for(admin)
    body = client.get(page(team)).content.decode()
    assert 'name="action" value="details"' in body and "Weekly deadline" in body
    response = client.post(
        page(team), {"action": "details", "name": "Product Design", "parent": str(sales.pk)}
    )
    assert response.status_code == 302
    team.refresh_from_db()
    assert (team.name, team.parent) == ("Product Design", sales)
    response = client.post(
        page(team),
        {
            "action": "deadline",
            "checkin_weekday": "0",
            "checkin_time": "09:30",
            "time_zone": "Europe/Berlin",
        },
    )
    assert response.status_code == 302
    team.refresh_from_db()
    assert (team.checkin_weekday, team.checkin_time, team.time_zone) == (
        0,
        time(9, 30),
        "Europe/Berlin",
    )
    response = client.post(
        page(team),
        {"action": "deadline", "checkin_weekday": "9", "checkin_time": "x", "time_zone": "Mars"},
    )
    assert response.status_code == 422
    assert "Choose a day of the week." in response.content.decode()
    # A department cannot go inside itself: its own sub-units are not offered, and refused.
    inner = f.make_unit(org, "Inner", kind="department", parent=sales)
    body = client.get(page(sales)).content.decode()
    assert f'value="{inner.pk}"' not in body
    response = client.post(
        page(sales), {"action": "details", "name": "Sales", "parent": str(inner.pk)}
    )
    assert response.status_code == 422
    assert Unit.objects.get(pk=sales.pk).parent == company_unit(org)


def test_archive_restore_and_delete(org, admin, cycle, team):
    sales = f.make_unit(org, "Sales", kind="department")
    emea = f.make_unit(org, "EMEA", parent=sales)
    client = client_for(admin)
    response = client.post(page(sales), {"action": "archive"})
    assert response.status_code == 422
    assert "Archive the units inside Sales first (EMEA)." in response.content.decode()
    assert client.post(page(emea), {"action": "archive"}).status_code == 302
    body = client.get(page(emea)).content.decode()
    assert 'EMEA <span class="badge">Archived</span>' in body and "Restore EMEA" in body
    assert 'name="action" value="member-add"' not in body
    assert client.post(page(emea), {"action": "restore"}).status_code == 302
    assert Unit.objects.get(pk=emea.pk).archived_at is None

    f.make_objective(admin, cycle, team, title="Customers love the product")
    body = client.get(page(team)).content.decode()
    assert "cannot be deleted: it holds 1 objective" in body and 'value="delete"' not in body
    assert client.post(page(team), {"action": "delete"}).status_code == 422
    assert 'value="delete"' in client.get(page(emea)).content.decode()
    response = client.post(page(emea), {"action": "delete"})
    assert response.status_code == 302 and response["Location"] == LIST
    assert not Unit.objects.filter(pk=emea.pk).exists()
    assert Event.objects.filter(kind="unit.deleted", actor=admin).count() == 1


def test_a_lead_manages_their_units_people_with_htmx(org, team, member):
    lead = f.make_person(org, name="Lee Lead")
    f.join(team, lead, Membership.Role.LEAD)
    newcomer = f.make_person(org, name="Nina New")
    client = client_for(lead)
    body = client.get(page(team)).content.decode()
    assert 'value="details"' not in body and 'value="archive"' not in body  # admins only
    response = client.post(
        page(team), {"action": "member-add", "person": str(newcomer.pk), "role": "member"}, **HTMX
    )
    body = response.content.decode()
    assert response.status_code == 200 and body.lstrip().startswith('<section class="section"')
    assert "Nina New added as member." in body
    response = client.post(
        page(team), {"action": "member-role", "person": str(newcomer.pk), "role": "lead"}, **HTMX
    )
    assert "Nina New is now lead." in response.content.decode()
    assert Membership.objects.get(unit=team, person=newcomer).role == "lead"
    response = client.post(
        page(team), {"action": "member-remove", "person": str(member.pk)}, **HTMX
    )
    assert "Mia Member removed from Product." in response.content.decode()
    assert not Membership.objects.filter(unit=team, person=member).exists()
    response = client.post(
        page(team), {"action": "member-add", "person": "", "role": "member"}, **HTMX
    )
    assert response.status_code == 422 and "Choose a person." in response.content.decode()
    other = f.make_unit(org, "Other")
    response = client.post(
        page(other), {"action": "member-add", "person": str(newcomer.pk), "role": "member"}
    )
    assert response.status_code == 403
    assert not Membership.objects.filter(unit=other).exists()


def test_members_and_viewers_change_nothing(org, team, member, viewer):
    person = f.make_person(org)
    for someone in (member, viewer):
        client = client_for(someone)
        body = client.get(page(team)).content.decode()
        assert "<form" not in body.split("<main")[1].split("</main>")[0].replace(
            'class="cycle-switcher', ""
        )
        for data in (
            {"action": "details", "name": "Mine", "parent": str(team.parent_id)},
            {"action": "archive"},
            {"action": "delete"},
            {"action": "member-add", "person": str(person.pk), "role": "member"},
        ):
            assert client.post(page(team), data).status_code == 403, data
    team.refresh_from_db()
    assert (team.name, team.archived_at) == ("Product", None)


def test_an_archived_unit_is_labelled_and_left_out_of_the_new_objective_form(
    org, admin, cycle, team
):
    old = f.make_unit(org, "Old team")
    org_services.unit_archive(actor=admin, unit=old)
    client = client_for(admin)
    body = client.get(f"/units/{old.pk}/").content.decode()
    assert 'Old team <span class="badge">Archived</span></h1>' in body
    form = client.get("/objectives/new/").content.decode()
    assert f'value="{team.pk}"' in form and f'value="{old.pk}"' not in form


def test_the_setup_checklist_leads_here_for_teams_and_deadlines(admin):
    body = client_for(admin).get("/").content.decode()
    assert f'<a href="{LIST}">Set up teams</a>' in body
    assert f'<a href="{LIST}">Change deadlines</a>' in body
