"""The alignment tree page: units (or objectives) of a cycle, with the alignment health."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from cadence.alignment.selectors import alignment_health
from cadence.okrs import pages, selectors
from cadence.okrs.models import Cycle

HEALTH_LISTED = 20  # unaligned objectives named on the tree page (the API names them all)


@login_required
def cycle_tree(request: HttpRequest, cycle_id) -> HttpResponse:
    person = request.user
    cycle, tree, access = pages.tree_cycle(request, cycle_id)
    organization = person.organization
    switch_to = request.GET.get("cycle")
    if switch_to and switch_to != str(cycle.id):
        other = selectors.cycle_get(organization, switch_to)
        return redirect("cycle_tree", cycle_id=other.id)
    view = "alignment" if request.GET.get("view") == "alignment" else "units"
    today = timezone.localdate()
    context = {
        "cycle": cycle,
        "view": view,
        "today": today,
        "phase": Cycle.Phase(cycle.phase_on(today)).label,
        "expected": cycle.expected_on(today),
        "nav": "tree",
        "cycle_switch_action": reverse("cycle_tree", args=[cycle.id]),
    }
    health = alignment_health(organization, cycle, viewer=person, listed=HEALTH_LISTED)
    context["aligned_count"] = health.aligned_to_parent
    context["below_company_count"] = health.below_company
    if view == "units":
        if tree.root:
            context["unit_root"], _board = pages.units_tree(
                organization, cycle, tree, tree.root, viewer=person
            )
    else:
        # Company objectives open the tree; objectives aligned to none of them are listed
        # folded below it (the first TREE_FOLDED of them).
        company_roots, other_roots = selectors.tree_roots(organization, cycle, viewer=person)
        shown_others = other_roots[: selectors.TREE_FOLDED]
        aligned = pages.alignment_tree(person, access, cycle, company_roots, fold=shown_others)

        def roots(ids: list) -> list[pages.TreeNode]:
            return sorted(
                (aligned.nodes[i] for i in ids), key=lambda n: pages.tree_order(n.objective)
            )

        context["health"] = health
        context["company_roots"] = roots(company_roots)
        context["other_roots"] = roots(shown_others)
        context["other_roots_unshown"] = len(other_roots) - len(shown_others)
    return render(request, "okrs/cycle_tree.html", context)
