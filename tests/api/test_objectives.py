"""GET|POST /api/v1/objectives and GET|PATCH|DELETE /api/v1/objectives/{id}."""

from datetime import date
from uuid import uuid4

import pytest
from django.utils import timezone

from cadence.okrs import progress as arithmetic
from cadence.okrs import services as okr_services
from cadence.okrs.models import KeyResult, Objective
from cadence.orgs.selectors import company_unit
from tests import factories as f
from tests.api.conftest import errors_of


@pytest.fixture
def good(cycle, team):
    return {
        "title": "Make onboarding delightful",
        "cycle_id": str(cycle.pk),
        "unit_id": str(team.pk),
        "commitment": "aspirational",
        "why": "New customers churn in their first month.",
    }


# List -------------------------------------------------------------------------------------


def test_list_defaults_to_the_current_cycle_with_progress(admin, admin_api, cycle, objective, kr):
    okr_services.check_in_create(actor=admin, key_result=kr, value=30, confidence="on_track")
    later = f.make_cycle(admin, name="Q1 2027", start=date(2027, 1, 1), end=date(2027, 3, 31))
    f.make_objective(admin, later, objective.unit, title="Next quarter's objective")

    response = admin_api.get("/objectives")
    assert response.status_code == 200
    [body] = response.json()
    expected = cycle.expected_on(timezone.localdate())
    assert body["id"] == str(objective.pk)
    assert body["title"] == "Customers love the product"
    assert body["cycle_id"] == str(cycle.pk)
    assert body["unit_id"] == str(objective.unit_id)
    assert body["parent_id"] is None
    assert body["commitment"] == "committed"
    assert body["state"] == "draft"
    assert body["why"] == "" and body["reason"] == ""
    assert body["progress"] == pytest.approx(0.5)
    assert body["expected"] == pytest.approx(expected)
    assert body["pace"] == arithmetic.pace(0.5, expected)
    assert body["children"] == []
    [kr_body] = body["key_results"]
    assert kr_body["id"] == str(kr.pk)
    assert kr_body["objective_id"] == str(objective.pk)
    assert kr_body["current"] == 30 and kr_body["start"] == 20 and kr_body["target"] == 40
    assert kr_body["progress"] == pytest.approx(0.5)
    assert kr_body["confidence"] == "on_track"
    assert kr_body["last_check_in_at"] is not None

    other = admin_api.get(f"/objectives?cycle_id={later.pk}").json()
    assert [o["title"] for o in other] == ["Next quarter's objective"]


def test_list_rolls_progress_up_and_lists_children(admin, admin_api, org, cycle, team):
    top = f.make_objective(admin, cycle, company_unit(org), title="Customers stay with us")
    child = f.make_objective(admin, cycle, team, title="Fewer tickets", parent=top)
    kr = f.make_kr(admin, child, start=0, target=10)
    okr_services.check_in_create(actor=admin, key_result=kr, value=5, confidence="at_risk")
    by_id = {o["id"]: o for o in admin_api.get("/objectives").json()}
    assert by_id[str(top.pk)]["children"] == [str(child.pk)]
    assert by_id[str(child.pk)]["parent_id"] == str(top.pk)
    assert by_id[str(child.pk)]["progress"] == pytest.approx(0.5)
    assert by_id[str(top.pk)]["progress"] == pytest.approx(0.5)
    assert by_id[str(top.pk)]["key_results"] == []


def test_objective_without_measurements_has_null_progress(admin, admin_api, objective):
    f.make_kr(admin, objective, title="Churn down to 2%", start=None, target=2)
    [body] = admin_api.get("/objectives").json()
    assert body["progress"] is None and body["pace"] is None
    assert body["key_results"][0]["current"] is None
    assert body["key_results"][0]["progress"] is None


def test_a_start_value_counts_as_zero_progress(admin_api, objective, kr):
    [body] = admin_api.get("/objectives").json()
    assert body["progress"] == 0
    assert body["key_results"][0]["current"] is None


def test_list_filters_by_unit(admin, admin_api, org, cycle, team, objective):
    other_team = f.make_unit(org, "Sales")
    f.make_objective(admin, cycle, other_team, title="Sell more")
    titles = [o["title"] for o in admin_api.get(f"/objectives?unit_id={other_team.pk}").json()]
    assert titles == ["Sell more"]
    both = admin_api.get(f"/objectives?cycle_id={cycle.pk}&unit_id={team.pk}").json()
    assert [o["title"] for o in both] == ["Customers love the product"]


def test_list_without_any_cycle_is_empty(admin_api):
    response = admin_api.get("/objectives")
    assert response.status_code == 200 and response.json() == []


@pytest.mark.parametrize("query", ["cycle_id", "unit_id"])
def test_list_with_unknown_or_foreign_ids_is_404(cycle, team, outsider_api, admin_api, query):
    own = {"cycle_id": cycle.pk, "unit_id": team.pk}[query]
    assert outsider_api.get(f"/objectives?{query}={own}").status_code == 404
    assert admin_api.get(f"/objectives?{query}={uuid4()}").status_code == 404
    assert admin_api.get(f"/objectives?{query}=not-a-uuid").status_code == 404


def test_viewer_and_outsider_lists(viewer_api, outsider_api, objective):
    assert len(viewer_api.get("/objectives").json()) == 1
    assert outsider_api.get("/objectives").json() == []


# Create -----------------------------------------------------------------------------------


def test_member_creates_an_objective_in_their_team(member, member_api, good):
    response = member_api.post("/objectives", good)
    assert response.status_code == 201, response.content
    body = response.json()
    objective = Objective.objects.get(pk=body["id"])
    assert objective.created_by == member
    assert body["title"] == good["title"] and objective.title == good["title"]
    assert body["commitment"] == "aspirational" and body["why"] == good["why"]
    assert body["state"] == "draft"
    assert body["progress"] is None and body["key_results"] == [] and body["children"] == []


def test_create_aligned_with_owner_and_state(admin, admin_api, org, cycle, good, member):
    top = f.make_objective(admin, cycle, company_unit(org), title="Customers stay with us")
    response = admin_api.post(
        "/objectives",
        {**good, "parent_id": str(top.pk), "owner_id": str(member.pk), "state": "approved"},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["parent_id"] == str(top.pk)
    assert body["owner_id"] == str(member.pk)
    assert body["state"] == "approved"
    assert admin_api.get(f"/objectives/{top.pk}").json()["children"] == [body["id"]]


def test_html_in_titles_is_stored_as_typed(admin_api, good):
    title = '<script>alert("x")</script> & <b>bold</b>'
    response = admin_api.post("/objectives", {**good, "title": title})
    assert response.status_code == 201
    assert response.json()["title"] == title
    assert Objective.objects.get().title == title


@pytest.mark.parametrize(
    "change,field",
    [
        ({"title": "x" * 201}, "title"),
        ({"title": "ab"}, "title"),
        ({"title": "   "}, "title"),
        ({"title": None}, "title"),
        ({"title": 12345}, "title"),
        ({"why": "y" * 2001}, "why"),
        ({"commitment": "kinda"}, "commitment"),
        ({"state": "closed"}, "state"),
        ({"cycle_id": "nope"}, "cycle_id"),
        ({"cycle_id": str(uuid4())}, "cycle_id"),
        ({"unit_id": str(uuid4())}, "unit_id"),
        ({"parent_id": str(uuid4())}, "parent_id"),
        ({"owner_id": str(uuid4())}, "owner_id"),
        ({"owner_id": 7}, "owner_id"),
        ({"progress": 1}, "progress"),
    ],
)
def test_bad_objectives_are_422(admin_api, good, change, field):
    response = admin_api.post("/objectives", {**good, **change})
    assert response.status_code == 422, response.content
    assert field in errors_of(response)
    assert not Objective.objects.exists()


def test_missing_fields_are_422(admin_api, cycle):
    response = admin_api.post("/objectives", {})
    assert response.status_code == 422
    assert {"title", "cycle_id"} <= set(errors_of(response))
    # unit_id is asked for once the rest is valid (or owner_person_id, for a personal one).
    response = admin_api.post(
        "/objectives", {"title": "Delight our customers", "cycle_id": str(cycle.pk)}
    )
    assert response.status_code == 422 and "unit_id" in errors_of(response)


def test_foreign_ids_in_the_body_save_nothing(admin, outsider, outsider_api, org, cycle, team):
    foreign_parent = f.make_objective(admin, cycle, company_unit(org), title="Their objective")
    own_cycle = f.make_cycle(outsider, name="Own cycle")
    own_unit = company_unit(outsider.organization)
    base = {"title": "Trying", "cycle_id": str(own_cycle.pk), "unit_id": str(own_unit.pk)}
    attempts = {
        "cycle_id": {**base, "cycle_id": str(cycle.pk)},
        "unit_id": {**base, "unit_id": str(team.pk)},
        "parent_id": {**base, "parent_id": str(foreign_parent.pk)},
        "owner_id": {**base, "owner_id": str(admin.pk)},
    }
    for field, body in attempts.items():
        response = outsider_api.post("/objectives", body)
        assert response.status_code == 422, (field, response.content)
        assert field in errors_of(response)
        assert "Their objective" not in response.content.decode()
    assert not Objective.objects.filter(organization=outsider.organization).exists()


def test_annual_cycles_take_company_objectives_only(admin, admin_api, team):
    year = f.make_cycle(
        admin, name="2027", kind="year", start=date(2027, 1, 1), end=date(2027, 12, 31)
    )
    response = admin_api.post(
        "/objectives", {"title": "Team yearly", "cycle_id": str(year.pk), "unit_id": str(team.pk)}
    )
    assert response.status_code == 422
    assert "cycle_id" in errors_of(response)


@pytest.mark.parametrize("api", ["viewer_api", "member_api"])
def test_who_may_not_create_gets_403(request, org, cycle, api):
    other = f.make_unit(org, "Finance")
    body = {"title": "Not my team", "cycle_id": str(cycle.pk), "unit_id": str(other.pk)}
    response = request.getfixturevalue(api).post("/objectives", body)
    assert response.status_code == 403
    errors_of(response)
    assert not Objective.objects.exists()


# Detail -----------------------------------------------------------------------------------


def test_detail(viewer_api, objective, kr, milestone):
    response = viewer_api.get(f"/objectives/{objective.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == str(objective.pk)
    assert [k["title"] for k in body["key_results"]] == [kr.title, milestone.title]
    assert body["key_results"][1]["kind"] == "milestone"
    assert body["key_results"][1]["progress"] == 0
    assert body["progress"] == 0  # both at their start


def test_key_results_of_an_objective(viewer_api, objective, kr):
    response = viewer_api.get(f"/objectives/{objective.pk}/key-results")
    assert response.status_code == 200
    assert [k["id"] for k in response.json()] == [str(kr.pk)]


@pytest.mark.parametrize(
    "bad",
    ["not-a-uuid", "1", pytest.param(str(uuid4()), id="unknown-uuid"), "0" * 32 + "g"],
)
def test_detail_of_unknown_or_malformed_ids_is_404(admin_api, objective, bad):
    for method in ("get", "patch", "delete"):
        response = admin_api.call(method, f"/objectives/{bad}", {})
        assert response.status_code == 404, (method, bad, response.status_code)
        assert response.json() == {"message": "Not found.", "errors": {}}


# Update -----------------------------------------------------------------------------------


def test_patch_changes_the_fields_sent(admin, member, member_api, org, cycle, objective):
    top = f.make_objective(admin, cycle, company_unit(org), title="Customers stay with us")
    response = member_api.patch(
        f"/objectives/{objective.pk}",
        {
            "title": "Customers adore the product",
            "why": "Because.",
            "commitment": "aspirational",
            "parent_id": str(top.pk),
            "owner_id": str(member.pk),
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["title"] == "Customers adore the product"
    assert body["why"] == "Because." and body["commitment"] == "aspirational"
    assert body["parent_id"] == str(top.pk) and body["owner_id"] == str(member.pk)
    objective.refresh_from_db()
    assert objective.parent == top and objective.owner == member

    response = member_api.patch(f"/objectives/{objective.pk}", {"parent_id": None, "why": None})
    assert response.status_code == 200
    assert response.json()["parent_id"] is None and response.json()["why"] == ""
    assert response.json()["title"] == "Customers adore the product"  # untouched when not sent


def test_patch_state_through_its_lifecycle(admin_api, objective, kr):
    path = f"/objectives/{objective.pk}"
    refused = admin_api.patch(path, {"state": "proposed"})
    assert refused.status_code == 409  # a team objective proposes with a parent or a reason
    assert "stand" in str(refused.json()["errors"]).lower()
    admin_api.patch(path, {"standalone_reason": "Internal tooling, no company objective fits."})
    assert admin_api.patch(path, {"state": "proposed"}).json()["state"] == "proposed"
    back = admin_api.patch(path, {"state": "draft"})
    assert back.status_code == 422 and "/return" in back.json()["errors"]["state"][0]
    assert admin_api.patch(path, {"state": "approved"}).json()["state"] == "approved"
    # The same approval trail as the web and the dedicated routes.
    trail = [e.action for e in objective.approval_events.order_by("created_at")]
    assert trail == ["proposed", "approved"]
    response = admin_api.patch(path, {"state": "abandoned", "reason": "Market moved."})
    assert response.status_code == 200
    assert response.json()["state"] == "abandoned"
    assert response.json()["reason"] == "Market moved."
    assert response.json()["pace"] is None
    revived = admin_api.patch(path, {"state": "draft"}).json()
    assert revived["state"] == "draft" and revived["reason"] == ""


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_abandoning_needs_a_reason(admin_api, objective, reason):
    body = {"state": "abandoned", "title": "Renamed while abandoning"}
    if reason is not None:
        body["reason"] = reason
    response = admin_api.patch(f"/objectives/{objective.pk}", body)
    assert response.status_code == 422
    assert "reason" in errors_of(response)
    objective.refresh_from_db()
    assert objective.state == "draft"
    assert objective.title == "Customers love the product"  # all or nothing


def test_reason_without_abandoning_is_422(admin_api, objective):
    response = admin_api.patch(f"/objectives/{objective.pk}", {"reason": "Just because"})
    assert response.status_code == 422
    assert "reason" in errors_of(response)


def test_oversized_reason_is_422(admin_api, objective):
    body = {"state": "abandoned", "reason": "r" * 2001}
    response = admin_api.patch(f"/objectives/{objective.pk}", body)
    assert response.status_code == 422
    assert "reason" in errors_of(response)


def test_a_state_that_cannot_follow_is_409(admin_api, objective):
    response = admin_api.patch(f"/objectives/{objective.pk}", {"state": "closed"})
    assert response.status_code == 409, response.content  # a draft cannot be closed
    assert "state" in errors_of(response)
    objective.refresh_from_db()
    assert objective.state == "draft"


@pytest.mark.parametrize(
    "body,field",
    [
        ({"state": "finished"}, "state"),
        ({"state": None}, "state"),
        ({"title": None}, "title"),
        ({"title": "t" * 201}, "title"),
        ({"commitment": "maybe"}, "commitment"),
        ({"parent_id": str(uuid4())}, "parent_id"),
        ({"owner_id": "me"}, "owner_id"),
        ({"unit_id": None}, "unit_id"),
        ({"progress": 1}, "progress"),
    ],
)
def test_bad_patches_are_422(admin_api, objective, body, field):
    response = admin_api.patch(f"/objectives/{objective.pk}", body)
    assert response.status_code == 422, response.content
    assert field in errors_of(response)
    objective.refresh_from_db()
    assert objective.title == "Customers love the product" and objective.state == "draft"


def test_aligning_to_itself_or_below_is_422(admin, admin_api, cycle, team, objective):
    child = f.make_objective(admin, cycle, team, title="Below", parent=objective)
    for parent in (objective, child):
        response = admin_api.patch(f"/objectives/{objective.pk}", {"parent_id": str(parent.pk)})
        assert response.status_code == 422
        assert "parent_id" in errors_of(response)


def test_foreign_parent_or_owner_in_a_patch_is_422(admin, outsider, outsider_api, objective):
    own_cycle = f.make_cycle(outsider, name="Own")
    own = f.make_objective(outsider, own_cycle, company_unit(outsider.organization), title="Own")
    for field, value in (("parent_id", objective.pk), ("owner_id", admin.pk)):
        response = outsider_api.patch(f"/objectives/{own.pk}", {field: str(value)})
        assert response.status_code == 422
        assert field in errors_of(response)
    own.refresh_from_db()
    assert own.parent is None and own.owner is None


@pytest.mark.parametrize("body", [{"title": "Viewer was here"}, {"state": "proposed"}, {}])
def test_viewers_cannot_patch(viewer_api, objective, body):
    response = viewer_api.patch(f"/objectives/{objective.pk}", body)
    assert response.status_code == 403
    objective.refresh_from_db()
    assert objective.title == "Customers love the product" and objective.state == "draft"


def test_empty_patch_answers_the_objective_unchanged(admin_api, objective):
    response = admin_api.patch(f"/objectives/{objective.pk}", {})
    assert response.status_code == 200
    assert response.json()["title"] == "Customers love the product"


def test_patch_with_a_bad_body_on_a_foreign_objective_is_404(outsider_api, objective):
    for raw in ('{"title": 5}', "{broken"):
        response = outsider_api.patch(f"/objectives/{objective.pk}", raw=raw)
        assert response.status_code == 404, raw


# Delete -----------------------------------------------------------------------------------


def test_delete(admin, admin_api, cycle, team, objective, kr):
    child = f.make_objective(admin, cycle, team, title="Aligned", parent=objective)
    response = admin_api.delete(f"/objectives/{objective.pk}")
    assert response.status_code == 204
    assert response.content == b""
    assert not Objective.objects.filter(pk=objective.pk).exists()
    assert not KeyResult.objects.filter(pk=kr.pk).exists()
    child.refresh_from_db()
    assert child.parent is None
    assert admin_api.get(f"/objectives/{objective.pk}").status_code == 404


def test_viewers_cannot_delete(viewer_api, objective):
    assert viewer_api.delete(f"/objectives/{objective.pk}").status_code == 403
    assert Objective.objects.filter(pk=objective.pk).exists()


# Another organization ---------------------------------------------------------------------


def test_every_objective_route_is_404_for_an_outsider(outsider_api, objective, kr):
    path = f"/objectives/{objective.pk}"
    calls = [
        ("get", path, None),
        ("patch", path, {"title": "Hijacked"}),
        ("patch", path, {"state": "abandoned", "reason": "mine now"}),
        ("delete", path, None),
        ("get", path + "/key-results", None),
        ("post", path + "/key-results", {"title": "Injected", "kind": "milestone"}),
        ("post", path + "/key-results", {}),
    ]
    for method, p, body in calls:
        response = outsider_api.call(method, p, body)
        assert response.status_code == 404, (method, p, response.status_code)
        assert "Customers love" not in response.content.decode()
    objective.refresh_from_db()
    assert objective.title == "Customers love the product" and objective.state == "draft"
    assert objective.key_results.count() == 1
