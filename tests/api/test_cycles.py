"""GET|POST /api/v1/cycles and GET /api/v1/cycles/{id}."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from cadence.okrs.models import Cycle
from tests import factories as f
from tests.api.conftest import errors_of

GOOD = {"name": "Q1 2027", "kind": "quarter", "start": "2027-01-01", "end": "2027-03-31"}


def test_list_cycles_with_phase(admin, admin_api, outsider):
    today = timezone.localdate()
    running = f.make_cycle(
        admin, name="Now", start=today - timedelta(days=10), end=today + timedelta(days=80)
    )
    f.make_cycle(
        admin, name="Later", start=today + timedelta(days=100), end=today + timedelta(days=190)
    )
    f.make_cycle(outsider, name="Not ours")
    response = admin_api.get("/cycles")
    assert response.status_code == 200
    cycles = {c["name"]: c for c in response.json()}
    assert set(cycles) == {"Now", "Later"}
    assert cycles["Now"]["id"] == str(running.pk)
    assert cycles["Now"]["phase"] == "active"
    assert cycles["Later"]["phase"] == "planning"
    assert cycles["Now"]["start"] == (today - timedelta(days=10)).isoformat()
    assert 0 < cycles["Now"]["expected"] < 1
    assert cycles["Later"]["expected"] == 0


def test_viewer_reads_cycles(cycle, viewer_api):
    assert [c["name"] for c in viewer_api.get("/cycles").json()] == ["Q4 2026"]


def test_admin_creates_a_cycle(org, admin_api):
    response = admin_api.post("/cycles", GOOD)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["name"] == "Q1 2027" and body["kind"] == "quarter"
    assert body["start"] == "2027-01-01" and body["end"] == "2027-03-31"
    assert body["phase"] in {"planning", "active", "review"}
    cycle = Cycle.objects.get(pk=body["id"])
    assert cycle.organization == org and cycle.end == date(2027, 3, 31)


@pytest.mark.parametrize("api", ["member_api", "viewer_api"])
def test_only_admins_create_cycles(request, api):
    response = request.getfixturevalue(api).post("/cycles", GOOD)
    assert response.status_code == 403
    assert errors_of(response) == {}
    assert not Cycle.objects.filter(name="Q1 2027").exists()


@pytest.mark.parametrize(
    "change,field",
    [
        ({"end": "2026-12-31"}, "end"),  # before the start
        ({"end": "2027-01-01"}, "end"),  # same day
        ({"start": "2027-02-30"}, "start"),
        ({"start": "next monday"}, "start"),
        ({"start": "9999-12-01", "end": "9999-12-31"}, "start"),  # out of 2000–2200
        ({"start": "0001-01-01"}, "start"),
        ({"end": "2201-01-01"}, "end"),
        ({"start": 1798761600}, "start"),  # a timestamp is not a date here
        ({"start": "2027-01-01T00:00:00"}, "start"),
        ({"start": "٢٠٢٧-01-01"}, "start"),  # other scripts' digits
        ({"name": "   "}, "name"),
        ({"start": None}, "start"),
        ({"kind": "fortnight"}, "kind"),
        ({"name": ""}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"name": 42}, "name"),
        ({"name": "nul\u0000byte"}, "name"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_cycles_are_422(admin_api, change, field):
    response = admin_api.post("/cycles", {**GOOD, **change})
    assert response.status_code == 422, response.content
    assert field in errors_of(response)
    assert not Cycle.objects.exists()


def test_missing_fields_are_named(admin_api):
    response = admin_api.post("/cycles", {})
    assert response.status_code == 422
    errors = errors_of(response)
    assert {"name", "start", "end"} <= set(errors)
    assert errors["name"] == ["This field is required."]


def test_duplicate_cycle_name_is_422(cycle, admin_api):
    response = admin_api.post("/cycles", {**GOOD, "name": "q4 2026"})
    assert response.status_code == 422
    assert "name" in errors_of(response)


def test_text_that_cannot_be_stored_is_422(admin_api):
    # A lone surrogate is valid JSON but not storable text: 422, not a database error.
    raw = '{"name": "bad \\ud800", "start": "2027-01-01", "end": "2027-02-01"}'
    response = admin_api.post("/cycles", raw=raw)
    assert response.status_code == 422
    assert errors_of(response)["name"] == ["Text must be valid Unicode."]


def test_malformed_json_is_400(admin_api):
    response = admin_api.post("/cycles", raw="{not json")
    assert response.status_code == 400
    errors_of(response)


def test_body_must_be_an_object(admin_api):
    response = admin_api.post("/cycles", ["Q1 2027"])
    assert response.status_code == 422
    errors_of(response)


def test_cycle_detail(cycle, viewer_api):
    response = viewer_api.get(f"/cycles/{cycle.pk}")
    assert response.status_code == 200
    assert response.json()["name"] == "Q4 2026"


def test_cycle_detail_of_another_organization_is_404(cycle, outsider_api):
    assert outsider_api.get(f"/cycles/{cycle.pk}").status_code == 404
    assert outsider_api.get("/cycles/definitely-not-a-uuid").status_code == 404


# Editing and deleting -----------------------------------------------------------------------


def test_admin_edits_a_cycle(cycle, admin_api):
    response = admin_api.patch(
        f"/cycles/{cycle.pk}", {"name": "Autumn 2026", "end": "2027-01-15", "kind": "custom"}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["name"], body["kind"], body["end"]) == ("Autumn 2026", "custom", "2027-01-15")
    assert body["start"] == "2026-10-01"  # not sent, not changed
    cycle.refresh_from_db()
    assert (cycle.name, cycle.end) == ("Autumn 2026", date(2027, 1, 15))


@pytest.mark.parametrize(
    "change,field",
    [
        ({"end": "9999-12-31"}, "end"),
        ({"start": "0001-01-01"}, "start"),
        ({"end": "2026-09-30"}, "end"),  # before the start
        ({"name": None}, "name"),  # documented as not nullable: refused
        ({"start": None}, "start"),
        ({"name": ""}, "name"),
        ({"name": "nul\u0000byte"}, "name"),
        ({"closed_at": "2026-12-01"}, "closed_at"),
    ],
)
def test_bad_cycle_edits_are_422_and_change_nothing(cycle, admin_api, change, field):
    response = admin_api.patch(f"/cycles/{cycle.pk}", change)
    assert response.status_code == 422, response.content
    assert field in errors_of(response)
    cycle.refresh_from_db()
    assert (cycle.name, cycle.start, cycle.end) == (
        "Q4 2026",
        date(2026, 10, 1),
        date(2026, 12, 31),
    )


def test_a_cycle_name_stays_unique_when_edited(admin, cycle, admin_api):
    other = f.make_cycle(admin, name="Q1 2027", start=date(2027, 1, 1), end=date(2027, 3, 31))
    response = admin_api.patch(f"/cycles/{other.pk}", {"name": "q4 2026"})
    assert response.status_code == 422 and "name" in errors_of(response)
    assert admin_api.patch(f"/cycles/{cycle.pk}", {"name": "Q4 2026"}).status_code == 200


@pytest.mark.parametrize("api", ["member_api", "viewer_api"])
def test_only_admins_edit_and_delete_cycles(request, cycle, api):
    client = request.getfixturevalue(api)
    assert client.patch(f"/cycles/{cycle.pk}", {"name": "Mine"}).status_code == 403
    assert client.delete(f"/cycles/{cycle.pk}").status_code == 403
    assert Cycle.objects.get(pk=cycle.pk).name == "Q4 2026"


def test_an_empty_cycle_is_deleted(cycle, admin_api):
    assert admin_api.delete(f"/cycles/{cycle.pk}").status_code == 204
    assert not Cycle.objects.exists()
    assert admin_api.delete(f"/cycles/{cycle.pk}").status_code == 404


def test_a_cycle_with_objectives_is_not_deleted(objective, cycle, admin_api):
    response = admin_api.delete(f"/cycles/{cycle.pk}")
    assert response.status_code == 409
    assert "1 objective" in response.json()["message"]
    assert Cycle.objects.filter(pk=cycle.pk).exists()


def test_foreign_cycles_are_404_to_edit_and_delete(cycle, outsider_api):
    assert outsider_api.patch(f"/cycles/{cycle.pk}", {"name": "Mine"}).status_code == 404
    assert outsider_api.delete(f"/cycles/{cycle.pk}").status_code == 404
    assert Cycle.objects.get(pk=cycle.pk).name == "Q4 2026"


def test_a_closed_cycle_is_renamed_but_keeps_its_dates(admin, cycle, admin_api):
    from cadence.scoring import services as scoring_services

    scoring_services.cycle_close(actor=admin, cycle=cycle)
    assert admin_api.patch(f"/cycles/{cycle.pk}", {"name": "Q4 2026 (closed)"}).status_code == 200
    response = admin_api.patch(f"/cycles/{cycle.pk}", {"end": "2027-01-31"})
    assert response.status_code == 409 and "end" in errors_of(response)
    assert Cycle.objects.get(pk=cycle.pk).end == date(2026, 12, 31)


def test_a_stored_out_of_range_cycle_is_listed_fixed_and_deleted(org, admin_api):
    # Stored before dates were bounded (not through the services).
    bad = Cycle.objects.create(
        organization=org, name="Typo", start=date(9999, 12, 1), end=date(9999, 12, 31)
    )
    assert admin_api.get("/cycles").status_code == 200
    assert admin_api.get(f"/cycles/{bad.pk}").status_code == 200
    response = admin_api.patch(f"/cycles/{bad.pk}", {"start": "2027-01-01", "end": "2027-03-31"})
    assert response.status_code == 200, response.content
    assert admin_api.delete(f"/cycles/{bad.pk}").status_code == 204
