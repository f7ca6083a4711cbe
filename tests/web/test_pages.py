"""Every page renders for a member, needs a login, and shows what it promises."""

import re

import pytest
from django.urls import reverse

from cadence.okrs.models import Objective
from tests import factories as f
from tests.factories import PASSWORD


@pytest.fixture
def urls(cycle, team, objective, kr, checked_in):
    return {
        "dashboard": reverse("dashboard"),
        "cycles": reverse("cycles"),
        "cycle_tree": reverse("cycle_tree", args=[cycle.id]),
        "unit_detail": reverse("unit_detail", args=[team.id]),
        "objective_create": reverse("objective_create") + f"?unit={team.id}&cycle={cycle.id}",
        "objective_detail": reverse("objective_detail", args=[objective.id]),
        "objective_edit": reverse("objective_edit", args=[objective.id]),
        "objective_delete": reverse("objective_delete", args=[objective.id]),
        "key_result_create": reverse("key_result_create", args=[objective.id]),
        "key_result_edit": reverse("key_result_edit", args=[kr.id]),
        "key_result_delete": reverse("key_result_delete", args=[kr.id]),
        "key_result_check_in": reverse("key_result_check_in", args=[kr.id]),
        "api_tokens": reverse("api_tokens"),
    }


def test_every_page_renders_for_a_member(member_client, urls):
    for name, url in urls.items():
        response = member_client.get(url)
        assert response.status_code == 200, f"{name}: {response.status_code}"
        html = response.content.decode()
        assert 'class="skip-link"' in html, name
        assert "X-CSRFToken" in html, name  # htmx sends the CSRF token from <body hx-headers>


def test_every_page_needs_a_login(client, urls):
    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("login")), name


def test_login_with_email_and_password(client, member):
    page = client.get(reverse("login"))
    assert page.status_code == 200
    assert 'type="email"' in page.content.decode()
    response = client.post(reverse("login"), {"username": member.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")
    assert client.get(reverse("dashboard")).status_code == 200


def test_wrong_password_says_so(client, member):
    response = client.post(reverse("login"), {"username": member.email, "password": "nope"})
    assert response.status_code == 200
    assert "correct email and password" in response.content.decode()


def test_logout_is_a_post(member_client):
    assert member_client.get(reverse("logout")).status_code == 405
    response = member_client.post(reverse("logout"))
    assert response.status_code == 302
    assert member_client.get(reverse("dashboard")).status_code == 302


def test_dashboard_shows_my_team_and_company_objectives(member_client, objective, checked_in):
    html = member_client.get(reverse("dashboard")).content.decode()
    assert "Customers stay with us" in html
    assert "Onboarding people finish" in html
    # Progress bars with their values, pace labels in words, the quick check-in button.
    assert 'role="progressbar"' in html
    assert 'aria-valuenow="50"' in html  # 13% → 45%, now 29%: half way
    assert re.search(r"On track|At risk|Off track", html)
    assert f'hx-get="{reverse("key_result_check_in", args=[checked_in.id])}' in html


def test_dashboard_without_any_cycle(client, db):
    org, admin = f.make_org("Empty")
    client.force_login(admin)
    html = client.get(reverse("dashboard")).content.decode()
    assert "Create the first cycle" in html


def test_nothing_measured_is_a_dash_not_zero(member_client, objective):
    html = member_client.get(reverse("objective_detail", args=[objective.id])).content.decode()
    assert "No progress measured yet" in html
    assert "—" in html


def test_cycle_switcher_is_a_get_form_in_the_header(member_client, admin, cycle):
    other = f.make_cycle(
        admin,
        name="Q1 2027",
        start=cycle.end.replace(year=2027, month=1, day=1),
        end=cycle.end.replace(year=2027, month=3, day=31),
    )
    html = member_client.get(reverse("dashboard") + f"?cycle={other.id}").content.decode()
    form = re.search(r'<form class="cycle-switch" method="get".*?</form>', html, re.S).group(0)
    assert '<label for="cycle-switch">' in form
    assert f'<option value="{other.id}" selected>' in form
    assert f'<option value="{cycle.id}">' in form
    assert "<h1>Q1 2027</h1>" in html


def test_switching_cycle_on_the_tree_goes_to_that_tree(member_client, admin, cycle):
    other = f.make_cycle(
        admin,
        name="Q1 2027",
        start=cycle.end.replace(year=2027, month=1, day=1),
        end=cycle.end.replace(year=2027, month=3, day=31),
    )
    response = member_client.get(reverse("cycle_tree", args=[cycle.id]) + f"?cycle={other.id}")
    assert response.status_code == 302
    assert response["Location"] == reverse("cycle_tree", args=[other.id])


def test_tree_nests_aligned_objectives_in_details(
    member_client, cycle, company_objective, objective, checked_in
):
    url = reverse("cycle_tree", args=[cycle.id]) + "?view=alignment"
    html = member_client.get(url).content.decode()
    company_at = html.index("Customers stay with us")
    team_at = html.index("Onboarding people finish")
    assert company_at < team_at
    assert html.count("<details") >= 2 and "<summary>" in html
    # The company objective has no key results: its progress is its aligned child's (50%).
    block = re.search(
        rf'id="objective-{company_objective.id}-progress".*?</div>\s*</div>', html, re.S
    ).group(0)
    assert 'aria-valuenow="50"' in block


def test_tree_by_unit_rolls_progress_up_company_departments_teams(
    member_client, org, admin, member, cycle, company_objective, checked_in
):
    department = f.make_unit(org, "Go-to-market", kind="department")
    sales = f.make_unit(org, "Sales", parent=department)
    f.join(sales, member)
    win = f.make_objective(member, cycle, sales, title="Win deals faster")
    deals = f.make_kr(member, win, title="Deals closed", start=0, target=10)
    from cadence.okrs import services

    services.check_in_create(actor=member, key_result=deals, value=10, confidence="on_track")
    html = member_client.get(reverse("cycle_tree", args=[cycle.id])).content.decode()
    # company, then the department, then its team, each a <details> with its progress
    positions = [
        html.index(f'<span class="tree__title">{name}</span>')
        for name in (org.units.get(kind="company").name, "Go-to-market", "Sales")
    ]
    assert positions == sorted(positions)
    department_node = html[positions[1] : positions[2]]
    assert 'aria-valuenow="100"' in department_node  # Sales' only objective is done
    company_node = html[positions[0] : positions[1]]
    # Company: the mean of every objective below it: 25% (company), 25% (Product), 100%.
    assert 'aria-valuenow="50"' in company_node
    # Each unit counts the objectives it holds itself, then those with the units below.
    assert "Company · 1 objective · 3 with the units below<" in html
    assert "Department · no objectives of its own · 1 with the units below<" in html
    assert "Team · 1 objective<" in html


def test_unit_page_lists_members_subunits_and_objectives(
    member_client, org, team, member, objective
):
    f.make_unit(org, "Onboarding squad", parent=f.make_unit(org, "Product dept", kind="department"))
    html = member_client.get(reverse("unit_detail", args=[team.id])).content.decode()
    assert member.name in html
    assert "Onboarding people finish" in html
    company = member_client.get(reverse("unit_detail", args=[team.parent_id])).content.decode()
    assert "Product dept" in company and "Departments and teams" in company


def test_objective_page_shows_key_results_chart_and_history(member_client, objective, checked_in):
    html = member_client.get(reverse("objective_detail", args=[objective.id])).content.decode()
    assert "Onboarding completion" in html and "Support tickets" in html
    assert html.count('<svg class="chart__svg"') == 2
    assert "<title>Progress of Onboarding completion" in html
    assert "<desc id=" in html
    assert '<polyline class="chart__actual' in html
    assert "Reported confidence" in html and "Pace" in html
    assert "29%" in html  # current value with its unit
    assert "All check-ins (1)" in html
    assert "Aligns to" in html and "Customers stay with us" in html


def test_mismatch_between_confidence_and_pace_is_spelled_out(member_client, member, admin, team):
    from datetime import timedelta

    from django.utils import timezone

    from cadence.okrs import services

    # Two thirds through a cycle with no progress: the numbers say off track.
    today = timezone.localdate()
    cycle = f.make_cycle(
        admin,
        name="Running",
        kind="custom",
        start=today - timedelta(days=60),
        end=today + timedelta(days=30),
    )
    running = f.make_objective(member, cycle, team, title="Late objective")
    late = f.make_kr(member, running, title="Late key result", start=0, target=100)
    services.check_in_create(actor=member, key_result=late, value=0, confidence="on_track")
    html = member_client.get(reverse("objective_detail", args=[running.id])).content.decode()
    assert "Off track" in html
    assert "You say on track; the numbers say off track." in html
    dashboard = member_client.get(reverse("dashboard") + f"?cycle={cycle.id}").content.decode()
    assert "You say on track; the numbers say off track." in dashboard


def test_user_text_is_escaped_everywhere(member_client, member, cycle, team, objective):
    from cadence.okrs import services

    evil = '<script>alert("x")</script><b>bold</b>'
    bad = f.make_objective(member, cycle, team, title=evil, why=evil)
    bad_kr = f.make_kr(member, bad, title=evil, unit="<i>u</i>")
    services.check_in_create(
        actor=member, key_result=bad_kr, value=5, confidence="on_track", note=evil
    )
    for url in (
        reverse("dashboard"),
        reverse("cycle_tree", args=[cycle.id]),
        reverse("unit_detail", args=[team.id]),
        reverse("objective_detail", args=[bad.id]),
        reverse("objective_edit", args=[bad.id]),
        reverse("key_result_edit", args=[bad_kr.id]),
        reverse("key_result_check_in", args=[bad_kr.id]),
    ):
        html = member_client.get(url).content.decode()
        assert "<script>alert" not in html, url
        assert "<b>bold</b>" not in html, url
        assert "<i>u</i>" not in html, url
        assert "&lt;script&gt;alert(" in html, url


def test_cycles_page_lists_phases_and_admin_creates_one(admin_client, cycle):
    html = admin_client.get(reverse("cycles")).content.decode()
    assert cycle.name in html and "New cycle" in html
    response = admin_client.post(
        reverse("cycles"),
        {"name": "Q1 2027", "kind": "quarter", "start": "2027-01-01", "end": "2027-03-31"},
    )
    assert response.status_code == 302
    assert "Q1 2027" in admin_client.get(response["Location"]).content.decode()


def test_cycle_form_errors_at_the_field(admin_client, cycle):
    response = admin_client.post(
        reverse("cycles"),
        {"name": cycle.name, "kind": "quarter", "start": "2027-03-31", "end": "2027-01-01"},
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="id_end_error"' in html and "must end after it starts" in html
    response = admin_client.post(
        reverse("cycles"),
        {"name": cycle.name, "kind": "quarter", "start": "2027-01-01", "end": "2027-03-31"},
    )
    assert response.status_code == 422
    assert 'id="id_name_error"' in response.content.decode()


def test_members_do_not_see_the_cycle_form(member_client, cycle):
    assert "New cycle" not in member_client.get(reverse("cycles")).content.decode()


def test_api_tokens_are_shown_once_listed_and_revoked(member_client, member):
    response = member_client.post(reverse("api_tokens"), {"action": "create", "name": "CI"})
    assert response.status_code == 200
    html = response.content.decode()
    secret = re.search(r'value="(cad_[^"]+)"', html).group(1)
    # Every signed-in page is "private, no-store" (core.middleware); this one above all.
    assert "no-store" in response["Cache-Control"].replace(" ", "").split(",")
    listing = member_client.get(reverse("api_tokens")).content.decode()
    assert "CI" in listing and secret not in listing and secret[:10] in listing
    token = member.api_tokens.get()
    response = member_client.post(
        reverse("api_tokens"), {"action": "revoke", "token_id": str(token.id)}
    )
    assert response.status_code == 302
    assert not member.api_tokens.exists()


def test_api_token_name_is_required(member_client, member):
    response = member_client.post(reverse("api_tokens"), {"action": "create", "name": ""})
    assert response.status_code == 422
    assert 'id="id_name_error"' in response.content.decode()
    assert not member.api_tokens.exists()


def test_cannot_revoke_someone_elses_token(member_client, admin):
    from cadence.orgs import services

    token, _ = services.api_token_create(person=admin, name="Admin's")
    for token_id in (str(token.id), "not-a-uuid"):
        response = member_client.post(
            reverse("api_tokens"), {"action": "revoke", "token_id": token_id}, follow=True
        )
        assert "No such token." in response.content.decode()
    assert admin.api_tokens.count() == 1


def test_missing_objects_are_404_pages(member_client):
    import uuid

    response = member_client.get(reverse("objective_detail", args=[uuid.uuid4()]))
    assert response.status_code == 404
    assert "Not found" in response.content.decode()


def test_state_url_answers_get_with_405(member_client, objective):
    assert member_client.get(reverse("objective_state", args=[objective.id])).status_code == 405


def test_delete_objective_after_confirming(member_client, objective, kr):
    confirm = member_client.get(reverse("objective_delete", args=[objective.id]))
    assert confirm.status_code == 200 and "Delete objective" in confirm.content.decode()
    response = member_client.post(reverse("objective_delete", args=[objective.id]))
    assert response.status_code == 302
    assert not Objective.objects.filter(pk=objective.pk).exists()


def test_delete_key_result_after_confirming(member_client, objective, kr, kr2):
    confirm = member_client.get(reverse("key_result_delete", args=[kr.id]))
    assert confirm.status_code == 200
    response = member_client.post(reverse("key_result_delete", args=[kr.id]))
    assert response.status_code == 302
    assert list(objective.key_results.all()) == [kr2]


def test_alignment_view_queries_do_not_grow_with_objectives(
    member_client, member, cycle, team, company_objective
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cadence.okrs import services

    url = reverse("cycle_tree", args=[cycle.id]) + "?view=alignment"

    def grow(n):
        for i in range(n):
            o = f.make_objective(member, cycle, team, title=f"Grown {i}", parent=company_objective)
            k = f.make_kr(member, o, title=f"Grown KR {i}", owner=member)
            services.check_in_create(actor=member, key_result=k, value=5, confidence="at_risk")

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert member_client.get(url).status_code == 200
        return len(ctx.captured_queries)

    grow(3)
    small = count()
    grow(30)
    assert count() == small


def test_a_viewer_reading_her_own_week_is_told_she_is_a_viewer(client, viewer, member):
    client.force_login(viewer)
    own = client.get(reverse("weekly_update", args=[viewer.id, "2026-W48"])).content.decode()
    assert "You read Cadence as a viewer" in own
    assert "You are reading" not in own and f"{viewer.name}’s update" not in own
    other = client.get(reverse("weekly_update", args=[member.id, "2026-W48"])).content.decode()
    assert f"You are reading {member.name}’s update" in other


def test_the_api_docs_lead_back_to_the_app(member_client):
    html = member_client.get("/api/v1/docs").content.decode()
    assert (
        f'<a href="{reverse("dashboard")}"><span aria-hidden="true">← </span>Back to Cadence</a>'
        in html
    )
    assert 'id="swagger-ui"' in html  # still the API's documentation
