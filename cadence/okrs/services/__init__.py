"""Every write to cycles, objectives, key results and check-ins.

Each service takes keyword-only arguments, checks the actor may act (``okrs.permissions``),
validates everything before it writes anything, and runs inside one transaction: bad input
saves nothing. One module per seam: cycles, objectives, key results and check-ins, and the
stored progress they all keep current; callers import this package.
"""

from cadence.core.limits import MAX_TEXT
from cadence.okrs.services.bulk import okrs_bulk_create
from cadence.okrs.services.common import (
    KR_FIELDS,
    OBJECTIVE_FIELDS,
    TRANSITIONS,
    coach_gate,
    require_member,
    require_objective_editor,
    require_open_cycle,
    require_unit_editor,
)
from cadence.okrs.services.cycles import (
    CYCLE_FIELDS,
    cycle_create,
    cycle_delete,
    cycle_update,
)
from cadence.okrs.services.key_results import (
    COMMITTED_STATES,
    TARGET_REASON_NEEDED,
    check_in_create,
    key_result_create,
    key_result_delete,
    key_result_update,
    target_change_record,
    validate_key_result,
)
from cadence.okrs.services.objectives import (
    objective_create,
    objective_delete,
    objective_set_state,
    objective_update,
    personal_objective_create,
    review_state_write,
)
from cadence.okrs.services.stored_progress import (
    objective_progress_recompute,
    progress_refresh,
)

__all__ = [
    "COMMITTED_STATES",
    "CYCLE_FIELDS",
    "KR_FIELDS",
    "MAX_TEXT",
    "OBJECTIVE_FIELDS",
    "TARGET_REASON_NEEDED",
    "TRANSITIONS",
    "check_in_create",
    "coach_gate",
    "cycle_create",
    "cycle_delete",
    "cycle_update",
    "key_result_create",
    "key_result_delete",
    "key_result_update",
    "target_change_record",
    "objective_create",
    "personal_objective_create",
    "objective_delete",
    "objective_progress_recompute",
    "okrs_bulk_create",
    "objective_set_state",
    "objective_update",
    "progress_refresh",
    "require_member",
    "require_open_cycle",
    "require_objective_editor",
    "require_unit_editor",
    "review_state_write",
    "validate_key_result",
]
