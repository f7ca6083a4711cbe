"""``cadence export-org`` and ``cadence import-org``: what they print, and their refusals as one
line on stderr with exit code 1."""

from __future__ import annotations

import json
import zipfile

import pytest
from django.db import transaction

from cadence.cli import main
from cadence.orgs.models import Organization
from tests import factories as f


@pytest.mark.django_db
def test_export_writes_the_archive_and_says_what_is_left_out(tmp_path, capsys, org, member):
    target = tmp_path / "acme.zip"
    assert main(["export-org", "--organization", org.name, "--output", str(target)]) == 0
    out = capsys.readouterr().out
    assert f"Exported {org.name}:" in out and "(2 people)" in out
    assert "left out" in out and "Forgot password" in out
    with zipfile.ZipFile(target) as archive:
        manifest = json.loads(archive.read("manifest.json"))
    assert manifest["organization"]["name"] == org.name
    assert not list(tmp_path.glob(".cadence-archive-*"))  # no half-written file left

    assert main(["export-org", "--organization", org.name, "--output", str(target)]) == 1
    assert "already exists" in capsys.readouterr().err
    assert main(["export-org", "--output", str(target), "--force", "--with-passwords"]) == 0
    assert "keep it as safe as the database" in capsys.readouterr().out


@pytest.mark.django_db
def test_export_refuses_an_unknown_organization_and_a_missing_folder(tmp_path, capsys, org):
    assert (
        main(["export-org", "--organization", "Nobody", "--output", str(tmp_path / "a.zip")]) == 1
    )
    assert "No organization is called 'Nobody'" in capsys.readouterr().err
    assert main(["export-org", "--output", str(tmp_path / "no" / "a.zip")]) == 1
    assert "does not exist" in capsys.readouterr().err


@pytest.mark.django_db
def test_import_loads_an_archive_and_refuses_it_twice(tmp_path, capsys):
    target = tmp_path / "gone.zip"
    sid = transaction.savepoint()
    org, _admin = f.make_org("Moving")
    f.make_person(org, name="Mover")
    assert main(["export-org", "--output", str(target)]) == 0
    transaction.savepoint_rollback(sid)
    capsys.readouterr()
    assert not Organization.objects.exists()

    assert main(["import-org", str(target)]) == 0
    out = capsys.readouterr().out
    assert "Imported Moving" in out and "(2 people)" in out and "Forgot password" in out
    assert Organization.objects.get().people.count() == 2

    assert main(["import-org", str(target)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("cadence: This installation already has this organization")
    assert len(err.strip().splitlines()) == 1


@pytest.mark.django_db
def test_import_refuses_what_is_not_an_archive(tmp_path, capsys):
    assert main(["import-org", str(tmp_path / "missing.zip")]) == 1
    assert "is not a file" in capsys.readouterr().err
    text = tmp_path / "people.csv"
    text.write_text("name,email\n")
    assert main(["import-org", str(text)]) == 1
    assert "not a readable zip file" in capsys.readouterr().err
