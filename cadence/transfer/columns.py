"""The columns of an OKR spreadsheet, shared by the import and the OKR export so that exporting
and re-importing gives the same OKRs. Pure: names only.

One row per key result; the objective's columns repeat on each of its key results' rows (an
objective with no key result is one row with the key-result columns empty). A second sheet (or
file) holds the check-in history, one row per check-in.
"""

# Sheet "OKRs": what the import reads (in this order in the template and the export).
OKR_COLUMNS = (
    "cycle",  # the cycle's name, e.g. "Q1 2027" (it must exist)
    "unit",  # a unit's path below the company, "Product/Web", or a unique unit name; empty or
    # the company's name for a company objective
    "external_id",  # the objective's id in another system (optional; matched first)
    "objective",  # the objective's title
    "commitment",  # committed | aspirational
    "why",
    "parent",  # the parent objective's external_id, or its title (same cycle)
    "objective_owner_email",
    "key_result_external_id",
    "key_result",  # the key result's title
    "kind",  # metric | threshold | milestone
    "start",
    "target",
    "unit_of_measure",
    "direction",  # at_least | at_most (thresholds)
    "weight",
    "owner_email",  # the key result's owner
    "current",  # optional: a current value, recorded as a check-in when it differs
)

# Written by the OKR export after OKR_COLUMNS; computed, so the import ignores them.
OKR_COMPUTED_COLUMNS = ("state", "progress", "confidence", "score")

# Sheet "Check-ins": the history, oldest first.
CHECK_IN_COLUMNS = (
    "cycle",
    "unit",
    "objective",
    "key_result_external_id",  # matched first
    "key_result",  # else cycle + unit + objective + key result title
    "date",  # YYYY-MM-DD
    "value",
    "confidence",  # on_track | at_risk | off_track
    "note",
)

OKR_SHEET = "OKRs"
CHECK_IN_SHEET = "Check-ins"
