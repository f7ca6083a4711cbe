"""Bad input found by probing answers 4xx with a message and reaches no database: huge offsets,
NUL characters in query strings and bodies, dates and weeks outside 2000–2200. Runs on both
engines (PostgreSQL refused NUL and 64-bit overflows with a 500)."""

import pytest

from cadence.coach.models import Dismissal
from cadence.core.limits import MAX_INT
from tests.api.conftest import errors_of

HUGE = "9223372036854775808"  # one past a 64-bit integer


@pytest.mark.parametrize("path", ["/objectives", "/learnings"])
@pytest.mark.parametrize("param", ["offset", "limit"])
@pytest.mark.parametrize("value", [HUGE, str(MAX_INT + 1), "-1", "1e3", "١"])
def test_page_parameters_out_of_bounds_are_422(admin_api, cycle, path, param, value):
    response = admin_api.get(f"{path}?{param}={value}")
    assert response.status_code == 422, response.content
    assert param in errors_of(response)


@pytest.mark.parametrize("path", ["/objectives", "/learnings", "/people"])
@pytest.mark.parametrize(
    "query", ["offset=1&offset=2", "offset=%7B%7D&offset=0", "limit=5&limit=5"]
)
def test_a_parameter_given_twice_is_422_not_its_last_value(admin_api, cycle, path, query):
    response = admin_api.get(f"{path}?{query}")
    assert response.status_code == 422, response.content
    assert set(errors_of(response)) == {query.split("=")[0]}
    assert admin_api.get(f"{path}?offset=0&limit=5").status_code == 200


@pytest.mark.parametrize("path", ["/objectives", "/learnings"])
def test_the_largest_offset_is_an_empty_page(admin_api, cycle, path):
    response = admin_api.get(f"{path}?offset={MAX_INT}")
    assert response.status_code == 200 and response.json() == []


@pytest.mark.parametrize("q", ["%00", "a%00b"])
def test_a_nul_in_the_learnings_search_is_422(admin_api, q):
    response = admin_api.get(f"/learnings?q={q}")
    assert response.status_code == 422, response.content
    assert errors_of(response) == {"q": ["Text cannot contain NUL characters."]}


def test_a_nul_in_a_dismissal_reason_is_422(admin_api, objective):
    body = {"check": "obj-kr-count", "objective_id": str(objective.pk), "reason": "Pilot\x00first"}
    response = admin_api.post("/dismissals", body)
    assert response.status_code == 422, response.content
    assert errors_of(response) == {"reason": ["Text cannot contain NUL characters."]}
    assert not Dismissal.objects.exists()


@pytest.mark.parametrize(
    "path,field",
    [
        ("/feed?before=9999-12-31T23:59:59%2B14:00", "before"),
        ("/feed?before=0001-01-01", "before"),
        ("/feed?before=2026-11-20Z", "before"),
        ("/feed?before=%00", "before"),
        ("/feed?limit=" + HUGE, "limit"),
    ],
)
def test_bad_feed_queries_are_422(admin_api, path, field):
    response = admin_api.get(path)
    assert response.status_code == 422, response.content
    assert field in errors_of(response)


@pytest.mark.parametrize("week", ["9999-W52", "0001-W01", "1999-W52", "2201-W01", "2021-W53"])
def test_weeks_outside_the_bounds_are_422(admin_api, member, team, week):
    assert admin_api.get(f"/weekly/{member.pk}/{week}").status_code == 422
    response = admin_api.get(f"/teams/{team.pk}/report?week={week}")
    assert response.status_code == 422 and "week" in errors_of(response)
    response = admin_api.post(
        f"/weekly/{member.pk}/{week}/items", {"category": "plans", "text": "x"}
    )
    assert response.status_code == 422 and "week" in errors_of(response)


@pytest.mark.parametrize("week", ["2000-W01", "2200-W52", "2026-W53"])
def test_weeks_at_the_bounds_answer(admin_api, member, team, week):
    assert admin_api.get(f"/weekly/{member.pk}/{week}").status_code == 200
    assert admin_api.get(f"/teams/{team.pk}/report?week={week}").status_code == 200


@pytest.mark.parametrize(
    "path,body,field",
    [
        ("/weekly-categories", {"name": "Ideas\x00"}, "name"),
        ("/coach/check", {"kind": "objective", "text": "Grow\x00"}, "text"),
        ("/coach/settings", {"check": "nope", "enabled": True}, "check"),
    ],
)
def test_text_is_cleaned_at_the_edge(admin_api, path, body, field):
    response = admin_api.call("put" if path == "/coach/settings" else "post", path, body)
    assert response.status_code == 422, response.content
    assert field in errors_of(response)


@pytest.mark.parametrize(
    "body,field",
    [
        ({"weight": 101}, "weight"),
        ({"weight": 0}, "weight"),
        ({"target": 1e16}, "target"),
        ({"start": -1e16}, "start"),
    ],
)
def test_numbers_out_of_bounds_are_422_with_the_bound(admin_api, kr, body, field):
    response = admin_api.patch(f"/key-results/{kr.pk}", body)
    assert response.status_code == 422, response.content
    assert field in errors_of(response)


def test_moving_to_a_huge_position_is_bounded(member_api, member):
    from datetime import date

    from cadence.weekly import services as weekly_services

    item = weekly_services.item_create(
        actor=member, person=member, week=date(2026, 11, 23), category="plans", text="Plan"
    )
    response = member_api.post(
        f"/weekly-items/{item.pk}/move", {"category": "plans", "position": int(HUGE)}
    )
    assert response.status_code == 422 and "position" in errors_of(response)
    response = member_api.post(
        f"/weekly-items/{item.pk}/move", {"category": "plans", "position": MAX_INT}
    )
    assert response.status_code == 200, response.content


@pytest.mark.parametrize("position", [False, True, "1", 1.5])
def test_a_position_is_a_json_integer(member_api, member, position):
    from datetime import date

    from cadence.weekly import services as weekly_services

    item = weekly_services.item_create(
        actor=member, person=member, week=date(2026, 11, 23), category="plans", text="Plan"
    )
    body = {"category": "plans", "position": position}
    response = member_api.post(f"/weekly-items/{item.pk}/move", body)
    assert response.status_code == 422 and "position" in errors_of(response)
    # 3.0 is a JSON integer.
    response = member_api.post(f"/weekly-items/{item.pk}/move", {**body, "position": 3.0})
    assert response.status_code == 200, response.content
