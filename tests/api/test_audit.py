"""GET /api/v1/audit: admins only, this organization only, filtered by since, actor and kind
(exact or a group), a page at a time like the other lists."""

import pytest

from cadence.audit.models import Event
from cadence.audit.services import audit_record
from cadence.okrs import services as okr_services
from cadence.scoring import services as scoring_services
from tests import factories as f
from tests.api.conftest import errors_of
from tests.clock import TEST_NOW

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(admin, member, cycle, team):
    """An objective created and renamed by the member, the grading scheme set by the admin."""
    objective = f.make_objective(member, cycle, team, title="Custmers love us")
    okr_services.objective_update(actor=member, objective=objective, title="Customers love us")
    scoring_services.organization_grading_scheme_set(actor=admin, scheme="percent")
    # The API clients' own tokens, and the fixtures' team and its membership.
    for group in ("token.", "unit.", "membership."):
        Event.objects.filter(kind__startswith=group)._purge()
    return objective


def test_an_admin_reads_the_trail_newest_first(admin_api, member, history):
    response = admin_api.get("/audit")
    assert response.status_code == 200
    body = response.json()
    assert [e["kind"] for e in body] == [
        "organization.grading_scheme_changed",
        "objective.updated",
        "objective.created",
        "cycle.created",
    ]
    assert response["X-Total-Count"] == "4"
    renamed = body[1]
    assert set(renamed) == {
        "id",
        "at",
        "actor_id",
        "actor",
        "kind",
        "target_type",
        "target_id",
        "target",
        "changes",
        "ip_address",
    }
    assert renamed["actor_id"] == str(member.pk)
    assert renamed["actor"] == f"{member.name} <{member.email}>"
    assert (renamed["target_type"], renamed["target_id"], renamed["target"]) == (
        "okrs.objective",
        str(history.pk),
        "Customers love us",
    )
    assert renamed["changes"] == {"title": ["Custmers love us", "Customers love us"]}
    assert renamed["ip_address"] is None  # made by a service outside any request


def test_filters(admin_api, admin, member, history):
    def kinds(query: str) -> list[str]:
        response = admin_api.get("/audit" + query)
        assert response.status_code == 200, response.content
        return [e["kind"] for e in response.json()]

    assert kinds("?kind=objective") == ["objective.updated", "objective.created"]
    assert kinds("?kind=objective.created") == ["objective.created"]
    assert kinds("?kind=object") == []  # a group is a whole first word, not a prefix
    assert kinds(f"?actor_id={admin.pk}") == [
        "organization.grading_scheme_changed",
        "cycle.created",
    ]
    assert len(kinds(f"?since={TEST_NOW.date()}")) == 4
    assert kinds("?since=2026-11-24T00:00:00Z") == []
    assert len(kinds("?since=2026-11-23T09:00:00%2B00:00")) == 4
    assert kinds("?since=2026-11-23T12:00:00%2B01:00") == []  # 11:00 UTC


def test_bad_input_is_422(admin_api, history):
    for query, field in (
        ("?since=yesterday", "since"),
        ("?since=1999-12-31", "since"),
        ("?kind=Objective!", "kind"),
        ("?actor_id=someone", "actor_id"),
        ("?limit=501", "limit"),
        ("?offset=-1", "offset"),
    ):
        response = admin_api.get("/audit" + query)
        assert response.status_code == 422, query
        assert field in errors_of(response), (query, response.json())


def test_members_viewers_and_anonymous_are_refused(member_api, viewer_api, anonymous_api):
    assert member_api.get("/audit").status_code == 403
    assert viewer_api.get("/audit").status_code == 403
    assert anonymous_api.get("/audit").status_code == 401


def test_another_organization_sees_none_of_it(outsider_api, admin, history):
    response = outsider_api.get("/audit")
    assert response.status_code == 200
    assert "Customers love us" not in response.content.decode()
    assert outsider_api.get(f"/audit?actor_id={admin.pk}").status_code == 404


def test_pages_with_offset_limit_and_link(admin_api, admin, org, django_assert_max_num_queries):
    Event.objects.all()._purge()
    for i in range(7):
        audit_record(organization=org, kind="token.created", actor=admin, target_label=f"T{i}")
    with django_assert_max_num_queries(6):
        first = admin_api.get("/audit?kind=token.created&limit=3")
    assert [e["target"] for e in first.json()] == ["T6", "T5", "T4"]
    assert first["X-Total-Count"] == "7"
    assert "offset=3" in first["Link"] and 'rel="next"' in first["Link"]
    last = admin_api.get("/audit?kind=token.created&limit=3&offset=6")
    assert [e["target"] for e in last.json()] == ["T0"] and "Link" not in last
