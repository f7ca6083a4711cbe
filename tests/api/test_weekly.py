"""The weekly API: a person's week, items (add, edit, move, delete, restore), categories and the
team report — good input, bad input (422), no credentials (401), not allowed (403), and another
organization's ids (404)."""

from datetime import UTC, datetime, time, timedelta

import pytest

from cadence.orgs.models import Unit
from cadence.weekly import services
from cadence.weekly.models import Item, ItemMove
from cadence.weekly.weeks import format_week, week_of
from tests import factories as f

from .conftest import errors_of

WEEK = "2026-W47"


@pytest.fixture
def item(member):
    # Written during its week (Monday morning), before the week's deadline.
    return services.item_create(
        actor=member,
        person=member,
        week=_monday(),
        category="plans",
        text="Ship onboarding",
        at=datetime.combine(_monday(), time(9), tzinfo=UTC),
    )


def _monday():
    from cadence.weekly.weeks import parse_week

    return parse_week(WEEK)


def test_get_a_week(member_api, member, item, kr):
    body = member_api.get(f"/weekly/{member.pk}/{WEEK}").json()
    assert body["person_id"] == str(member.pk) and body["week"] == WEEK
    assert body["items"] == [
        {
            "id": str(item.pk),
            "category": "plans",
            "text": "Ship onboarding",
            "objective_id": None,
            "key_result_id": None,
            "carried_over": False,
            "carried_over_from_id": None,
            "late": False,
            "position": 0,
            "person_id": str(member.pk),
            "week": WEEK,
            "created_at": body["items"][0]["created_at"],
            "updated_at": body["items"][0]["updated_at"],
        }
    ]
    assert [c["slug"] for c in body["categories"]] == ["plans", "progress", "problems"]
    assert body["submitted_at"] is not None
    # 2026-W47 closed on Friday 20 November at 17:00 (UTC); people now write in 2026-W48.
    assert body["deadline"] == "2026-11-20T17:00:00Z"
    assert body["closed"] is True and body["current_week"] == "2026-W48"
    empty = member_api.get(f"/weekly/{member.pk}/2026-W01").json()
    assert empty["items"] == [] and empty["submitted_at"] is None


@pytest.mark.parametrize("week", ["2026-47", "2026-W54", "W47", "2026-w47x", "latest"])
def test_a_bad_week_is_422(member_api, member, week):
    response = member_api.get(f"/weekly/{member.pk}/{week}")
    assert response.status_code == 422
    assert "week" in errors_of(response)


def test_add_items(member_api, member, kr, objective):
    response = member_api.post(
        f"/weekly/{member.pk}/{WEEK}/items",
        {"category": "plans", "text": "  Interview five users ", "key_result_id": str(kr.pk)},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["text"] == "Interview five users"
    assert (body["objective_id"], body["key_result_id"]) == (str(objective.pk), str(kr.pk))
    unplanned = member_api.post(
        f"/weekly/{member.pk}/{WEEK}/items", {"category": "progress", "text": "Fixed a bug"}
    )
    assert unplanned.status_code == 201 and unplanned.json()["category"] == "progress"


@pytest.mark.parametrize(
    "body,field",
    [
        ({"category": "nope", "text": "x"}, "category"),
        ({"category": "plans", "text": ""}, "text"),
        ({"category": "plans", "text": "   "}, "text"),
        ({"category": "plans", "text": "x" * 1001}, "text"),
        ({"category": "plans"}, "text"),
        ({"text": "x"}, "category"),
        ({"category": "plans", "text": "x", "objective_id": "not-a-uuid"}, "objective_id"),
        ({"category": "plans", "text": "x", "extra": 1}, "extra"),
        ({"category": "plans", "text": 5}, "text"),
    ],
)
def test_bad_items_are_422_and_save_nothing(member_api, member, body, field):
    response = member_api.post(f"/weekly/{member.pk}/{WEEK}/items", body)
    assert response.status_code == 422, response.content
    assert field in errors_of(response)
    assert not Item.objects.exists()


def test_links_to_another_organization_are_422(member_api, member):
    other_org, other_admin = f.make_org("Else")
    foreign = f.make_objective(other_admin, f.make_cycle(other_admin), f.make_unit(other_org, "T"))
    foreign_kr = f.make_kr(other_admin, foreign)
    for field, value in (("objective_id", foreign.pk), ("key_result_id", foreign_kr.pk)):
        response = member_api.post(
            f"/weekly/{member.pk}/{WEEK}/items",
            {"category": "plans", "text": "x", field: str(value)},
        )
        assert response.status_code == 422
        assert field in errors_of(response)
    assert not Item.objects.exists()


def test_move_answers_the_item_and_records_history(member_api, item):
    response = member_api.post(f"/weekly-items/{item.pk}/move", {"category": "progress"})
    assert response.status_code == 200, response.content
    assert response.json()["category"] == "progress"
    assert response.json()["id"] == str(item.pk)
    assert ItemMove.objects.get().to_category.slug == "progress"
    bad = member_api.post(f"/weekly-items/{item.pk}/move", {"category": "done"})
    assert bad.status_code == 422 and "category" in errors_of(bad)
    assert member_api.post(f"/weekly-items/{item.pk}/move", {}).status_code == 422


def test_patch_delete_restore(member_api, item, objective, kr):
    response = member_api.patch(
        f"/weekly-items/{item.pk}", {"text": "Ship it", "key_result_id": str(kr.pk)}
    )
    assert response.status_code == 200, response.content
    assert response.json()["text"] == "Ship it"
    assert response.json()["objective_id"] == str(objective.pk)
    response = member_api.patch(f"/weekly-items/{item.pk}", {"objective_id": None})
    assert (response.json()["objective_id"], response.json()["key_result_id"]) == (None, None)
    bad = member_api.patch(f"/weekly-items/{item.pk}", {"text": ""})
    assert bad.status_code == 422 and "text" in errors_of(bad)
    assert member_api.patch(f"/weekly-items/{item.pk}", {"text": None}).status_code == 422
    assert member_api.delete(f"/weekly-items/{item.pk}").status_code == 204
    assert member_api.get(f"/weekly-items/{item.pk}").status_code == 404
    restored = member_api.post(f"/weekly-items/{item.pk}/restore")
    assert restored.status_code == 200 and restored.json()["text"] == "Ship it"


def test_who_may_write(api_as, org, admin, member, viewer_api, admin_api, item):
    colleague = f.make_person(org, name="Colleague")
    colleague_api = api_as(colleague)
    for api in (viewer_api, colleague_api):
        response = api.post(f"/weekly/{member.pk}/{WEEK}/items", {"category": "plans", "text": "x"})
        assert response.status_code == 403
        assert (
            api.post(f"/weekly-items/{item.pk}/move", {"category": "progress"}).status_code == 403
        )
        assert api.patch(f"/weekly-items/{item.pk}", {"text": "y"}).status_code == 403
        assert api.patch(f"/weekly-items/{item.pk}", {}).status_code == 403
        assert api.delete(f"/weekly-items/{item.pk}").status_code == 403
        # ...but everyone in the organization reads.
        assert api.get(f"/weekly/{member.pk}/{WEEK}").status_code == 200
    response = admin_api.post(
        f"/weekly/{member.pk}/{WEEK}/items", {"category": "plans", "text": "x"}
    )
    assert response.status_code == 201
    assert Item.objects.count() == 2


def test_anonymous_is_401(anonymous_api, member, item, team):
    for method, path in [
        ("get", f"/weekly/{member.pk}/{WEEK}"),
        ("post", f"/weekly/{member.pk}/{WEEK}/items"),
        ("post", f"/weekly-items/{item.pk}/move"),
        ("get", f"/teams/{team.pk}/report"),
        ("get", "/weekly-categories"),
    ]:
        assert anonymous_api.call(method, path, {}).status_code == 401


def test_another_organization_is_404(outsider_api, member, item, team):
    for method, path, body in [
        ("get", f"/weekly/{member.pk}/{WEEK}", None),
        ("get", f"/weekly/{member.pk}/bad-week", None),
        ("post", f"/weekly/{member.pk}/{WEEK}/items", {"category": "plans", "text": "x"}),
        ("post", f"/weekly/{member.pk}/{WEEK}/items", {"bad": 1}),
        ("post", f"/weekly-items/{item.pk}/move", {"category": "progress"}),
        ("patch", f"/weekly-items/{item.pk}", {"text": "mine"}),
        ("delete", f"/weekly-items/{item.pk}", None),
        ("post", f"/weekly-items/{item.pk}/restore", None),
        ("get", f"/teams/{team.pk}/report?week={WEEK}", None),
        ("get", f"/weekly-categories?unit_id={team.pk}", None),
    ]:
        response = outsider_api.call(method, path, body)
        assert response.status_code == 404, (method, path, response.content)
    item.refresh_from_db()
    assert (item.text, item.category.slug, item.deleted_at) == ("Ship onboarding", "plans", None)


def test_categories(admin_api, member_api, team, org):
    created = admin_api.post("/weekly-categories", {"name": "Future ideas"})
    assert created.status_code == 201, created.content
    ideas = created.json()
    assert (ideas["slug"], ideas["built_in"], ideas["unit_id"]) == ("future-ideas", False, None)
    assert member_api.post("/weekly-categories", {"name": "Mine"}).status_code == 403
    team_cat = member_api.post("/weekly-categories", {"name": "Retro", "unit_id": str(team.pk)})
    assert team_cat.status_code == 201
    slugs = [c["slug"] for c in member_api.get(f"/weekly-categories?unit_id={team.pk}").json()]
    assert slugs == ["plans", "progress", "problems", "future-ideas", "retro"]
    renamed = admin_api.patch(
        f"/weekly-categories/{ideas['id']}", {"name": "Someday", "position": 0}
    )
    assert renamed.json()["name"] == "Someday" and renamed.json()["position"] == 0
    archived = admin_api.patch(f"/weekly-categories/{ideas['id']}", {"archived": True})
    assert archived.json()["archived"] is True
    assert "future-ideas" not in [c["slug"] for c in admin_api.get("/weekly-categories").json()]
    everything = admin_api.get("/weekly-categories?archived=true").json()
    assert "future-ideas" in [c["slug"] for c in everything]
    plans = next(c for c in everything if c["slug"] == "plans")
    bad = admin_api.patch(f"/weekly-categories/{plans['id']}", {"archived": True})
    assert bad.status_code == 409  # built in: cannot be archived
    assert admin_api.post("/weekly-categories", {"name": ""}).status_code == 422
    assert admin_api.patch(f"/weekly-categories/{plans['id']}", {"position": -1}).status_code == 422


@pytest.fixture
def reported(org, team, member, kr):
    """Mia: two plans, one done and linked; Bo: one plan stuck; Cy: nothing."""
    bo, cy = f.make_person(org, name="Bo"), f.make_person(org, name="Cy")
    f.join(team, bo)
    f.join(team, cy)
    monday = _monday()
    done = services.item_create(
        actor=member, person=member, week=monday, category="plans", text="A", key_result=kr
    )
    services.item_move(actor=member, item=done, category="progress")
    services.item_create(actor=member, person=member, week=monday, category="plans", text="B")
    stuck = services.item_create(actor=bo, person=bo, week=monday, category="plans", text="C")
    services.item_move(actor=bo, item=stuck, category="problems")
    return member, bo, cy


def test_team_report(member_api, team, reported):
    mia, bo, cy = reported
    response = member_api.get(f"/teams/{team.pk}/report?week={WEEK}")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["week"] == WEEK
    assert (body["previous_week"], body["next_week"]) == ("2026-W46", "2026-W48")
    assert body["completion_rate"] == pytest.approx(1 / 3)
    assert body["linked_share"] == pytest.approx(1 / 3)
    assert body["missing"] == [str(cy.pk)]
    assert [p["name"] for p in body["people"]] == ["Bo", "Cy", "Mia Member"]
    assert [(p["planned"], p["done"], p["submitted"]) for p in body["people"]] == [
        (1, 0, True),
        (0, 0, False),
        (2, 1, True),
    ]
    assert body["teams"] == []
    bad = member_api.get(f"/teams/{team.pk}/report?week=soon")
    assert bad.status_code == 422 and "week" in errors_of(bad)


def test_report_defaults_to_the_current_week_and_aggregates(member_api, org, team, reported):
    from django.utils import timezone

    body = member_api.get(f"/teams/{team.pk}/report").json()
    assert body["week"] == format_week(week_of(timezone.now(), team.time_zone))
    company = Unit.objects.get(organization=org, kind="company")
    body = member_api.get(f"/teams/{company.pk}/report?week={WEEK}").json()
    assert [t["name"] for t in body["teams"]] == ["Product"]
    assert body["teams"][0]["completion_rate"] == pytest.approx(1 / 3)
    assert str(reported[2].pk) in body["missing"]


def test_carried_over_items_are_marked(member_api, member, item):
    services.rollover_week(week=_monday())
    next_week = format_week(_monday() + timedelta(7))
    items = member_api.get(f"/weekly/{member.pk}/{next_week}").json()["items"]
    assert [(i["text"], i["carried_over"], i["carried_over_from_id"]) for i in items] == [
        ("Ship onboarding", True, str(item.pk))
    ]


def test_weekly_routes_are_in_the_openapi_document(admin_api):
    paths = admin_api.get("/openapi.json").json()["paths"]
    for path in (
        "/api/v1/weekly/{person_id}/{week}",
        "/api/v1/weekly/{person_id}/{week}/items",
        "/api/v1/weekly-items/{item_id}/move",
        "/api/v1/teams/{unit_id}/report",
    ):
        assert path in paths, sorted(paths)
