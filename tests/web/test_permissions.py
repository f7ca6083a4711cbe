"""Viewers read everything and change nothing; members change their own units' OKRs."""

from django.urls import reverse

from cadence.okrs.models import CheckIn, Cycle, KeyResult, Objective
from tests.web.conftest import HTMX


def test_viewers_see_no_edit_or_check_in_controls(viewer_client, cycle, objective, checked_in):
    for url in (
        reverse("dashboard"),
        reverse("cycle_tree", args=[cycle.id]) + "?view=alignment",
        reverse("unit_detail", args=[objective.unit_id]),
        reverse("objective_detail", args=[objective.id]),
    ):
        response = viewer_client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        # Everyone reads everything (the dashboard shows the company's and one's own teams').
        expected = "Customers stay with us" if url == "/" else "Onboarding completion"
        assert expected in html, url
        assert "data-checkin-open" not in html, url
        assert reverse("objective_edit", args=[objective.id]) not in html, url
        assert reverse("key_result_edit", args=[checked_in.id]) not in html, url
        assert "New objective" not in html, url


def test_viewers_get_403_on_every_write(viewer_client, cycle, team, objective, kr):
    writes = [
        (
            reverse("objective_create") + f"?unit={team.id}&cycle={cycle.id}",
            {
                "title": "Sneaky",
                "cycle": str(cycle.id),
                "unit": str(team.id),
                "commitment": "committed",
                "state": "draft",
            },
        ),
        (reverse("objective_edit", args=[objective.id]), {"title": "Sneaky"}),
        (reverse("objective_state", args=[objective.id]), {"state": "approved"}),
        (reverse("objective_delete", args=[objective.id]), {}),
        (
            reverse("key_result_create", args=[objective.id]),
            {"title": "Sneaky", "kind": "metric", "start": "0", "target": "1"},
        ),
        (reverse("key_result_edit", args=[kr.id]), {"title": "Sneaky"}),
        (reverse("key_result_delete", args=[kr.id]), {}),
        (reverse("key_result_check_in", args=[kr.id]), {"value": "20", "confidence": "on_track"}),
        (
            reverse("cycles"),
            {"name": "Sneaky", "kind": "quarter", "start": "2027-01-01", "end": "2027-03-31"},
        ),
    ]
    for url, data in writes:
        response = viewer_client.post(url, data)
        assert response.status_code == 403, url
        assert "can’t do that" in response.content.decode(), url
        assert viewer_client.post(url, data, **HTMX).status_code == 403, url
    # The forms themselves are not offered either.
    for url, _ in writes[:2] + writes[4:6]:
        assert viewer_client.get(url).status_code == 403, url
    assert (
        viewer_client.get(reverse("key_result_check_in", args=[kr.id]), **HTMX).status_code == 403
    )
    objective.refresh_from_db()
    assert objective.title == "Onboarding people finish" and objective.state == "draft"
    assert not CheckIn.objects.exists()
    assert KeyResult.objects.filter(pk=kr.pk).exists()
    assert not Objective.objects.filter(title="Sneaky").exists()
    assert not Cycle.objects.filter(name="Sneaky").exists()


def test_members_cannot_change_another_units_okrs(client, org, cycle, objective, kr):
    from tests import factories as f

    stranger = f.make_person(org, name="Other team member")
    f.join(f.make_unit(org, "Finance"), stranger)
    client.force_login(stranger)
    assert client.get(reverse("objective_edit", args=[objective.id])).status_code == 403
    response = client.post(
        reverse("key_result_check_in", args=[kr.id]), {"value": "20", "confidence": "on_track"}
    )
    assert response.status_code == 403
    html = client.get(reverse("objective_detail", args=[objective.id])).content.decode()
    assert "data-checkin-open" not in html


def test_members_cannot_create_cycles(member_client):
    response = member_client.post(
        reverse("cycles"),
        {"name": "Q9", "kind": "quarter", "start": "2027-01-01", "end": "2027-03-31"},
    )
    assert response.status_code == 403


def test_abandoning_needs_a_reason(member_client, objective):
    url = reverse("objective_state", args=[objective.id])
    response = member_client.post(url, {"state": "abandoned", "reason": "   "})
    assert response.status_code == 422
    html = response.content.decode()
    assert '<ul class="errorlist" id="id_reason_error">' in html
    assert "Say why the objective is abandoned." in html
    assert '<details class="abandon" open>' in html  # the form stays open at the error
    objective.refresh_from_db()
    assert objective.state == "draft"
    response = member_client.post(url, {"state": "abandoned", "reason": "Merged into Q1 work"})
    assert response.status_code == 302
    objective.refresh_from_db()
    assert (objective.state, objective.abandon_reason) == ("abandoned", "Merged into Q1 work")
    html = member_client.get(reverse("objective_detail", args=[objective.id])).content.decode()
    assert "Merged into Q1 work" in html and "Revive as draft" in html


def test_state_moves_and_refusals(member_client, member, admin, objective, kr):
    url = reverse("objective_state", args=[objective.id])
    # Approving takes an approver (here the company objective's owner), not the team itself.
    assert member_client.post(url, {"state": "approved"}).status_code == 403
    objective.refresh_from_db()
    assert objective.state == "draft"
    member_client.force_login(admin)
    # Not even an admin approves a draft: the team proposes it first.
    response = member_client.post(url, {"state": "approved"})
    assert response.status_code == 422 and "the team proposes it first" in response.content.decode()
    member_client.force_login(member)
    assert member_client.post(url, {"state": "proposed"}).status_code == 302
    member_client.force_login(admin)
    assert member_client.post(url, {"state": "approved"}).status_code == 302
    objective.refresh_from_db()
    assert objective.state == "approved"
    trail = [e.action for e in objective.approval_events.order_by("created_at")]
    assert trail == ["proposed", "approved"]
    response = member_client.post(url, {"state": "proposed"})
    assert response.status_code == 422
    assert "cannot become proposed" in response.content.decode()
    response = member_client.post(url, {"state": "flying"})
    assert response.status_code == 422
    objective.refresh_from_db()
    assert objective.state == "approved"
