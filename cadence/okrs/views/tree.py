"""The alignment tree's folded parts, opened (htmx fragments); the tree page is cadence.web's."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from cadence.core.htmx import is_htmx
from cadence.okrs import pages, selectors
from cadence.orgs import selectors as org_selectors


@login_required
def cycle_tree_unit(request: HttpRequest, cycle_id, unit_id) -> HttpResponse:
    """A folded unit of the tree, opened: its objectives and sub-units (an htmx fragment)."""
    person = request.user
    cycle, tree, _access = pages.tree_cycle(request, cycle_id)
    unit = org_selectors.unit_get(person.organization, unit_id)
    if not is_htmx(request):
        return redirect(f"{reverse('unit_detail', args=[unit.id])}?cycle={cycle.id}")
    node, board = pages.units_tree(person.organization, cycle, tree, unit, viewer=person)
    context = {"node": node, "cycle": cycle, "today": board.today, "expected": board.expected}
    return render(request, "okrs/_unit_node.html#unit_body", context)


@login_required
def cycle_tree_objective(request: HttpRequest, cycle_id, objective_id) -> HttpResponse:
    """A folded objective of the tree, opened: its key results and what aligns to it. With
    ``?part=children``, only what aligns to it, every one folded (a level too wide to show)."""
    person = request.user
    cycle, _tree, access = pages.tree_cycle(request, cycle_id)
    objective = selectors.objective_get(person.organization, objective_id, viewer=person)
    if not is_htmx(request):
        return redirect("objective_detail", objective_id=objective.id)
    part = "children" if request.GET.get("part") == "children" else "node_body"
    if part == "children":
        children = selectors.objectives_of(person.organization, person).filter(
            parent_id=objective.id
        )
        aligned = pages.alignment_tree(
            person, access, cycle, [], fold=children.values_list("id", flat=True),
            extra=[objective.id],
        )  # fmt: skip
    else:
        aligned = pages.alignment_tree(person, access, cycle, [objective.id], extra=[objective.id])
    node = aligned.nodes.get(objective.id)
    if node is None:
        raise Http404("That objective is not in this cycle.")
    board = aligned.board
    context = {
        "node": node,
        "o": node.objective,
        "cycle": cycle,
        "depth": 1,
        "today": board.today,
        "expected": board.expected,
    }
    return render(request, f"okrs/_tree_node.html#{part}", context)
