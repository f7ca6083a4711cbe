"""The OKR import applied through the okrs services: creates, updates, idempotency, all or
nothing, permissions and the audit trail."""

import pytest
from django.core.exceptions import PermissionDenied

from cadence.audit.models import Event
from cadence.okrs.models import CheckIn, KeyResult, Objective
from cadence.okrs.progress import roll_up  # noqa: F401 (the arithmetic the stored values follow)
from cadence.transfer.services import (
    ImportRefused,
    okr_import_apply,
    okr_import_dry_run,
)
from tests import factories as f
from tests.transfer.conftest import files, okr_row

pytestmark = pytest.mark.django_db


def _import(actor, org, source):
    plan = okr_import_dry_run(actor=actor, organization=org, files=source)
    assert not plan.errors, [e.as_line() for e in plan.errors]
    return okr_import_apply(actor=actor, organization=org, plan=plan)


def test_create_then_import_again_changes_nothing(admin, org, cycle, product, owner):
    rows = [
        okr_row(owner, external_id="O-1", key_result_external_id="K-1"),
        okr_row(
            owner,
            external_id="O-1",
            key_result_external_id="K-2",
            key_result="Cut time to first objective from 9 to 3 days",
            start="9",
            target="3",
            unit_of_measure="days",
            current="6",
        ),
    ]
    plan = _import(admin, org, files(rows))
    assert plan.counts()["objectives_created"] == 1
    assert plan.counts()["key_results_created"] == 2
    objective = Objective.objects.get(organization=org, external_id="O-1")
    assert objective.unit == product and objective.cycle == cycle
    assert objective.state == Objective.State.DRAFT
    kr = KeyResult.objects.get(external_id="K-2")
    assert kr.current == 6 and kr.owner == owner
    objective.refresh_from_db()
    assert objective.progress == pytest.approx(0.25)  # (0 + 0.5) / 2
    events = Event.objects.filter(organization=org).count()
    rows_before = (Objective.objects.count(), KeyResult.objects.count(), CheckIn.objects.count())

    again = okr_import_dry_run(actor=admin, organization=org, files=files(rows))
    assert not again.errors and not again.changes_anything
    assert {o.action for o in again.objectives} == {"unchanged"}
    assert {k.action for k in again.key_results} == {"unchanged"}
    okr_import_apply(actor=admin, organization=org, plan=again)
    assert Event.objects.filter(organization=org).count() == events
    assert (Objective.objects.count(), KeyResult.objects.count(), CheckIn.objects.count()) == (
        rows_before
    )
    assert Event.objects.filter(kind="okrs.imported").count() == 1


def test_a_changed_file_updates_what_it_names(admin, org, cycle, product, owner):
    _import(admin, org, files([okr_row(owner, external_id="O-1", key_result_external_id="K-1")]))
    changed = okr_row(
        owner,
        external_id="O-1",
        key_result_external_id="K-1",
        objective="Make onboarding effortless for new teams",
        target="70",
    )
    plan = okr_import_dry_run(actor=admin, organization=org, files=files([changed]))
    assert not plan.errors
    assert plan.objectives[0].action == "update"
    assert plan.objectives[0].changes == {"title": "Make onboarding effortless for new teams"}
    assert plan.key_results[0].changes == {"target": 70.0}
    okr_import_apply(actor=admin, organization=org, plan=plan)
    assert Objective.objects.get(external_id="O-1").title == changed["objective"]
    assert KeyResult.objects.get(external_id="K-1").target == 70


def test_one_bad_row_saves_nothing(admin, org, cycle, product, owner):
    rows = [
        okr_row(owner),
        okr_row(owner, objective="Win the mid-market", key_result="Sign 10 new logos", target="x"),
    ]
    plan = okr_import_dry_run(actor=admin, organization=org, files=files(rows))
    assert [(e.row, e.column) for e in plan.errors] == [(3, "target")]
    with pytest.raises(ImportRefused):
        okr_import_apply(actor=admin, organization=org, plan=plan)
    assert not Objective.objects.filter(organization=org).exists()
    assert not Event.objects.filter(organization=org, kind__startswith="objective").exists()


def test_service_refusals_are_reported_at_their_row_and_nothing_is_saved(
    admin, org, cycle, product
):
    # A closed-to-new-work situation only the okrs services know: an annual cycle takes
    # company objectives only.
    f.make_cycle(
        admin,
        name="2027",
        start=__import__("datetime").date(2027, 1, 1),
        end=__import__("datetime").date(2027, 12, 31),
        kind="year",
    )
    rows = [okr_row(), okr_row(cycle="2027", objective="Grow revenue to a new level")]
    plan = okr_import_dry_run(actor=admin, organization=org, files=files(rows))
    assert [(e.row, e.column, e.message) for e in plan.errors] == [
        (3, "cycle", "Annual objectives are set at company level only.")
    ]
    assert not Objective.objects.filter(organization=org).exists()


def test_members_may_not_import_and_leads_only_their_units(
    admin, org, cycle, product, sales, owner, lead
):
    with pytest.raises(PermissionDenied):
        okr_import_dry_run(actor=owner, organization=org, files=files([okr_row()]))
    plan = okr_import_dry_run(
        actor=lead, organization=org, files=files([okr_row(), okr_row(unit="Sales")])
    )
    assert [(e.row, e.column) for e in plan.errors] == [(3, "unit")]
    plan = _import(lead, org, files([okr_row()]))
    assert Objective.objects.get(organization=org).created_by == lead


def test_stored_progress_rolls_up_through_parents_created_in_the_file(
    admin, org, cycle, product, sales
):
    from tests.progress_check import stale_objectives

    rows = [
        okr_row(
            unit="",
            external_id="CO-1",
            objective="Become the easiest tool to start with",
            key_result="Raise paying teams from 100 to 200",
            start="100",
            target="200",
            current="150",
        ),
        okr_row(parent="CO-1", current="50"),
        okr_row(
            unit="Sales",
            objective="Win the mid-market segment",
            parent="Become the easiest tool to start with",
            key_result="Sign ten new mid-market logos",
            start="0",
            target="10",
            current="10",
        ),
    ]
    _import(admin, org, files(rows))
    assert stale_objectives(org) == []
    company = Objective.objects.get(external_id="CO-1")
    assert company.children.count() == 2
    # KR 0.5; children 0.5 and 1.0: (0.5 + 0.5 + 1.0) / 3.
    assert company.progress == pytest.approx(2 / 3)
    # A changed current value on a re-import moves the roll-up too.
    rows[2]["current"] = "5"
    _import(admin, org, files(rows))
    assert stale_objectives(org) == []
    company.refresh_from_db()
    assert company.progress == pytest.approx((0.5 + 0.5 + 0.5) / 3)


def test_a_target_change_of_an_approved_objective_is_kept_with_a_reason(admin, org, cycle, product):
    from cadence.okrs.models import TargetChange
    from cadence.okrs.services import objective_set_state, objective_update

    rows = [
        okr_row(external_id="O-1", key_result_external_id="K-1"),
        okr_row(
            external_id="O-1",
            key_result_external_id="K-2",
            key_result="Cut time to first objective from 9 to 3 days",
            start="9",
            target="3",
            unit_of_measure="days",
        ),
    ]
    _import(admin, org, files(rows))
    objective = Objective.objects.get(external_id="O-1")
    objective_update(actor=admin, objective=objective, standalone_reason="Our own bet.")
    objective_set_state(actor=admin, objective=objective, state="proposed")
    objective_set_state(actor=admin, objective=objective, state="approved")
    rows[0]["target"] = "65"
    _import(admin, org, files(rows))
    change = TargetChange.objects.get(key_result__external_id="K-1")
    assert (change.old_target, change.new_target) == (60, 65)
    assert change.reason == "Imported from okrs.csv."


def test_the_plan_is_read_in_a_fixed_number_of_queries(
    admin, org, cycle, product, django_assert_max_num_queries
):
    from cadence.transfer.services import okr_import_plan

    def many(n):
        return files(
            [
                okr_row(objective=f"Objective number {i}", key_result=f"Key result number {i}")
                for i in range(n)
            ]
        )

    okr_import_plan(actor=admin, organization=org, files=many(1))  # warm the unit cache
    with django_assert_max_num_queries(12):
        okr_import_plan(actor=admin, organization=org, files=many(3))
    with django_assert_max_num_queries(12):
        okr_import_plan(actor=admin, organization=org, files=many(60))


def test_the_template_imports_as_it_is(admin, org, product, engineering):
    from datetime import date

    import time_machine

    from cadence.okrs.models import KeyResult
    from cadence.orgs.services import person_create
    from cadence.transfer.okr_import import ImportFiles
    from cadence.transfer.okr_template import template_xlsx
    from tests import factories as fac

    fac.make_cycle(admin, name="Q1 2027", start=date(2027, 1, 1), end=date(2027, 3, 31))
    for email in ("ceo@example.com", "product.lead@example.com"):
        person_create(organization=org, email=email, name=email, role="member")
    with time_machine.travel(date(2027, 2, 1), tick=False):
        source = ImportFiles(okr_name="template.xlsx", okr_data=template_xlsx())
        plan = _import(admin, org, source)
    assert plan.counts()["objectives_created"] == 2
    assert plan.counts()["key_results_created"] == 4
    assert plan.counts()["check_ins_created"] == 3  # two dated ones and one current value
    child = Objective.objects.get(external_id="PR-1")
    assert child.parent.external_id == "CO-1"
    assert KeyResult.objects.get(external_id="PR-1-KR3").kind == "milestone"


def test_ids_and_names_a_spreadsheet_stores_as_numbers_match_on_reimport(admin, org, product):
    """A workbook cell holding 2027 or 1001 is a number to openpyxl: it matches the text."""
    import io
    from datetime import date

    from openpyxl import Workbook

    from cadence.transfer.columns import OKR_COLUMNS
    from cadence.transfer.okr_import import ImportFiles

    f.make_cycle(admin, name="2027", start=date(2027, 1, 1), end=date(2027, 12, 31), kind="year")
    book = Workbook()
    book.active.title = "OKRs"
    book.active.append(list(OKR_COLUMNS))
    row = okr_row(cycle=2027, unit="", external_id=1001.0, key_result_external_id=7)
    book.active.append([row.get(c) or None for c in OKR_COLUMNS])
    out = io.BytesIO()
    book.save(out)
    source = ImportFiles(okr_name="okrs.xlsx", okr_data=out.getvalue())
    _import(admin, org, source)
    assert Objective.objects.get(organization=org).external_id == "1001"
    assert KeyResult.objects.get(organization=org).external_id == "7"
    again = okr_import_dry_run(actor=admin, organization=org, files=source)
    assert not again.errors and not again.changes_anything


def test_the_coach_gate_speaks_in_the_dry_run_at_its_row(admin, org, cycle, product):
    """A check the organization made an error blocks the import as it blocks the form."""
    from cadence.coach.services import check_setting_update

    check_setting_update(actor=admin, check_id="kr-binary", enabled=True, level="error")
    rows = [
        okr_row(),
        okr_row(key_result="New pricing page is live", kind="milestone"),
    ]
    plan = okr_import_dry_run(actor=admin, organization=org, files=files(rows))
    assert [(e.row, e.column) for e in plan.errors] == [(3, "key_result")]
    assert plan.errors[0].message.startswith("Done / not done: ")
    assert plan.errors[0].message.endswith("your organization's coach treats it as an error.")
    assert not Objective.objects.filter(organization=org).exists()


def test_the_import_plans_again_and_refuses_what_changed_since_the_dry_run(
    admin, org, cycle, product
):
    rows = [okr_row(external_id="O-1"), okr_row(objective="Win the mid-market segment")]
    plan = okr_import_dry_run(actor=admin, organization=org, files=files(rows))
    assert not plan.errors
    # Meanwhile the cycle is closed.
    from cadence.scoring.services import cycle_close

    cycle_close(actor=admin, cycle=cycle)
    events = Event.objects.filter(organization=org).count()
    with pytest.raises(ImportRefused) as refused:
        okr_import_apply(actor=admin, organization=org, plan=plan)
    assert [(e.row, e.column) for e in refused.value.plan.errors] == [(2, "cycle"), (3, "cycle")]
    assert not Objective.objects.filter(organization=org).exists()
    assert Event.objects.filter(organization=org).count() == events


def test_a_kept_upload_expires_after_an_hour(client, admin, org, cycle, product):
    import io
    from datetime import timedelta

    import time_machine
    from django.utils import timezone

    from cadence.transfer.models import PendingImport
    from tests.transfer.conftest import csv_bytes

    client.force_login(admin)
    upload = io.BytesIO(csv_bytes([okr_row()]))
    upload.name = "okrs.csv"
    client.post("/import/okrs/", {"action": "preview", "okr_file": upload})
    pending = PendingImport.objects.get()
    with time_machine.travel(timezone.now() + timedelta(hours=1, minutes=1)):
        response = client.post("/import/okrs/", {"action": "confirm", "pending": str(pending.pk)})
    assert response.status_code == 404
    assert not Objective.objects.filter(organization=org).exists()
