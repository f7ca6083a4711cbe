"""Importing OKRs in a real browser: an admin opens Settings → Import OKRs, uploads a file with
an error and sees it at its row and column, uploads the corrected workbook, checks the dry run's
preview (nothing saved yet), confirms, and sees the objectives on the cycle's tree. axe-core
checks each page."""

import io
import re
from datetime import date

import pytest
from openpyxl import Workbook

from cadence.okrs.models import CheckIn, Objective
from cadence.orgs.models import Unit
from cadence.transfer.columns import CHECK_IN_COLUMNS, CHECK_IN_SHEET, OKR_COLUMNS, OKR_SHEET
from tests import factories as f
from tests.e2e.test_accessibility import Audit, _context

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _workbook(target: int) -> bytes:
    book = Workbook()
    okrs = book.active
    okrs.title = OKR_SHEET
    okrs.append(list(OKR_COLUMNS))
    common = {
        "cycle": "Q4 2026",
        "unit": "Product & Engineering/Product",
        "external_id": "PR-1",
        "objective": "Make onboarding delightful for new teams",
        "why": "New teams churn in their first month.",
    }
    for row in (
        {
            **common,
            "key_result_external_id": "PR-1-KR1",
            "key_result": "Raise week-one activation from 40% to 60%",
            "start": 40,
            "target": target,
            "unit_of_measure": "%",
        },
        {
            **common,
            "key_result_external_id": "PR-1-KR2",
            "key_result": "Ship the guided setup to every new organization",
            "kind": "milestone",
        },
    ):
        okrs.append([row.get(c) for c in OKR_COLUMNS])
    check_ins = book.create_sheet(CHECK_IN_SHEET)
    check_ins.append(list(CHECK_IN_COLUMNS))
    check_ins.append(
        [
            {"key_result_external_id": "PR-1-KR1", "date": "2026-11-02", "value": 45}.get(c)
            for c in CHECK_IN_COLUMNS
        ]
    )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_upload_preview_confirm_and_see_the_objectives(browser, live_server, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    org, admin = f.make_org("Browser")
    engineering = f.make_unit(org, "Product & Engineering", kind=Unit.Kind.DEPARTMENT)
    product = f.make_unit(org, "Product", parent=engineering)
    cycle = f.make_cycle(admin, name="Q4 2026", start=date(2026, 10, 1), end=date(2026, 12, 31))
    base = live_server.url
    audit = Audit()

    context = _context(browser)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{base}/login/")
    page.get_by_label("Email").fill(admin.email)
    page.get_by_label("Password").fill(f.PASSWORD)
    page.get_by_role("button", name=re.compile("log in", re.I)).click()
    page.wait_for_url(f"{base}/")

    page.goto(f"{base}/settings/")
    page.get_by_role("link", name="Import OKRs").click()
    page.wait_for_url(f"{base}/import/okrs/")
    audit.check(page, "import page")

    # A target equal to the start: refused at its row and column, nothing saved.
    page.get_by_label("OKRs (XLSX or CSV)").set_input_files(
        files=[{"name": "okrs.xlsx", "mimeType": XLSX, "buffer": _workbook(target=40)}]
    )
    page.get_by_role("button", name="Preview the import").click()
    page.get_by_text("1 error: nothing can be imported").wait_for()
    row = page.locator("table.import-errors tbody tr")
    assert row.inner_text().split("\t") == [
        "OKRs",
        "2",
        "target",
        "The target must differ from the start value.",
    ]
    audit.check(page, "import preview with errors")
    assert not Objective.objects.filter(organization=org).exists()

    page.get_by_role("link", name="Upload again").click()
    page.get_by_label("OKRs (XLSX or CSV)").set_input_files(
        files=[{"name": "okrs.xlsx", "mimeType": XLSX, "buffer": _workbook(target=60)}]
    )
    page.get_by_role("button", name="Preview the import").click()
    confirm = page.get_by_role("button", name="Import 1 objective and 2 key results")
    confirm.wait_for()
    assert page.locator("[data-count=objectives-created]").inner_text() == "1"
    assert page.locator("[data-count=key-results-created]").inner_text() == "2"
    audit.check(page, "import preview")
    assert not Objective.objects.filter(organization=org).exists()  # the dry run saved nothing

    confirm.click()
    page.wait_for_url(f"{base}/units/{product.pk}/?cycle={cycle.pk}")
    page.get_by_text("Imported: 1 objectives created").wait_for()
    page.get_by_text("Make onboarding delightful for new teams").first.wait_for()
    audit.check(page, "the unit after the import")
    objective = Objective.objects.get(organization=org, external_id="PR-1")
    assert objective.key_results.count() == 2
    assert CheckIn.objects.get(key_result__external_id="PR-1-KR1").value == 45
    assert not audit.found, audit.report()
