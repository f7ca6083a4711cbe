"""Properties of the import over generated files: whatever valid file is imported, importing it
again changes nothing, and the stored progress is the from-scratch roll-up."""

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cadence.audit.models import Event
from cadence.transfer.columns import CHECK_IN_COLUMNS, OKR_COLUMNS
from cadence.transfer.okr_import import plan_import
from cadence.transfer.selectors import import_state
from cadence.transfer.services import okr_import_apply, okr_import_dry_run
from tests.progress_check import stale_objectives
from tests.transfer.conftest import files

pytestmark = pytest.mark.django_db

WORDS = ("grow", "teams", "revenue", "churn", "onboarding", "partners", "quality", "support")


@st.composite
def key_result(draw, n: int) -> dict:
    kind = draw(st.sampled_from(["metric", "threshold", "milestone", ""]))
    row = {"key_result": f"Key result {n} about {draw(st.sampled_from(WORDS))}", "kind": kind}
    if draw(st.booleans()):
        row["key_result_external_id"] = f"K-{n}"
    start = draw(st.integers(-50, 50))
    target = draw(st.integers(-50, 50).filter(lambda t: t != start))
    if kind in ("metric", ""):
        row.update(start=str(start), target=str(target))
    elif kind == "threshold":
        row.update(target=str(target), direction=draw(st.sampled_from(["", "at_least", "at_most"])))
    if draw(st.booleans()):
        row["weight"] = str(draw(st.integers(1, 5)))
    if draw(st.booleans()):
        row["current"] = str(draw(st.integers(0, 1))) if kind == "milestone" else str(start + 1)
    return row


@st.composite
def okr_file(draw) -> list[dict]:
    rows = []
    n = 0
    for i in range(draw(st.integers(1, 4))):
        objective = {
            "cycle": "Q4 2026",
            "unit": draw(st.sampled_from(["", "Product", "Sales"])),
            "objective": f"Objective {i} on {draw(st.sampled_from(WORDS))}",
            "commitment": draw(st.sampled_from(["", "committed", "aspirational"])),
        }
        if draw(st.booleans()):
            objective["external_id"] = f"O-{i}"
        if i and draw(st.booleans()):
            objective["parent"] = rows[0]["objective"]
            objective["unit"] = "Sales" if rows[0]["unit"] == "" else objective["unit"]
        krs = draw(st.integers(0, 3))
        if not krs:
            rows.append(objective)
        for _ in range(krs):
            n += 1
            rows.append({**objective, **draw(key_result(n))})
    return rows


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=okr_file())
def test_importing_any_valid_file_twice_changes_nothing_the_second_time(
    rows, admin, org, cycle, product, sales
):
    with transaction.atomic():
        plan = okr_import_dry_run(actor=admin, organization=org, files=files(rows))
        errors = [e.as_line() for e in plan.errors]
        assert not errors, errors
        okr_import_apply(actor=admin, organization=org, plan=plan)
        assert stale_objectives(org) == []
        events = Event.objects.filter(organization=org).count()
        again = okr_import_dry_run(actor=admin, organization=org, files=files(rows))
        assert not again.errors and not again.changes_anything, again.counts()
        okr_import_apply(actor=admin, organization=org, plan=again)
        assert Event.objects.filter(organization=org).count() == events
        transaction.set_rollback(True)


CELLS = st.one_of(
    st.none(),
    st.text(max_size=30),
    st.sampled_from(["Q4 2026", "Product", "Sales", "metric", "milestone", "at_most", "O-1"]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-(10**20), 10**20),
    st.dates(),
    st.datetimes(),
    st.booleans(),
)


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.lists(st.fixed_dictionaries({c: CELLS for c in OKR_COLUMNS}), max_size=4),
    check_ins=st.lists(st.fixed_dictionaries({c: CELLS for c in CHECK_IN_COLUMNS}), max_size=3),
)
def test_any_cells_are_a_plan_with_errors_never_an_exception(
    rows, check_ins, admin, org, cycle, product, sales
):
    okr_rows = list(enumerate(rows, 2))
    check_in_rows = list(enumerate(check_ins, 2))
    state = import_state(org, admin)
    plan = plan_import(state, okr_rows, check_in_rows)
    for error in plan.errors:
        assert error.sheet in ("OKRs", "Check-ins") and error.message
