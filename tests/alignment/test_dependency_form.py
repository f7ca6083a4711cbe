"""The form to ask another team for something is sent when asked for (it lists every unit),
as a fragment for the objective's panel or as a page of its own."""

import pytest
from django.urls import reverse

from tests import factories as f

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def objective(member, cycle, team):
    return f.make_objective(member, cycle, team, title="Onboarding people finish")


def test_the_objective_page_does_not_carry_the_unit_list(client, member, objective, org):
    f.make_unit(org, "Payments")
    client.force_login(member)
    page = client.get(reverse("objective_detail", args=[objective.id])).content.decode()
    assert "Ask another team for something" in page
    assert "Payments" not in page
    assert reverse("dependency_create", args=[objective.id]) in page


def test_the_form_as_fragment_and_page(client, member, objective, org):
    f.make_unit(org, "Payments")
    client.force_login(member)
    url = reverse("dependency_create", args=[objective.id])
    fragment = client.get(url, **HTMX).content.decode()
    assert "<html" not in fragment and "Payments" in fragment and 'name="provider"' in fragment
    assert objective.unit.name + " (" not in fragment  # not its own team
    page = client.get(url).content.decode()
    assert "<html" in page and "Payments" in page


def test_another_organizations_objective_is_404(client, outsider, objective):
    client.force_login(outsider)
    url = reverse("dependency_create", args=[objective.id])
    assert client.get(url, **HTMX).status_code == 404
