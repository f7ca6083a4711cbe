"""The spreadsheet writer (pure): neutralised text, numbers kept numbers, CSV with a BOM, XLSX
with no formula in any cell."""

import csv
import io
from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from cadence.transfer.sheets_out import (
    BOM,
    FORMULA_STARTS,
    neutralise,
    restore,
    sheet_name,
    write_csv,
    write_xlsx,
)

DANGEROUS = ["=1+2", "+1", "-2+3", "@SUM(A1)", "\tx", "\rx", '=HYPERLINK("http://x","y")']


@pytest.mark.parametrize("text", DANGEROUS)
def test_neutralise_prefixes_an_apostrophe_to_formula_text(text):
    assert neutralise(text) == "'" + text
    assert restore(neutralise(text)) == text


def test_every_formula_start_is_covered():
    assert set(FORMULA_STARTS) == {"=", "+", "-", "@", "\t", "\r"}
    for start in FORMULA_STARTS:
        assert neutralise(start + "x") == "'" + start + "x"


@pytest.mark.parametrize("text", ["Café — Zürich", "plain", "", "1=1", "a-b", " =x"])
def test_neutralise_leaves_ordinary_text(text):
    assert neutralise(text) == text
    assert restore(neutralise(text)) == text


def test_a_leading_apostrophe_is_doubled_so_restore_is_exact():
    assert neutralise("'=x") == "''=x"
    assert restore(neutralise("'=x")) == "'=x"
    assert restore(neutralise("'quoted")) == "'quoted"


@pytest.mark.parametrize("value", [0, 3, -5, -0.25, 1.5, 10**15, date(2026, 11, 23), True])
def test_neutralise_leaves_numbers_dates_and_booleans(value):
    assert neutralise(value) is value


def test_none_is_empty():
    assert neutralise(None) == ""


@given(st.text())
def test_restore_inverts_neutralise(text):
    out = neutralise(text)
    assert restore(out) == text
    assert not out.startswith(FORMULA_STARTS)


def _csv_rows(data: bytes) -> list[list[str]]:
    text = data.decode("utf-8")
    assert text.startswith(BOM)
    return list(csv.reader(io.StringIO(text[1:], newline="")))


def test_csv_has_a_bom_crlf_and_accents():
    data = write_csv(["name", "n"], [["Café — Zürich", 1]])
    assert data.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in data and data.count(b"\n") == data.count(b"\r\n") == 2
    assert "Café — Zürich".encode() in data
    assert _csv_rows(data) == [["name", "n"], ["Café — Zürich", "1"]]


def test_csv_neutralises_every_dangerous_cell_and_keeps_numbers():
    rows = [[t, -5, -0.25, 2.0, None] for t in DANGEROUS]
    out = _csv_rows(write_csv(["text", "neg", "negf", "whole", "none"], rows))
    for text, row in zip(DANGEROUS, out[1:], strict=True):
        assert row == ["'" + text, "-5", "-0.25", "2", ""]


def test_csv_quotes_commas_quotes_and_line_breaks():
    tricky = 'a, "b"\nc'
    assert _csv_rows(write_csv(["t"], [[tricky]]))[1] == [tricky]


def test_csv_dates_and_booleans():
    out = _csv_rows(
        write_csv(["d", "dt", "b"], [[date(2026, 11, 23), datetime(2026, 11, 23, 9, 5), False]])
    )
    assert out[1] == ["2026-11-23", "2026-11-23 09:05:00", "no"]


def _read_xlsx(data: bytes):
    return load_workbook(io.BytesIO(data))


def test_xlsx_has_no_formula_cell_and_keeps_types():
    rows = [[t, -5, -0.25, date(2026, 11, 23), None] for t in DANGEROUS]
    rows.append(["Café — Zürich", 0, 1e15, datetime(2026, 11, 23, 9, 5, tzinfo=UTC), True])
    data = write_xlsx({"OKRs": (["text", "neg", "negf", "day", "none"], rows)})
    sheet = _read_xlsx(data)["OKRs"]
    values = list(sheet.iter_rows(values_only=True))
    assert values[0] == ("text", "neg", "negf", "day", "none")
    for text, row in zip(DANGEROUS, values[1:], strict=False):
        # XML reads a carriage return back as a line feed; the apostrophe is what matters.
        assert row[0] == "'" + text.replace("\r", "\n")
        assert row[1] == -5 and isinstance(row[1], int)
        assert row[2] == -0.25
        assert row[3].date() == date(2026, 11, 23)
        assert row[4] is None
    assert values[-1][0] == "Café — Zürich"
    assert values[-1][3] == datetime(2026, 11, 23, 9, 5)
    assert values[-1][4] == "yes"
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f", cell.coordinate


def test_xlsx_text_is_text_even_when_openpyxl_would_see_a_formula():
    # The writer neutralises; and it stores every text as text whatever it holds.
    data = write_xlsx({"S": (["=header"], [["=1+2"]])})
    sheet = _read_xlsx(data)["S"]
    cells = [c for row in sheet.iter_rows() for c in row]
    assert [c.value for c in cells] == ["'=header", "'=1+2"]
    assert all(c.data_type == "s" for c in cells)


def test_xlsx_several_sheets_in_order_with_safe_names():
    data = write_xlsx(
        {
            "OKRs": (["a"], [[1]]),
            "Check-ins": (["b"], [[2]]),
            "What/is:this?[x]" * 3: (["c"], []),
        }
    )
    book = _read_xlsx(data)
    assert book.sheetnames[:2] == ["OKRs", "Check-ins"]
    assert len(book.sheetnames[2]) <= 31 and not set("[]:*?/\\") & set(book.sheetnames[2])


def test_xlsx_drops_characters_xml_cannot_hold():
    data = write_xlsx({"S": (["t"], [["bell\x07 and\ttab"]])})
    assert _read_xlsx(data)["S"]["A2"].value == "bell and\ttab"


def test_sheet_name():
    assert sheet_name("") == "Sheet"
    assert sheet_name("a" * 40) == "a" * 31
    assert sheet_name("x/y") == "x y"


def test_an_empty_workbook_is_refused():
    with pytest.raises(ValueError):
        write_xlsx({})
