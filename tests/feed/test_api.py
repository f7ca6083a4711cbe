"""/api/v1 comments, likes and feed: good input, bad input, no credentials, foreign ids."""

from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cadence.feed import services
from cadence.feed.models import Comment, Like
from tests.api.conftest import Api, errors_of

PATHS = {"objective": "/objectives/{}", "key_result": "/key-results/{}", "item": "/weekly-items/{}"}


@pytest.fixture
def member_api(member):
    return Api(member)


@pytest.mark.parametrize("kind", ["objective", "key_result", "item"])
def test_comment_list_create_delete(kind, targets, member_api, member, lena):
    base = PATHS[kind].format(targets[kind].pk)
    response = member_api.post(base + "/comments", {"text": "Nice, @lena.okafor"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["text"] == "Nice, @lena.okafor"
    assert body["author"] == {"id": str(member.pk), "name": member.name}
    assert (body["target"], body["target_id"]) == (kind, str(targets[kind].pk))
    assert body["mentions"] == [str(lena.pk)]
    listed = member_api.get(base + "/comments")
    assert listed.status_code == 200 and [c["id"] for c in listed.json()] == [body["id"]]
    assert member_api.delete(f"/comments/{body['id']}").status_code == 204
    assert member_api.get(base + "/comments").json() == []
    assert member_api.delete(f"/comments/{body['id']}").status_code == 404


@pytest.mark.parametrize(
    "payload, field",
    [
        ({}, "text"),
        ({"text": ""}, "text"),
        ({"text": "   "}, "text"),
        ({"text": "x" * 5001}, "text"),
        ({"text": 5}, "text"),
        ({"text": "ok", "extra": 1}, "extra"),
    ],
)
def test_bad_comments_are_422(objective, member_api, payload, field):
    response = member_api.post(f"/objectives/{objective.pk}/comments", payload)
    assert response.status_code == 422, response.content
    assert field in errors_of(response)
    assert not Comment.objects.exists()


@pytest.mark.parametrize("kind", ["objective", "key_result", "item"])
def test_like_toggle(kind, targets, member_api, admin):
    path = PATHS[kind].format(targets[kind].pk) + "/like"
    services.like_toggle(actor=admin, target=targets[kind])
    assert member_api.post(path).json() == {"liked": True, "count": 2}
    assert member_api.post(path).json() == {"liked": False, "count": 1}


def test_viewer_reads_but_cannot_write(objective, viewer, member):
    services.comment_create(actor=member, target=objective, text="Hello")
    api = Api(viewer)
    assert api.get(f"/objectives/{objective.pk}/comments").status_code == 200
    response = api.post(f"/objectives/{objective.pk}/comments", {"text": "Hi"})
    assert response.status_code == 403 and errors_of(response) == {}
    assert api.post(f"/objectives/{objective.pk}/like").status_code == 403
    assert not Like.objects.exists()


def test_only_author_or_admin_deletes(objective, member, lena, admin):
    comment = services.comment_create(actor=member, target=objective, text="Mine")
    assert Api(lena).delete(f"/comments/{comment.pk}").status_code == 403
    assert Api(admin).delete(f"/comments/{comment.pk}").status_code == 204


def test_no_credentials_is_401(objective):
    anonymous_api = Api()
    for method, path in [
        ("get", f"/objectives/{objective.pk}/comments"),
        ("post", f"/objectives/{objective.pk}/like"),
        ("get", "/feed"),
    ]:
        assert getattr(anonymous_api, method)(path).status_code == 401


@pytest.mark.parametrize("kind", ["objective", "key_result", "item"])
def test_foreign_ids_are_404(kind, targets, member, outsider):
    comment = services.comment_create(actor=member, target=targets[kind], text="Private")
    api = Api(outsider)
    base = PATHS[kind].format(targets[kind].pk)
    assert api.get(base + "/comments").status_code == 404
    assert api.post(base + "/comments", {"text": "Hi"}).status_code == 404
    assert api.post(base + "/comments", {}).status_code == 404  # whatever the body
    assert api.post(base + "/like").status_code == 404
    response = api.delete(f"/comments/{comment.pk}")
    assert response.status_code == 404 and "Private" not in response.content.decode()
    assert Comment.objects.filter(deleted_at__isnull=True).count() == 1
    assert not Like.objects.exists()


def test_feed(member_api, member, team, objective, kr, item, outsider):
    services.comment_create(actor=member, target=item, text="Started on this")
    response = member_api.get("/feed")
    assert response.status_code == 200
    body = response.json()
    kinds = [e["kind"] for e in body["events"]]
    assert kinds == ["comment", "objective"]
    assert body["events"][0]["summary"] == "Started on this"
    assert body["events"][0]["item_id"] == str(item.pk)
    assert body["events"][1]["objective_id"] == str(objective.pk)
    assert body["next_before"] is None
    only_member = member_api.get(f"/feed?person_id={member.pk}&unit_id={team.pk}").json()
    assert [e["kind"] for e in only_member["events"]] == ["comment"]
    first = member_api.get("/feed?limit=1").json()
    assert len(first["events"]) == 1 and first["next_before"]

    second = member_api.get(f"/feed?limit=1&before={quote(first['next_before'])}").json()
    assert [e["kind"] for e in second["events"]] == ["objective"]
    # Bad input and foreign ids.
    assert member_api.get("/feed?before=yesterday").status_code == 422
    assert member_api.get("/feed?unit_id=nope").status_code == 422
    assert member_api.get("/feed?limit=0").status_code == 422
    other_unit = outsider.organization.units.get()
    assert member_api.get(f"/feed?unit_id={other_unit.pk}").status_code == 404
    assert member_api.get(f"/feed?person_id={outsider.pk}").status_code == 404
    assert Api(outsider).get("/feed").json() == {"events": [], "next_before": None}


def test_routes_are_in_the_openapi_document(member_api):
    paths = member_api.client.get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/objectives/{objective_id}/comments",
        "/api/v1/key-results/{key_result_id}/comments",
        "/api/v1/weekly-items/{item_id}/comments",
        "/api/v1/objectives/{objective_id}/like",
        "/api/v1/comments/{comment_id}",
        "/api/v1/feed",
    ):
        assert path in paths, path


def test_comment_list_queries_do_not_grow(kr, member, member_api, lena):
    def count():
        member_api.get(f"/key-results/{kr.pk}/comments")  # settle the token's last-used time
        with CaptureQueriesContext(connection) as ctx:
            response = member_api.get(f"/key-results/{kr.pk}/comments")
        assert response.status_code == 200
        return len(ctx.captured_queries), len(response.json())

    services.comment_create(actor=member, target=kr, text="@lena.okafor first")
    small = count()
    for i in range(10):
        services.comment_create(actor=lena, target=kr, text=f"Reply {i} @{member.email}")
    large = count()
    assert (small[1], large[1]) == (1, 11)
    assert large[0] == small[0]
