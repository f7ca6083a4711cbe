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
