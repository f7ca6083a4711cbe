"""The whole-organization archive: everything one organization owns, written to a versioned zip
file and loaded into another installation (SQLite to PostgreSQL and back).

The archive
    A zip file of ``manifest.json`` (the format's name and version, the migrations the archive's
    database had applied, when it was made, the organization, and per member its model, row
    count, size and SHA-256) and one JSON-lines member per model, ``<app_label>.<model>.jsonl``:
    one row a line, as Django's serializer writes it (``{"model", "pk", "fields"}``). Primary
    keys are kept, so foreign keys stay valid and every address (``/objectives/<id>/``) is the
    same after an import.

Which rows
    Every model of the ``cadence.*`` apps, and the sign-in rows of allauth that belong to the
    organization's people (``ARCHIVED_OUTSIDE_CADENCE``), reached from the organization by a
    direct ``organization`` foreign key or else by a chain of required foreign keys to a model
    that has one (``Membership`` through its unit), computed from the models' meta
    (``archive_plan``). A model reached by no chain must be named in ``EXCLUDED`` with the reason
    (tests/transfer/test_archive_plan.py fails otherwise).

Credentials
    Password hashes (offline guessing), two-factor authenticators (the TOTP secret and recovery
    codes are stored usable) and the single sign-on client secret travel only when asked
    (``with_passwords``). Without them imported people have unusable passwords and sign in after
    "Forgot password". API token and invitation link hashes are SHA-256 digests of long random
    secrets (nothing to guess), so they always travel and integrations keep working.

The import
    Checks the whole file before and while reading it (``ArchiveError``: one clear sentence), then
    inserts the rows in one transaction, in dependency order, as they are — the insert
    deliberately bypasses the services: it restores what the services wrote, it does not change
    anything, so stored and denormalised values (progress, scores, counts) stay exactly as
    exported. Foreign keys are checked at commit on both engines (Django creates them deferrable),
    and the rows themselves are checked first: every foreign key names a row of the archive, every
    ``organization`` is the archive's. Afterwards the stored progress must agree with its
    recomputation. Anything wrong rolls everything back.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, time
from typing import IO, Any

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.serializers.base import DeserializationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, IntegrityError, connection, models, transaction
from django.db.migrations.loader import MigrationLoader

from cadence.audit.services import audit_record
from cadence.orgs.acting import COMMAND_LINE, require_admin
from cadence.orgs.models import Organization, Person

FORMAT = "cadence-organization-archive"
VERSION = 1
MANIFEST = "manifest.json"

# Bounds on what an import reads (a hostile or broken file is refused before it costs much).
MAX_MANIFEST_BYTES = 1024 * 1024
MAX_MEMBER_BYTES = 8 * 1024**3  # one model's rows, uncompressed
MAX_TOTAL_BYTES = 16 * 1024**3  # the whole archive, uncompressed
MAX_RATIO = 200  # uncompressed / compressed above this (and above RATIO_FLOOR bytes): a zip bomb
RATIO_FLOOR = 1024 * 1024
MAX_LINE_BYTES = 4 * 1024 * 1024  # one row
MAX_MEMBERS = 200
PROGRESS_TOLERANCE = 1e-9  # stored progress against its recomputation (sums in another order)
CHUNK = 1000  # rows read from the database, and inserted, at a time

MEMBER_NAME = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*\.jsonl$")

# Models of the installation that no organization owns, or rows that must not travel, with why.
EXCLUDED: dict[str, str] = {
    "onboarding.setupcode": "the installation's one-time first-run code, not an organization's",
    "account.emailconfirmation": "pending email-change confirmations: links that expire in days",
    "socialaccount.socialtoken": "provider tokens are never stored (SOCIALACCOUNT_STORE_TOKENS)",
    "socialaccount.socialapp": "unused: an organization's provider is accounts.SingleSignOn",
    "sessions.session": "signed-in browsers of this installation; people sign in again",
    "auth.permission": "Django's permission catalogue: the same in every installation",
    "auth.group": "unused: Cadence gives rights by role",
    "contenttypes.contenttype": "Django's model catalogue: the same in every installation",
    "axes.accessattempt": "throttling of wrong passwords on this installation, by address",
    "axes.accessattemptexpiration": "throttling of wrong passwords on this installation",
    "axes.accessfailurelog": "throttling of wrong passwords on this installation, by address",
    "axes.accesslog": "sign-in log of the throttling library (disabled: AXES_DISABLE_ACCESS_LOG)",
}
# allauth's rows that make signing in work after an import, reached through their person.
ARCHIVED_OUTSIDE_CADENCE = (
    "account.emailaddress",
    "mfa.authenticator",
    "socialaccount.socialaccount",
)
# Rows and fields that are credentials: only with ``with_passwords``.
CREDENTIAL_MODELS = {"mfa.authenticator"}
CREDENTIAL_FIELDS = {
    "orgs.person": ("password",),
    "accounts.singlesignon": ("client_secret",),
    # Without it, an imported webhook gets a new random secret (the model's default).
    "integrations.webhookendpoint": ("secret",),
    # A data source's request headers (an API key): without them, it is imported with none.
    "integrations.datasource": ("headers",),
}


class ArchiveError(Exception):
    """The archive cannot be written or read: one sentence, shown as it is."""


# The plan: which models, in which order, reached how -----------------------------------------


@dataclass(frozen=True)
class Step:
    model: type[models.Model]
    path: str  # the lookup from the model to its organization's id

    @property
    def label(self) -> str:
        return self.model._meta.label_lower

    @property
    def member(self) -> str:
        return f"{self.label}.jsonl"


def _foreign_keys(model) -> list[models.ForeignKey]:
    return [
        f for f in model._meta.concrete_fields if f.is_relation and (f.many_to_one or f.one_to_one)
    ]


def _candidates() -> list[type[models.Model]]:
    chosen = []
    for model in apps.get_models():
        label = model._meta.label_lower
        if model._meta.auto_created or label in EXCLUDED:
            continue
        if model._meta.app_config.name.startswith("cadence.") or label in ARCHIVED_OUTSIDE_CADENCE:
            chosen.append(model)
    return chosen


def organization_paths(candidates) -> dict[type[models.Model], str]:
    """Each model's lookup to its organization's id: ``pk`` for the organization, its own
    ``organization`` foreign key, else a required foreign key to a model already reached."""
    paths: dict[type[models.Model], str] = {Organization: "pk"}
    for model in candidates:
        for f in _foreign_keys(model):
            if f.related_model is Organization:
                paths[model] = f"{f.name}_id"
                break
    changed = True
    while changed:
        changed = False
        for model in candidates:
            if model in paths:
                continue
            for f in _foreign_keys(model):
                target = f.related_model
                if not f.null and target is not model and target in paths:
                    rest = paths[target]
                    paths[model] = f"{f.name}_id" if rest == "pk" else f"{f.name}__{rest}"
                    changed = True
                    break
    return paths


def _dependency_order(chosen: list[type[models.Model]]) -> list[type[models.Model]]:
    """Models after the models their foreign keys name (a self-reference is not a dependency;
    foreign keys are checked at commit anyway), ties by label."""
    remaining = sorted(chosen, key=lambda m: m._meta.label_lower)
    placed: list[type[models.Model]] = []
    done: set = set()
    while remaining:
        for model in remaining:
            needs = {
                f.related_model
                for f in _foreign_keys(model)
                if f.related_model is not model and f.related_model in chosen
            }
            if needs <= done:
                break
        else:  # a cycle between models: take the first one (commit checks the keys)
            model = remaining[0]
        placed.append(model)
        done.add(model)
        remaining.remove(model)
    return placed


def archive_plan() -> tuple[list[Step], list[type[models.Model]]]:
    """The archived models in dependency order with their paths, and the models no chain
    reaches (which the plan's test requires to be in EXCLUDED)."""
    candidates = _candidates()
    paths = organization_paths(candidates)
    unreached = [m for m in candidates if m not in paths]
    chosen = [m for m in candidates if m in paths]
    return [Step(m, paths[m]) for m in _dependency_order(chosen)], unreached


def _plan() -> list[Step]:
    steps, unreached = archive_plan()
    if unreached:
        names = ", ".join(m._meta.label_lower for m in unreached)
        raise ArchiveError(f"No organization reaches these models' rows: {names}.")
    return steps


def migration_state(labels) -> dict[str, list[str]]:
    """Per app, the latest applied migrations: those applied that no applied migration of the
    same app follows."""
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    applied = set(loader.applied_migrations)
    state: dict[str, list[str]] = {}
    for label in sorted(set(labels)):
        mine = {key for key in applied if key[0] == label}
        state[label] = sorted(
            name
            for app, name in mine
            if not any(
                child.key in mine
                for child in getattr(loader.graph.node_map.get((app, name)), "children", ())
            )
        )
    return state


# Export -----------------------------------------------------------------------------------


class _Sink(io.RawIOBase):
    """A write-only stream that hands what was written to whoever drains it (the web's
    streamed response): the zip is written without ever being whole in memory."""

    def __init__(self):
        self._chunks: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self._chunks.append(bytes(data))
        return len(data)

    def drain(self) -> bytes:
        out = b"".join(self._chunks)
        self._chunks.clear()
        return out


class _Encoder(DjangoJSONEncoder):
    """Django's encoder, but times keep their microseconds (Django's stops at milliseconds)."""

    def default(self, o):
        if isinstance(o, datetime | time):
            return o.isoformat()
        return super().default(o)


def _order(model) -> list[str]:
    """Rows in the order they were made (then by key): inserted again in that order, rows that
    a page orders equally come out the way they did before."""
    names = {f.name for f in model._meta.concrete_fields}
    return ["created_at", "pk"] if "created_at" in names else ["pk"]


def _row(serializer, obj, step: Step, with_passwords: bool) -> dict:
    row = serializer.serialize([obj])[0]
    if not with_passwords:
        for name in CREDENTIAL_FIELDS.get(step.label, ()):
            row["fields"].pop(name, None)
    return row


def _chunks(
    organization, out, *, with_passwords: bool, manifest: dict, sink=None
) -> Iterator[bytes]:
    """Write the archive to ``out`` and fill ``manifest``; yields whatever ``sink`` holds after
    each batch of rows (nothing when writing to a file)."""
    steps = _plan()
    python_serializer = serializers.get_serializer("python")()
    made = datetime.now(UTC).replace(microsecond=0)
    manifest |= {
        "format": FORMAT,
        "version": VERSION,
        "created_at": made.isoformat(),
        "organization": {"id": str(organization.pk), "name": organization.name},
        "with_passwords": with_passwords,
        "migrations": migration_state(s.model._meta.app_label for s in steps),
        "members": {},
    }
    encoder = _Encoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for step in steps:
            if step.label in CREDENTIAL_MODELS and not with_passwords:
                continue
            rows = (
                step.model._base_manager.filter(**{step.path: organization.pk})
                .order_by(*_order(step.model))
                .iterator(chunk_size=CHUNK)
            )
            digest, count, size = hashlib.sha256(), 0, 0
            info = zipfile.ZipInfo(step.member, date_time=made.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            with archive.open(info, "w", force_zip64=True) as member:
                for obj in rows:
                    line = (
                        encoder.encode(_row(python_serializer, obj, step, with_passwords)) + "\n"
                    ).encode()
                    member.write(line)
                    digest.update(line)
                    count += 1
                    size += len(line)
                    if sink is not None and count % CHUNK == 0:
                        yield sink.drain()
            manifest["members"][step.member] = {
                "model": step.label,
                "rows": count,
                "bytes": size,
                "sha256": digest.hexdigest(),
            }
            if sink is not None:
                yield sink.drain()
        info = zipfile.ZipInfo(MANIFEST, date_time=made.timetuple()[:6])
        info.compress_type = zipfile.ZIP_DEFLATED
        archive.writestr(info, json.dumps(manifest, indent=2, sort_keys=True))
    if sink is not None:
        yield sink.drain()


def _snapshot():
    """One transaction that sees the organization as it was at its start: the rows of every
    model agree with one another even while people keep working."""
    atomic = transaction.atomic()
    outermost = not connection.in_atomic_block
    atomic.__enter__()
    if outermost and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
    return atomic


@transaction.atomic
def organization_export_record(
    *, actor: Person | None, organization: Organization, with_passwords: bool
) -> None:
    """Record in the audit trail that the organization's archive is being made (the archive
    holds this event)."""
    require_admin(actor, organization.pk, "Only admins download the organization's data.")
    audit_record(
        organization=organization,
        kind="organization.exported",
        actor=actor,
        actor_label=COMMAND_LINE if actor is None else None,
        target=organization,
        changes={"with_passwords": with_passwords},
    )


def organization_export(
    *,
    actor: Person | None,
    organization: Organization,
    out: IO[bytes],
    with_passwords: bool = False,
) -> dict:
    """Write the organization's archive to ``out`` (a file opened for binary writing); returns
    the manifest's counts per model."""
    organization_export_record(
        actor=actor, organization=organization, with_passwords=with_passwords
    )
    manifest: dict[str, Any] = {}
    atomic = _snapshot()
    try:
        for _ in _chunks(organization, out, with_passwords=with_passwords, manifest=manifest):
            pass
    finally:
        atomic.__exit__(None, None, None)
    return manifest


def organization_export_stream(*, actor: Person, organization: Organization) -> Iterator[bytes]:
    """The archive as a stream of bytes for a download (no credentials): recorded first, then
    written batch by batch while the response is sent, inside one snapshot."""
    organization_export_record(actor=actor, organization=organization, with_passwords=False)

    def stream() -> Iterator[bytes]:
        sink = _Sink()
        atomic = _snapshot()
        try:
            yield from _chunks(organization, sink, with_passwords=False, manifest={}, sink=sink)
        finally:
            atomic.__exit__(None, None, None)

    return stream()


# Reading an archive ---------------------------------------------------------------------------


def _open_zip(source) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(source)
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        EOFError,
        ValueError,
        NotImplementedError,  # a directory entry of a zip version or method zipfile cannot read
    ) as exc:
        raise ArchiveError(
            f"This is not a Cadence organization archive: not a readable zip file ({exc})."
        ) from exc
    except OSError as exc:
        raise ArchiveError(f"Cannot read the archive: {exc.strerror or exc}.") from exc


def _check_entries(archive: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    entries = archive.infolist()
    if len(entries) > MAX_MEMBERS + 1:
        raise ArchiveError(
            f"The archive holds {len(entries)} files; an organization's has at most "
            f"{MAX_MEMBERS + 1}."
        )
    by_name: dict[str, zipfile.ZipInfo] = {}
    total = 0
    for info in entries:
        name = info.filename
        if name != MANIFEST and not MEMBER_NAME.fullmatch(name):
            raise ArchiveError(f"The archive holds an unexpected file {name[:100]!r}.")
        if name in by_name:
            raise ArchiveError(f"The archive holds {name!r} twice.")
        if info.flag_bits & 0x1:
            raise ArchiveError(f"{name!r} is encrypted; an organization archive never is.")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise ArchiveError(f"{name!r} is compressed in a way Cadence never writes.")
        limit = MAX_MANIFEST_BYTES if name == MANIFEST else MAX_MEMBER_BYTES
        if info.file_size > limit:
            raise ArchiveError(f"{name!r} is too large ({info.file_size} bytes; at most {limit}).")
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise ArchiveError(
                f"{name!r} unpacks to {info.file_size // max(info.compress_size, 1)} times its "
                "packed size: refused as a zip bomb."
            )
        total += info.file_size
        by_name[name] = info
    if total > MAX_TOTAL_BYTES:
        raise ArchiveError(f"The archive unpacks to {total} bytes; at most {MAX_TOTAL_BYTES}.")
    if MANIFEST not in by_name:
        raise ArchiveError("This is not a Cadence organization archive: it has no manifest.json.")
    return by_name


def _read_manifest(archive: zipfile.ZipFile) -> dict:
    try:
        with archive.open(MANIFEST) as source:
            raw = source.read(MAX_MANIFEST_BYTES + 1)
        manifest = json.loads(raw.decode("utf-8"))
    except (zipfile.BadZipFile, EOFError, OSError, NotImplementedError) as exc:
        raise ArchiveError(f"The archive's manifest.json cannot be read: {exc}.") from exc
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise ArchiveError("The archive's manifest.json is not valid JSON.") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ArchiveError(
            "This is not a Cadence organization archive (its manifest names another format)."
        )
    version = manifest.get("version")
    if version != VERSION:
        raise ArchiveError(
            f"The archive's format version is {str(version)[:20]}; "
            f"this Cadence reads version {VERSION}."
        )
    organization = manifest.get("organization")
    members = manifest.get("members")
    if (
        not isinstance(organization, dict)
        or not isinstance(organization.get("id"), str)
        or not isinstance(organization.get("name"), str)
        or not isinstance(members, dict)
        or not isinstance(manifest.get("migrations"), dict)
        or not isinstance(manifest.get("with_passwords"), bool)
        or not all(
            isinstance(m, dict)
            and isinstance(m.get("sha256"), str)
            and isinstance(m.get("rows"), int)
            and isinstance(m.get("model"), str)
            for m in members.values()
        )
    ):
        raise ArchiveError("The archive's manifest.json is incomplete.")
    return manifest


def read_manifest(path) -> dict:
    """The manifest of the archive at ``path``, after the file's own checks."""
    with _open_zip(path) as archive:
        _check_entries(archive)
        return _read_manifest(archive)


def _lines(archive: zipfile.ZipFile, name: str, digest) -> Iterator[tuple[int, bytes]]:
    try:
        with archive.open(name) as source:
            number = 0
            while True:
                line = source.readline(MAX_LINE_BYTES + 1)
                if not line:
                    return
                number += 1
                if len(line) > MAX_LINE_BYTES:
                    raise ArchiveError(
                        f"{name} line {number} is longer than {MAX_LINE_BYTES} bytes."
                    )
                digest.update(line)
                yield number, line
    except (zipfile.BadZipFile, EOFError, zipfile.zlib.error, NotImplementedError) as exc:
        raise ArchiveError(f"{name} is damaged ({exc}); the archive may be truncated.") from exc


# Import -----------------------------------------------------------------------------------


@dataclass
class ImportResult:
    organization: Organization
    rows: dict[str, int] = field(default_factory=dict)
    with_passwords: bool = False


class _Refs:
    """The primary keys read so far of the models that rows point at (only those: memory grows
    with them, not with check-ins or events), and the keys rows name, to be found at the end."""

    def __init__(self, steps: list[Step]):
        self.targets = {f.related_model for s in steps for f in _foreign_keys(s.model)} | {
            f.related_model for s in steps for f in s.model._meta.many_to_many
        }
        self.present: dict[type, set] = defaultdict(set)
        self.named: dict[type, dict[Any, str]] = defaultdict(dict)

    def missing(self) -> str | None:
        for model, named in self.named.items():
            for value, where in named.items():
                if value not in self.present[model]:
                    label = model._meta.label_lower
                    return f"{where} names a {label} that is not in the archive ({value})."
        return None


def _check_target(manifest: dict, archive: zipfile.ZipFile, steps: list[Step]) -> None:
    organization = manifest["organization"]
    clash = Organization.objects.filter(pk=_uuid(organization["id"], "the organization's id"))
    if clash.exists():
        raise ArchiveError(
            "This installation already has this organization (the same id); nothing was imported."
        )
    name = organization["name"].strip()
    if any(
        o.strip().lower() == name.lower()
        for o in Organization.objects.values_list("name", flat=True)
    ):
        raise ArchiveError(
            f"This installation already has an organization called {name!r}; nothing was imported."
        )
    mine = dict(manifest["migrations"])
    here = migration_state(mine.keys() | {s.model._meta.app_label for s in steps})
    if mine != here:
        different = sorted(
            app for app in here.keys() | mine.keys() if here.get(app) != mine.get(app)
        )
        raise ArchiveError(
            "The archive was made by another release of Cadence (the database of "
            f"{', '.join(different[:5])} differs): import it with the release that made it."
        )
    emails: set[str] = set()
    member = "orgs.person.jsonl"
    if member in manifest["members"]:
        for number, line in _lines(archive, member, hashlib.sha256()):
            row = _parse(line, member, number)
            email = row.get("fields", {}).get("email")
            if isinstance(email, str):
                emails.add(email.strip().lower())
    taken: list[str] = []
    batch = sorted(emails)
    for start in range(0, len(batch), 500):
        part = batch[start : start + 500]
        taken += [
            e
            for e in Person.objects.annotate(lower=models.functions.Lower("email"))
            .filter(lower__in=part)
            .values_list("lower", flat=True)
        ]
    if taken:
        shown = ", ".join(sorted(taken)[:5])
        more = f" and {len(taken) - 5} more" if len(taken) > 5 else ""
        raise ArchiveError(
            f"These people's emails already belong to people of this installation: {shown}{more}; "
            "nothing was imported."
        )


def _uuid(value, what: str):
    import uuid

    try:
        return uuid.UUID(str(value))
    except ValueError as exc:
        raise ArchiveError(f"The archive's manifest has an invalid {what}.") from exc


def _parse(line: bytes, member: str, number: int) -> dict:
    try:
        row = json.loads(line)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise ArchiveError(f"{member} line {number} is not valid JSON.") from exc
    if not isinstance(row, dict) or not isinstance(row.get("fields"), dict) or "pk" not in row:
        raise ArchiveError(f"{member} line {number} is not a row.")
    return row


def _insert(model, objects: list, m2m: list) -> None:
    if not objects:
        return
    auto_pk = isinstance(model._meta.pk, models.AutoField)
    fields = [f for f in model._meta.local_concrete_fields if not (auto_pk and f.primary_key)]
    if not auto_pk:
        clash = model._base_manager.filter(pk__in=[o.pk for o in objects]).values_list(
            "pk", flat=True
        )[:1]
        if clash:
            raise ArchiveError(
                f"A {model._meta.verbose_name} of the archive ({clash[0]}) is already in this "
                "installation, or twice in the archive; nothing was imported."
            )
    size = connection.ops.bulk_batch_size(fields, objects) or len(objects)
    for start in range(0, len(objects), size):
        # raw=True: the values are stored as they are (no auto_now, no defaults recomputed).
        model._base_manager._insert(objects[start : start + size], fields=fields, raw=True)
    for through, rows in m2m:
        through._base_manager.bulk_create(rows)


def _load_member(
    archive, step: Step, expected: dict, manifest: dict, refs: _Refs, result: ImportResult
) -> None:
    model, member = step.model, step.member
    org_id = _uuid(manifest["organization"]["id"], "organization id")
    foreign_keys = [f for f in _foreign_keys(model)]
    direct = step.path.endswith("_id") and "__" not in step.path
    many = [f for f in model._meta.many_to_many if f.remote_field.through._meta.auto_created]
    auto_pk = isinstance(model._meta.pk, models.AutoField)
    digest = hashlib.sha256()
    batch: list = []
    m2m_rows: list = []
    count = 0
    credentials = CREDENTIAL_FIELDS.get(step.label, ())
    for number, line in _lines(archive, member, digest):
        row = _parse(line, member, number)
        count += 1
        where = f"{member} line {number}"
        if row.get("model") != step.label:
            raise ArchiveError(f"{where} is a row of another model ({str(row.get('model'))[:60]}).")
        if not manifest["with_passwords"]:
            for name in credentials:
                row["fields"].pop(name, None)
        try:
            (deserialized,) = serializers.deserialize("python", [row])
        except (DeserializationError, ValidationError, ValueError, TypeError, LookupError) as exc:
            raise ArchiveError(f"{where} cannot be read: {_first_line(exc)}") from exc
        obj = deserialized.object
        if step.label == "orgs.person" and not obj.password:
            obj.password = make_password(None)  # unusable: "Forgot password" sets one
        try:
            obj.clean_fields(exclude=[f.name for f in model._meta.fields if f.is_relation])
        except ValidationError as exc:
            problems = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
            raise ArchiveError(f"{where} has invalid values ({problems[:300]}).") from exc
        if model is Organization:
            if obj.pk != org_id:
                raise ArchiveError(f"{where} is another organization than the manifest's.")
        elif direct and getattr(obj, step.path) != org_id:
            raise ArchiveError(f"{where} belongs to another organization than the archive's.")
        if not auto_pk and model in refs.targets:
            if obj.pk in refs.present[model]:
                raise ArchiveError(f"{where} repeats the row {obj.pk}.")
            refs.present[model].add(obj.pk)
        for f in foreign_keys:
            value = getattr(obj, f.attname)
            if value is not None and f.related_model is not Organization:
                refs.named[f.related_model].setdefault(value, where)
            elif value is not None and value != org_id:
                raise ArchiveError(f"{where} names another organization than the archive's.")
        for f in many:
            through = f.remote_field.through
            source = f.m2m_field_name()
            target = f.m2m_reverse_field_name()
            for value in deserialized.m2m_data.get(f.name, []):
                refs.named[f.related_model].setdefault(value, where)
                m2m_rows.append(
                    (through, through(**{f"{source}_id": obj.pk, f"{target}_id": value}))
                )
        batch.append(obj)
        if len(batch) >= CHUNK:
            _flush(model, batch, m2m_rows)
    _flush(model, batch, m2m_rows)
    if digest.hexdigest() != expected["sha256"]:
        raise ArchiveError(
            f"{member} does not match its checksum in the manifest: "
            "the archive was changed or damaged."
        )
    if count != expected["rows"]:
        raise ArchiveError(f"{member} holds {count} rows; the manifest says {expected['rows']}.")
    result.rows[step.label] = count


def _flush(model, batch: list, m2m_rows: list) -> None:
    grouped: dict = defaultdict(list)
    for through, row in m2m_rows:
        grouped[through].append(row)
    _insert(model, batch, list(grouped.items()))
    batch.clear()
    m2m_rows.clear()


def _first_line(exc: Exception) -> str:
    text = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
    return (text.strip().splitlines() or [type(exc).__name__])[0][:300]


def organization_import(*, source) -> ImportResult:
    """Load the archive at ``source`` (a path or a binary file) into this installation, all or
    nothing. Raises ``ArchiveError`` with the reason when it refuses."""
    steps = _plan()
    with _open_zip(source) as archive:
        entries = _check_entries(archive)
        manifest = _read_manifest(archive)
        known = {s.member: s for s in steps}
        members = manifest["members"]
        names = set(entries) - {MANIFEST}
        if names != set(members):
            odd = sorted(names ^ set(members))[0]
            raise ArchiveError(f"The archive's files and its manifest disagree (about {odd!r}).")
        unknown = sorted(n for n in names if n not in known)
        if unknown:
            raise ArchiveError(
                f"The archive holds rows of a model this Cadence does not archive ({unknown[0]!r})."
            )
        for name, expected in members.items():
            if expected["model"] != known[name].label:
                raise ArchiveError(f"The manifest names the wrong model for {name!r}.")
            if known[name].label in CREDENTIAL_MODELS and not manifest["with_passwords"]:
                raise ArchiveError(
                    f"The archive holds {name!r} while its manifest says it holds no secrets."
                )
        result = ImportResult(organization=None, with_passwords=manifest["with_passwords"])  # type: ignore[arg-type]
        try:
            with transaction.atomic():
                _check_target(manifest, archive, steps)
                if "orgs.organization.jsonl" not in members:
                    raise ArchiveError("The archive holds no organization.")
                refs = _Refs(steps)
                for step in steps:
                    if step.member in members:
                        _load_member(archive, step, members[step.member], manifest, refs, result)
                if problem := refs.missing():
                    raise ArchiveError(problem)
                organization = Organization.objects.get(pk=manifest["organization"]["id"])
                if organization.name != manifest["organization"]["name"]:
                    raise ArchiveError(
                        "The archive's organization row and its manifest disagree about its name."
                    )
                _check_integrity(organization)
                audit_record(
                    organization=organization,
                    kind="organization.imported",
                    actor=None,
                    actor_label=COMMAND_LINE,
                    target=organization,
                    changes={
                        "archive_created_at": str(manifest.get("created_at", ""))[:40],
                        "rows": sum(result.rows.values()),
                        "with_passwords": manifest["with_passwords"],
                    },
                )
                connection.check_constraints()
                result.organization = organization
        except IntegrityError as exc:
            raise ArchiveError(
                "The archive's rows clash with one another or with this installation's data: "
                f"{_first_line(exc)}; nothing was imported."
            ) from exc
        except DatabaseError as exc:
            raise ArchiveError(
                f"The database refused the archive's rows: {_first_line(exc)}; "
                "nothing was imported."
            ) from exc
    return result


def _check_integrity(organization: Organization) -> None:
    """The stored values the app relies on agree with their recomputation (in a savepoint that
    is always rolled back, so the check changes nothing)."""
    from cadence.okrs.models import Objective
    from cadence.okrs.services import objective_progress_recompute

    stored = Objective.objects.filter(organization=organization)
    before = dict(stored.values_list("pk", "progress"))
    sid = transaction.savepoint()
    try:
        objective_progress_recompute(organization=organization)
        after = dict(stored.values_list("pk", "progress"))
    finally:
        transaction.savepoint_rollback(sid)
    wrong = [
        pk
        for pk, value in before.items()
        if (value is None) != (after.get(pk) is None)
        or (value is not None and abs(value - after[pk]) > PROGRESS_TOLERANCE)
    ]
    if wrong:
        raise ArchiveError(
            f"The archive's stored progress disagrees with its key results on {len(wrong)} "
            "objectives: it was changed or damaged; nothing was imported."
        )
