"""The organization archive in one installation: what an export holds (and never holds), and
every refusal of an import — an existing organization or email, a malformed, truncated,
zip-bombed or hostile file — with a clear message and nothing saved. The import that succeeds
is also run here (the archive of an organization rolled back after its export); the round trip
between engines is tests/transfer/test_archive_roundtrip.py."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from datetime import date

import pytest
from django.apps import apps
from django.db import models, transaction

from cadence.audit.models import Event
from cadence.feed import services as feed_services
from cadence.okrs import services as okr_services
from cadence.okrs.models import CheckIn, Objective
from cadence.orgs import services as org_services
from cadence.orgs.models import ApiToken, Organization, Person
from cadence.transfer import archive as arc
from cadence.transfer.archive import ArchiveError, organization_export, organization_import
from tests import factories as f


def build_organization(name="Archived"):
    domain = f"{name.lower()}.test"
    org = org_services.organization_create(
        name=name, admin_email=f"admin@{domain}", admin_name="Ada Admin", admin_password=f.PASSWORD
    )
    admin = org.people.get()
    team = f.make_unit(org, "Platform")
    member = org_services.person_create(
        organization=org,
        email=f"mia@{domain}",
        name="Mia Member",
        role="member",
        password=f.PASSWORD,
    )
    f.join(team, member)
    cycle = f.make_cycle(admin, name="Q4", start=date(2026, 10, 1), end=date(2026, 12, 31))
    objective = f.make_objective(admin, cycle, team, title="Ship the new platform")
    kr = f.make_kr(admin, objective, title="Move 40 services to it")
    okr_services.check_in_create(actor=admin, key_result=kr, value=10, confidence="on_track")
    feed_services.comment_create(actor=member, target=objective, text="On it.")
    org_services.api_token_create(person=admin, name="Sync")
    return org


def exported(org, *, with_passwords=False) -> bytes:
    out = io.BytesIO()
    organization_export(actor=None, organization=org, out=out, with_passwords=with_passwords)
    return out.getvalue()


def archive_of_gone(**kwargs) -> tuple[bytes, dict]:
    """The archive of an organization that this database no longer has (rolled back after its
    export), and its row counts per model."""
    sid = transaction.savepoint()
    org = build_organization(**kwargs)
    data = exported(org, with_passwords=True)
    transaction.savepoint_rollback(sid)
    manifest = json.loads(zipfile.ZipFile(io.BytesIO(data)).read("manifest.json"))
    return data, {m["model"]: m["rows"] for m in manifest["members"].values()}


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {name: z.read(name) for name in z.namelist()}


def rebuilt(data: bytes, change, *, fix_checksums=True) -> bytes:
    """The archive with ``change(members)`` applied; checksums and counts recomputed unless
    told otherwise (so that a later check is reached)."""
    files = members(data)
    change(files)
    if fix_checksums:
        manifest = json.loads(files["manifest.json"])
        for name, entry in manifest["members"].items():
            if name in files:
                entry["sha256"] = hashlib.sha256(files[name]).hexdigest()
                entry["rows"] = files[name].count(b"\n")
        files["manifest.json"] = json.dumps(manifest).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, content in files.items():
            z.writestr(name, content)
    return out.getvalue()


def rows_of(files, member):
    return [json.loads(line) for line in files[member].splitlines()]


def replace_rows(files, member, rows):
    files[member] = b"".join(json.dumps(r).encode() + b"\n" for r in rows)


def refused(data: bytes, message: str) -> None:
    before = {m: m._base_manager.count() for m in (Organization, Person, Objective, Event)}
    with pytest.raises(ArchiveError, match=message):
        organization_import(source=io.BytesIO(data))
    after = {m: m._base_manager.count() for m in before}
    assert after == before, "a refused import saved something"


# The plan -----------------------------------------------------------------------------------


def test_every_model_is_archived_or_excluded_with_a_reason():
    steps, unreached = arc.archive_plan()
    assert unreached == [], "reached by no chain: add to EXCLUDED with the reason, or give it one"
    archived = {s.label for s in steps}
    for model in apps.get_models():
        label = model._meta.label_lower
        if model._meta.auto_created:
            continue
        assert label in archived or label in arc.EXCLUDED, f"{label}: archived or EXCLUDED?"
        if model._meta.app_config.name.startswith("cadence."):
            assert label in archived or arc.EXCLUDED[label].strip()
    assert all(apps.get_model(label) for label in arc.EXCLUDED)
    # Rows with an integer key get a new one on import: nothing archived may point at them.
    integer_keyed = {s.model for s in steps if isinstance(s.model._meta.pk, models.AutoField)}
    for step in steps:
        for field in step.model._meta.concrete_fields:
            assert not (field.is_relation and field.related_model in integer_keyed), field
    # Dependencies come first (a model's own parent aside).
    seen = set()
    for step in steps:
        for field in step.model._meta.concrete_fields:
            target = field.related_model if field.is_relation else None
            if target in {s.model for s in steps} and target is not step.model:
                assert target in seen, f"{step.label} before {target._meta.label_lower}"
        seen.add(step.model)


def test_models_reach_their_organization_by_their_own_key_or_required_ones():
    paths = {s.label: s.path for s in arc.archive_plan()[0]}
    assert paths["orgs.organization"] == "pk"
    assert paths["okrs.checkin"] == "organization_id"
    assert paths["orgs.membership"] in ("unit__organization_id", "person__organization_id")
    assert paths["weekly.itemmove"] == "item__organization_id"
    assert paths["account.emailaddress"] == "user__organization_id"


# Export -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_export_leaves_out_password_hashes_unless_asked():
    org = build_organization()
    for person in Person.objects.filter(organization=org):
        person.set_password("a long passphrase for testing")
        person.save()
    hashes = list(Person.objects.filter(organization=org).values_list("password", flat=True))
    plain = b"".join(members(exported(org)).values())
    assert not any(h.encode() in plain for h in hashes)
    assert b'"password"' not in members(exported(org))["orgs.person.jsonl"]
    full = members(exported(org, with_passwords=True))["orgs.person.jsonl"]
    assert all(h.encode() in full for h in hashes)
    manifest = json.loads(members(exported(org))["manifest.json"])
    assert manifest["format"] == arc.FORMAT and manifest["version"] == 1
    assert manifest["organization"] == {"id": str(org.pk), "name": org.name}
    assert manifest["members"]["okrs.checkin.jsonl"]["rows"] == 1
    assert "mfa.authenticator.jsonl" not in manifest["members"]
    assert manifest["migrations"]["okrs"]
    assert Event.objects.filter(organization=org, kind="organization.exported").count() == 4


@pytest.mark.django_db
def test_no_row_of_another_organization_is_in_the_archive():
    mine = build_organization("Mine")
    other = build_organization("Other")
    others: set[str] = {str(other.pk)}
    for step in arc.archive_plan()[0]:
        rows = step.model._base_manager.filter(**{step.path: other.pk})
        others.update(str(pk) for pk in rows.values_list("pk", flat=True))
    assert len(others) > 20
    files = members(exported(mine, with_passwords=True))
    for name, content in files.items():
        text = content.decode()
        leaked = [pk for pk in others if pk in text or pk.replace("-", "") in text]
        assert not leaked, f"{name} holds rows of another organization: {leaked[:3]}"
    assert b"@other.test" not in b"".join(files.values())


# Import -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_archive_imports_into_an_installation_without_it():
    data, counts = archive_of_gone()
    assert not Organization.objects.filter(name="Archived").exists()
    result = organization_import(source=io.BytesIO(data))
    org = result.organization
    assert org.name == "Archived"
    for step in arc.archive_plan()[0]:
        if step.label in counts:
            found = step.model._base_manager.filter(**{step.path: org.pk}).count()
            expected = counts[step.label] + (step.label == "audit.event")  # the import's
            assert found == expected, step.label
    assert CheckIn.objects.get(organization=org).value == 10
    assert ApiToken.objects.filter(person__organization=org).count() == 1
    assert Event.objects.filter(organization=org, kind="organization.imported").exists()
    # With the hashes, people keep their passwords.
    assert Person.objects.filter(organization=org, email="mia@archived.test").exists()


@pytest.mark.django_db
def test_without_passwords_imported_people_have_unusable_passwords():
    sid = transaction.savepoint()
    org = build_organization()
    data = exported(org)
    transaction.savepoint_rollback(sid)
    result = organization_import(source=io.BytesIO(data))
    people = Person.objects.filter(organization=result.organization)
    assert people.count() == 2
    assert not any(p.has_usable_password() for p in people)


@pytest.mark.django_db
def test_an_existing_organization_is_refused():
    org = build_organization()
    refused(exported(org), "already has this organization")


@pytest.mark.django_db
def test_an_organization_of_the_same_name_is_refused():
    data, _ = archive_of_gone()
    org_services.organization_create(
        name="archived", admin_email="a@b.test", admin_name="A", admin_password=f.PASSWORD
    )
    refused(data, "already has an organization called 'Archived'")


@pytest.mark.django_db
def test_existing_emails_are_refused_and_listed():
    data, _ = archive_of_gone()
    elsewhere, _admin = f.make_org("Elsewhere")
    org_services.person_create(
        organization=elsewhere,
        email="MIA@archived.test",
        name="Same Mia",
        role="member",
        password=f.PASSWORD,
    )
    refused(data, r"already belong to people of this installation: mia@archived\.test")


@pytest.mark.django_db
def test_hostile_and_broken_files_are_refused_and_change_nothing(monkeypatch):
    data, _ = archive_of_gone()
    refused(b"name,email\nMia,mia@example.test\n", "not a readable zip file")
    refused(data[: len(data) // 2], "not a readable zip file")
    refused(data[:-30], "not a readable zip file")

    def evil_name(files):
        files["../../etc/cron.d/evil"] = b"* * * * * root true\n"

    refused(rebuilt(data, evil_name), "unexpected file '../../etc/cron.d/evil'")

    def bomb(files):
        files["okrs.cycle.jsonl"] = b" " * (50 * 1024 * 1024)

    refused(rebuilt(data, bomb), "refused as a zip bomb")

    def version(files):
        manifest = json.loads(files["manifest.json"])
        manifest["version"] = 2
        files["manifest.json"] = json.dumps(manifest).encode()

    refused(rebuilt(data, version), "format version is 2; this Cadence reads version 1")

    def other_format(files):
        files["manifest.json"] = b'{"format": "something-else"}'

    refused(rebuilt(data, other_format, fix_checksums=False), "names another format")

    def no_manifest(files):
        del files["manifest.json"]

    refused(rebuilt(data, no_manifest, fix_checksums=False), "it has no manifest")

    def tampered(files):
        rows = rows_of(files, "okrs.checkin.jsonl")
        rows[0]["fields"]["value"] = 99
        replace_rows(files, "okrs.checkin.jsonl", rows)

    refused(rebuilt(data, tampered, fix_checksums=False), "does not match its checksum")

    foreign = Organization.objects.exclude(name="Archived").first() or f.make_org("Victim")[0]

    def other_organization(files):
        rows = rows_of(files, "okrs.cycle.jsonl")
        rows[0]["fields"]["organization"] = str(foreign.pk)
        replace_rows(files, "okrs.cycle.jsonl", rows)

    refused(rebuilt(data, other_organization), "belongs to another organization")

    victim_unit = f.make_unit(foreign, "Victim team")

    def foreign_key_outside(files):
        rows = rows_of(files, "okrs.objective.jsonl")
        rows[0]["fields"]["unit"] = str(victim_unit.pk)
        replace_rows(files, "okrs.objective.jsonl", rows)

    refused(rebuilt(data, foreign_key_outside), "names a orgs.unit that is not in the archive")

    def garbage(files):
        files["okrs.cycle.jsonl"] += b"{not json\n"

    refused(rebuilt(data, garbage), "okrs.cycle.jsonl line 2 is not valid JSON")

    def bad_value(files):
        rows = rows_of(files, "okrs.objective.jsonl")
        rows[0]["fields"]["state"] = "owned"
        replace_rows(files, "okrs.objective.jsonl", rows)

    refused(rebuilt(data, bad_value), "okrs.objective.jsonl line 1 has invalid values")

    def progress(files):
        rows = rows_of(files, "okrs.objective.jsonl")
        rows[0]["fields"]["progress"] = 0.99
        replace_rows(files, "okrs.objective.jsonl", rows)

    refused(rebuilt(data, progress), "stored progress disagrees")

    def repeated(files):
        files["okrs.cycle.jsonl"] += files["okrs.cycle.jsonl"]

    refused(rebuilt(data, repeated), "repeats the row")

    def repeated_check_in(files):
        files["okrs.checkin.jsonl"] += files["okrs.checkin.jsonl"]

    refused(rebuilt(data, repeated_check_in), "clash with one another")

    def secrets_slipped_in(files):
        manifest = json.loads(files["manifest.json"])
        manifest["with_passwords"] = False
        manifest["members"]["mfa.authenticator.jsonl"] = {
            "model": "mfa.authenticator",
            "rows": 0,
            "sha256": hashlib.sha256(b"").hexdigest(),
        }
        files["manifest.json"] = json.dumps(manifest).encode()
        files["mfa.authenticator.jsonl"] = b""

    refused(rebuilt(data, secrets_slipped_in, fix_checksums=False), "says it holds no secrets")

    monkeypatch.setattr(arc, "MAX_MEMBERS", 5)
    refused(data, "an organization's has at most 6")
    monkeypatch.undo()
    monkeypatch.setattr(arc, "MAX_MEMBER_BYTES", 1000)
    refused(data, r"is too large \(\d+ bytes; at most 1000\)")
    monkeypatch.undo()
    monkeypatch.setattr(arc, "MAX_LINE_BYTES", 200)
    refused(data, "line 1 is longer than 200 bytes")
