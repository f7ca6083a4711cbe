"""The settings page leads to every setting, with the cycle the person is looking at."""

import uuid

from django.urls import reverse

from tests import factories as f


def test_settings_page_lists_every_setting(member_client, cycle):
    response = member_client.get(reverse("settings") + f"?cycle={cycle.id}")
    assert response.status_code == 200
    html = response.content.decode()
    for name in ("notification_settings", "api_tokens", "coach_settings", "coach_guide"):
        assert reverse(name) in html
    assert reverse("cycle_results", args=[cycle.id]) + "#grading-heading" in html
    assert "Admins change these" in html


def test_settings_page_refuses_a_foreign_or_unknown_cycle(member_client, outsider):
    foreign = f.make_cycle(outsider, name="Their quarter")
    for cycle_id in (foreign.id, uuid.uuid4()):
        assert member_client.get(reverse("settings") + f"?cycle={cycle_id}").status_code == 404


def test_settings_page_needs_a_login(client):
    response = client.get(reverse("settings"))
    assert response.status_code == 302 and "/login/" in response["Location"]
