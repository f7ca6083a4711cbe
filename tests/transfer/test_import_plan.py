"""The import's planner: create, update, unchanged, parents, check-ins, and every error with its
row and column. Rows are given as the reader yields them (number, {column: value})."""

from datetime import date

import pytest

from cadence.okrs import services as okrs
from cadence.orgs.models import Unit
from cadence.scoring.services import cycle_close
from cadence.transfer.okr_import import KEY_RESULT_COLUMNS, plan_import
from cadence.transfer.selectors import import_state
from tests import factories as f
from tests.transfer.conftest import okr_row

pytestmark = pytest.mark.django_db


def _rows(rows):
    return [
        (n, {k: (v if v != "" else None) for k, v in row.items()}) for n, row in enumerate(rows, 2)
    ]


def plan(actor, rows, check_ins=()):
    okr_rows, check_in_rows = _rows(rows), _rows(check_ins)
    state = import_state(actor.organization, actor)
    return plan_import(state, okr_rows, check_in_rows)


def obj_row(**kw):
    """An objective's row without key results."""
    row = okr_row(**kw)
    for column in KEY_RESULT_COLUMNS:
        row[column] = ""
    return row


def errors(p):
    return [(e.sheet, e.row, e.column, e.message) for e in p.sorted_errors()]


def okr_errors(p):
    return [(e.row, e.column, e.message) for e in p.sorted_errors() if e.sheet == "OKRs"]


# Creating ------------------------------------------------------------------------------------


def test_a_new_objective_with_key_results(admin, cycle, product, owner):
    p = plan(
        admin,
        [
            okr_row(owner, objective_owner_email=owner.email.upper()),
            okr_row(owner, key_result="Ship the guided setup to new teams", kind="Milestone"),
        ],
    )
    assert errors(p) == []
    (objective,) = p.objectives
    assert (objective.action, objective.unit, objective.cycle, objective.rows) == (
        "create",
        product,
        cycle,
        [2, 3],
    )
    assert objective.values == {
        "commitment": "committed",
        "why": "New teams churn in their first month.",
        "owner": owner,
    }
    first, second = p.key_results
    assert first.values == {
        "title": "Raise week-one activation from 40% to 60%",
        "kind": "metric",
        "start": 40.0,
        "target": 60.0,
        "unit": "%",
        "weight": 1.0,
        "owner": owner,
    }
    assert second.values["kind"] == "milestone"
    assert p.counts() == {
        "objectives_created": 1,
        "objectives_updated": 0,
        "objectives_unchanged": 0,
        "key_results_created": 2,
        "key_results_updated": 0,
        "key_results_unchanged": 0,
        "check_ins_created": 0,
        "check_ins_unchanged": 0,
    }


@pytest.mark.parametrize(
    ("unit", "expected"),
    [
        ("", "company"),
        ("COMPANY", "company"),
        ("Product", "product"),
        ("product & engineering / product", "product"),
        ("Company/Product & Engineering/Product", "product"),
        ("Product & Engineering", "engineering"),
    ],
)
def test_units_by_path_or_unique_name(admin, org, cycle, engineering, product, unit, expected):
    company = org.units.get(kind=Unit.Kind.COMPANY)
    if unit.upper() == "COMPANY" or unit.startswith("Company/"):
        unit = unit.replace("COMPANY", company.name).replace("Company", company.name)
    p = plan(admin, [obj_row(unit=unit)])
    assert errors(p) == []
    want = {"company": company, "product": product, "engineering": engineering}[expected]
    assert p.objectives[0].unit == want


def test_numbers_in_the_forms_spreadsheets_write(admin, cycle, product):
    p = plan(
        admin,
        [
            okr_row(start="1,234.5", target="2 000"),
            okr_row(key_result="Cut refunds from 3,5 to 2 percent", start="3,5", target=2),
        ],
    )
    assert errors(p) == []
    assert (p.key_results[0].values["start"], p.key_results[0].values["target"]) == (1234.5, 2000)
    assert p.key_results[1].values["start"] == 3.5


# Updating and leaving alone -------------------------------------------------------------------


@pytest.fixture
def stored(admin, cycle, product, owner):
    objective = f.make_objective(
        admin,
        cycle,
        product,
        title="Make onboarding delightful for new teams",
        why="New teams churn in their first month.",
        external_id="O-1",
    )
    kr = f.make_kr(
        admin,
        objective,
        title="Raise week-one activation from 40% to 60%",
        start=40,
        target=60,
        unit="%",
        owner=owner,
        external_id="K-1",
    )
    return objective, kr


def test_the_same_values_are_unchanged(admin, stored, owner):
    p = plan(admin, [okr_row(owner)])
    assert errors(p) == []
    assert [o.action for o in p.objectives] == ["unchanged"]
    assert [k.action for k in p.key_results] == ["unchanged"]
    assert not p.changes_anything


def test_blank_cells_leave_stored_values_alone(admin, stored):
    row = okr_row(why="", commitment="", start="", target="", unit_of_measure="", weight="")
    p = plan(admin, [row])
    assert errors(p) == [] and not p.changes_anything


def test_matched_by_external_id_a_changed_row_updates_what_it_names(
    admin, stored, owner, sales, org
):
    other = f.make_person(org, name="Other Owner")
    p = plan(
        admin,
        [
            okr_row(
                other,
                external_id="O-1",
                key_result_external_id="K-1",
                unit="Sales",
                objective="Make onboarding effortless",
                commitment="aspirational",
                why="Teams decide in their first hour.",
                objective_owner_email=other.email,
                key_result="Raise week-one activation to 70%",
                kind="threshold",
                direction="at most",
                target="70",
                weight="2",
                unit_of_measure="percent",
            )
        ],
    )
    assert errors(p) == []
    assert p.objectives[0].changes == {
        "title": "Make onboarding effortless",
        "unit": sales,
        "commitment": "aspirational",
        "why": "Teams decide in their first hour.",
        "owner": other,
    }
    assert p.key_results[0].changes == {
        "title": "Raise week-one activation to 70%",
        "kind": "threshold",
        "target": 70.0,
        "direction": "at_most",
        "unit": "percent",
        "weight": 2.0,
        "owner": other,
    }


def test_matched_by_title_an_external_id_is_given(admin, cycle, product):
    objective = f.make_objective(
        admin, cycle, product, title="Make onboarding delightful for new teams"
    )
    f.make_kr(
        admin,
        objective,
        title="Raise week-one activation from 40% to 60%",
        start=40,
        target=60,
        unit="%",
    )
    p = plan(admin, [okr_row(external_id="O-9", key_result_external_id="K-9", why="")])
    assert errors(p) == []
    assert p.objectives[0].existing == objective
    assert p.objectives[0].changes == {"external_id": "O-9"}
    assert p.key_results[0].changes == {"external_id": "K-9"}


def test_a_milestone_keeps_its_fixed_start_and_target(admin, stored):
    objective, _ = stored
    f.make_kr(admin, objective, title="Ship the guided setup to new teams", kind="milestone")
    p = plan(
        admin,
        [
            okr_row(
                key_result="Ship the guided setup to new teams",
                kind="milestone",
                start="5",
                target="9",
                unit_of_measure="",
            )
        ],
    )
    assert errors(p) == []
    assert p.key_results[0].action == "unchanged"


# Parents --------------------------------------------------------------------------------------


def test_parents_by_external_id_and_by_title_in_the_file_and_stored(
    admin, org, cycle, product, sales
):
    company = org.units.get(kind=Unit.Kind.COMPANY)
    stored_parent = f.make_objective(
        admin, cycle, company, title="Grow revenue across all regions", external_id="CO-1"
    )
    rows = [
        # Child before its parent: the parent is found further down the file.
        obj_row(
            objective="Make onboarding delightful for new teams",
            parent="Become the easiest tool to start",
        ),
        obj_row(unit="", objective="Become the easiest tool to start", external_id="CO-2"),
        obj_row(unit="Sales", objective="Win the mid-market segment", parent="CO-1"),
        obj_row(
            unit="Sales",
            objective="Open the Nordic market",
            parent="grow revenue across all regions",
        ),
        obj_row(unit="Sales", objective="Train partners to sell", parent="CO-2"),
    ]
    p = plan(admin, rows)
    assert errors(p) == []
    child, parent, mid, nordic, partners = p.objectives
    assert child.parent is parent and partners.parent is parent
    assert mid.parent == stored_parent and nordic.parent == stored_parent


def test_a_parent_change_of_a_stored_objective(admin, org, cycle, stored):
    company = org.units.get(kind=Unit.Kind.COMPANY)
    parent = f.make_objective(admin, cycle, company, title="Grow revenue across all regions")
    p = plan(admin, [okr_row(parent="Grow revenue across all regions")])
    assert p.objectives[0].changes == {"parent": parent}
    # Once aligned, the same file is unchanged; a blank parent leaves it aligned.
    okrs.objective_update(actor=admin, objective=stored[0], parent=parent)
    assert not plan(admin, [okr_row(parent="Grow revenue across all regions")]).changes_anything
    assert not plan(admin, [okr_row(parent="")]).changes_anything


def test_parent_errors(admin, org, cycle, product, sales):
    company = org.units.get(kind=Unit.Kind.COMPANY)
    f.make_objective(admin, cycle, company, title="Grow revenue across all regions")
    f.make_objective(admin, cycle, product, title="Grow revenue across all regions")
    abandoned = f.make_objective(
        admin, cycle, sales, title="Retire the legacy plans", external_id="OLD"
    )
    okrs.objective_set_state(
        actor=admin, objective=abandoned, state="abandoned", reason="Done elsewhere."
    )
    rows = [
        obj_row(objective="Make onboarding delightful", parent="Nothing by this name"),
        obj_row(
            objective="Make support delightful",
            parent="Grow revenue across all regions",
        ),
        obj_row(objective="Make billing delightful", parent="Make billing delightful"),
        obj_row(objective="Make sales delightful", parent="OLD"),
        obj_row(objective="Loop one objective", parent="Loop two objective"),
        obj_row(objective="Loop two objective", parent="Loop one objective"),
    ]
    assert okr_errors(plan(admin, rows)) == [
        (
            2,
            "parent",
            "No objective of Q4 2026 is titled 'Nothing by this name' or has that external id.",
        ),
        (
            3,
            "parent",
            "Several objectives of Q4 2026 are titled 'Grow revenue across all regions': "
            "name the parent by its external_id.",
        ),
        (4, "parent", "An objective cannot align to itself."),
        (5, "parent", "That objective was abandoned; align to a live one."),
        (6, "parent", "These parents make a loop: an objective would be aligned below itself."),
    ]


# Errors, each at its row and column ----------------------------------------------------------


def test_objective_column_errors(admin, org, cycle, product, engineering):
    f.make_unit(org, "Product", parent=f.make_unit(org, "Design", kind=Unit.Kind.DEPARTMENT))
    rows = [
        okr_row(objective=""),
        okr_row(objective="Go"),
        okr_row(objective="x" * 201),
        okr_row(cycle=""),
        okr_row(cycle="Q9 2031"),
        okr_row(unit="Nowhere"),
        okr_row(unit="Product"),
        okr_row(commitment="maybe"),
        okr_row(objective_owner_email="nobody@example.test"),
        okr_row(external_id="x" * 101),
    ]
    assert okr_errors(plan(admin, rows)) == [
        (2, "objective", "Give the objective's title."),
        (3, "objective", "The title needs at least 3 letters."),
        (4, "objective", "Keep the title under 200 characters."),
        (5, "cycle", "Name the cycle (it must exist: create it first)."),
        (6, "cycle", "There is no cycle called 'Q9 2031': create it first."),
        (7, "unit", "There is no unit 'Nowhere'."),
        (
            8,
            "unit",
            "Several units are called 'Product': give its path, as 'Product & "
            "Engineering/Product'.",
        ),
        (9, "commitment", "'maybe' is not one of: aspirational, committed."),
        (
            10,
            "objective_owner_email",
            "Nobody active in this organization has the email 'nobody@example.test'.",
        ),
        (11, "external_id", "Keep the external id under 100 characters."),
    ]


def test_key_result_column_errors(admin, cycle, product):
    rows = [
        okr_row(key_result="", kind="metric"),
        okr_row(objective="Second objective here", key_result="KR"),
        okr_row(objective="Third objective here", kind="percentage"),
        okr_row(objective="Fourth objective here", start="forty"),
        okr_row(objective="Fifth objective here", target="1e16"),
        okr_row(objective="Sixth objective here", weight="0"),
        okr_row(objective="Seventh objective here", unit_of_measure="x" * 31),
        okr_row(objective="Eighth objective here", direction="sideways"),
        okr_row(objective="Ninth objective here", owner_email="nobody@example.test"),
        okr_row(objective="Tenth objective here", target=""),
        okr_row(objective="Eleventh objective here", target="40"),
        okr_row(objective="Twelfth objective here", kind="threshold", target=""),
        okr_row(objective="Thirteenth objective here", kind="milestone", current="0.5"),
        okr_row(
            objective="Fourteenth objective here",
            start="2026-01-01T00:00:00".replace("T00:00:00", "") and date(2026, 1, 1),
        ),
        okr_row(objective="Fifteenth objective here", current="nan"),
    ]
    assert okr_errors(plan(admin, rows)) == [
        (2, "key_result", "Give the key result's title."),
        (3, "key_result", "The title needs at least 3 letters."),
        (4, "kind", "'percentage' is not one of: metric, milestone, threshold."),
        (5, "start", "'forty' is not a number."),
        (6, "target", "Give a number between -10^15 and 10^15."),
        (7, "weight", "Give a weight between 0.01 and 100."),
        (8, "unit_of_measure", "Keep the unit under 30 characters."),
        (9, "direction", "'sideways' is not one of: at_least, at_most."),
        (
            10,
            "owner_email",
            "Nobody active in this organization has the email 'nobody@example.test'.",
        ),
        (11, "target", "A metric key result needs a target value."),
        (12, "target", "The target must differ from the start value."),
        (13, "target", "A threshold key result needs the bound to hold."),
        (14, "current", "A milestone takes 1 (done) or 0 (not done)."),
        (15, "start", "Give a number, not a date."),
        (16, "current", "'nan' is not a number."),
    ]


def test_identity_errors(admin, org, cycle, product, sales, stored):
    other_cycle = f.make_cycle(admin, name="Q1 2027", start=date(2027, 1, 1), end=date(2027, 3, 31))
    f.make_objective(admin, cycle, sales, title="Duplicate title here")
    f.make_objective(admin, cycle, sales, title="Duplicate title here")
    elsewhere = f.make_objective(
        admin, cycle, sales, title="Elsewhere objective", external_id="O-2"
    )
    f.make_kr(admin, elsewhere, title="Sign ten new logos", external_id="K-2", start=0, target=10)
    rows = [
        obj_row(external_id="A-1", objective="Objective with an id"),
        okr_row(
            external_id="A-2", objective="Objective with an id", key_result="Another key result"
        ),
        obj_row(external_id="A-1", objective="Renamed in the same file"),
        obj_row(external_id="O-1", cycle="Q1 2027"),
        okr_row(external_id="Z-9"),
        obj_row(unit="Sales", objective="Duplicate title here"),
        okr_row(objective="Objective with a stranger", key_result_external_id="K-2"),
        okr_row(objective="Objective with repeats", key_result_external_id="R-1"),
        okr_row(
            objective="Objective with repeats",
            key_result_external_id="R-1",
            key_result="Same id, other title",
        ),
        okr_row(objective="Objective with twins", key_result_external_id="T-1"),
        okr_row(objective="Objective with twins", key_result_external_id="T-2"),
        okr_row(objective="Objective with other whys", why="One reason."),
        okr_row(
            objective="Objective with other whys",
            why="Another reason.",
            key_result="A second key result",
        ),
    ]
    assert other_cycle
    assert okr_errors(plan(admin, rows)) == [
        (3, "external_id", "Row 2 has this objective with the external id 'A-1'."),
        (
            4,
            "objective",
            "Row 2 gives the external id 'A-1' to 'Objective with an id' in Q4 2026, Product.",
        ),
        (
            5,
            "cycle",
            "The objective with the external id 'O-1' belongs to another cycle: objectives "
            "do not move between cycles.",
        ),
        (
            6,
            "external_id",
            "Product already has 'Make onboarding delightful for new teams' in Q4 2026, with "
            "the external id 'O-1'.",
        ),
        (
            7,
            "objective",
            "Sales has several objectives titled 'Duplicate title here' in Q4 2026: give "
            "this one an external_id to say which.",
        ),
        (
            8,
            "key_result_external_id",
            "This external id belongs to a key result of 'Elsewhere objective': key results "
            "do not move between objectives.",
        ),
        (10, "key_result", "Row 9 already has this key result."),
        (12, "key_result", "Row 11 already has this key result."),
        (14, "why", "Row 13 gives this objective another why."),
    ]


def test_leads_import_into_the_units_they_lead_only(lead, cycle, product, sales, stored):
    p = plan(lead, [okr_row(), okr_row(unit="Sales", objective="Win the mid-market segment")])
    assert okr_errors(p) == [
        (3, "unit", "You may import OKRs only into the units you lead; you do not lead Sales."),
    ]
    moved = plan(lead, [okr_row(external_id="O-1", unit="Sales")])
    assert okr_errors(moved) == [
        (2, "unit", "You may import OKRs only into the units you lead; you do not lead Sales."),
    ]


def test_closed_cycles_and_abandoned_objectives(admin, cycle, product, stored):
    objective, _ = stored
    okrs.objective_set_state(
        actor=admin, objective=objective, state="abandoned", reason="Moved on."
    )
    p = plan(
        admin,
        [
            okr_row(why="A new reason."),
            okr_row(why="A new reason.", key_result="A brand new key result"),
        ],
    )
    assert okr_errors(p) == [
        (2, "objective", "This objective is abandoned: it no longer changes."),
        (3, "key_result", "This objective takes no new key results."),
    ]
    cycle_close(actor=admin, cycle=cycle)
    assert okr_errors(plan(admin, [okr_row()])) == [
        (2, "cycle", "Q4 2026 is closed: its OKRs can no longer change."),
    ]


# Check-ins -----------------------------------------------------------------------------------


def test_check_ins_to_add_and_those_already_there(admin, stored):
    _, kr = stored
    okrs.check_in_create(
        actor=admin,
        key_result=kr,
        value=45,
        confidence="on_track",
        at=__import__("datetime").datetime(2026, 11, 2, 12, tzinfo=__import__("datetime").UTC),
    )
    check_ins = [
        {"key_result_external_id": "K-1", "date": "2026-11-02", "value": "45"},
        {
            "key_result_external_id": "K-1",
            "date": "2026-11-09",
            "value": "48",
            "confidence": "At risk",
            "note": "Slower.",
        },
        {
            "cycle": "Q4 2026",
            "unit": "Product",
            "objective": "Make onboarding delightful for new teams",
            "key_result": "raise week-one activation from 40% to 60%",
            "date": date(2026, 11, 16),
            "value": 50,
        },
        {"key_result_external_id": "K-1", "date": "2026-11-09", "value": "48"},
    ]
    p = plan(admin, [okr_row(current="52")], check_ins)
    assert errors(p) == []
    assert [(c.sheet, c.row, c.day, c.value, c.action) for c in p.check_ins] == [
        ("OKRs", 2, date(2026, 11, 23), 52.0, "create"),
        ("Check-ins", 2, date(2026, 11, 2), 45.0, "unchanged"),
        ("Check-ins", 3, date(2026, 11, 9), 48.0, "create"),
        ("Check-ins", 4, date(2026, 11, 16), 50.0, "create"),
        ("Check-ins", 5, date(2026, 11, 9), 48.0, "unchanged"),
    ]
    assert p.check_ins[2].confidence == "at_risk" and p.check_ins[2].note == "Slower."
    # The current value already stored is no check-in.
    assert [c.sheet for c in plan(admin, [okr_row(current="45")]).check_ins] == []


def test_check_in_errors(admin, org, cycle, product, sales, stored, lead):
    elsewhere = f.make_objective(admin, cycle, sales, title="Win the mid-market segment")
    f.make_kr(admin, elsewhere, title="Sign ten new logos", external_id="S-1", start=0, target=10)
    f.make_kr(
        admin,
        stored[0],
        title="Ship the guided setup to new teams",
        kind="milestone",
        external_id="M-1",
    )
    check_ins = [
        {"key_result_external_id": "NOPE", "date": "2026-11-02", "value": "1"},
        {
            "key_result": "Raise week-one activation from 40% to 60%",
            "date": "2026-11-02",
            "value": "1",
        },
        {
            "cycle": "Q4 2026",
            "unit": "Product",
            "objective": "Make onboarding delightful for new teams",
            "key_result": "No such key result",
            "date": "2026-11-02",
            "value": "1",
        },
        {"key_result_external_id": "K-1", "date": "", "value": "1"},
        {"key_result_external_id": "K-1", "date": "2 Nov 2026", "value": "1"},
        {"key_result_external_id": "K-1", "date": "2026-11-24", "value": "1"},
        {"key_result_external_id": "K-1", "date": "1999-12-31", "value": "1"},
        {"key_result_external_id": "K-1", "date": "2026-11-02", "value": ""},
        {
            "key_result_external_id": "K-1",
            "date": "2026-11-02",
            "value": "1",
            "confidence": "great",
        },
        {"key_result_external_id": "K-1", "date": "2026-11-02", "value": "1", "note": "x" * 2001},
        {"key_result_external_id": "M-1", "date": "2026-11-02", "value": "2"},
    ]
    assert errors(plan(admin, [okr_row()], check_ins)) == [
        ("Check-ins", 2, "key_result_external_id", "No key result has this external id."),
        (
            "Check-ins",
            3,
            "key_result",
            "Name the key result: its key_result_external_id, or the cycle, unit, objective "
            "and key result titles.",
        ),
        (
            "Check-ins",
            4,
            "key_result",
            "Product has no key result 'No such key result' under 'Make onboarding "
            "delightful for new teams' in Q4 2026.",
        ),
        ("Check-ins", 5, "date", "Give the check-in's date, as YYYY-MM-DD."),
        ("Check-ins", 6, "date", "'2 Nov 2026' is not a date: write it as YYYY-MM-DD."),
        ("Check-ins", 7, "date", "A check-in cannot be dated in the future."),
        ("Check-ins", 8, "date", "Give a date between 2000-01-01 and 2200-12-31."),
        ("Check-ins", 9, "value", "Give the value measured."),
        ("Check-ins", 10, "confidence", "'great' is not one of: at_risk, off_track, on_track."),
        ("Check-ins", 11, "note", "Keep the note under 2000 characters."),
        ("Check-ins", 12, "value", "A milestone takes 1 (done) or 0 (not done)."),
    ]
    led = plan(
        lead, [okr_row()], [{"key_result_external_id": "S-1", "date": "2026-11-02", "value": "1"}]
    )
    assert errors(led) == [
        ("Check-ins", 2, "key_result", "You may import check-ins only for the units you lead."),
    ]


def test_a_current_value_equal_to_the_value_now_is_no_check_in(admin, stored):
    # Never checked in: the value now is the start (40), as an export writes it.
    assert plan(admin, [okr_row(current="40")]).check_ins == []
    assert plan(admin, [okr_row(objective="A new objective here", current="40")]).check_ins == []
    assert [c.value for c in plan(admin, [okr_row(current="41")]).check_ins] == [41.0]
