"""The objective page's board (``selectors.objective_with_progress``): the objective, every
objective above it and the units' objectives aligned to it, read by one subquery of the board's
own query, and nothing else."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cadence.okrs import selectors
from cadence.okrs import services as okr_services
from cadence.okrs.models import Objective
from cadence.orgs.models import Unit
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_the_page_reads_itself_its_ancestors_and_its_units_children(org, admin, cycle, member):
    department = f.make_unit(org, "Sales", kind=Unit.Kind.DEPARTMENT)
    team = f.make_unit(org, "Inside sales", parent=department)
    f.join(team, member)
    company = f.make_objective(admin, cycle, department.parent, title="Grow revenue")
    middle = f.make_objective(admin, cycle, department, title="Win mid-market", parent=company)
    page = f.make_objective(admin, cycle, team, title="Faster demos", parent=middle)
    sibling = f.make_objective(admin, cycle, team, title="Better trials", parent=middle)
    child = f.make_objective(admin, cycle, team, title="Demo in a day", parent=page)
    grandchild = f.make_objective(admin, cycle, team, title="Self-serve demo", parent=child)
    personal = okr_services.personal_objective_create(
        actor=member, cycle=cycle, title="Learn the product", parent=page
    )
    unrelated = f.make_objective(admin, cycle, team, title="Hire two people")
    with CaptureQueriesContext(connection) as queries:
        found, board = selectors.objective_with_progress(org, page, viewer=admin)
    assert len(queries) == 2  # the objectives, their key results
    assert found.id == page.id
    assert set(board.objectives) == {company.id, middle.id, page.id, child.id}
    assert {sibling.id, grandchild.id, personal.id, unrelated.id}.isdisjoint(board.objectives)


def test_a_loop_of_parents_ends(org, admin, cycle):
    team = f.make_unit(org, "Support")
    a = f.make_objective(admin, cycle, team, title="Answer fast")
    b = f.make_objective(admin, cycle, team, title="Be friendly", parent=a)
    # Corrupt data no service writes: A aligned to B, below it.
    Objective.objects.filter(pk=a.pk).update(parent=b)
    a.refresh_from_db()
    found, board = selectors.objective_with_progress(org, a, viewer=admin)
    assert set(board.objectives) == {a.id, b.id}
