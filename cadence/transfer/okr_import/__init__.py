"""The OKR import's planner: what a spreadsheet would create, update and leave alone.

Pure apart from the models it is handed: ``plan_import`` takes the organization's existing
cycles, units, people, objectives, key results and check-ins (loaded once by
``transfer.selectors.import_state``, in a fixed number of queries) and the sheets' rows, and
returns a ``Plan``: per objective and key result ``create``, ``update`` (with the changed
fields) or ``unchanged``, the check-ins to add, and every error as (sheet, row, column,
message). It writes nothing; ``transfer.services`` writes a plan: its new rows in bulk, its
changes through the okrs services, whose own validation speaks for the rows they refuse.

The rules (docs/decisions.md, "Issue 14 — import"):
- An objective is matched by ``external_id``, else by cycle + unit + title (case aside); a key
  result by ``key_result_external_id``, else by its title within its objective.
- A blank cell leaves the stored value alone: an import never clears a field.
- New objectives arrive as drafts (the forms start them so); their people propose them.
- Only admins, and leads for the units they lead (and the units below), import.
"""

from cadence.transfer.okr_import.files import ImportFiles, ReadFiles, read_files
from cadence.transfer.okr_import.planner import (
    CHECK_IN_KNOWN,
    CHECK_IN_REQUIRED,
    OKR_REQUIRED,
    plan_import,
)
from cadence.transfer.okr_import.plans import (
    CHECK_IN_FIELD_COLUMNS,
    CONFIDENCE_CODES,
    CREATE,
    KEY_RESULT_COLUMNS,
    KEY_RESULT_FIELD_COLUMNS,
    OBJECTIVE_COLUMNS,
    OBJECTIVE_FIELD_COLUMNS,
    UNCHANGED,
    UPDATE,
    CheckInPlan,
    ExistingState,
    KeyResultPlan,
    ObjectivePlan,
    Plan,
    RowError,
)

__all__ = [
    "CHECK_IN_FIELD_COLUMNS",
    "CHECK_IN_KNOWN",
    "CONFIDENCE_CODES",
    "CHECK_IN_REQUIRED",
    "CREATE",
    "KEY_RESULT_COLUMNS",
    "KEY_RESULT_FIELD_COLUMNS",
    "OBJECTIVE_COLUMNS",
    "OBJECTIVE_FIELD_COLUMNS",
    "OKR_REQUIRED",
    "UNCHANGED",
    "UPDATE",
    "CheckInPlan",
    "ExistingState",
    "ImportFiles",
    "KeyResultPlan",
    "ObjectivePlan",
    "Plan",
    "ReadFiles",
    "RowError",
    "plan_import",
    "read_files",
]
