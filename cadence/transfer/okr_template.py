"""The OKR import's downloadable template: the columns the import reads, with example rows, as
an XLSX workbook (the OKRs and Check-ins sheets, and a sheet that explains each column) or as
CSV files. Pure: bytes out, no database."""

from __future__ import annotations

import csv
import io

from cadence.transfer.columns import CHECK_IN_COLUMNS, CHECK_IN_SHEET, OKR_COLUMNS, OKR_SHEET

EXAMPLE_OKRS = (
    {
        "cycle": "Q1 2027",
        "unit": "",
        "external_id": "CO-1",
        "objective": "Become the easiest tool for teams to start with",
        "commitment": "committed",
        "why": "Teams that get going in their first week stay.",
        "objective_owner_email": "ceo@example.com",
        "key_result_external_id": "CO-1-KR1",
        "key_result": "Raise week-one activation from 40% to 60%",
        "kind": "metric",
        "start": 40,
        "target": 60,
        "unit_of_measure": "%",
        "weight": 1,
        "owner_email": "ceo@example.com",
    },
    {
        "cycle": "Q1 2027",
        "unit": "Product & Engineering/Product",
        "external_id": "PR-1",
        "objective": "Make onboarding delightful for new teams",
        "commitment": "aspirational",
        "why": "New teams decide in their first hour.",
        "parent": "CO-1",
        "objective_owner_email": "product.lead@example.com",
        "key_result_external_id": "PR-1-KR1",
        "key_result": "Cut the time to a team's first objective from 9 to 3 days",
        "kind": "metric",
        "start": 9,
        "target": 3,
        "unit_of_measure": "days",
        "weight": 2,
        "owner_email": "product.lead@example.com",
        "current": 7,
    },
    {
        "cycle": "Q1 2027",
        "unit": "Product & Engineering/Product",
        "external_id": "PR-1",
        "objective": "Make onboarding delightful for new teams",
        "key_result_external_id": "PR-1-KR2",
        "key_result": "Keep support tickets from new teams at most 20 a week",
        "kind": "threshold",
        "target": 20,
        "unit_of_measure": "tickets",
        "direction": "at_most",
        "weight": 1,
        "owner_email": "product.lead@example.com",
    },
    {
        "cycle": "Q1 2027",
        "unit": "Product & Engineering/Product",
        "external_id": "PR-1",
        "objective": "Make onboarding delightful for new teams",
        "key_result_external_id": "PR-1-KR3",
        "key_result": "Ship the guided setup to every new organization",
        "kind": "milestone",
        "weight": 1,
        "owner_email": "product.lead@example.com",
    },
)

EXAMPLE_CHECK_INS = (
    {
        "key_result_external_id": "PR-1-KR1",
        "date": "2027-01-15",
        "value": 8,
        "confidence": "on_track",
        "note": "The new checklist helps.",
    },
    {
        "cycle": "Q1 2027",
        "unit": "Product & Engineering/Product",
        "objective": "Make onboarding delightful for new teams",
        "key_result": "Cut the time to a team's first objective from 9 to 3 days",
        "date": "2027-01-29",
        "value": 7,
        "confidence": "at_risk",
        "note": "Named by titles instead of the external id.",
    },
)

COLUMN_HELP = {
    "cycle": "Required. The cycle's name, as in Cadence (create the cycle first).",
    "unit": "The unit's path below the company (Product & Engineering/Product) or its name "
    "when no other unit has it. Empty for a company objective.",
    "external_id": "Optional. The objective's id in your own records: a re-import matches on it "
    "first (else on cycle + unit + title).",
    "objective": "Required. The objective's title. Repeat the objective's columns on each of its "
    "key results' rows.",
    "commitment": "committed or aspirational (committed when empty).",
    "why": "Why the objective matters.",
    "parent": "The objective it aligns to: its external_id, or its title in the same cycle.",
    "objective_owner_email": "The objective's owner, by email.",
    "key_result_external_id": "Optional. The key result's id in your own records.",
    "key_result": "The key result's title (empty for an objective without key results).",
    "kind": "metric, threshold or milestone (metric when empty).",
    "start": "The start value (metrics).",
    "target": "The target value (metrics), or the bound to hold (thresholds).",
    "unit_of_measure": "%, $, days, tickets…",
    "direction": "at_least or at_most (thresholds; at_least when empty).",
    "weight": "The key result's weight in its objective (1 when empty).",
    "owner_email": "The key result's owner, by email.",
    "current": "Optional. The value now: recorded as a check-in today when it differs.",
}
CHECK_IN_HELP = {
    "key_result_external_id": "The key result's external id, or else:",
    "cycle": "the cycle, unit, objective and key result titles that name it.",
    "date": "Required. YYYY-MM-DD, not in the future.",
    "value": "Required. The value measured (1 or 0 for a milestone).",
    "confidence": "on_track, at_risk or off_track (on_track when empty).",
    "note": "Optional.",
}


def template_xlsx() -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    okrs = book.active
    okrs.title = OKR_SHEET
    for title, sheet_columns, examples in (
        (OKR_SHEET, OKR_COLUMNS, EXAMPLE_OKRS),
        (CHECK_IN_SHEET, CHECK_IN_COLUMNS, EXAMPLE_CHECK_INS),
    ):
        sheet = okrs if title == OKR_SHEET else book.create_sheet(CHECK_IN_SHEET)
        sheet.append(list(sheet_columns))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for example in examples:
            sheet.append([example.get(c, None) for c in sheet_columns])
        sheet.freeze_panes = "A2"
    help_sheet = book.create_sheet("Columns")
    help_sheet.append(["sheet", "column", "what it holds"])
    for cell in help_sheet[1]:
        cell.font = Font(bold=True)
    for column in OKR_COLUMNS:
        help_sheet.append([OKR_SHEET, column, COLUMN_HELP[column]])
    for column, text in CHECK_IN_HELP.items():
        help_sheet.append([CHECK_IN_SHEET, column, text])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _csv(columns, examples) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for example in examples:
        writer.writerow(["" if example.get(c) is None else example.get(c) for c in columns])
    return out.getvalue().encode("utf-8")


def template_okrs_csv() -> bytes:
    return _csv(OKR_COLUMNS, EXAMPLE_OKRS)


def template_check_ins_csv() -> bytes:
    return _csv(CHECK_IN_COLUMNS, EXAMPLE_CHECK_INS)
