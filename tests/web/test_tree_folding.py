"""A large tree is shown a level at a time: levels that fit the budget in full, the next one
folded (its content loads when opened, through an htmx fragment), the rest behind a link."""

import pytest
from django.urls import reverse

from cadence.okrs import selectors
from cadence.orgs.selectors import company_unit
from tests import factories as f

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def wide(org, admin, cycle, client):
    """A company objective with 3 department objectives, each with 4 team objectives."""
    company = company_unit(org)
    top = f.make_objective(admin, cycle, company, title="Customers stay with us")
    f.make_kr(admin, top, title="Net revenue retention", start=96, target=110)
    departments, teams = [], []
    for d in range(3):
        department = f.make_unit(org, f"Department {d}", kind="department")
        dept_objective = f.make_objective(
            admin, cycle, department, title=f"Department goal {d}", parent=top
        )
        departments.append(dept_objective)
        for t in range(4):
            team = f.make_unit(org, f"Team {d}.{t}", parent=department)
            teams.append(
                f.make_objective(
                    admin, cycle, team, title=f"Team goal {d}.{t}", parent=dept_objective
                )
            )
    client.force_login(admin)
    return {"top": top, "departments": departments, "teams": teams, "client": client}


def test_a_small_tree_is_shown_whole(wide, cycle):
    response = wide["client"].get(reverse("cycle_tree", args=[cycle.id]) + "?view=alignment")
    html = response.content.decode()
    assert "Team goal 2.3" in html
    assert "/tree/objectives/" not in html  # nothing folded


def test_a_tree_over_budget_folds_the_next_level(wide, cycle, monkeypatch):
    client = wide["client"]
    url = reverse("cycle_tree", args=[cycle.id]) + "?view=alignment"
    monkeypatch.setattr(selectors, "TREE_EAGER", 5)
    # top (1) + departments (3) fit; the 12 team objectives do not: they are folded
    tree = client.get(url).content.decode().split('id="tree-heading"')[1]
    assert "Team goal 1.2" in tree
    assert reverse("cycle_tree_objective", args=[cycle.id, wide["teams"][6].id]) in tree
    assert reverse("cycle_tree_objective", args=[cycle.id, wide["departments"][1].id]) not in tree
    monkeypatch.setattr(selectors, "TREE_EAGER", 2)
    # now the departments do not fit either: they are folded, their teams not shown at all
    tree = client.get(url).content.decode().split('id="tree-heading"')[1]
    assert "Department goal 1" in tree
    assert "Team goal 1.2" not in tree
    fragment_url = reverse("cycle_tree_objective", args=[cycle.id, wide["departments"][1].id])
    assert f'hx-get="{fragment_url}"' in tree
    fragment = client.get(fragment_url, **HTMX)
    assert fragment.status_code == 200
    body = fragment.content.decode()
    assert "<html" not in body
    assert all(f"Team goal 1.{t}" in body for t in range(4))
    assert "Team goal 0.0" not in body
    # without htmx the fragment's address leads to the objective's page
    plain = client.get(fragment_url)
    assert plain.status_code == 302
    assert plain.url == reverse("objective_detail", args=[wide["departments"][1].id])


def test_units_over_budget_fold_the_next_level(wide, org, cycle, monkeypatch):
    monkeypatch.setattr(selectors, "TREE_EAGER", 6)
    client = wide["client"]
    html = client.get(reverse("cycle_tree", args=[cycle.id])).content.decode()
    # company (1 objective) + 3 departments (3 objectives) fit in 6+; the 12 teams do not
    assert "Department 2" in html
    assert "Team 2.1" not in html
    department = wide["departments"][2].unit
    fragment_url = reverse("cycle_tree_unit", args=[cycle.id, department.id])
    assert f'hx-get="{fragment_url}"' in html
    body = client.get(fragment_url, **HTMX).content.decode()
    assert "Department goal 2" in body
    assert all(f"Team 2.{t}" in body for t in range(4))


def test_fragments_of_another_organization_are_404(wide, cycle, outsider, client):
    client.force_login(outsider)
    objective = wide["departments"][0]
    assert (
        client.get(
            reverse("cycle_tree_objective", args=[cycle.id, objective.id]), **HTMX
        ).status_code
        == 404
    )
    assert (
        client.get(
            reverse("cycle_tree_unit", args=[cycle.id, objective.unit_id]), **HTMX
        ).status_code
        == 404
    )


def test_folded_counts_and_progress_come_from_the_database(wide, org, cycle, monkeypatch):
    """A folded unit still shows its objectives' count and progress in and below it."""
    monkeypatch.setattr(selectors, "TREE_EAGER", 6)
    stats = selectors.unit_stats(org, cycle, viewer=f.ALL)
    department = wide["departments"][0].unit
    assert stats[department.id].count == 1
    html = wide["client"].get(reverse("cycle_tree", args=[cycle.id])).content.decode()
    node = html.split("Department 0")[0].rsplit("<summary>", 1)[1]
    assert "1 objective · 5 with the units below" in node  # its own, then with its teams


def test_a_level_too_wide_to_fold_is_behind_a_show_control(wide, cycle, monkeypatch):
    monkeypatch.setattr(selectors, "TREE_EAGER", 2)
    monkeypatch.setattr(selectors, "TREE_FOLDED", 2)
    client = wide["client"]
    tree = client.get(reverse("cycle_tree", args=[cycle.id]) + "?view=alignment")
    tree = tree.content.decode().split('id="tree-heading"')[1]
    assert "Department goal 1" not in tree
    assert "Show 3 aligned objectives" in tree
    url = reverse("cycle_tree_objective", args=[cycle.id, wide["top"].id]) + "?part=children"
    assert f'hx-get="{url}"'.replace("&", "&amp;") in tree or f'hx-get="{url}"' in tree
    body = client.get(url, **HTMX).content.decode()
    assert all(f"Department goal {d}" in body for d in range(3))
    assert "Net revenue retention" not in body  # the parent itself is not repeated
