"""The export downloads on the web: files, filters, 404s, and the links on the pages."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from cadence.transfer.columns import OKR_COLUMNS, OKR_COMPUTED_COLUMNS
from tests import factories as f
from tests.transfer.conftest import EVIL


def _url(world, filename, unit=None):
    url = reverse("export", args=[world["cycle"].pk, filename])
    return f"{url}?unit={unit.pk}" if unit else url


@pytest.fixture
def reader(client, world):
    """A viewer: everyone in the organization reads every export, as every page."""
    viewer = f.make_person(world["org"], role="viewer", name="Vic Viewer")
    client.force_login(viewer)
    return client


def _csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content if response.streaming else [response.content])
    assert text.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(text.decode("utf-8-sig"), newline="")))


def test_okrs_csv_downloads_with_a_safe_name_and_neutralised_cells(reader, world):
    response = reader.get(_url(world, "okrs.csv"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="q4-2026-okrs.csv"'
    rows = _csv(response)
    assert rows[0] == [*OKR_COLUMNS, *OKR_COMPUTED_COLUMNS]
    assert [r[3] for r in rows[1:]] == ["Grow revenue", "Café — Zürich launch", "'" + EVIL]


def test_okrs_xlsx_of_a_unit(reader, world):
    response = reader.get(_url(world, "okrs.xlsx", world["sales"]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="q4-2026-sales-okrs.xlsx"'
    book = load_workbook(io.BytesIO(response.content))
    rows = list(book["OKRs"].iter_rows())
    assert [c.value for c in rows[1]][3] == "'" + EVIL
    assert all(c.data_type != "f" for row in rows for c in row)


@pytest.mark.parametrize("what", ["okrs", "check-ins", "weekly", "scores", "learnings"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_every_export_downloads(reader, world, what, fmt):
    response = reader.get(_url(world, f"{what}.{fmt}", world["product"]))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'-product-{what}.{fmt}"')


def test_weekly_csv_holds_the_items(reader, world):
    rows = _csv(reader.get(_url(world, "weekly.csv", world["sales"])))
    assert [r[5] for r in rows[1:]] == ["Call Zoë"]


@pytest.mark.parametrize(
    "filename", ["okrs.pdf", "secrets.csv", "okrs", "okrs.csv.csv", ".csv", "OKRS.CSV"]
)
def test_an_unknown_export_is_404(reader, world, filename):
    assert reader.get(_url(world, filename)).status_code == 404


def test_a_foreign_or_missing_cycle_or_unit_is_404(reader, world, outsider):
    other_cycle = f.make_cycle(outsider, name="Their cycle")
    other_unit = f.make_unit(outsider.organization, "Their team")
    assert reader.get(reverse("export", args=[other_cycle.pk, "okrs.csv"])).status_code == 404
    assert reader.get(_url(world, "okrs.csv", other_unit)).status_code == 404
    assert reader.get(_url(world, "okrs.csv") + "?unit=not-a-uuid").status_code == 404
    response = reader.get(_url(world, "okrs.csv") + f"?unit={other_cycle.pk}")
    assert response.status_code == 404


def test_only_get(reader, world):
    assert reader.post(_url(world, "okrs.csv")).status_code == 405


def test_signed_out_is_sent_to_sign_in(client, world):
    response = client.get(_url(world, "okrs.csv"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_pages_link_to_their_exports(reader, world):
    cycle = world["cycle"]
    pages = {
        reverse("cycle_tree", args=[cycle.pk]): ["okrs.csv", "okrs.xlsx", "check-ins.csv"],
        reverse("cycle_results", args=[cycle.pk]): ["scores.csv", "scores.xlsx"],
        reverse("company_review", args=[cycle.pk]): ["learnings.csv", "scores.xlsx"],
        reverse("unit_detail", args=[world["web"].pk]) + f"?cycle={cycle.pk}": [
            f"okrs.csv?unit={world['web'].pk}"
        ],
        reverse("team_report", args=[world["web"].pk]) + "?week=2026-W48": [
            f"weekly.xlsx?unit={world['web'].pk}"
        ],
        reverse("team_retrospective", args=[cycle.pk, world["web"].pk]): [
            f"learnings.csv?unit={world['web'].pk}"
        ],
        reverse("learnings") + f"?learned_in={cycle.pk}&unit={world['product'].pk}": [
            f"learnings.xlsx?unit={world['product'].pk}"
        ],
    }
    for page, files in pages.items():
        body = reader.get(page).content.decode()
        for name in files:
            link = reverse("export", args=[cycle.pk, name.split("?")[0]])
            if "?" in name:
                link += "?" + name.split("?")[1]
            assert f'href="{link}"' in body, (page, link)
    for page in (
        reverse("cycle_tree", args=[cycle.pk]),
        reverse("cycle_results", args=[cycle.pk]),
    ):
        assert "?unit=" not in reader.get(page).content.decode().split("Download")[1][:400]
    assert "/export/" not in reader.get(reverse("learnings")).content.decode()
