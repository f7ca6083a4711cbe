"""Writing the audit trail. Callers are services, inside the transaction of their change: the
row is kept if and only if the change is."""

from __future__ import annotations

import datetime as dt
import decimal
import re
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from cadence.audit.context import current_origin
from cadence.audit.models import Event
from cadence.core.bulk import insert_rows
from cadence.core.ids import ordered_uuids

# Texts past this many characters are cut in before → after values (a long description's edit
# is still visible as an edit, without copying whole documents into the trail).
MAX_VALUE_CHARS = 500
# The longest retention that is still a number of days (AUDIT_RETENTION_DAYS): a century.
MAX_RETENTION_DAYS = 36500


def _plain(value: Any) -> Any:
    """A JSON-safe, readable form of a field's value."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple | set | frozenset):
        items = [_plain(v) for v in value]
        return sorted(items, key=str) if isinstance(value, set | frozenset) else items
    text = str(value)
    return text if len(text) <= MAX_VALUE_CHARS else text[: MAX_VALUE_CHARS - 1] + "…"


def changes_between(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list]:
    """{field: [before, after]} for each field whose value differs (fields in either side)."""
    changed = {}
    for field in dict.fromkeys([*before, *after]):
        old, new = _plain(before.get(field)), _plain(after.get(field))
        if old != new:
            changed[field] = [old, new]
    return changed


def created_facts(facts: Mapping[str, str | float | int | bool | None]) -> dict[str, list]:
    """``changes_between({}, facts)`` for facts that are already plain (text, numbers, None), in
    a fraction of its time: an import records a hundred thousand of them."""
    out = {}
    for name, value in facts.items():
        if value is None:
            continue
        if type(value) is str and len(value) > MAX_VALUE_CHARS:
            value = value[: MAX_VALUE_CHARS - 1] + "…"
        out[name] = [None, value]
    return out


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The named fields of a model instance (a foreign key by its id), for `changes_between`."""
    values = {}
    for name in fields:
        field = instance._meta.get_field(name)
        attname = getattr(field, "attname", name)
        values[name] = getattr(instance, attname)
    return values


def audit_record(
    *,
    organization,
    kind: str,
    actor=None,
    actor_label: str | None = None,
    target: models.Model | None = None,
    target_type: str = "",
    target_id: str = "",
    target_label: str = "",
    changes: Mapping[str, Any] | None = None,
) -> Event:
    """Append one event: who (``actor``, a person, or none for the command line and the worker),
    what (``kind``, ``target``, ``changes``: before → after), when (now), and from where (the
    request being served, if any). Must run inside the transaction of the change it records."""
    if target is not None:
        target_type = target_type or target._meta.label_lower
        target_id = target_id or str(target.pk)
        target_label = target_label or str(target)
    if actor_label is None:
        actor_label = f"{actor.name} <{actor.email}>" if actor is not None else ""
    origin = current_origin()
    with transaction.atomic():
        return Event.objects.create(
            # The organization, or its id (a service often holds only the id).
            organization_id=getattr(organization, "pk", organization),
            kind=kind,
            actor=actor,
            actor_label=actor_label[:254],
            target_type=target_type[:64],
            target_id=str(target_id)[:64],
            target_label=str(target_label)[:300],
            changes={k: _plain(v) for k, v in (changes or {}).items()},
            ip_address=origin.ip_address,
            user_agent=origin.user_agent,
        )


# The columns of an event, in the order audit_record_many writes them.
EVENT_COLUMNS = (
    "id",
    "organization",
    "created_at",
    "actor",
    "actor_label",
    "kind",
    "target_type",
    "target_id",
    "target_label",
    "changes",
    "ip_address",
    "user_agent",
)


def audit_record_many(
    *,
    organization,
    actor=None,
    actor_label: str | None = None,
    events: Iterable[tuple[str, str, Any, str, Mapping[str, Any]]],
    at: dt.datetime | None = None,
) -> int:
    """Append many events of one actor at once (an import's new objectives and key results):
    each is (kind, target type, target id, target label, changes), streamed into the table.
    ``changes`` are stored as given: plain values, as ``created_facts`` or ``changes_between``
    make them. Must run inside the transaction of the changes it records; returns how many."""
    if actor_label is None:
        actor_label = f"{actor.name} <{actor.email}>" if actor is not None else ""
    origin = current_origin()
    organization_id = getattr(organization, "pk", organization)
    actor_id = getattr(actor, "pk", None)
    at = at or timezone.now()
    ids = ordered_uuids()
    rows = (
        (
            next(ids),
            organization_id,
            at,
            actor_id,
            actor_label[:254],
            kind,
            target_type[:64],
            str(target_id)[:64],
            str(target_label)[:300],
            changes or {},
            origin.ip_address,
            origin.user_agent,
        )
        for kind, target_type, target_id, target_label, changes in events
    )
    return insert_rows(Event, EVENT_COLUMNS, rows)


def _replaced(value: Any, replace) -> Any:
    if isinstance(value, str):
        return replace(value)
    if isinstance(value, list):
        return [_replaced(v, replace) for v in value]
    if isinstance(value, dict):
        return {k: _replaced(v, replace) for k, v in value.items()}
    return value


def audit_anonymise(
    *, organization, person_id, texts: Iterable[str], replacement: str, email_replacement: str
) -> int:
    """Erasure (``orgs.person_services.person_erase``): rewrite the organization's events that
    name the person — the person's own label as actor or target, and every occurrence of their
    email addresses (``texts`` containing "@") or names (the others, as whole words) in labels
    (except labels of another person: a namesake's) and in before → after values — to
    ``replacement`` / ``email_replacement``. The only change ever made to an event besides the
    retention purge; the erasure's own event records it.
    Returns how many events were rewritten. Must run inside the erasure's transaction."""
    emails = sorted({t.strip() for t in texts if t and "@" in t}, key=len, reverse=True)
    names = sorted({t.strip() for t in texts if t and "@" not in t and t.strip()}, key=len)
    names.reverse()
    patterns = [(re.compile(re.escape(e), re.IGNORECASE), email_replacement) for e in emails]
    patterns += [(re.compile(rf"(?<!\w){re.escape(n)}(?!\w)"), replacement) for n in names]

    def replace(text: str) -> str:
        for pattern, new in patterns:
            text = pattern.sub(new, text)
        return text

    person_id = str(person_id)

    def label(text: str, names_them: bool, names_another: bool) -> str:
        # A label that names another person (a namesake) is theirs: left as it is.
        return replacement if names_them else text if names_another else replace(text)

    rewrites = []
    events = Event.objects.filter(organization_id=getattr(organization, "pk", organization))
    for event in events.order_by("created_at").iterator(chunk_size=500):
        actor = "" if event.actor_id is None else str(event.actor_id)
        actor_label = label(event.actor_label, actor == person_id, actor not in ("", person_id))
        of_person = event.target_type == "orgs.person"
        target_label = label(
            event.target_label,
            of_person and event.target_id == person_id,
            of_person and event.target_id != person_id,
        )
        changes = _replaced(event.changes, replace)
        fields = {}
        if actor_label != event.actor_label:
            fields["actor_label"] = actor_label[:254]
        if target_label != event.target_label:
            fields["target_label"] = target_label[:300]
        if changes != event.changes:
            fields["changes"] = changes
        if fields:
            rewrites.append((event.pk, fields))
    # Written after the read: SQLite gives no isolation between a cursor and writes to its table.
    for pk, fields in rewrites:
        Event.objects.filter(pk=pk)._rewrite(**fields)
    return len(rewrites)


def audit_purge(*, now: dt.datetime | None = None, days: int | None = None) -> int:
    """Delete the events older than the retention (``AUDIT_RETENTION_DAYS``, 0 keeps them
    forever): the only way an event goes, run by each turn of the worker. Returns how many."""
    days = settings.AUDIT_RETENTION_DAYS if days is None else days
    if days <= 0:
        return 0
    cutoff = (now or timezone.now()) - dt.timedelta(days=min(days, MAX_RETENTION_DAYS))
    return Event.objects.filter(created_at__lt=cutoff)._purge()
