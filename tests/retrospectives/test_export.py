"""The company-wide review exported as a self-contained HTML file and as a PDF."""

import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from cadence.retrospectives import exports
from cadence.retrospectives import selectors as retro_selectors
from cadence.retrospectives import services as retro_services
from tests import factories as f
from tests.retrospectives.retro_world import approved, build, retro_kwargs


@pytest.fixture
def world(org, admin, cycle):
    department = f.make_unit(org, "Growth dept", kind="department")
    web = f.make_unit(org, "Web squad", parent=department)
    ops = f.make_unit(org, "Ops crew")
    build(org, admin, cycle, web)
    approved(admin, cycle, ops, "Quiet nights", progress=40)
    retro_services.retrospective_save(
        actor=admin,
        cycle=cycle,
        unit=web,
        **retro_kwargs(overview="We shipped — mostly “on time”…"),
    )
    retro_services.company_review_save(
        actor=admin,
        cycle=cycle,
        answers={},
        notes="",
        summary="Closing words of the quarter",
        ideas=["Double retention"],
    )
    return {"web": web, "ops": ops}


def test_html_export_is_one_self_contained_file(client, admin, cycle, world):
    client.force_login(admin)
    response = client.get(reverse("company_review", args=[cycle.id]) + "?format=html")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert response["Content-Disposition"] == ('attachment; filename="company-review-q4-2026.html"')
    html = response.content.decode()
    assert "<style>" in html
    assert not re.search(r"<script\b", html, re.I)
    assert not re.search(r"<link\b", html, re.I)
    assert not re.search(r"""(src|href)\s*=""", html, re.I)
    assert "@import" not in html and "url(" not in html
    for text in ("Web squad", "Ops crew", "Growth dept", "Closing words of the quarter"):
        assert text in html, text
    assert "Customers stay with us" in html and "Partial progress" in html


def test_pdf_export_parses_and_holds_the_teams(client, admin, cycle, world):
    client.force_login(admin)
    response = client.get(reverse("company_review_pdf", args=[cycle.id]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="company-review-q4-2026.pdf"' in response["Content-Disposition"]
    assert response.content.startswith(b"%PDF")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    for expected in (
        "Company-wide review - Q4 2026",
        "Web squad",
        "Ops crew",
        "Growth dept",
        "Customers stay with us",
        "Closing words of the quarter",
        "Double retention",
        'We shipped - mostly "on time"...',  # typographic punctuation in plain Latin-1
    ):
        assert expected in text, expected


def test_pdf_without_compression_shows_team_names_in_the_stream(org, cycle, world):
    raw = exports.company_review_pdf(
        retro_selectors.company_review(org, cycle, viewer=f.ALL), compress=False
    )
    assert raw.startswith(b"%PDF") and b"Web squad" in raw and b"Ops crew" in raw


def test_pdf_never_fails_on_characters_outside_latin1(org, admin, cycle, world):
    retro_services.company_review_save(
        actor=admin, cycle=cycle, answers={}, notes="目标 ✓ 🚀", summary="Ünïcödé ok", ideas=[]
    )
    raw = exports.company_review_pdf(
        retro_selectors.company_review(org, cycle, viewer=f.ALL), compress=False
    )
    assert b"?? ? ?" in raw
    assert "Ünïcödé ok".encode("latin-1") in raw


def test_exports_are_404_for_another_organization(client, outsider, cycle, world):
    client.force_login(outsider)
    assert client.get(reverse("company_review_pdf", args=[cycle.id])).status_code == 404
    url = reverse("company_review", args=[cycle.id]) + "?format=html"
    assert client.get(url).status_code == 404


def test_print_stylesheet_hides_navigation_and_forms():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    css = (root / "cadence/static/cadence/app.css").read_text()
    block = css[css.index("/* --- Print: company-wide review") :]
    assert "@media print" in block
    for selector in (".site-header", "form", ".no-print", "break-before: page"):
        assert selector in block, selector
