"""/api/v1/notifications: one's own notifications, unread filter, paging, marking read; bad
input, no credentials, another organization's ids."""

import pytest

from cadence.feed import services
from tests.api.conftest import Api


@pytest.fixture
def told(admin, member, objective, lena):
    """Three notifications for Lena (mentions), one for the admin (the objective's owner)."""
    for n in range(3):
        services.comment_create(actor=member, target=objective, text=f"@lena.okafor {n}")
    return objective


def test_list_is_ones_own_newest_first_with_links(told, lena, admin):
    response = Api(lena).get("/notifications")
    assert response.status_code == 200, response.content
    body = response.json()
    assert len(body) == 3 and response["X-Total-Count"] == "3"
    first = body[0]
    assert first["kind"] == "mention" and first["read"] is False
    assert first["actor"]["name"] == "Mia Member" and "mentioned you" in first["text"]
    assert f"/objectives/{told.pk}/" in first["url"] and first["comment_id"]
    assert [n["kind"] for n in Api(admin).get("/notifications").json()] == ["comment"] * 3


def test_paging_and_unread(told, lena):
    api = Api(lena)
    page = api.get("/notifications?limit=2")
    assert len(page.json()) == 2 and 'rel="next"' in page["Link"]
    first = page.json()[0]["id"]
    marked = api.post("/notifications/read", {"ids": [first]})
    assert marked.status_code == 200 and marked.json() == {"marked": 1, "unread": 2}
    unread = api.get("/notifications?unread=true").json()
    assert first not in [n["id"] for n in unread] and len(unread) == 2
    assert api.post("/notifications/read", {}).json() == {"marked": 2, "unread": 0}


def test_bad_input_and_no_credentials(told, lena):
    api = Api(lena)
    assert api.get("/notifications?limit=0").status_code == 422
    assert api.get("/notifications?limit=101").status_code == 422
    assert api.post("/notifications/read", {"ids": ["not-an-id"]}).status_code == 422
    assert api.post("/notifications/read", {"ids": [], "other": 1}).status_code == 422
    assert Api().get("/notifications").status_code == 401
    assert Api().post("/notifications/read", {}).status_code == 401


def test_another_organizations_notifications_are_out_of_reach(told, lena, outsider):
    ids = [n["id"] for n in Api(lena).get("/notifications").json()]
    other = Api(outsider)
    assert other.get("/notifications").json() == []
    assert other.post("/notifications/read", {"ids": ids}).json() == {"marked": 0, "unread": 0}
    assert all(not n["read"] for n in Api(lena).get("/notifications").json())
