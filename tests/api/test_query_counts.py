"""GET /api/v1/objectives issues the same number of queries for 10 objectives as for 60."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from cadence.okrs import services as okr_services
from cadence.orgs.selectors import company_unit
from tests import factories as f


def _grow(admin, cycle, units, parent, start, stop):
    for i in range(start, stop):
        objective = f.make_objective(
            admin, cycle, units[i % len(units)], title=f"Objective {i}", parent=parent
        )
        for j in range(2):
            kr = f.make_kr(admin, objective, title=f"Key result {i}.{j}", owner=admin)
            okr_services.check_in_create(
                actor=admin, key_result=kr, value=10 + j, confidence="on_track"
            )


def _count(api, path) -> tuple[int, list]:
    api.get(path)  # the token's last-used time is written at most once a minute: settle it
    with CaptureQueriesContext(connection) as ctx:
        response = api.get(path)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.json()


def test_objective_list_queries_do_not_grow(org, admin, cycle, admin_api):
    units = [f.make_unit(org, f"Team {i}") for i in range(4)]
    top = f.make_objective(admin, cycle, company_unit(org), title="Customers stay with us")
    _grow(admin, cycle, units, top, 0, 9)
    small, small_body = _count(admin_api, "/objectives?limit=100")
    small_unit, _ = _count(admin_api, f"/objectives?cycle_id={cycle.pk}&unit_id={units[0].pk}")
    _grow(admin, cycle, units, top, 9, 59)
    large, large_body = _count(admin_api, "/objectives?limit=100")
    large_unit, _ = _count(admin_api, f"/objectives?cycle_id={cycle.pk}&unit_id={units[0].pk}")
    assert (len(small_body), len(large_body)) == (10, 60)
    assert sum(len(o["key_results"]) for o in large_body) == 118
    assert large == small, f"{small} queries for 10 objectives, {large} for 60"
    assert large_unit == small_unit, f"{small_unit} queries for 10 objectives, {large_unit} for 60"


def test_objective_list_is_paged(org, admin, cycle, admin_api):
    """A page at a time (30 by default), in a stable order, with the total and the next page."""
    units = [f.make_unit(org, f"Team {i}") for i in range(4)]
    top = f.make_objective(admin, cycle, company_unit(org), title="Customers stay with us")
    _grow(admin, cycle, units, top, 0, 34)
    first = admin_api.get(f"/objectives?cycle_id={cycle.pk}")
    assert first.status_code == 200
    assert len(first.json()) == 30
    assert first["X-Total-Count"] == "35"
    assert 'rel="next"' in first["Link"] and "offset=30" in first["Link"]
    rest = admin_api.get(f"/objectives?cycle_id={cycle.pk}&offset=30").json()
    assert len(rest) == 5
    ids = [o["id"] for o in first.json()] + [o["id"] for o in rest]
    assert len(set(ids)) == 35
    last = admin_api.get(f"/objectives?cycle_id={cycle.pk}&offset=30")
    assert "Link" not in last
    assert admin_api.get(f"/objectives?cycle_id={cycle.pk}&limit=0").status_code == 422
    assert admin_api.get(f"/objectives?cycle_id={cycle.pk}&limit=501").status_code == 422
