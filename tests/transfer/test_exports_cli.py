"""`cadence export`: a cycle's export to standard output or a file; one-line errors."""

import csv
import io

import pytest
from openpyxl import load_workbook

from cadence.cli import exports as cli_exports
from cadence.cli import main
from cadence.transfer import exports
from cadence.transfer.columns import OKR_COLUMNS, OKR_COMPUTED_COLUMNS
from tests import factories as f
from tests.transfer.conftest import EVIL


def test_the_command_offers_every_export():
    assert cli_exports.WHATS == exports.WHATS and cli_exports.FORMATS == exports.FORMATS


def test_okrs_csv_to_standard_output(world, capsysbinary):
    assert main(["export", "okrs", "--cycle", "q4 2026"]) == 0
    out = capsysbinary.readouterr().out
    assert out.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(out.decode("utf-8-sig"), newline="")))
    assert rows[0] == [*OKR_COLUMNS, *OKR_COMPUTED_COLUMNS]
    assert [r[3] for r in rows[1:]] == ["Grow revenue", "Café — Zürich launch", "'" + EVIL]


@pytest.mark.parametrize("unit", ["Product/Web", "web", "WEB", "/product/web/"])
def test_a_unit_by_path_or_name(world, capsysbinary, unit):
    assert main(["export", "weekly", "--cycle", "Q4 2026", "--unit", unit]) == 0
    rows = list(csv.reader(io.StringIO(capsysbinary.readouterr().out.decode("utf-8-sig"))))
    assert {r[1] for r in rows[1:]} == {"Wes Web"}


def test_a_unit_by_id_and_an_ambiguous_name(world, capsys):
    assert main(["export", "scores", "--cycle", "Q4 2026", "--unit", str(world["sales"].pk)]) == 0
    capsys.readouterr()
    ops = f.make_unit(world["org"], "Ops", kind="department")
    f.make_unit(world["org"], "Web", parent=ops)  # a second Web: Ops/Web
    assert main(["export", "scores", "--cycle", "Q4 2026", "--unit", "Web"]) == 1
    assert "Several units are called 'Web'" in capsys.readouterr().err
    assert main(["export", "scores", "--cycle", "Q4 2026", "--unit", "Product/Web"]) == 0
    assert "Café — Zürich launch" in capsys.readouterr().out
    assert main(["export", "scores", "--cycle", "Q4 2026", "--unit", "ops/web"]) == 0
    assert "Café" not in capsys.readouterr().out


def test_xlsx_to_a_file(world, tmp_path, capsys):
    target = tmp_path / "okrs.xlsx"
    argv = ["export", "okrs", "--cycle", "Q4 2026", "--format", "xlsx", "--output", str(target)]
    assert main([*argv, "--organization", world["org"].name.upper()]) == 0
    assert f"Wrote {target}" in capsys.readouterr().err
    book = load_workbook(target)
    assert book.sheetnames == ["OKRs", "Check-ins"]
    assert book["OKRs"]["D4"].value == "'" + EVIL


@pytest.mark.parametrize(
    "argv,message",
    [
        (["--cycle", "Q9 1999"], "has no cycle called 'Q9 1999'."),
        (["--cycle", "Q4 2026", "--unit", "Nowhere"], "has no unit called 'Nowhere'."),
        (["--cycle", "Q4 2026", "--format", "xlsx"], "name it with --output FILE."),
        (["--cycle", "Q4 2026", "--organization", "Nope"], "No organization is called 'Nope'."),
        (["--cycle", "Q4 2026", "--output", "/nonexistent/dir/x.csv"], "Cannot write"),
    ],
)
def test_errors_are_one_line(world, capsys, argv, message):
    assert main(["export", "okrs", *argv]) == 1
    err = capsys.readouterr().err
    assert err.startswith("cadence: ") and message in err and err.count("\n") == 1


def test_several_organizations_need_one_named(world, outsider, capsys):
    assert main(["export", "okrs", "--cycle", "Q4 2026"]) == 1
    assert "choose one with --organization" in capsys.readouterr().err
