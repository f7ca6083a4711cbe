"""An OKR export read back by the import gives the same OKRs: re-imported into the organization it
came from it changes nothing (CSV and XLSX, with its check-ins sheet); copied into another cycle
it creates the same objectives and key results, whose own export matches the first one's."""

import csv
import io
from datetime import date

import pytest

from cadence.okrs.models import CheckIn, KeyResult, Objective
from cadence.transfer.columns import OKR_COLUMNS
from cadence.transfer.exports import export_file
from cadence.transfer.okr_import import ImportFiles
from cadence.transfer.services import okr_import_apply, okr_import_dry_run
from cadence.transfer.sheets_out import restore, write_csv
from tests import factories as f
from tests.transfer.conftest import EVIL

pytestmark = pytest.mark.django_db


def _rows(content: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def _counts() -> tuple[int, int, int]:
    return Objective.objects.count(), KeyResult.objects.count(), CheckIn.objects.count()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_imported_back_changes_nothing(world, fmt):
    org, admin, cycle = world["org"], world["admin"], world["cycle"]
    out = export_file(org, cycle, "okrs", fmt, viewer=f.ALL)
    before = _counts()
    plan = okr_import_dry_run(
        actor=admin,
        organization=org,
        files=ImportFiles(okr_name=out.filename, okr_data=out.content),
    )
    assert not plan.errors, [e.as_line() for e in plan.errors]
    counts = plan.counts()
    assert counts["objectives_unchanged"] == 3 and counts["key_results_unchanged"] == 2
    assert not plan.changes_anything, counts
    okr_import_apply(actor=admin, organization=org, plan=plan)
    assert _counts() == before


def test_an_export_copied_into_another_cycle_gives_the_same_okrs(world):
    org, admin, cycle = world["org"], world["admin"], world["cycle"]
    first = _rows(export_file(org, cycle, "okrs", "csv", viewer=f.ALL).content)
    assert EVIL in {row["objective"].lstrip("'") for row in first}
    next_cycle = f.make_cycle(admin, name="Q1 2027", start=date(2027, 1, 1), end=date(2027, 3, 31))

    # The same rows for the new cycle, as a spreadsheet holds them (the export's guard against
    # formulas taken off): new objectives (no external ids, no current values).
    copied = [
        {
            **{column: restore(value) for column, value in row.items()},
            "cycle": next_cycle.name,
            "external_id": "",
            "key_result_external_id": "",
            "current": "",
        }
        for row in first
    ]
    data = write_csv(list(OKR_COLUMNS), [[row[c] for c in OKR_COLUMNS] for row in copied])
    plan = okr_import_dry_run(
        actor=admin, organization=org, files=ImportFiles(okr_name="copy.csv", okr_data=data)
    )
    assert not plan.errors, [e.as_line() for e in plan.errors]
    okr_import_apply(actor=admin, organization=org, plan=plan)

    # The new cycle's export holds the same OKRs: every column the import reads, but the cycle
    # and what was left out on purpose. The formula-like title arrives as typed, not guarded twice.
    second = _rows(export_file(org, next_cycle, "okrs", "csv", viewer=f.ALL).content)
    same = [c for c in OKR_COLUMNS if c not in ("cycle", "external_id", "key_result_external_id")]

    def okrs(rows):
        return sorted(tuple(row[c] for c in same if c != "current") for row in rows)

    assert okrs(second) == okrs(first)
    titles = set(Objective.objects.filter(cycle=next_cycle).values_list("title", flat=True))
    assert titles == {"Grow revenue", "Café — Zürich launch", EVIL}
    launch = Objective.objects.get(cycle=next_cycle, title="Café — Zürich launch")
    assert launch.parent.title == "Grow revenue" and launch.parent.cycle == next_cycle
