"""schemathesis hooks for tests/contract/run_schemathesis.py (loaded through ``hooks`` in
schemathesis.toml).

``positive_data_refused_only_by_known_rules``: schemathesis' own positive-data check is told to
let 422 through (schemathesis.toml), and this one decides instead. A request the document says
is valid may still be refused with a 422 only for a rule the document cannot state, and only at
the fields that rule is about. Each rule is listed below with the reason it cannot be in the
schema. Anything else answered with 422 to schema-valid data means the document lies: it fails.

The business rules the document can state as a status are not here: a closed cycle, a state that
cannot follow the current one, something already done answer 409, which positive data may get.
"""

from __future__ import annotations

import json

import schemathesis

# Body ids name objects of the caller's organization; the schema can only say "a UUID".
IDS = "an id must name one of the organization's objects; the schema can only say it is a UUID"

TIME_ZONE = "a time zone is one of the IANA database's names (they change with tzdata)"

# Data sources (of key results and of KPIs): what each kind needs is a relation between fields,
# the path and the connection are read by rules of their own, the address is judged by
# resolving it.
SOURCE_RULES: dict[str, str] = {
    "url": "http_json and csv need an address, called only if its host resolves to addresses "
    "the operator allows, over https unless allowed otherwise: known only by resolving it",
    "path": "a JSON path is dotted keys and [index] steps, read by its own small grammar",
    "cell": "a csv source needs a cell or a column's header: it depends on the kind",
    "connection": "the connection names are the operator's (CADENCE_DATA_SOURCES), known "
    "only at run time; an sql source needs one",
    "query": "an sql source needs a query: it depends on the kind",
    "headers": "header names are tokens and values have no control characters; an sql "
    "source sends none",
}

# Operation → {field in `errors`: why the schema cannot say it}. "*" applies to every operation.
RULES: dict[str, dict[str, str]] = {
    "*": {
        field: IDS
        for field in (
            "cycle_id",
            "unit_id",
            "parent_id",
            "owner_id",
            "objective_id",
            "key_result_id",
            "provider_id",
            "provider_objective_id",
            "unit_ids",
            "member_id",
            "prompt_id",
            "owner_person_id",
        )
    },
    "POST /api/v1/ideas-rounds": {
        "unit": "an archived unit opens no round: the unit's state, not the request's",
        "cycle": "a round is for a cycle not closed nor over: the cycle's state and today",
        "opens_on": "a round opens today or within 180 days, lasts at most 31 days and closes by "
        "its cycle's end: relations with today and with the cycle",
        "closes_on": "a round opens today or within 180 days, lasts at most 31 days and closes by "
        "its cycle's end: relations with today and with the cycle",
        "prompts": "a round's prompts are distinct and not blank once trimmed",
    },
    "POST /api/v1/ideas-rounds/{round_id}/ideas": {
        "prompt_id": "the prompt must be one of this round's: a relation with the path's round",
    },
    "PUT /api/v1/rollout": {
        "pilot_unit_ids": IDS + "; the pilot mode needs at least one (a relation between fields)",
    },
    "POST /api/v1/cycles": {
        "end": "a cycle ends after it starts: a relation between two fields",
        "name": "cycle names are unique in the organization (case-insensitive)",
    },
    "PATCH /api/v1/cycles/{cycle_id}": {
        "start": "dates must still cover what the cycle holds and end after the start",
        "end": "dates must still cover what the cycle holds and end after the start",
        "kind": "an annual cycle holds company objectives only",
        "name": "cycle names are unique in the organization (case-insensitive)",
    },
    "POST /api/v1/objectives": {
        "title": "the coach's error-level checks judge the wording (the organization's settings)",
        "cycle_id": "annual cycles hold company objectives; a parent's cycle covers the child's",
        "parent_id": "a parent's cycle covers the child's; a parent is live, not itself",
        "state": "who may start an objective as approved depends on who asks and where it aligns",
        "key_results": "an objective starting as proposed or approved passes the propose checks",
        "standalone_reason": "a team objective aligns to one above or says why it stands alone",
        "counts_in_parent": "only a personal objective with a parent chooses whether it counts: "
        "a relation between fields",
    },
    "PATCH /api/v1/objectives/{objective_id}": {
        "title": "the coach's error-level checks judge the wording (the organization's settings)",
        "cycle_id": "annual cycles hold company objectives; a parent's cycle covers the child's",
        "parent_id": "a parent's cycle covers the child's; no loops; a parent is live",
        "reason": "a reason goes with state 'abandoned' and only with it: two fields together",
        "counts_in_parent": "only a personal objective with a parent chooses whether it counts: "
        "the stored objective's kind and parent",
    },
    "POST /api/v1/objectives/{objective_id}/key-results": {
        "title": "the coach's error-level checks judge the wording (the organization's settings)",
        "target": "a metric or threshold needs a target, unlike its start: depends on `kind`",
    },
    "PATCH /api/v1/key-results/{key_result_id}": {
        "title": "the coach's error-level checks judge the wording (the organization's settings)",
        "reason": "a target or start changed on an approved objective needs a reason (kept in "
        "the target history): the stored objective's state",
        "target": "a metric's target differs from its start and a threshold needs one: with "
        "the stored values and `kind`",
    },
    "POST /api/v1/key-results/{key_result_id}/target": {
        "target": "a metric's target differs from its start (the stored one or the one sent)",
    },
    "POST /api/v1/objectives/{objective_id}/carry-forward": {
        "cycle_id": "the cycle carried into starts after the objective's cycle ends",
    },
    "POST /api/v1/dependencies": {
        "provider_id": "a team does not depend on itself",
        "provider_objective_id": "the provider's objective belongs to the provider",
    },
    "POST /api/v1/dependencies/{dependency_id}/acknowledge": {
        "provider_objective_id": "the provider's objective belongs to the provider",
    },
    "POST /api/v1/dismissals": {
        "__all__": "exactly one of objective_id, key_result_id and unit_id",
        "cycle": "a unit's finding is dismissed with the cycle it was judged in",
        "check": "the check must be about the kind of thing named",
    },
    "PUT /api/v1/coach/settings": {
        "enabled": "the checks that guard the progress arithmetic stay on as errors",
        "level": "the checks that guard the progress arithmetic stay on as errors",
    },
    "POST /api/v1/weekly-categories": {
        "unit": "a category belongs to a team (or the whole organization), not a department",
        "name": "category names are unique where they are used",
    },
    "PATCH /api/v1/weekly-categories/{category_id}": {
        "name": "category names are unique where they are used",
    },
    "POST /api/v1/weekly/{person_id}/{week}/items": {
        "category": "categories are the organization's and its teams' own: their slugs vary",
        "key_result_id": "a key result and the objective given with it belong together",
    },
    "PATCH /api/v1/weekly-items/{item_id}": {
        "key_result_id": "a key result and the objective given with it belong together",
    },
    "POST /api/v1/weekly-items/{item_id}/move": {
        "category": "categories are the organization's and its teams' own: their slugs vary",
    },
    "POST /api/v1/cycles/{cycle_id}/units/{unit_id}/retrospective/complete": {
        "unit": "retrospectives are written by teams: which unit ids are teams varies",
    },
    "PUT /api/v1/cycles/{cycle_id}/units/{unit_id}/retrospective": {
        "unit": "retrospectives are written by teams: which unit ids are teams varies",
        "explanations": "explanations are keyed by the team's own objectives in the cycle",
    },
    "PUT /api/v1/cycles/{cycle_id}/reviews/mid-cycle": {
        "unit": "a review's unit is one of the organization's",
    },
    "PUT /api/v1/cycles/{cycle_id}/reviews/monthly/{month}": {
        "unit": "a review's unit is one of the organization's",
    },
    "PATCH /api/v1/organization": {
        "time_zone": TIME_ZONE,
    },
    "PUT /api/v1/key-results/{key_result_id}/source": SOURCE_RULES,
    # A KPI's source: the same body, read by the same rules.
    "PUT /api/v1/kpis/{kpi_id}/source": SOURCE_RULES,
    # KPIs: a unit's KPI names are unique, and a band's bounds are read together.
    "POST /api/v1/kpis": {
        "name": "a unit's KPI names are unique: depends on the KPIs already there",
        "band": "a band needs a lower bound, an upper bound or both: a relation of two fields",
        "band.max": "the upper bound is not below the lower one: a relation of two fields",
        "unit_id": "an archived unit takes no new KPI: depends on the unit's state",
    },
    "POST /api/v1/kpis/{kpi_id}/values": {
        "at": "a value's date is not after today: depends on the day it is entered",
    },
    "POST /api/v1/webhooks": {
        "url": "an address is called only if its host resolves to addresses the operator "
        "allows, over https unless allowed otherwise: known only by resolving it",
    },
    # Units: the tree's rules depend on the units already there, not on the body alone.
    "POST /api/v1/units": {
        "name": "names are unique among a unit's siblings",
        "kind": "a team holds no units; what may sit under a unit depends on its kind",
        "time_zone": TIME_ZONE,
        "__all__": "departments have no weekly deadline: it depends on the unit's kind",
    },
    "PATCH /api/v1/units/{unit_id}": {
        "name": "names are unique among a unit's siblings",
        "archived": "no archiving over active sub-units, no restoring under an archived one",
        "time_zone": TIME_ZONE,
        "__all__": "departments have no weekly deadline: it depends on the unit's kind",
    },
    "DELETE /api/v1/units/{unit_id}/members/{person_id}": {
        "person": "only a member of the unit can be removed: a relation between the two path ids",
    },
    "PUT /api/v1/units/{unit_id}/members/{person_id}": {
        "person": "a deactivated person joins no unit; the unit must be active",
        "role": "a unit's lead is a person of the unit; archived units take no one new",
    },
    # People: who may change whom, and the organization keeps an active admin.
    "PATCH /api/v1/people/{person_id}": {
        "__all__": "nobody deactivates themselves, and the last active admin stays: who asks",
        "role": "the last active admin stays an admin: depends on the other admins",
        "active": "the last active admin stays active: depends on the other admins",
    },
    "POST /api/v1/invitations": {
        "email": "an address already of a person, or already invited, is refused",
    },
    # A spreadsheet is bytes to the schema: its columns, cells and the cycles, units and people
    # it names (the rows' errors are listed under `file`) cannot be stated there.
    "POST /api/v1/imports/okrs": {
        "file": "an XLSX or CSV of the OKR columns, naming the organization's cycles and units",
        "checkins": "an XLSX or CSV of the check-in columns, naming the organization's key results",
    },
}


def _is_positive(case) -> bool:
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive:
        return False
    from schemathesis.specs.openapi.checks import is_unexpected_http_status_case

    return not is_unexpected_http_status_case(case)


@schemathesis.check
def positive_data_refused_only_by_known_rules(ctx, response, case):
    """Schema-valid data answered 422 only at the fields of a rule the schema cannot state."""
    if response.status_code != 422 or not _is_positive(case):
        return None
    try:
        errors = json.loads(response.content)["errors"]
    except (ValueError, KeyError, TypeError) as exc:
        raise AssertionError(f"A 422 without the documented errors: {response.content!r}") from exc
    label = case.operation.label
    known = {**RULES["*"], **RULES.get(label, {})}
    unexplained = {field: messages for field, messages in errors.items() if field not in known}
    if unexplained:
        raise AssertionError(
            "Schema-valid data refused at fields no known rule covers (the document should "
            f"say what is refused there): {json.dumps(unexplained)}"
        )
    return None
