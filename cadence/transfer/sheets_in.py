"""Reading an uploaded spreadsheet (CSV or XLSX) into rows, after refusing a hostile file.

Every refusal is a ``ValidationError`` with one plain message (said on the page, in the API's
422 and by the command line), never a traceback. The guards run before anything is parsed:

- the upload's size (``MAX_IMPORT_BYTES``);
- for an XLSX, its zip directory: a zip at all, a workbook inside, at most
  ``MAX_IMPORT_MEMBERS`` members, their declared uncompressed sizes together at most
  ``MAX_IMPORT_UNCOMPRESSED`` and each member's compression ratio at most ``MAX_IMPORT_RATIO``
  (zipfile never inflates a member past its declared size, so the declaration bounds the work);
- XML entities: openpyxl parses through defusedxml, which refuses entity declarations
  (billion laughs) and external references;
- formulas are never evaluated: the workbook is opened with ``data_only=True``, so a formula
  cell reads as the value the spreadsheet program last computed for it (or empty when it never
  did);
- while streaming: at most ``MAX_IMPORT_COLUMNS`` columns and the given number of rows, each cell
  at most ``MAX_IMPORT_CELL`` characters.

Rows are dicts keyed by the header, lower-cased and trimmed with spaces and hyphens as
underscores ("Key result" → ``key_result``), with the spreadsheet's row number (the header is
row 1). Values are strings (trimmed), numbers, dates or None.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import struct
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, BinaryIO

from django.core.exceptions import ValidationError

from cadence.core.limits import (
    MAX_IMPORT_BYTES,
    MAX_IMPORT_CELL,
    MAX_IMPORT_COLUMNS,
    MAX_IMPORT_MEMBERS,
    MAX_IMPORT_RATIO,
    MAX_IMPORT_UNCOMPRESSED,
)

ZIP_MAGIC = b"PK\x03\x04"
MB = 1024 * 1024

Value = str | int | float | date | datetime | None
# Empty rows between the data a sheet may have (beyond its row limit).
MAX_EMPTY_ROWS = 1000


def refuse(message: str) -> ValidationError:
    return ValidationError({"file": message})


# An upload's bytes, or (from the command line) the file on disk, read as it is parsed.
Source = bytes | Path


def _size(data: Source) -> int:
    return len(data) if isinstance(data, bytes) else data.stat().st_size


def _head(data: Source, n: int) -> bytes:
    if isinstance(data, bytes):
        return data[:n]
    with data.open("rb") as file:
        return file.read(n)


def _chunks(data: Source) -> Iterator[bytes]:
    if isinstance(data, bytes):
        for at in range(0, len(data), MB):
            yield data[at : at + MB]
        return
    with data.open("rb") as file:
        while chunk := file.read(MB):
            yield chunk


def _binary(data: Source) -> BinaryIO:
    return io.BytesIO(data) if isinstance(data, bytes) else data.open("rb")


def header_name(value: Any) -> str:
    text = "" if value is None else str(value)
    return re.sub(r"[\s\-]+", "_", text.strip().lower())


@dataclass
class Sheet:
    """One sheet's header and its rows, read lazily (``rows`` is a one-pass generator)."""

    name: str
    headers: list[str]
    rows: Iterator[tuple[int, dict[str, Value]]]
    warnings: list[str] = field(default_factory=list)


def _cell(value: Any, sheet: str, row: int) -> Value:
    if isinstance(value, str):
        if len(value) > MAX_IMPORT_CELL:
            raise refuse(
                f"{sheet}, row {row}: a cell holds {len(value):,} characters; at most "
                f"{MAX_IMPORT_CELL:,} are read."
            )
        value = value.strip()
        return value or None
    if isinstance(value, bool):
        return int(value)
    if value is None or isinstance(value, (int, float, date, datetime)):
        return value
    # Anything else openpyxl may hand back (a time, a timedelta, an error string): as text.
    return str(value).strip() or None


def _rows(
    name: str,
    headers: list[str],
    raw: Iterable[tuple[int, list[Any]]],
    max_rows: int,
) -> Iterator[tuple[int, dict[str, Value]]]:
    count = 0
    named = [(i, header) for i, header in enumerate(headers) if header]
    for number, values in raw:
        if number > max_rows + MAX_EMPTY_ROWS:
            # Counted by the row's number, empty rows too: a sheet whose last row is far down
            # costs its reader every row before it.
            raise refuse(f"{name} has more than {max_rows:,} rows: split it into several files.")
        width = len(values)
        while width and values[width - 1] in (None, ""):
            width -= 1
        if not width:
            continue  # an empty row
        if width > MAX_IMPORT_COLUMNS:
            raise refuse(
                f"{name}, row {number} has more than {MAX_IMPORT_COLUMNS} columns; a sheet may "
                f"have at most {MAX_IMPORT_COLUMNS}."
            )
        count += 1
        if count > max_rows:
            raise refuse(f"{name} has more than {max_rows:,} rows: split it into several files.")
        row: dict[str, Value] = {}
        filled = False
        for i, header in named:
            value = values[i] if i < width else None
            if type(value) is str and len(value) <= MAX_IMPORT_CELL:
                # (the common cell, as _cell reads it)
                value = value.strip() or None
            elif value is not None:
                value = _cell(value, name, number)
            row[header] = value
            filled = filled or value is not None
        if filled:
            yield number, row


def _header(
    name: str, values: list[Any], required: Iterable[str], known: Iterable[str]
) -> tuple[list[str], list[str]]:
    while values and values[-1] in (None, ""):
        values = values[:-1]
    if len(values) > MAX_IMPORT_COLUMNS:
        raise refuse(
            f"{name} has more than {MAX_IMPORT_COLUMNS} columns; a sheet may have at most "
            f"{MAX_IMPORT_COLUMNS}."
        )
    headers = [header_name(v) for v in values]
    seen: set[str] = set()
    for h in headers:
        if h and h in seen:
            raise refuse(f"{name}: the column {h!r} appears twice.")
        seen.add(h)
    missing = [c for c in required if c not in seen]
    if missing:
        raise refuse(
            f"{name} has no {', '.join(repr(c) for c in missing)} column"
            f"{'s' if len(missing) > 1 else ''}: the first row names the columns (download the "
            "template to see them)."
        )
    known = set(known)
    unknown = [h for h in headers if h and h not in known]
    warnings = []
    if unknown:
        warnings.append(
            f"{name}: {'these columns are' if len(unknown) > 1 else 'this column is'} not read: "
            + ", ".join(unknown)
            + "."
        )
    return headers, warnings


# CSV ---------------------------------------------------------------------------------------


def _encoding(data: Source, name: str) -> tuple[str, list[str]]:
    """UTF-8 (a byte-order mark aside), else Windows-1252; decoded a megabyte at a time and
    thrown away, so that a large file is not held twice."""
    for encoding in ("utf-8", "cp1252"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            for chunk in _chunks(data):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        if encoding == "utf-8":
            return encoding, []
        return encoding, [f"{name} is not UTF-8: it was read as Windows-1252 (Western European)."]
    raise refuse(
        f"{name} is neither UTF-8 nor Windows-1252 text: save it as “CSV UTF-8” "
        "(or as an XLSX workbook) and upload it again."
    )


def read_csv(
    data: Source,
    *,
    name: str,
    required: Iterable[str],
    known: Iterable[str],
    max_rows: int,
) -> Sheet:
    """One CSV file as one sheet, read as it is parsed. Commas or semicolons (what a spreadsheet
    program in a comma-decimal locale writes) are told apart from the header line."""
    _size_guard(data, name)
    head = _head(data, 65536)
    if head.startswith(ZIP_MAGIC):
        raise refuse(f"{name} is an XLSX workbook, not a CSV file: name it .xlsx.")
    if any(b"\x00" in chunk for chunk in _chunks(data)):
        raise refuse(f"{name} is not a text file (it holds NUL bytes): upload a CSV or XLSX.")
    encoding, warnings = _encoding(data, name)
    body = _binary(data)
    if head.startswith(b"\xef\xbb\xbf"):
        body.seek(3)
        head = head[3:]
    first_line = head.split(b"\n", 1)[0].decode(encoding, errors="replace")
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    text = io.TextIOWrapper(body, encoding=encoding, newline="")
    reader = csv.reader(text, delimiter=delimiter)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise refuse(f"{name}, row 1 is not valid CSV ({exc}).") from None
    if not header or not any(v.strip() for v in header):
        raise refuse(f"{name} is empty: the first row names the columns.")
    headers, header_warnings = _header(name, list(header), required, known)

    def raw() -> Iterator[tuple[int, list[Any]]]:
        try:
            for values in reader:
                yield reader.line_num, values
        except csv.Error as exc:
            raise refuse(f"{name}, row {reader.line_num + 1} is not valid CSV ({exc}).") from None
        finally:
            text.close()

    return Sheet(
        name=name,
        headers=headers,
        rows=_rows(name, headers, raw(), max_rows),
        warnings=warnings + header_warnings,
    )


# XLSX --------------------------------------------------------------------------------------


def _size_guard(data: Source, name: str) -> None:
    size = _size(data)
    if size > MAX_IMPORT_BYTES:
        raise refuse(
            f"{name} is {size / MB:.1f} MB; an import takes files of at most "
            f"{MAX_IMPORT_BYTES // MB} MB."
        )
    if not size:
        raise refuse(f"{name} is empty.")


def inspect_xlsx(data: Source, name: str) -> None:
    """Refuse a file that is not a workbook, or whose members would unzip past the limits,
    from the zip's directory alone (nothing is inflated)."""
    _size_guard(data, name)
    if not _head(data, 4).startswith(ZIP_MAGIC):
        raise refuse(f"{name} is not an XLSX workbook (it is not a zip file).")
    try:
        with zipfile.ZipFile(_binary(data)) as archive:
            members = archive.infolist()
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        ValueError,
        EOFError,
        OSError,
        # zipfile's own word for a directory entry it cannot read (a version it does not know)
        NotImplementedError,
    ):
        raise refuse(f"{name} is damaged or truncated: it cannot be read as a workbook.") from None
    if len(members) > MAX_IMPORT_MEMBERS:
        raise refuse(f"{name} holds {len(members):,} files: that is not a spreadsheet.")
    names = {m.filename for m in members}
    if "xl/workbook.xml" not in names:
        raise refuse(f"{name} is a zip file but not an XLSX workbook (it has no xl/workbook.xml).")
    total = 0
    for member in members:
        total += member.file_size
        if total > MAX_IMPORT_UNCOMPRESSED:
            raise refuse(
                f"{name} would unzip to more than {MAX_IMPORT_UNCOMPRESSED // MB} MB: it is "
                "refused (a spreadsheet of OKRs is far smaller)."
            )
        if member.file_size > MB and member.file_size > MAX_IMPORT_RATIO * max(
            member.compress_size, 1
        ):
            raise refuse(
                f"{name} is compressed {member.file_size // max(member.compress_size, 1):,} to 1 "
                f"in {member.filename}: it is refused as a possible zip bomb."
            )


def _xlsx_errors() -> tuple[type[BaseException], ...]:
    # What a damaged, truncated or hostile workbook raises somewhere inside openpyxl, zipfile or
    # the XML parser: each is the file's fault, said as one message.
    from xml.etree.ElementTree import ParseError

    from defusedxml import DefusedXmlException
    from openpyxl.utils.exceptions import InvalidFileException

    return (
        DefusedXmlException,
        InvalidFileException,
        ParseError,
        zipfile.BadZipFile,
        zlib.error,
        struct.error,
        LookupError,
        ValueError,
        TypeError,
        ArithmeticError,
        AttributeError,
        EOFError,
        OSError,
        # openpyxl raises it for workbook features it does not read (a file we refuse).
        NotImplementedError,
    )


def _hostile(exc: BaseException, name: str) -> ValidationError:
    from defusedxml import DefusedXmlException

    cause: BaseException | None = exc
    seen = 0
    while cause is not None and seen < 10 and not isinstance(cause, DefusedXmlException):
        # openpyxl wraps what the XML parser raised in a ValueError of its own.
        cause, seen = cause.__cause__ or cause.__context__, seen + 1
    if isinstance(cause, DefusedXmlException):
        return refuse(
            f"{name} contains XML entity declarations or external references, which are "
            "refused (they can make a small file expand without bound)."
        )
    return refuse(f"{name} is damaged or truncated: it cannot be read as a workbook.")


class Workbook:
    """An XLSX opened read-only; sheets found by name (case and spacing aside)."""

    def __init__(self, data: Source, name: str):
        from openpyxl import load_workbook

        inspect_xlsx(data, name)
        self.name = name
        try:
            self._book = load_workbook(
                _binary(data), read_only=True, data_only=True, keep_links=False
            )
            self.sheet_names = list(self._book.sheetnames)
        except _xlsx_errors() as exc:
            raise _hostile(exc, name) from None

    def first_sheet(self) -> str:
        if not self.sheet_names:
            raise refuse(f"{self.name} has no sheets: it cannot be read as a workbook.")
        return self.sheet_names[0]

    def find(self, *wanted: str) -> str | None:
        keys = {header_name(n).replace("_", ""): n for n in self.sheet_names}
        for w in wanted:
            found = keys.get(header_name(w).replace("_", ""))
            if found:
                return found
        return None

    def sheet(
        self,
        sheet_name: str,
        *,
        required: Iterable[str],
        known: Iterable[str],
        max_rows: int,
        optional: bool = False,
    ) -> Sheet:
        """The sheet's rows; an ``optional`` sheet left entirely empty has none."""
        label = f"{self.name}, sheet {sheet_name!r}"
        try:
            worksheet = self._book[sheet_name]
            # At most one column past the limit is read from any row (so a row past it is seen):
            # a workbook that declares 16,384 columns is not padded to them.
            values = worksheet.iter_rows(max_col=MAX_IMPORT_COLUMNS + 1, values_only=True)
            header = next(values, None)
        except _xlsx_errors() as exc:
            raise _hostile(exc, self.name) from None
        if not header or not any(v not in (None, "") for v in header):
            if optional and next(values, None) is None:
                return Sheet(name=label, headers=[], rows=iter(()))
            raise refuse(f"{label} is empty: the first row names the columns.")
        headers, warnings = _header(label, list(header), required, known)

        def raw() -> Iterator[tuple[int, list[Any]]]:
            number = 1
            try:
                for row in values:
                    number += 1
                    yield number, list(row)
            except ValidationError:
                raise
            except _xlsx_errors() as exc:
                raise _hostile(exc, self.name) from None

        return Sheet(
            name=label,
            headers=headers,
            rows=_rows(label, headers, raw(), max_rows),
            warnings=warnings,
        )

    def close(self) -> None:
        self._book.close()


def is_xlsx(data: Source, filename: str) -> bool:
    """What the bytes are, and only then what the name says: a zip is read as a workbook; a file
    named .xlsx that is not a zip is refused as one (not read as CSV)."""
    return _head(data, 4).startswith(ZIP_MAGIC) or filename.lower().endswith((".xlsx", ".xlsm"))
