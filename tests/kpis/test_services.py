"""KPI services: validation, permissions, status from the latest value, crossings told once."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cadence.audit.models import Event
from cadence.core.errors import Conflict
from cadence.kpis import selectors, services
from cadence.kpis.models import Kpi, KpiCrossing
from cadence.mail.models import Delivery
from cadence.okrs.models import Objective
from cadence.orgs.models import Membership
from tests import factories as f
from tests.kpis.conftest import TODAY, add

pytestmark = pytest.mark.django_db


def kpi_emails():
    return Delivery.objects.filter(kind=Delivery.Kind.KPI)


def test_create_validates_the_band(lead, team):
    with pytest.raises(ValidationError) as neither:
        services.kpi_create(actor=lead, unit=team, name="Uptime")
    assert "band" in neither.value.message_dict
    with pytest.raises(ValidationError) as reversed_band:
        services.kpi_create(actor=lead, unit=team, name="NPS", band_min=60, band_max=30)
    assert "band_max" in reversed_band.value.message_dict
    with pytest.raises(ValidationError):
        services.kpi_create(actor=lead, unit=team, name="  ", band_min=1)
    with pytest.raises(ValidationError):
        services.kpi_create(actor=lead, unit=team, name="X", band_min=1, frequency="hourly")
    assert not Kpi.objects.exists()
    kpi = services.kpi_create(actor=lead, unit=team, name="NPS", band_min=30, band_max=60)
    assert kpi.status == "" and kpi.frequency == "weekly"
    assert Event.objects.filter(kind="kpi.created", target_id=str(kpi.id)).exists()
    with pytest.raises(ValidationError) as twice:
        services.kpi_create(actor=lead, unit=team, name="nps", band_min=1)
    assert "name" in twice.value.message_dict


def test_who_may_do_what(org, admin, team, member, viewer, lead, uptime):
    outsider_team = f.make_unit(org, "Growth")
    other = f.make_person(org, name="Gus Growth")
    f.join(outsider_team, other)
    with pytest.raises(PermissionDenied):
        services.kpi_create(actor=viewer, unit=team, name="A", band_min=1)
    with pytest.raises(PermissionDenied):
        services.kpi_create(actor=other, unit=team, name="A", band_min=1)
    with pytest.raises(PermissionDenied):
        add(viewer, uptime, 99.9)
    with pytest.raises(PermissionDenied):
        add(other, uptime, 99.9)
    add(member, uptime, 99.9)  # members enter values
    with pytest.raises(PermissionDenied):
        services.kpi_update(actor=member, kpi=uptime, name="Availability")  # leads change it
    with pytest.raises(PermissionDenied):
        services.kpi_archive(actor=member, kpi=uptime)
    services.kpi_update(actor=lead, kpi=uptime, name="Availability")
    services.kpi_archive(actor=admin, kpi=uptime)
    with pytest.raises(Conflict):
        add(member, uptime, 99.9)
    with pytest.raises(Conflict):
        services.kpi_archive(actor=admin, kpi=uptime)
    services.kpi_restore(actor=lead, kpi=uptime)


def test_value_dates_are_bounded(member, uptime):
    with pytest.raises(ValidationError) as future:
        add(member, uptime, 99.9, at=TODAY + timedelta(days=1))
    assert "at" in future.value.message_dict
    with pytest.raises(ValidationError):
        add(member, uptime, 99.9, at=date(1999, 12, 31))
    with pytest.raises(ValidationError):
        add(member, uptime, float("nan"))
    assert not uptime.values.exists()


def test_status_follows_the_latest_value_whatever_the_order(member, uptime):
    add(member, uptime, 99.9, at=TODAY)
    uptime.refresh_from_db()
    assert uptime.status == "healthy" and uptime.current_value == 99.9
    # An older value, entered afterwards, does not change the current one.
    add(member, uptime, 90.0, at=TODAY - timedelta(days=7))
    uptime.refresh_from_db()
    assert uptime.status == "healthy" and uptime.current_value == 99.9
    assert uptime.current_at == TODAY
    assert not KpiCrossing.objects.exists()
    # Two on the same day: the one entered last is current.
    add(member, uptime, 98.0, at=TODAY)
    uptime.refresh_from_db()
    assert uptime.status == "unhealthy" and uptime.current_value == 98.0


def test_a_crossing_is_told_once_to_the_leads(org, team, member, lead, uptime):
    second_lead = f.make_person(org, name="Lou Lead")
    f.join(team, second_lead, Membership.Role.LEAD)
    add(member, uptime, 99.9, at=TODAY - timedelta(days=3))
    assert kpi_emails().count() == 0
    add(member, uptime, 97.0, at=TODAY - timedelta(days=2))  # out
    assert KpiCrossing.objects.count() == 1
    assert sorted(kpi_emails().values_list("person__name", flat=True)) == ["Lena Lead", "Lou Lead"]
    mail = kpi_emails().get(person=lead)
    assert "Uptime" in mail.subject and "97" in mail.body and "≥ 99.5%" in mail.body
    assert f"/kpis/{uptime.id}/recovery/" in mail.body
    add(member, uptime, 96.0, at=TODAY - timedelta(days=1))  # still out: nothing new
    assert KpiCrossing.objects.count() == 1 and kpi_emails().count() == 2
    add(member, uptime, 99.8, at=TODAY - timedelta(days=1))  # back in
    assert KpiCrossing.objects.count() == 1
    add(member, uptime, 95.0, at=TODAY)  # out again: a second notice
    assert KpiCrossing.objects.count() == 2 and kpi_emails().count() == 4
    assert set(KpiCrossing.objects.values_list("current_value", flat=True)) == {97.0, 95.0}


def test_a_first_value_outside_is_a_crossing(member, lead, uptime):
    add(member, uptime, 50.0)
    assert KpiCrossing.objects.count() == 1 and kpi_emails().count() == 1


def test_without_leads_the_leads_above_are_told(org, admin, member, team):
    dept = f.make_unit(org, "Engineering", kind="department")
    platform = f.make_unit(org, "Platform", parent=dept)
    head = f.make_person(org, name="Hana Head")
    f.join(dept, head, Membership.Role.LEAD)
    kpi = services.kpi_create(actor=admin, unit=platform, name="Deploys", band_min=5)
    add(admin, kpi, 1)
    assert list(kpi_emails().values_list("person__name", flat=True)) == ["Hana Head"]


def test_a_new_band_that_puts_it_outside_is_a_crossing(member, lead, uptime):
    add(member, uptime, 99.6)
    services.kpi_update(actor=lead, kpi=uptime, band_min=99.9)
    uptime.refresh_from_db()
    assert uptime.status == "unhealthy"
    crossing = KpiCrossing.objects.get()
    assert crossing.value_id is None and crossing.band_min == 99.9
    assert kpi_emails().count() == 1
    with pytest.raises(ValidationError):
        services.kpi_update(actor=lead, kpi=uptime, band_min=None, band_max=None)


def test_an_archived_kpi_tells_nobody_and_leaves_the_coach(org, member, lead, uptime):
    services.kpi_archive(actor=lead, kpi=uptime)
    assert selectors.bands_by_unit(org) == {}
    services.kpi_update(actor=lead, kpi=uptime, band_min=100)
    assert not KpiCrossing.objects.exists()


def test_a_rolled_back_value_tells_nobody(member, lead, uptime):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        add(member, uptime, 1.0)
        raise RuntimeError("the caller's transaction fails")
    assert not KpiCrossing.objects.exists() and kpi_emails().count() == 0
    uptime.refresh_from_db()
    assert uptime.status == ""


def test_recovery_objective_is_drafted_and_linked(org, admin, cycle, member, lead, uptime):
    add(member, uptime, 90.0, at=cycle.start)
    with pytest.raises(PermissionDenied):
        services.kpi_recovery_create(actor=member, kpi=uptime, cycle=cycle, title="Recover it")
    assert not Objective.objects.exists()
    objective = services.kpi_recovery_create(
        actor=lead,
        kpi=uptime,
        cycle=cycle,
        title="Bring Uptime back to at least 99.5%",
        standalone_reason="Keeping the service up is the team's own",
    )
    uptime.refresh_from_db()
    assert objective.state == Objective.State.DRAFT and objective.unit == uptime.unit
    assert uptime.recovery_objective == objective
    assert selectors.kpis_recovered_by(org, objective) == [uptime]
    assert Event.objects.filter(kind="kpi.recovery_linked").count() == 1
    with pytest.raises(Conflict):
        services.kpi_recovery_create(actor=lead, kpi=uptime, cycle=cycle, title="Another one")
    # A bad objective saves nothing, the link included.
    objective.state = Objective.State.ABANDONED
    objective.save()
    with pytest.raises(ValidationError):
        services.kpi_recovery_create(actor=lead, kpi=uptime, cycle=cycle, title="")
    uptime.refresh_from_db()
    assert uptime.recovery_objective == objective


def test_lists_put_unhealthy_first(org, team, member, lead, uptime):
    backlog = services.kpi_create(actor=lead, unit=team, name="Backlog", band_max=50)
    nps = services.kpi_create(actor=lead, unit=team, name="NPS", band_min=30)
    add(member, backlog, 10)
    add(member, nps, 10)
    rows = list(selectors.kpis_listed(org))
    assert [k.name for k in rows] == ["NPS", "Backlog", "Uptime"]
    assert [k.name for k in selectors.kpis_listed(org, unhealthy_only=True)] == ["NPS"]
    spark = selectors.kpi_rows(rows, viewer=f.ALL)
    assert spark[0].status_label == "Unhealthy" and spark[2].spark.line == ""
