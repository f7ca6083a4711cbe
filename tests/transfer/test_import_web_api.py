"""The import's page (upload, dry-run preview, confirm), its templates, the API and the
tenancy of a kept upload."""

import io

import pytest
from openpyxl import load_workbook

from cadence.audit.models import Event
from cadence.okrs.models import Objective
from cadence.transfer.columns import CHECK_IN_COLUMNS, CHECK_IN_SHEET, OKR_COLUMNS, OKR_SHEET
from cadence.transfer.models import PendingImport
from tests import factories as f
from tests.transfer.conftest import csv_bytes, okr_row

pytestmark = pytest.mark.django_db


def _upload(data: bytes, name: str = "okrs.csv"):
    upload = io.BytesIO(data)
    upload.name = name
    return upload


def test_upload_preview_confirm(client, admin, org, cycle, product, owner):
    client.force_login(admin)
    page = client.get("/import/okrs/")
    assert page.status_code == 200 and b"template.xlsx" in page.content
    data = csv_bytes([okr_row(owner, external_id="O-1")])
    preview = client.post(
        "/import/okrs/", {"action": "preview", "okr_file": _upload(data)}, follow=False
    )
    assert preview.status_code == 200
    assert b"Import 1 objective and 1 key result" in preview.content
    assert not Objective.objects.filter(organization=org).exists()  # a dry run saves nothing
    pending = PendingImport.objects.get(organization=org)
    assert pending.person == admin
    done = client.post("/import/okrs/", {"action": "confirm", "pending": str(pending.pk)})
    assert done.status_code == 302
    assert done["Location"] == f"/units/{product.pk}/?cycle={cycle.pk}"
    assert Objective.objects.get(organization=org).external_id == "O-1"
    assert not PendingImport.objects.exists()
    # Confirming again: the upload is gone.
    again = client.post("/import/okrs/", {"action": "confirm", "pending": str(pending.pk)})
    assert again.status_code == 404


def test_preview_shows_errors_with_row_and_column(client, admin, org, cycle, product):
    client.force_login(admin)
    data = csv_bytes([okr_row(kind="percentage")])
    preview = client.post("/import/okrs/", {"action": "preview", "okr_file": _upload(data)})
    assert preview.status_code == 422
    text = preview.content.decode()
    assert "1 error: nothing can be imported" in text
    assert "<td>2</td><td>kind</td>" in text
    assert not PendingImport.objects.exists()


def test_unreadable_file_is_a_message_on_the_form(client, admin, org, cycle):
    client.force_login(admin)
    preview = client.post(
        "/import/okrs/", {"action": "preview", "okr_file": _upload(b"not a zip", "okrs.xlsx")}
    )
    assert preview.status_code == 422
    assert "is not an XLSX workbook (it is not a zip file)" in preview.content.decode()


def test_members_and_viewers_get_403(client, org, product, owner):
    client.force_login(owner)
    assert client.get("/import/okrs/").status_code == 403
    viewer = f.make_person(org, role="viewer")
    client.force_login(viewer)
    assert client.get("/import/okrs/").status_code == 403


def test_another_persons_upload_cannot_be_confirmed(client, admin, org, cycle, product, lead):
    client.force_login(admin)
    client.post(
        "/import/okrs/",
        {"action": "preview", "okr_file": _upload(csv_bytes([okr_row()]))},
    )
    pending = PendingImport.objects.get()
    client.force_login(lead)
    response = client.post("/import/okrs/", {"action": "confirm", "pending": str(pending.pk)})
    assert response.status_code == 404
    assert not Objective.objects.filter(organization=org).exists()


def test_the_templates_have_the_columns_and_read_back(client, admin):
    client.force_login(admin)
    response = client.get("/import/okrs/template.xlsx")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    assert book.sheetnames == [OKR_SHEET, CHECK_IN_SHEET, "Columns"]
    header = next(book[OKR_SHEET].iter_rows(values_only=True))
    assert tuple(header) == OKR_COLUMNS
    header = next(book[CHECK_IN_SHEET].iter_rows(values_only=True))
    assert tuple(header) == CHECK_IN_COLUMNS
    assert len(list(book[OKR_SHEET].iter_rows())) == 5
    csv_text = client.get("/import/okrs/template.csv").content.decode()
    assert csv_text.splitlines()[0] == ",".join(OKR_COLUMNS)
    check_ins = client.get("/import/okrs/check-ins-template.csv").content.decode()
    assert check_ins.splitlines()[0] == ",".join(CHECK_IN_COLUMNS)


# The API -------------------------------------------------------------------------------------


@pytest.fixture
def token(admin):
    from cadence.orgs import services as org_services

    return org_services.api_token_create(person=admin, name="import")[1]


def test_api_dry_run_then_import(client, admin, org, cycle, product, owner, token):
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    data = csv_bytes([okr_row(owner, external_id="O-1")])
    dry = client.post("/api/v1/imports/okrs?dry_run=true", {"file": _upload(data)}, **auth)
    assert dry.status_code == 200, dry.content
    body = dry.json()
    assert body["dry_run"] is True and body["imported"] is False
    assert body["counts"]["objectives_created"] == 1
    assert not Objective.objects.filter(organization=org).exists()
    done = client.post("/api/v1/imports/okrs?dry_run=false", {"file": _upload(data)}, **auth)
    assert done.status_code == 200 and done.json()["imported"] is True
    assert Objective.objects.filter(organization=org).count() == 1
    again = client.post("/api/v1/imports/okrs?dry_run=false", {"file": _upload(data)}, **auth)
    assert again.json()["imported"] is False
    assert again.json()["counts"]["objectives_unchanged"] == 1
    assert Event.objects.filter(organization=org, kind="okrs.imported").count() == 1


def test_api_row_errors_are_422_and_nothing_is_saved(client, org, cycle, product, token):
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    data = csv_bytes([okr_row(), okr_row(objective="Win the mid-market", weight="500")])
    response = client.post("/api/v1/imports/okrs?dry_run=false", {"file": _upload(data)}, **auth)
    assert response.status_code == 422
    body = response.json()
    assert body["rows"] == [
        {
            "sheet": "OKRs",
            "row": 3,
            "column": "weight",
            "message": "Give a weight between 0.01 and 100.",
        }
    ]
    assert not Objective.objects.filter(organization=org).exists()


def test_api_hostile_file_is_422(client, token):
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    response = client.post(
        "/api/v1/imports/okrs", {"file": _upload(b"PK\x03\x04broken", "x.xlsx")}, **auth
    )
    assert response.status_code == 422
    assert "damaged or truncated" in response.json()["errors"]["file"][0]


def test_api_needs_credentials_and_an_importer(client, org, owner):
    response = client.post("/api/v1/imports/okrs", {"file": _upload(b"cycle\n")})
    assert response.status_code == 401
    from cadence.orgs import services as org_services

    member_token = org_services.api_token_create(person=owner, name="member")[1]
    response = client.post(
        "/api/v1/imports/okrs",
        {"file": _upload(csv_bytes([okr_row()]))},
        HTTP_AUTHORIZATION=f"Bearer {member_token}",
    )
    assert response.status_code == 403


def test_settings_and_cycles_link_to_the_import(client, admin, org, cycle):
    client.force_login(admin)
    assert b'href="/import/okrs/"' in client.get("/settings/").content
    assert b'href="/import/okrs/"' in client.get("/cycles/").content


def test_a_file_full_of_errors_lists_the_first_500(client, admin, org, cycle, product):
    client.force_login(admin)
    rows = [okr_row(objective=f"Objective number {i}", kind="bad") for i in range(501)]
    preview = client.post(
        "/import/okrs/", {"action": "preview", "okr_file": _upload(csv_bytes(rows))}
    )
    text = preview.content.decode()
    assert preview.status_code == 422
    assert "501 errors: nothing can be imported" in text
    assert "And 1 more: the first 500 are listed." in text
    assert text.count("is not one of: metric, milestone, threshold.") == 500


def test_a_file_that_changes_nothing_offers_no_import(client, admin, org, cycle, product):
    client.force_login(admin)
    data = csv_bytes([{**okr_row(), "colour": "blue"}], columns=(*OKR_COLUMNS, "colour"))
    for _ in range(2):
        preview = client.post("/import/okrs/", {"action": "preview", "okr_file": _upload(data)})
        pending = PendingImport.objects.filter(organization=org).first()
        if pending is not None:
            client.post("/import/okrs/", {"action": "confirm", "pending": str(pending.pk)})
    text = preview.content.decode()
    assert preview.status_code == 200
    assert "The file changes nothing: everything in it is already in Cadence." in text
    assert "okrs.csv: this column is not read: colour." in text
    assert 'name="pending"' not in text
    assert not PendingImport.objects.exists()
