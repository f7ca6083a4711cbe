"""Pages read query strings (?cycle=, ?week=, ?before=, ?page=, ?q=, …): whatever comes in, the
answer is a page or a 4xx, never a 500 — NUL characters, 64-bit overflows, far dates."""

import pytest

VALUES = [
    "\x00",
    "a\x00b",
    "9223372036854775808",
    "-1",
    "9999-W52",
    "0001-W01",
    "9999-12-31T23:59:59+14:00",
    "0001-01-01",
    "2026-11",
    "١٢",
    "1_000",
]


@pytest.fixture
def pages(cycle, team, member, objective):
    return [
        ("/", ["cycle"]),
        ("/cycles/", ["cycle"]),
        (f"/cycles/{cycle.id}/tree/", ["view", "part"]),
        ("/feed/", ["before", "unit", "person"]),
        ("/learnings/", ["q", "page", "kind", "unit", "cycle"]),
        (f"/teams/{team.id}/weekly/", ["week", "group"]),
        (f"/teams/{team.id}/meeting/", ["week", "cycle"]),
        ("/coach/", ["cycle", "unit"]),
        ("/approvals/", ["cycle", "mine"]),
        (f"/units/{team.id}/", ["cycle"]),
    ]


def test_no_query_value_makes_a_page_fail(admin_client, pages):
    for path, params in pages:
        for name in params:
            for value in VALUES:
                response = admin_client.get(path, {name: value})
                assert response.status_code < 500, (path, name, value)
                assert response.status_code in (200, 400, 404, 422), (
                    path,
                    name,
                    value,
                    response.status_code,
                )


@pytest.mark.parametrize("week", ["9999-W52", "0001-W01", "2021-W53"])
def test_a_week_out_of_bounds_in_a_path_is_404(admin_client, member, week):
    assert admin_client.get(f"/weekly/{member.id}/{week}/").status_code == 404


@pytest.mark.parametrize("month", ["9999-12", "0001-01", "2026-١١"])
def test_a_month_out_of_bounds_in_a_path_is_404(admin_client, cycle, month):
    assert admin_client.get(f"/cycles/{cycle.id}/reviews/monthly/{month}/").status_code == 404
