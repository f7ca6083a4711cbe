"""The KPI pages: what they show, who may use their forms, the recovery draft, and lists whose
queries do not grow with the number of KPIs."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cadence.kpis import services
from cadence.kpis.models import Kpi
from cadence.okrs.models import Objective
from cadence.orgs.models import Membership
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead(org, team):
    person = f.make_person(org, name="Lena Lead")
    f.join(team, person, Membership.Role.LEAD)
    return person


def _value(actor, kpi, value, days_ago=0):
    return services.kpi_value_add(
        actor=actor, kpi=kpi, value=value, at=timezone.localdate() - timedelta(days=days_ago)
    )


def test_create_and_add_values_from_the_pages(client, member, team):
    client.force_login(member)
    page = client.get(reverse("unit_detail", args=[team.id]))
    assert reverse("kpi_create", args=[team.id]) in page.content.decode()
    bad = client.post(
        reverse("kpi_create", args=[team.id]), {"name": "Uptime", "frequency": "weekly"}
    )
    assert bad.status_code == 422 and not Kpi.objects.exists()
    done = client.post(
        reverse("kpi_create", args=[team.id]),
        {"name": "Uptime", "band_min": "99.5", "unit_of_measure": "%", "frequency": "daily"},
    )
    kpi = Kpi.objects.get()
    assert done.status_code == 302 and done["Location"] == reverse("kpi_detail", args=[kpi.id])
    added = client.post(reverse("kpi_detail", args=[kpi.id]), {"value": "97"})
    assert added.status_code == 302
    kpi.refresh_from_db()
    assert kpi.status == "unhealthy"
    detail = client.get(reverse("kpi_detail", args=[kpi.id])).content.decode()
    assert "Unhealthy" in detail and "≥ 99.5%" in detail and "<desc" in detail
    assert "chart__band" in detail
    # Members enter values; drafting a recovery objective is the leads'.
    assert reverse("kpi_recovery", args=[kpi.id]) not in detail
    assert client.get(reverse("kpi_recovery", args=[kpi.id])).status_code == 403
    assert client.get(reverse("kpi_edit", args=[kpi.id])).status_code == 403


def test_viewers_read_only(client, viewer, lead, team):
    kpi = services.kpi_create(actor=lead, unit=team, name="Backlog", band_max=50)
    client.force_login(viewer)
    assert client.get(reverse("kpi_detail", args=[kpi.id])).status_code == 200
    assert client.post(reverse("kpi_detail", args=[kpi.id]), {"value": "1"}).status_code == 403
    assert client.get(reverse("kpi_create", args=[team.id])).status_code == 403
    assert client.post(reverse("kpi_archive", args=[kpi.id])).status_code == 403
    assert not kpi.values.exists()


def test_recovery_draft_is_prefilled_and_created_only_on_submit(client, lead, team, cycle):
    kpi = services.kpi_create(
        actor=lead, unit=team, name="Uptime", band_min=99.5, unit_of_measure="%"
    )
    _value(lead, kpi, 97)
    client.force_login(lead)
    detail = client.get(reverse("kpi_detail", args=[kpi.id])).content.decode()
    assert "Draft a recovery objective" in detail
    form = client.get(reverse("kpi_recovery", args=[kpi.id]))
    body = form.content.decode()
    assert form.status_code == 200 and "Bring Uptime back to at least 99.5%" in body
    assert not Objective.objects.exists()  # never created silently
    created = client.post(
        reverse("kpi_recovery", args=[kpi.id]),
        {
            "title": "Bring Uptime back to at least 99.5%",
            "why": "Customers notice outages.",
            "cycle": cycle.id,
            "unit": team.id,
            "commitment": "committed",
            "standalone_reason": "Our own service",
        },
    )
    assert created.status_code == 302, created.content.decode()
    objective = Objective.objects.get()
    kpi.refresh_from_db()
    assert objective.state == "draft" and kpi.recovery_objective == objective
    objective_page = client.get(reverse("objective_detail", args=[objective.id])).content.decode()
    assert (
        "Recovers KPI" in objective_page and reverse("kpi_detail", args=[kpi.id]) in objective_page
    )
    detail = client.get(reverse("kpi_detail", args=[kpi.id])).content.decode()
    assert "Recovered by the objective" in detail and "Draft a recovery objective" not in detail


def test_dashboard_lists_unhealthy_kpis_of_my_units(client, lead, team, cycle, org):
    ok = services.kpi_create(actor=lead, unit=team, name="Healthy one", band_min=1)
    bad = services.kpi_create(actor=lead, unit=team, name="Sick one", band_min=1)
    _value(lead, ok, 5)
    _value(lead, bad, 0)
    other_team = f.make_unit(org, "Elsewhere")
    elsewhere = services.kpi_create(
        actor=org.people.get(role="admin"), unit=other_team, name="Not mine", band_min=1
    )
    _value(org.people.get(role="admin"), elsewhere, 0)
    client.force_login(lead)
    page = client.get(reverse("dashboard")).content.decode()
    assert "Unhealthy KPIs" in page and "Sick one" in page
    assert "Healthy one" not in page and "Not mine" not in page


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def test_list_pages_do_not_grow_with_kpis(client, admin, team, cycle):
    client.force_login(admin)

    def grow(start, n):
        for i in range(start, start + n):
            kpi = services.kpi_create(actor=admin, unit=team, name=f"KPI {i}", band_min=10)
            for days in range(3):
                _value(admin, kpi, i % 20, days_ago=days)

    grow(0, 3)
    pages = [
        reverse("kpis"),
        reverse("unit_detail", args=[team.id]),
        reverse("dashboard"),
        reverse("team_meeting", args=[team.id]),
        reverse("company_review", args=[cycle.id]),
    ]
    few = [_count(client, url) for url in pages]
    grow(3, 12)
    many = [_count(client, url) for url in pages]
    assert many == few
