"""The cycles page, its new-cycle form, and editing and deleting a cycle (admins)."""

from datetime import date

import pytest

from cadence.okrs.models import Cycle
from tests import factories as f
from tests.web.test_forms import field_error


def _cycle_data(**overrides) -> dict:
    return {"name": "Q1 2027", "kind": "quarter", "start": "2027-01-01", "end": "2027-03-31"} | (
        overrides
    )


@pytest.mark.parametrize(
    "start,end,field",
    [
        ("9999-12-01", "9999-12-31", "start"),
        ("0001-01-01", "0001-03-31", "start"),
        ("2027-01-01", "2201-01-01", "end"),
    ],
)
def test_a_new_cycle_out_of_bounds_is_refused_at_its_field(admin_client, start, end, field):
    response = admin_client.post("/cycles/", _cycle_data(start=start, end=end))
    assert response.status_code == 422
    assert "between 2000-01-01 and 2200-12-31" in field_error(response.content.decode(), field)
    assert not Cycle.objects.exists()
    assert admin_client.get("/cycles/").status_code == 200


def test_the_date_inputs_say_their_bounds(admin_client):
    html = admin_client.get("/cycles/").content.decode()
    assert 'min="2000-01-01"' in html and 'max="2200-12-31"' in html


def test_a_stored_out_of_range_cycle_does_not_break_the_page_and_can_be_fixed(org, admin_client):
    # Stored before the dates were bounded, not through the services.
    bad = Cycle.objects.create(
        organization=org, name="Typo", start=date(9999, 12, 1), end=date(9999, 12, 31)
    )
    early = Cycle.objects.create(
        organization=org, name="Early", start=date(1, 1, 1), end=date(1, 1, 5)
    )
    page = admin_client.get("/cycles/")
    assert page.status_code == 200
    assert f"/cycles/{bad.id}/edit/" in page.content.decode()
    assert admin_client.get(f"/?cycle={early.id}").status_code == 200
    response = admin_client.post(
        f"/cycles/{bad.id}/edit/", _cycle_data(name="Q1 2027", start="2027-01-01")
    )
    assert response.status_code == 302
    bad.refresh_from_db()
    assert (bad.name, bad.start, bad.end) == ("Q1 2027", date(2027, 1, 1), date(2027, 3, 31))
    assert admin_client.post(f"/cycles/{early.id}/delete/").status_code == 302
    assert not Cycle.objects.filter(pk=early.pk).exists()


def test_admin_edits_a_cycle(admin_client, cycle):
    page = admin_client.get(f"/cycles/{cycle.id}/edit/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'value="Q4 2026"' in html and 'value="2026-10-01"' in html
    assert f"/cycles/{cycle.id}/delete/" in html  # empty: it can be deleted
    response = admin_client.post(
        f"/cycles/{cycle.id}/edit/",
        _cycle_data(name="Autumn 2026", start="2026-10-01", end="2027-01-10", kind="custom"),
    )
    assert response.status_code == 302
    cycle.refresh_from_db()
    assert (cycle.name, cycle.end, cycle.kind) == ("Autumn 2026", date(2027, 1, 10), "custom")


def test_a_bad_edit_is_shown_at_its_field_and_saves_nothing(admin_client, cycle):
    response = admin_client.post(
        f"/cycles/{cycle.id}/edit/", _cycle_data(start="2026-10-01", end="9999-12-31")
    )
    assert response.status_code == 422
    assert "2200-12-31" in field_error(response.content.decode(), "end")
    cycle.refresh_from_db()
    assert (cycle.name, cycle.end) == ("Q4 2026", date(2026, 12, 31))


def test_a_cycle_holding_objectives_offers_no_delete(admin, admin_client, cycle, team):
    f.make_objective(admin, cycle, team, title="Ship the app")
    html = admin_client.get(f"/cycles/{cycle.id}/edit/").content.decode()
    assert f"/cycles/{cycle.id}/delete/" not in html
    assert "holds 1 objective" in html
    response = admin_client.post(f"/cycles/{cycle.id}/delete/", follow=True)
    assert "only an empty cycle can be deleted" in response.content.decode()
    assert Cycle.objects.filter(pk=cycle.pk).exists()


def test_admin_deletes_an_empty_cycle(admin_client, cycle):
    page = admin_client.get(f"/cycles/{cycle.id}/delete/")
    assert page.status_code == 200 and "Delete Q4 2026?" in page.content.decode()
    response = admin_client.post(f"/cycles/{cycle.id}/delete/", follow=True)
    assert response.status_code == 200
    assert "Q4 2026 was deleted." in response.content.decode()
    assert not Cycle.objects.exists()


@pytest.mark.parametrize("client_fixture", ["member_client", "viewer_client"])
def test_only_admins_edit_or_delete_cycles(request, cycle, client_fixture):
    client = request.getfixturevalue(client_fixture)
    assert client.get(f"/cycles/{cycle.id}/edit/").status_code == 403
    assert client.post(f"/cycles/{cycle.id}/edit/", _cycle_data()).status_code == 403
    assert client.post(f"/cycles/{cycle.id}/delete/").status_code == 403
    assert f"/cycles/{cycle.id}/edit/" not in client.get("/cycles/").content.decode()
    assert Cycle.objects.get(pk=cycle.pk).name == "Q4 2026"
