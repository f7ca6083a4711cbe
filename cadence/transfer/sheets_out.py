"""Spreadsheet files out: CSV and XLSX bytes from columns and rows. Pure: no database.

Every text cell is *neutralised* before it is written: a spreadsheet runs a cell starting with
``=``, ``+``, ``-`` or ``@`` (and, in some programs, a tab or carriage return) as a formula, so
such text gets a leading apostrophe and is shown as text. A text that already starts with an
apostrophe gets one more, so that ``restore`` gives back exactly what was written (the import
reads exports through it). Numbers stay numbers, negative ones too: only text is neutralised.

CSV is UTF-8 with a byte-order mark, which is what makes Excel read accents right, with
``\\r\\n`` line ends. XLSX is written by openpyxl in write-only mode (rows streamed, not kept),
numbers as numbers and dates as dates; text is always stored as text, never as a formula.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time
from decimal import Decimal

# A text starting with one of these is run as a formula by some spreadsheet program.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# The mark that keeps a text a text; a text starting with it is marked too (see ``restore``).
APOSTROPHE = "'"
BOM = "\ufeff"

# Excel's limits: characters in a cell, in a sheet's name; the characters a name cannot hold.
MAX_CELL_TEXT = 32767
MAX_SHEET_NAME = 31
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
# Control characters XLSX (XML 1.0) cannot hold; tab, line feed and carriage return can.
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

Cell = str | int | float | Decimal | date | datetime | bool | None


def neutralise(value: Cell) -> Cell:
    """The value as a spreadsheet should store it: a text that would run as a formula (or that
    starts with the apostrophe) gets a leading apostrophe; numbers, dates and booleans are left
    alone; None becomes the empty text."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith((*FORMULA_STARTS, APOSTROPHE)):
        return APOSTROPHE + value
    return value


def restore(text: str) -> str:
    """The text ``neutralise`` was given: one leading apostrophe taken off, if there is one."""
    return text[1:] if text.startswith(APOSTROPHE) else text


def _plain(value: Cell) -> Cell:
    """Booleans as yes/no (the same in both formats), aware datetimes as their wall time."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)
    return value


def _csv_text(value: Cell) -> str:
    value = neutralise(_plain(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # 3.0 → "3": what a person typed, and what reads back the same
    return str(value)


def write_csv(columns: Sequence[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    """A CSV file: a header row of ``columns``, then ``rows``; UTF-8 with a byte-order mark,
    ``\\r\\n`` line ends, fields quoted when they need it."""
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([_csv_text(c) for c in columns])
    for row in rows:
        writer.writerow([_csv_text(v) for v in row])
    return buffer.getvalue().encode("utf-8")


def sheet_name(name: str) -> str:
    """A name Excel accepts for a sheet: no ``[]:*?/\\``, at most 31 characters, not empty."""
    cleaned = _SHEET_NAME_FORBIDDEN.sub(" ", name).strip().strip(APOSTROPHE)
    return (cleaned or "Sheet")[:MAX_SHEET_NAME]


def _xlsx_cell(sheet, value: Cell):
    from openpyxl.cell import WriteOnlyCell

    value = neutralise(_plain(value))
    if isinstance(value, str):
        text = _XML_ILLEGAL.sub("", value)[:MAX_CELL_TEXT]
        cell = WriteOnlyCell(sheet, value=text)
        cell.data_type = "s"  # always text: openpyxl would store a text starting "=" as a formula
        return cell
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, datetime):
        cell.number_format = "yyyy-mm-dd hh:mm:ss"
    elif isinstance(value, date):
        cell.number_format = "yyyy-mm-dd"
    return cell


def write_xlsx(sheets: dict[str, tuple[Sequence[str], Iterable[Sequence[Cell]]]]) -> bytes:
    """An XLSX workbook with one sheet per entry (name → (columns, rows)), in order; each sheet
    a header row, then its rows."""
    from openpyxl import Workbook  # imported on first use: it is slow to import

    if not sheets:
        raise ValueError("A workbook needs at least one sheet.")
    workbook = Workbook(write_only=True)
    used: set[str] = set()
    for name, (columns, rows) in sheets.items():
        title = sheet_name(name)
        n = 2
        while title.lower() in used:
            suffix = f" ({n})"
            title = sheet_name(name)[: MAX_SHEET_NAME - len(suffix)] + suffix
            n += 1
        used.add(title.lower())
        sheet = workbook.create_sheet(title=title)
        sheet.append([_xlsx_cell(sheet, c) for c in columns])
        for row in rows:
            sheet.append([_xlsx_cell(sheet, v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
