"""Pure: the people an admin pastes or uploads to invite, read into rows with each row's own
errors, before anything is looked up or saved. (Whether an address is already someone's, or
a team exists, is the database's question: ``accounts.selectors.invitation_rows_check``.)

A CSV file has the header ``email,name,team,role`` (any order; only ``email`` is required),
then one person per line. Pasted text is addresses separated by commas, semicolons, spaces or
new lines, each optionally with a name: ``Ada Lovelace <ada@example.com>``.

A file or text that cannot be read at all (not UTF-8, binary, too big, too many rows, no
header) is refused as a whole with ``RowsRefused``; a row that is wrong carries its errors.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, replace

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from cadence.core.limits import MAX_EMAIL, MAX_NAME

MAX_FILE_BYTES = 1_000_000
MAX_ROWS = 2000
COLUMNS = ("email", "name", "team", "role")
ROLES = ("admin", "member", "viewer")
HEADER_TEXT = ",".join(COLUMNS)


class RowsRefused(ValueError):
    """The whole file or text cannot be read; the message says why, for a person."""


@dataclass(frozen=True)
class Row:
    """One person to invite: the line it came from, what it says, and what is wrong with it.
    ``unit_id`` is the team found by name (filled in by the selector that checks rows)."""

    line: int
    email: str
    name: str = ""
    team: str = ""
    role: str = "member"
    errors: tuple[str, ...] = ()
    unit_id: object = None

    @property
    def ok(self) -> bool:
        return not self.errors

    def refused(self, message: str) -> Row:
        return replace(self, errors=(*self.errors, message))


def decode(data: bytes) -> str:
    """The text of an uploaded file: UTF-8 (a byte-order mark is fine), at most
    ``MAX_FILE_BYTES``, and text rather than a binary file."""
    if len(data) > MAX_FILE_BYTES:
        raise RowsRefused(
            f"The file is larger than {MAX_FILE_BYTES // 1_000_000} MB. "
            f"Split it into files of at most {MAX_ROWS} people."
        )
    if b"\x00" in data:
        raise RowsRefused("This is not a CSV text file. Save the spreadsheet as CSV (UTF-8).")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RowsRefused(
            "This file is not UTF-8 text. Save the spreadsheet as “CSV UTF-8” and upload it again."
        ) from exc


def _check(row: Row) -> Row:
    errors = []
    if not row.email:
        errors.append("The email address is missing.")
    elif len(row.email) > MAX_EMAIL:
        errors.append(f"The email address is longer than {MAX_EMAIL} characters.")
    else:
        try:
            validate_email(row.email)
        except ValidationError:
            errors.append(f"{row.email!r} is not a valid email address.")
    if len(row.name) > MAX_NAME:
        errors.append(f"The name is longer than {MAX_NAME} characters.")
    if len(row.team) > MAX_NAME:
        errors.append(f"The team's name is longer than {MAX_NAME} characters.")
    if row.role not in ROLES:
        errors.append(f"The role {row.role!r} is not one of admin, member or viewer.")
    return replace(row, errors=(*row.errors, *errors))


def _spaces(text: str) -> str:
    return " ".join(text.split())


def _mark_repeats(rows: list[Row]) -> list[Row]:
    first_line: dict[str, int] = {}
    out = []
    for row in rows:
        if row.email and row.email in first_line:
            row = row.refused(f"This address is listed already, on line {first_line[row.email]}.")
        elif row.email:
            first_line[row.email] = row.line
        out.append(row)
    return out


def _refuse_nul(text: str) -> None:
    if "\x00" in text:
        raise RowsRefused("The text contains NUL characters; paste plain text.")


def parse_csv(text: str) -> list[Row]:
    """Rows of a CSV text with the header ``email,name,team,role``. Blank lines are skipped."""
    _refuse_nul(text)
    # strict: an unclosed quote is an error, not the rest of the file read as one cell.
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""), strict=True)
    header: list[str] | None = None
    rows: list[Row] = []
    try:
        for record in reader:
            if not any(cell.strip() for cell in record):
                continue
            if header is None:
                header = [cell.strip().lower() for cell in record]
                unknown = [c for c in header if c not in COLUMNS]
                if "email" not in header or unknown or len(set(header)) != len(header):
                    raise RowsRefused(
                        f"The first line must be the header {HEADER_TEXT} "
                        f"(only email is required), not {','.join(record)[:200]!r}."
                    )
                continue
            if len(rows) >= MAX_ROWS:
                raise RowsRefused(
                    f"The file lists more than {MAX_ROWS} people. Split it into smaller files."
                )
            values = dict(zip(header, record, strict=False))
            extra = len(record) > len(header)
            row = Row(
                line=reader.line_num,
                email=values.get("email", "").strip().lower(),
                name=_spaces(values.get("name", "")),
                team=_spaces(values.get("team", "")),
                role=values.get("role", "").strip().lower() or "member",
            )
            if extra:
                row = row.refused(
                    f"The line has more than the {len(header)} columns of the header."
                )
            rows.append(_check(row))
    except csv.Error as exc:
        raise RowsRefused(f"Line {reader.line_num} cannot be read as CSV: {exc}.") from exc
    if header is None:
        raise RowsRefused(f"The file is empty. Its first line must be the header {HEADER_TEXT}.")
    return _mark_repeats(rows)


_SEPARATORS = re.compile(r"[,;\n\r\t]+")
_NAMED = re.compile(r"^(?P<name>.*)<(?P<email>[^<>]*)>$")


def _addresses(text: str):
    """(name, address) pairs of pasted text: ``Ada <ada@x.com>``, or addresses separated by
    commas, semicolons, tabs, new lines or spaces; a piece without @ is kept (as a bad row)."""
    for chunk in _SEPARATORS.split(text):
        chunk = chunk.strip()
        if not chunk:
            continue
        named = _NAMED.match(chunk)
        if named:
            yield named["name"].strip().strip('"'), named["email"]
            continue
        words = chunk.split()
        if any("@" in w for w in words):
            for word in words:
                yield "", word
        else:
            yield "", chunk


def parse_pasted(text: str, *, role: str = "member", team: str = "") -> list[Row]:
    """Rows of pasted addresses (``a@x.com, Ada <ada@x.com>``), each with the role and team
    chosen on the form."""
    _refuse_nul(text)
    if len(text.encode("utf-8", "surrogatepass")) > MAX_FILE_BYTES:
        raise RowsRefused(f"Paste at most {MAX_ROWS} addresses at a time.")
    rows: list[Row] = []
    for name, address in _addresses(text):
        if len(rows) >= MAX_ROWS:
            raise RowsRefused(f"Paste at most {MAX_ROWS} addresses at a time.")
        row = Row(
            line=len(rows) + 1,
            email=address.strip().lower(),
            name=_spaces(name),
            team=_spaces(team),
            role=role,
        )
        rows.append(_check(row))
    if not rows:
        raise RowsRefused("Paste at least one email address.")
    return _mark_repeats(rows)


def to_csv(rows: list[Row]) -> str:
    """The rows as a CSV text with the header (what the confirmation sends back)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([row.email, row.name, row.team, row.role])
    return out.getvalue()
