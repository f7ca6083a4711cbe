"""Reading the uploaded files of an import into the rows of its two sheets."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from cadence.core import limits
from cadence.transfer import sheets_in
from cadence.transfer.columns import CHECK_IN_SHEET, OKR_COLUMNS, OKR_COMPUTED_COLUMNS, OKR_SHEET
from cadence.transfer.okr_import.planner import (
    CHECK_IN_KNOWN,
    CHECK_IN_REQUIRED,
    OKR_REQUIRED,
)

# Reading the uploaded files -----------------------------------------------------------------


@dataclass(frozen=True)
class ImportFiles:
    """The uploaded bytes: one workbook (with an OKRs sheet and an optional Check-ins sheet), or
    a CSV of OKRs, and optionally a separate file of check-ins."""

    okr_name: str
    okr_data: sheets_in.Source  # the bytes, or (from the command line) the file, read as parsed
    check_in_name: str = ""
    check_in_data: sheets_in.Source | None = None


@dataclass
class ReadFiles:
    """The rows of both sheets, each a one-pass iterator read as it is consumed (a file of a
    million check-ins is never held as rows)."""

    okr_rows: Iterator[tuple[int, dict]]
    check_in_rows: Iterator[tuple[int, dict]]
    warnings: list[str]


def _peeked(rows: Iterator) -> tuple[bool, Iterator]:
    first = next(rows, None)
    if first is None:
        return False, iter(())
    return True, itertools.chain((first,), rows)


@contextmanager
def read_files(files: ImportFiles) -> Iterator[ReadFiles]:
    """The rows of both sheets while the files are open, or a ValidationError saying what is
    wrong with a file (raised here, or by the rows' iterators as they reach it)."""
    okr_known = (*OKR_COLUMNS, *OKR_COMPUTED_COLUMNS)
    okr_args = {
        "required": OKR_REQUIRED,
        "known": okr_known,
        "max_rows": limits.MAX_IMPORT_OKR_ROWS,
    }
    check_in_args = {
        "required": CHECK_IN_REQUIRED,
        "known": CHECK_IN_KNOWN,
        "max_rows": limits.MAX_IMPORT_CHECK_IN_ROWS,
    }
    warnings: list[str] = []
    check_in_rows: Iterator[tuple[int, dict]] = iter(())
    has_check_in_sheet = False
    books: list[sheets_in.Workbook] = []
    try:
        if sheets_in.is_xlsx(files.okr_data, files.okr_name):
            book = sheets_in.Workbook(files.okr_data, files.okr_name)
            books.append(book)
            okr_name = book.find(OKR_SHEET) or book.first_sheet()
            sheet = book.sheet(okr_name, **okr_args)
            okr_rows = sheet.rows
            warnings += sheet.warnings
            check_in_name = book.find(CHECK_IN_SHEET, "checkins", "check_ins")
            if check_in_name and check_in_name != okr_name:
                # read_only workbooks read each sheet from its own stream: both may be open.
                sheet = book.sheet(check_in_name, **check_in_args, optional=True)
                # A Check-ins sheet with no rows (the template's, emptied) leaves room for a file.
                has_check_in_sheet, check_in_rows = _peeked(sheet.rows)
                warnings += sheet.warnings
        else:
            sheet = sheets_in.read_csv(files.okr_data, name=files.okr_name, **okr_args)
            okr_rows = sheet.rows
            warnings += sheet.warnings
        if files.check_in_data is not None:
            if has_check_in_sheet:
                raise sheets_in.refuse(
                    f"{files.okr_name} has a {CHECK_IN_SHEET} sheet: give the check-ins there or "
                    "in a separate file, not both."
                )
            name = files.check_in_name or "check-ins"
            if sheets_in.is_xlsx(files.check_in_data, name):
                book = sheets_in.Workbook(files.check_in_data, name)
                books.append(book)
                sheet_name = book.find(CHECK_IN_SHEET, "checkins", "check_ins")
                sheet = book.sheet(sheet_name or book.first_sheet(), **check_in_args)
            else:
                sheet = sheets_in.read_csv(files.check_in_data, name=name, **check_in_args)
            check_in_rows = sheet.rows
            warnings += sheet.warnings
        has_okr_rows, okr_rows = _peeked(okr_rows)
        if not has_okr_rows:
            raise sheets_in.refuse(f"{files.okr_name} has no rows below its header.")
        yield ReadFiles(okr_rows=okr_rows, check_in_rows=check_in_rows, warnings=warnings)
    finally:
        for book in books:
            book.close()
