"""/api/v1: monthly and mid-cycle reviews, target changes."""

import pytest

from cadence.api.urls import api as ninja_api
from cadence.okrs.models import TargetChange
from cadence.orgs.selectors import company_unit
from cadence.reviews import questions
from cadence.reviews import services as review_services
from cadence.reviews.models import Review
from cadence.scoring import services as scoring_services
from tests import factories as f
from tests.api.conftest import Api


@pytest.fixture
def as_admin(admin):
    return Api(admin)


@pytest.fixture
def as_member(member):
    return Api(member)


@pytest.fixture
def as_outsider(outsider):
    return Api(outsider)


@pytest.fixture
def kr(admin, cycle, team, member):
    objective = f.make_objective(admin, cycle, team, title="Ship the new onboarding")
    return f.make_kr(
        admin, objective, title="Tickets from 300 to 200", start=300, target=200, owner=member
    )


def _assert_error(response, status, field=None):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"message", "errors"} and body["message"]
    if field:
        assert field in body["errors"], body


def test_routes_are_in_the_openapi_document():
    paths = ninja_api.get_openapi_schema(path_prefix="")["paths"]
    assert set(paths["/cycles/{cycle_id}/reviews"]) == {"get"}
    assert set(paths["/cycles/{cycle_id}/reviews/monthly/{month}"]) == {"get", "put"}
    assert set(paths["/cycles/{cycle_id}/reviews/mid-cycle"]) == {"get", "put"}
    assert set(paths["/key-results/{key_result_id}/target"]) == {"post"}
    assert set(paths["/key-results/{key_result_id}/target-changes"]) == {"get"}


def test_an_unwritten_review_answers_its_questions(as_member, org, cycle):
    response = as_member.get(f"/cycles/{cycle.id}/reviews/monthly/2026-11")
    assert response.status_code == 200
    body = response.json()
    assert body["id"] is None
    assert body["unit_id"] == str(company_unit(org).id)
    assert (body["kind"], body["period"]) == ("monthly", "2026-11")
    assert [q["id"] for q in body["questions"]] == [q for q, _ in questions.MONTHLY]
    assert (body["answers"], body["notes"]) == ({}, "")


def test_put_then_get_a_monthly_review(as_admin, admin, cycle, team):
    path = f"/cycles/{cycle.id}/reviews/monthly/2026-10?unit_id={team.id}"
    body = {"answers": {"monthly-help": "A designer for two weeks."}, "notes": "Ask Ana."}
    response = as_admin.call("put", path, body)
    assert response.status_code == 200, response.content
    saved = response.json()
    assert saved["id"] and saved["unit_id"] == str(team.id)
    assert saved["answers"] == {"monthly-help": "A designer for two weeks."}
    assert saved["updated_by_name"] == admin.name
    assert as_admin.get(path).json()["id"] == saved["id"]
    review = Review.objects.get()
    assert (review.period.isoformat(), review.notes) == ("2026-10-01", "Ask Ana.")


def test_put_and_get_the_mid_cycle_review(as_admin, cycle):
    path = f"/cycles/{cycle.id}/reviews/mid-cycle"
    response = as_admin.call("put", path, {"answers": {"mid-learned": "Ship smaller."}})
    assert response.status_code == 200, response.content
    assert response.json()["period"] is None
    got = as_admin.get(path).json()
    assert got["answers"] == {"mid-learned": "Ship smaller."}
    assert [q["id"] for q in got["questions"]] == [q for q, _ in questions.MID_CYCLE]


@pytest.mark.parametrize(
    "body,field",
    [
        ({"answers": {"nope": "x"}}, "answers.nope"),  # not a question of this review
        ({"answers": {"monthly-help": "x" * (questions.MAX_ANSWER + 1)}}, "answers.monthly-help"),
        ({"notes": "x" * (questions.MAX_NOTES + 1)}, "notes"),
        ({"answers": {"monthly-help": 5}}, "answers.monthly-help"),
        ({"answers": "text"}, "answers"),
        ({"surprise": 1}, "surprise"),
    ],
)
def test_bad_review_input_is_422(as_admin, cycle, body, field):
    response = as_admin.call("put", f"/cycles/{cycle.id}/reviews/monthly/2026-11", body)
    _assert_error(response, 422, field)
    assert not Review.objects.exists()


def test_members_may_read_but_not_write_a_review(as_member, cycle, team):
    path = f"/cycles/{cycle.id}/reviews/monthly/2026-11?unit_id={team.id}"
    assert as_member.get(path).status_code == 200
    _assert_error(as_member.call("put", path, {"notes": "Mine"}), 403)
    assert not Review.objects.exists()


@pytest.mark.parametrize("month", ["2026-13", "nov", "1999-11", "٢٠٢٦-11"])
def test_malformed_months_are_422(as_admin, cycle, month):
    _assert_error(as_admin.get(f"/cycles/{cycle.id}/reviews/monthly/{month}"), 422, "month")
    response = as_admin.call("put", f"/cycles/{cycle.id}/reviews/monthly/{month}", {"notes": "x"})
    _assert_error(response, 422, "month")
    assert not Review.objects.exists()


@pytest.mark.parametrize("month", ["2026-09", "2027-01"])
def test_months_outside_the_cycle_are_404(as_admin, cycle, month):
    _assert_error(as_admin.get(f"/cycles/{cycle.id}/reviews/monthly/{month}"), 404)
    response = as_admin.call("put", f"/cycles/{cycle.id}/reviews/monthly/{month}", {"notes": "x"})
    _assert_error(response, 404)


def test_review_list_filters_by_kind_and_unit(as_member, admin, org, cycle, team):
    company = company_unit(org)
    review_services.review_save(
        actor=admin, cycle=cycle, unit=team, kind="mid_cycle", answers={}, notes="Team"
    )
    review_services.review_save(
        actor=admin,
        cycle=cycle,
        unit=company,
        kind="monthly",
        period=cycle.start,
        answers={},
        notes="Company",
    )
    path = f"/cycles/{cycle.id}/reviews"
    assert sorted(r["notes"] for r in as_member.get(path).json()) == ["Company", "Team"]
    monthly = as_member.get(f"{path}?kind=monthly").json()
    assert [(r["notes"], r["period"]) for r in monthly] == [("Company", "2026-10")]
    assert [r["notes"] for r in as_member.get(f"{path}?unit_id={team.id}").json()] == ["Team"]
    _assert_error(as_member.get(f"{path}?kind=weekly"), 422, "kind")


def test_target_change_and_its_history(as_member, member, kr):
    response = as_member.post(
        f"/key-results/{kr.id}/target", {"target": 250, "reason": "Support was halved."}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["old_target"], body["new_target"]) == (200, 250)
    assert (body["old_start"], body["new_start"]) == (300, 300)
    assert body["actor_name"] == member.name
    kr.refresh_from_db()
    assert kr.target == 250
    response = as_member.post(
        f"/key-results/{kr.id}/target", {"target": 240, "start": 310, "reason": "Rebased."}
    )
    assert response.status_code == 201
    history = as_member.get(f"/key-results/{kr.id}/target-changes").json()
    assert [(c["old_target"], c["new_target"], c["reason"]) for c in history] == [
        (200, 250, "Support was halved."),
        (250, 240, "Rebased."),
    ]


@pytest.mark.parametrize(
    "body,field",
    [
        ({"target": 250}, "reason"),
        ({"target": 250, "reason": ""}, "reason"),
        ({"target": 300, "reason": "Same as start"}, "target"),
        ({"target": "250", "reason": "A string"}, "target"),
        ({"reason": "No target"}, "target"),
        ({"target": 250, "reason": "x" * 2001}, "reason"),
    ],
)
def test_bad_target_input_is_422(as_admin, kr, body, field):
    _assert_error(as_admin.post(f"/key-results/{kr.id}/target", body), 422, field)
    kr.refresh_from_db()
    assert kr.target == 200
    assert not TargetChange.objects.exists()


def test_target_change_in_a_closed_cycle_is_409(as_admin, admin, cycle, kr):
    scoring_services.cycle_close(actor=admin, cycle=cycle)
    response = as_admin.post(f"/key-results/{kr.id}/target", {"target": 250, "reason": "Late"})
    _assert_error(response, 409)
    assert "closed" in response.json()["message"]


def test_viewers_may_not_change_targets(viewer, kr):
    response = Api(viewer).post(f"/key-results/{kr.id}/target", {"target": 250, "reason": "x"})
    _assert_error(response, 403)


def test_without_credentials_is_401(cycle, kr):
    anonymous = Api()
    for method, path, body in [
        ("get", f"/cycles/{cycle.id}/reviews", None),
        ("get", f"/cycles/{cycle.id}/reviews/monthly/2026-11", None),
        ("put", f"/cycles/{cycle.id}/reviews/monthly/2026-11", {"notes": "x"}),
        ("get", f"/cycles/{cycle.id}/reviews/mid-cycle", None),
        ("put", f"/cycles/{cycle.id}/reviews/mid-cycle", {"notes": "x"}),
        ("post", f"/key-results/{kr.id}/target", {"target": 250, "reason": "x"}),
        ("get", f"/key-results/{kr.id}/target-changes", None),
    ]:
        _assert_error(anonymous.call(method, path, body), 401)


def test_another_organizations_ids_are_404(as_outsider, as_admin, outsider, cycle, team, kr):
    for method, path, body in [
        ("get", f"/cycles/{cycle.id}/reviews", None),
        ("get", f"/cycles/{cycle.id}/reviews/monthly/2026-11", None),
        ("put", f"/cycles/{cycle.id}/reviews/monthly/2026-11", {"notes": "x"}),
        ("get", f"/cycles/{cycle.id}/reviews/mid-cycle", None),
        ("put", f"/cycles/{cycle.id}/reviews/mid-cycle", {"notes": "x"}),
        ("post", f"/key-results/{kr.id}/target", {"target": 250, "reason": "x"}),
        ("get", f"/key-results/{kr.id}/target-changes", None),
    ]:
        _assert_error(as_outsider.call(method, path, body), 404)
    # And a foreign unit in the query string of one's own cycle.
    theirs = f.make_unit(outsider.organization, "Theirs")
    _assert_error(as_admin.get(f"/cycles/{cycle.id}/reviews?unit_id={theirs.id}"), 404)
    path = f"/cycles/{cycle.id}/reviews/mid-cycle?unit_id={theirs.id}"
    _assert_error(as_admin.call("put", path, {"notes": "x"}), 404)
    assert not Review.objects.exists() and not TargetChange.objects.exists()
