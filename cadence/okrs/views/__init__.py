"""OKR pages that belong to okrs alone: cycles, the alignment tree's folded parts, and the forms
that create, change and delete objectives and key results.

Thin function views: parse the request, read through selectors (organization-scoped: a missing
or foreign id is a 404), write through one service with ``core.forms.submit``, render. Who may
do what is ``okrs.permissions``, shared with the services; controls a person may not use are
hidden, and the services refuse them anyway. Pages that show what the apps above okrs know (the
dashboard, the objective page, the alignment tree, the inline check-in) are in ``cadence.web``.
"""

from cadence.okrs.views.cycles import cycle_delete, cycle_edit, cycles
from cadence.okrs.views.key_results import (
    key_result_create,
    key_result_delete,
    key_result_edit,
    key_result_owner,
)
from cadence.okrs.views.objectives import objective_create, objective_delete, objective_edit
from cadence.okrs.views.tree import cycle_tree_objective, cycle_tree_unit

__all__ = [
    "cycle_delete",
    "cycle_edit",
    "cycle_tree_objective",
    "cycle_tree_unit",
    "cycles",
    "key_result_create",
    "key_result_delete",
    "key_result_edit",
    "key_result_owner",
    "objective_create",
    "objective_delete",
    "objective_edit",
]
