"""GET /api/v1/cycles/{cycle_id}/export/{what}: the files, their filters, errors and document."""

import csv
import io

import pytest
from openpyxl import load_workbook

from cadence.api.urls import api
from cadence.transfer.columns import CHECK_IN_COLUMNS, OKR_COLUMNS, OKR_COMPUTED_COLUMNS
from tests import factories as f
from tests.api.conftest import Api
from tests.transfer.conftest import EVIL


@pytest.fixture
def reader(world):
    return Api(f.make_person(world["org"], role="viewer", name="Vic Viewer"))


def _path(world, what, query=""):
    return f"/cycles/{world['cycle'].pk}/export/{what}{query}"


def test_okrs_csv_by_default(reader, world):
    response = reader.get(_path(world, "okrs"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="q4-2026-okrs.csv"'
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
    assert rows[0] == [*OKR_COLUMNS, *OKR_COMPUTED_COLUMNS]
    assert rows[3][3] == "'" + EVIL


def test_check_ins_xlsx_of_a_unit(reader, world):
    response = reader.get(_path(world, "check-ins", f"?format=xlsx&unit_id={world['web'].pk}"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="q4-2026-web-check-ins.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content))["Check-ins"]
    values = list(sheet.iter_rows(values_only=True))
    assert values[0] == CHECK_IN_COLUMNS
    assert values[1][4] == "Reach 100 signups in Zürich" and values[1][8] == "'-slow start"
    assert (
        reader.get(
            _path(world, "check-ins", f"?format=csv&unit_id={world['sales'].pk}")
        ).content.decode("utf-8-sig")
        == ",".join(CHECK_IN_COLUMNS) + "\r\n"
    )


@pytest.mark.parametrize("what", ["okrs", "check-ins", "weekly", "scores", "learnings"])
def test_every_export(reader, world, what):
    response = reader.get(_path(world, what, "?format=xlsx"))
    assert response.status_code == 200
    assert load_workbook(io.BytesIO(response.content)).sheetnames


def test_bad_input(reader, world):
    assert reader.get(_path(world, "secrets")).status_code == 422
    assert reader.get(_path(world, "okrs", "?format=pdf")).status_code == 422
    assert reader.get(_path(world, "okrs", "?unit_id=nonsense")).status_code == 404


def test_another_organizations_cycle_or_unit_is_404(reader, world, outsider):
    theirs = f.make_cycle(outsider, name="Their cycle")
    their_unit = f.make_unit(outsider.organization, "Their team")
    response = reader.get(f"/cycles/{theirs.pk}/export/okrs")
    assert response.status_code == 404 and "Their" not in response.content.decode()
    response = reader.get(_path(world, "okrs", f"?unit_id={their_unit.pk}"))
    assert response.status_code == 404
    outsider_api = Api(outsider)
    response = outsider_api.get(_path(world, "okrs"))
    assert response.status_code == 404 and "Zürich" not in response.content.decode()


def test_without_credentials_401(world):
    assert Api().get(_path(world, "okrs")).status_code == 401


def test_the_document_says_it_answers_a_file():
    document = api.get_openapi_schema(path_prefix="")
    operation = document["paths"]["/cycles/{cycle_id}/export/{what}"]["get"]
    assert operation["tags"] == ["exports"]
    content = operation["responses"][200]["content"]
    assert set(content) == {
        "text/csv",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
    assert all(c["schema"] == {"type": "string", "format": "binary"} for c in content.values())
    params = {p["name"]: p["schema"] for p in operation["parameters"]}
    assert params["what"]["enum"] == ["okrs", "check-ins", "weekly", "scores", "learnings"]
    assert params["format"]["enum"] == ["csv", "xlsx"]
