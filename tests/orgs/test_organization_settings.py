"""Settings → Organization (web) and /api/v1/organization: everyone reads the name, time zone
and default cycle kind; admins change them, recorded in the audit trail; the company unit
follows the organization's time zone and the next cycle is suggested with its kind."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cadence.audit.models import Event
from cadence.okrs.models import Cycle
from cadence.okrs.quarters import half_of, next_cycle_initial
from cadence.orgs import services
from cadence.orgs.models import Organization
from cadence.orgs.selectors import company_unit
from tests import factories as f
from tests.api.conftest import Api, errors_of

pytestmark = pytest.mark.django_db


def test_an_admin_changes_the_organization_and_the_audit_trail_says_what_changed(org, admin, team):
    team_zone, old_name = team.time_zone, org.name
    services.organization_update(
        actor=admin,
        organization=org,
        name="  Northwind Traders ",
        time_zone="Europe/Paris",
        default_cycle_kind="half_year",
    )
    org.refresh_from_db()
    assert (org.name, org.time_zone, org.default_cycle_kind) == (
        "Northwind Traders",
        "Europe/Paris",
        "half_year",
    )
    # The company unit follows; an existing team keeps its own time zone.
    assert company_unit(org).time_zone == "Europe/Paris"
    team.refresh_from_db()
    assert team.time_zone == team_zone
    event = Event.objects.get(kind="organization.updated")
    assert event.actor == admin
    assert event.changes == {
        "name": [old_name, "Northwind Traders"],
        "time_zone": ["UTC", "Europe/Paris"],
        "default_cycle_kind": ["quarter", "half_year"],
    }
    # Saving the same values again changes nothing and records nothing.
    services.organization_update(actor=admin, organization=org, name="Northwind Traders")
    assert Event.objects.filter(kind="organization.updated").count() == 1


def test_only_admins_change_it_and_bad_values_save_nothing(org, admin, member, outsider):
    with pytest.raises(PermissionDenied):
        services.organization_update(actor=member, organization=org, name="Mine now")
    with pytest.raises(PermissionDenied):
        services.organization_update(actor=outsider, organization=org, name="Mine now")
    with pytest.raises(ValidationError) as error:
        services.organization_update(
            actor=admin, organization=org, name="Fine", time_zone="Mars/Olympus_Mons"
        )
    assert "time_zone" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.organization_update(actor=admin, organization=org, name="   ")
    assert "name" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.organization_update(actor=admin, organization=org, default_cycle_kind="decade")
    fresh = Organization.objects.get(pk=org.pk)
    assert (fresh.name, fresh.time_zone, fresh.default_cycle_kind) == (
        org.name,
        "UTC",
        "quarter",
    )
    assert not Event.objects.filter(kind="organization.updated").exists()


def test_the_settings_page_for_an_admin_and_for_a_member(client, org, admin, member):
    url = reverse("organization_settings")
    client.force_login(member)
    page = client.get(url).content.decode()
    assert "Admins change these" in page and "disabled" in page and ">Save<" not in page
    assert client.post(url, {"name": "Taken over"}).status_code == 403

    client.force_login(admin)
    assert ">Save<" in client.get(url).content.decode()
    assert 'href="/settings/organization/"' in client.get(reverse("settings")).content.decode()
    bad = client.post(
        url, {"name": "", "time_zone": "Nowhere/Land", "default_cycle_kind": "quarter"}
    )
    assert bad.status_code == 422
    assert "This field is required." in bad.content.decode()
    response = client.post(
        url, {"name": "Renamed", "time_zone": "Asia/Tokyo", "default_cycle_kind": "half_year"}
    )
    assert response.status_code == 302
    org.refresh_from_db()
    assert (org.name, org.time_zone, org.default_cycle_kind) == (
        "Renamed",
        "Asia/Tokyo",
        "half_year",
    )
    # The cycles page now suggests the next half-year.
    cycles = client.get(reverse("cycles")).content.decode()
    assert 'value="H1 2027"' in cycles


def test_the_api_reads_for_everyone_and_writes_for_admins(org, admin, viewer, member):
    body = Api(viewer).get("/organization")
    assert body.status_code == 200
    assert body.json() == {
        "id": str(org.pk),
        "name": org.name,
        "time_zone": "UTC",
        "default_cycle_kind": "quarter",
        "grading_scheme": "bands",
    }
    for person in (viewer, member):
        assert Api(person).patch("/organization", {"name": "Taken"}).status_code == 403
    admin_api = Api(admin)
    bad = admin_api.patch("/organization", {"time_zone": "Mars/Base"})
    assert bad.status_code == 422 and "time_zone" in errors_of(bad)
    assert admin_api.patch("/organization", {"default_cycle_kind": "year"}).status_code == 422
    assert admin_api.patch("/organization", {"name": None}).status_code == 422
    changed = admin_api.patch("/organization", {"time_zone": "America/Chicago"})
    assert changed.status_code == 200
    assert changed.json()["time_zone"] == "America/Chicago"
    assert changed.json()["name"] == org.name
    assert Event.objects.get(kind="organization.updated").changes == {
        "time_zone": ["UTC", "America/Chicago"]
    }
    # Another organization's admin changes only their own.
    outsider_org, outsider = f.make_org("Elsewhere")
    assert Api(outsider).patch("/organization", {"name": "Theirs"}).json()["id"] == str(
        outsider_org.pk
    )
    org.refresh_from_db()
    assert org.name != "Theirs"


@pytest.mark.parametrize(
    "day,half",
    [
        (date(2027, 1, 1), (date(2027, 1, 1), date(2027, 6, 30))),
        (date(2027, 6, 30), (date(2027, 1, 1), date(2027, 6, 30))),
        (date(2027, 7, 1), (date(2027, 7, 1), date(2027, 12, 31))),
        (date(2027, 12, 31), (date(2027, 7, 1), date(2027, 12, 31))),
    ],
)
def test_half_of(day, half):
    assert half_of(day) == half


def _cycle(start: date, end: date) -> Cycle:
    return Cycle(name="c", start=start, end=end)


@pytest.mark.parametrize(
    "cycles,today,expected",
    [
        ([], date(2026, 1, 5), ("H1 2026", date(2026, 1, 1), date(2026, 6, 30))),
        ([], date(2026, 3, 9), ("H2 2026", date(2026, 7, 1), date(2026, 12, 31))),
        (
            [_cycle(date(2026, 7, 1), date(2026, 12, 31))],
            date(2026, 8, 1),
            ("H1 2027", date(2027, 1, 1), date(2027, 6, 30)),
        ),
        (
            [_cycle(date(2026, 1, 1), date(2026, 3, 31))],  # after a quarter, the next half
            date(2026, 2, 1),
            ("H2 2026", date(2026, 7, 1), date(2026, 12, 31)),
        ),
    ],
)
def test_next_cycle_as_a_half_year(cycles, today, expected):
    initial = next_cycle_initial(cycles, today, Cycle.Kind.HALF_YEAR)
    assert initial["kind"] == Cycle.Kind.HALF_YEAR
    assert (initial["name"], initial["start"], initial["end"]) == expected
