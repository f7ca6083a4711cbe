"""`cadence import okrs FILE [--checkins FILE] --organization NAME [--dry-run]`."""

import pytest

from cadence.audit.models import Event
from cadence.cli import main
from cadence.okrs.models import CheckIn, Objective
from cadence.transfer.columns import CHECK_IN_COLUMNS
from tests.transfer.conftest import csv_bytes, okr_row

pytestmark = pytest.mark.django_db


def test_dry_run_then_import_then_nothing_to_do(tmp_path, capsys, admin, org, cycle, product):
    okrs = tmp_path / "okrs.csv"
    okrs.write_bytes(csv_bytes([okr_row(external_id="O-1", key_result_external_id="K-1")]))
    check_ins = tmp_path / "check-ins.csv"
    check_ins.write_bytes(
        csv_bytes(
            [{"key_result_external_id": "K-1", "date": "2026-11-02", "value": "45"}],
            CHECK_IN_COLUMNS,
        )
    )
    args = ["import", "okrs", str(okrs), "--checkins", str(check_ins), "--organization", org.name]
    assert main([*args, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines() == [
        "objectives: 1 to create, 0 to change, 0 unchanged",
        "key results: 1 to create, 0 to change, 0 unchanged",
        "check-ins: 1 to add, 0 already there",
        "Dry run: nothing was saved.",
    ]
    assert not Objective.objects.filter(organization=org).exists()

    assert main(args) == 0
    out = capsys.readouterr().out
    assert "objectives: 1 created, 0 changed, 0 unchanged" in out and "Imported." in out
    objective = Objective.objects.get(organization=org)
    assert objective.created_by == admin
    assert CheckIn.objects.get(key_result__objective=objective).value == 45
    event = Event.objects.get(kind="okrs.imported")
    assert event.actor_label == f"command line as {admin.name} <{admin.email}>"

    assert main(args) == 0
    out = capsys.readouterr().out
    assert "check-ins: 0 added, 1 already there" in out
    assert "Nothing to import: the file matches what is saved." in out
    assert Event.objects.filter(kind="okrs.imported").count() == 1


def test_errors_are_lines_and_exit_1(tmp_path, capsys, admin, org, cycle, product):
    okrs = tmp_path / "okrs.csv"
    okrs.write_bytes(csv_bytes([okr_row(), okr_row(objective="Win the mid-market", cycle="Q9")]))
    assert main(["import", "okrs", str(okrs), "--organization", org.name]) == 1
    out = capsys.readouterr().out
    assert "OKRs, row 3, cycle: There is no cycle called 'Q9': create it first." in out
    assert "1 error: nothing was imported." in out
    assert not Objective.objects.filter(organization=org).exists()


def test_an_unreadable_file_is_one_message(tmp_path, capsys, admin, org):
    bad = tmp_path / "okrs.xlsx"
    bad.write_bytes(b"just text")
    assert main(["import", "okrs", str(bad), "--organization", org.name]) == 1
    err = capsys.readouterr().err
    assert err.strip() == (
        "cadence: file: okrs.xlsx is not an XLSX workbook (it is not a zip file)."
    )
    assert main(["import", "okrs", str(tmp_path / "missing.csv"), "--organization", org.name]) == 1
    assert "There is no file" in capsys.readouterr().err


def test_as_a_person_who_may_not_import(tmp_path, capsys, org, owner, cycle):
    okrs = tmp_path / "okrs.csv"
    okrs.write_bytes(csv_bytes([okr_row()]))
    assert main(["import", "okrs", str(okrs), "--organization", org.name, "--as", owner.email]) == 1
    assert "Only admins and the leads of units import OKRs." in capsys.readouterr().err
