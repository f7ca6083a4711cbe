"""Coach pages: the live check, the objective page's findings, dismissals, settings, guide,
quality page."""

import pytest
from django.urls import reverse

from cadence.coach import services
from cadence.coach.models import CheckSetting, Dismissal
from cadence.okrs.models import KeyResult
from tests import factories as f

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def objective(member, cycle, team):
    objective = f.make_objective(member, cycle, team, title="Onboarding people finish")
    f.make_kr(member, objective, title="Completion from 13% to 45%", start=13, target=45)
    return objective


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


def _check(client, **data):
    response = client.post(reverse("coach_check"), data, **HTMX)
    assert response.status_code == 200
    return response.content.decode()


def test_done_when_through_the_live_view(member_client):
    html = _check(
        member_client, subject="key_result", title="Launch the new website", kind="metric"
    )
    assert 'data-check="kr-output-verb"' in html
    assert "Warning" in html and "result" in html and "Why?" in html
    assert reverse("coach_guide") in html
    html = _check(
        member_client,
        subject="key_result",
        title="Increase organic signups from 200 to 300 a month",
        kind="metric",
        start="200",
        target="300",
        unit="signups",
    )
    assert "data-check" not in html and "nothing to add" in html


def test_live_view_tolerates_unreadable_numbers_and_blank_title(member_client):
    html = _check(member_client, subject="key_result", title="", start="abc", target="1e999")
    assert html.strip() == ""
    html = _check(member_client, subject="key_result", title="Churn", start="3", target="3")
    assert 'data-check="kr-start-equals-target"' in html and "Needs fixing" in html


def test_live_view_for_objectives(member_client):
    html = _check(member_client, subject="objective", title="Grow revenue by 20% to $1.2M")
    assert 'data-check="obj-has-metric"' in html


def test_live_view_follows_the_organizations_settings(admin, member_client):
    services.check_setting_update(actor=admin, check_id="kr-output-verb", enabled=False)
    html = _check(member_client, subject="key_result", title="Launch the new website")
    assert "kr-output-verb" not in html
    services.check_setting_update(actor=admin, check_id="kr-no-number", enabled=True, level="error")
    html = _check(member_client, subject="key_result", title="Launch the new website")
    assert 'finding--error" data-check="kr-no-number"' in html


def test_live_view_needs_login_and_post(client, member_client):
    assert member_client.get(reverse("coach_check")).status_code == 405
    member_client.logout()
    response = client.post(reverse("coach_check"), {"title": "x"})
    assert response.status_code == 302 and "login" in response["Location"]


def test_forms_carry_the_live_coach(member_client, objective):
    html = member_client.get(reverse("key_result_create", args=[objective.id])).content.decode()
    assert 'hx-post="/coach/check/"' in html and '"subject": "key_result"' in html
    assert 'aria-live="polite"' in html
    html = member_client.get(reverse("objective_edit", args=[objective.id])).content.decode()
    assert '"subject": "objective"' in html


def test_form_save_refused_at_error_level(admin, member_client, objective):
    services.check_setting_update(
        actor=admin, check_id="kr-output-verb", enabled=True, level="error"
    )
    data = {"title": "Launch the new website", "kind": "milestone", "weight": "1"}
    response = member_client.post(reverse("key_result_create", args=[objective.id]), data)
    assert response.status_code == 422
    assert "Fix this to save" in response.content.decode()
    assert not KeyResult.objects.filter(title="Launch the new website").exists()


def test_objective_page_shows_findings_and_dismisses_with_reason(member_client, member, objective):
    url = reverse("objective_detail", args=[objective.id])
    html = member_client.get(url).content.decode()
    assert 'data-check="obj-kr-count"' in html and "Dismiss…" in html
    response = member_client.post(
        reverse("finding_dismiss"),
        {
            "check_id": "obj-kr-count",
            "objective": objective.id,
            "reason": "Pilot first",
            "next": url,
        },
    )
    assert response.status_code == 302 and response["Location"] == url
    dismissal = Dismissal.objects.get()
    assert (dismissal.reason, dismissal.dismissed_by, dismissal.objective) == (
        "Pilot first",
        member,
        objective,
    )
    html = member_client.get(url).content.decode()
    assert "Dismissed (1)" in html and "Pilot first" in html and "Mia Member" in html
    response = member_client.post(reverse("dismissal_withdraw", args=[dismissal.id]), {"next": url})
    assert response.status_code == 302 and not Dismissal.objects.exists()


def test_dismiss_without_reason_records_nothing(member_client, objective):
    response = member_client.post(
        reverse("finding_dismiss"), {"check_id": "obj-kr-count", "objective": objective.id}
    )
    assert response.status_code == 302
    assert not Dismissal.objects.exists()


def test_viewer_sees_findings_but_cannot_dismiss(client, viewer, objective):
    client.force_login(viewer)
    html = client.get(reverse("objective_detail", args=[objective.id])).content.decode()
    assert 'data-check="obj-kr-count"' in html and "Dismiss…" not in html
    response = client.post(
        reverse("finding_dismiss"),
        {"check_id": "obj-kr-count", "objective": objective.id, "reason": "no"},
    )
    assert response.status_code == 403
    assert not Dismissal.objects.exists()


def test_dismiss_with_foreign_ids_is_404(client, outsider, objective):
    client.force_login(outsider)
    response = client.post(
        reverse("finding_dismiss"),
        {"check_id": "obj-kr-count", "objective": objective.id, "reason": "x"},
    )
    assert response.status_code == 404
    assert not Dismissal.objects.exists()


def test_settings_page_admin_edits_others_read(client, admin, member, org):
    client.force_login(member)
    html = client.get(reverse("coach_settings")).content.decode()
    assert "kr-output-verb" in html and "Only admins change these" in html
    assert client.post(reverse("coach_settings"), {}).status_code == 403
    client.force_login(admin)
    html = client.get(reverse("coach_settings")).content.decode()
    assert 'name="level__kr-output-verb"' in html
    data = {}
    from cadence.coach.selectors import catalogue

    for e in catalogue(org):
        if e.enabled:
            data[f"enabled__{e.check.id}"] = "on"
        data[f"level__{e.check.id}"] = e.level
    data.pop("enabled__kr-binary")
    data["level__kr-no-number"] = "error"
    response = client.post(reverse("coach_settings"), data)
    assert response.status_code == 302
    stored = {s.check_id: (s.enabled, s.level) for s in CheckSetting.objects.all()}
    assert stored == {"kr-binary": (False, ""), "kr-no-number": (True, "error")}


def test_guide_lists_every_check(member_client):
    from cadence.coach.checks import CHECKS

    html = member_client.get(reverse("coach_guide")).content.decode()
    for check in CHECKS.values():
        assert f'id="check-{check.id}"' in html


def test_quality_page(member_client, member, cycle, team, objective):
    weak = f.make_objective(member, cycle, team, title="Grow revenue by 20%")
    f.make_kr(member, weak, title="Launch the new website", kind="milestone")
    html = member_client.get(reverse("cycle_quality", args=[cycle.id])).content.decode()
    assert "Product" in html and "Strength" in html and 'role="progressbar"' in html
    assert 'data-check="obj-has-metric"' in html and "Findings per check" in html
    assert "Grow revenue by 20%" in html


def test_quality_page_foreign_cycle_is_404(client, outsider, cycle):
    client.force_login(outsider)
    assert client.get(reverse("cycle_quality", args=[cycle.id])).status_code == 404


def test_weekly_update_shows_plan_count_advice(member_client, member, admin):
    from datetime import date

    from cadence.weekly import services as weekly_services

    week = date(2026, 11, 16)
    url = reverse("weekly_update", args=[member.id, "2026-W47"])
    for i in range(8):
        weekly_services.item_create(
            actor=member, person=member, week=week, category="plans", text=f"Plan {i}"
        )
    html = member_client.get(url).content.decode()
    assert 'data-check="plan-count"' in html and "8 plans this week" in html
    services.check_setting_update(actor=admin, check_id="plan-count", enabled=False)
    assert 'data-check="plan-count"' not in member_client.get(url).content.decode()
