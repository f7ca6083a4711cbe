"""Writes for data sources, of key results and of KPIs (a source's *target*, one of the two):
setting one (and removing it), asking for a sync or a test, the organization's daily hour, and
the worker's turn that syncs them — each sync made by one worker only, each new value recorded
once, as a check-in of the key result or a value of the KPI (``kpis.services.kpi_value_add``,
so a KPI leaving its band from a synced value is told once, like one entered by hand).

The services take ``key_result=`` or ``kpi=`` (exactly one). Who may set a source, sync or test
it is who may record its target's values: those who may check in on the key result
(``okrs.permissions.check_in_refusal``), those who may enter the KPI's values
(``kpis.services.value_entry_refusal``).

The claim protocol (the house's, as ``services`` for webhooks and ``cadence/mail``):

1. **Due**: a source is due when it is switched on and its ``next_run_at`` has come (the
   organization's daily hour, or a retry after a failure), or when someone asked for a sync
   ("Sync now") or a test. No request fetches anything: asking only writes ``requested``.
2. **Claim** it with a conditional UPDATE ``… SET claim_token = new, claimed_until = now + lease
   WHERE <due> AND (claimed_until IS NULL OR claimed_until < now)``: exactly one worker changes
   the row. A claim whose worker died lapses at ``claimed_until``.
3. **Fetch** outside any transaction (``fetch.value_of``: timeouts, a size cap, outbound rules).
4. **Record** in one transaction that locks the target, then the source's row *still holding
   this claim's token* (``select_for_update``): the check-in (when the value differs from the
   key result's current one) or the KPI's value (when ``kpis.bands.is_news``: a new number, or
   the first of a period of the KPI's frequency) and the source's new state commit together,
   or, when the claim was lost meanwhile (the lease ran out and another worker took it),
   nothing is written. So a slot's value is recorded once, whatever the number of workers.

A failed scheduled sync is tried again after ``RETRY_AFTER`` (10 minutes, then an hour), then
waits for the next day's hour. Every failed attempt counts in ``failures_in_a_row``; at the third
the target's owner (the key result's or the KPI's; without one, the person the source acts for)
gets an email, once per streak; a success ends the streak. An archived KPI's source is neither
synced nor tested until the KPI is restored.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from cadence.audit.services import audit_record, changes_between
from cadence.core import emails, outbound
from cadence.core.errors import Conflict
from cadence.core.limits import MAX_WEBHOOK_URL
from cadence.integrations import fetch, selectors, values
from cadence.integrations.models import DataSource, SourceSettings
from cadence.kpis import bands
from cadence.kpis import services as kpi_services
from cadence.kpis.models import Kpi
from cadence.mail import services as mail_services
from cadence.mail.models import Delivery
from cadence.okrs import permissions
from cadence.okrs import services as okr_services
from cadence.okrs.models import KeyResult
from cadence.orgs.models import Organization, Person

logger = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
TURN_LIMIT = 100
# After a failed scheduled attempt: the waits before the slot's next attempts.
RETRY_AFTER = (timedelta(minutes=10), timedelta(hours=1))
# Failed attempts in a row after which the owner is told.
NOTIFY_AFTER = 3
MAX_ERROR = 500
MAX_QUERY = 5000
MAX_HEADERS = 10
MAX_HEADER_VALUE = 2000

KINDS = tuple(DataSource.Kind.values)

# What a source keeps the values of.
Target = KeyResult | Kpi


# Settings -----------------------------------------------------------------------------------


def next_run(organization: Organization, now: datetime) -> datetime:
    return values.next_daily(now, selectors.sync_hour_of(organization), organization.time_zone)


@transaction.atomic
def source_settings_update(*, actor: Person, sync_hour: int) -> SourceSettings:
    """Set the hour (0–23, in the organization's time zone) of the daily sync (admins only);
    every source's next sync moves to it."""
    if not (actor.is_active and actor.is_admin):
        raise PermissionDenied("Only admins change when data sources are synced.")
    if isinstance(sync_hour, bool) or not isinstance(sync_hour, int) or not 0 <= sync_hour <= 23:
        raise ValidationError({"sync_hour": "Choose an hour from 0 to 23."})
    organization = actor.organization
    row, _ = SourceSettings.objects.select_for_update().get_or_create(organization=organization)
    before = row.sync_hour
    row.sync_hour = sync_hour
    row.save(update_fields=["sync_hour", "updated_at"])
    now = timezone.now()
    DataSource.objects.filter(organization=organization, slot_attempts=0).update(
        next_run_at=values.next_daily(now, sync_hour, organization.time_zone), updated_at=now
    )
    if before != sync_hour:
        audit_record(
            organization=organization.pk,
            kind="data_source.sync_hour",
            actor=actor,
            target_type="organization",
            target_id=str(organization.pk),
            target_label=organization.name[:300],
            changes={"sync_hour": [before, sync_hour]},
        )
    return row


# Setting a source ---------------------------------------------------------------------------


def _target(key_result: KeyResult | None, kpi: Kpi | None) -> Target:
    if (key_result is None) == (kpi is None):
        raise TypeError("Name the key result or the KPI of the data source (one of the two).")
    return kpi if kpi is not None else key_result


def _of(target: Target) -> dict[str, Target]:
    """The filter that finds the target's source."""
    return {"kpi": target} if isinstance(target, Kpi) else {"key_result": target}


def _what(target: Target) -> str:
    return "KPI" if isinstance(target, Kpi) else "key result"


def _name(target: Target) -> str:
    return target.name if isinstance(target, Kpi) else target.title


def _require_writer(actor: Person, target: Target) -> None:
    """Those who may record the target's values set its source (and ask for syncs): check in
    on the key result, enter the KPI's values."""
    if isinstance(target, Kpi):
        refusal = kpi_services.value_entry_refusal(actor, target.unit)
    else:
        refusal = permissions.check_in_refusal(actor, target.objective, target)
    if refusal is not None:
        raise refusal


def _require_not_archived(target: Target, doing: str) -> None:
    if isinstance(target, Kpi) and target.archived_at is not None:
        raise Conflict(f"This KPI is archived: restore it to {doing}.")


def _clean(
    *,
    kind: str,
    url: str,
    path: str,
    cell: str,
    connection: str,
    query: str,
    headers: dict[str, str] | None,
) -> dict[str, Any]:
    errors: dict[str, str] = {}
    out: dict[str, Any] = {
        "kind": kind,
        "url": "",
        "path": "",
        "cell": "",
        "connection": "",
        "query": "",
    }
    if kind not in KINDS:
        raise ValidationError({"kind": f"Choose one of {', '.join(KINDS)}."})
    if kind in (DataSource.Kind.HTTP_JSON, DataSource.Kind.CSV):
        url = (url or "").strip()
        if not url:
            errors["url"] = "Enter the address of the data."
        elif len(url) > MAX_WEBHOOK_URL:
            errors["url"] = f"Keep the address to {MAX_WEBHOOK_URL} characters."
        elif any(ord(c) < 33 or c == "\x7f" for c in url):
            errors["url"] = "An address has no spaces or control characters."
        elif not url.lower().startswith(("http://", "https://")):
            errors["url"] = "Use an address that starts with https://."
        elif reason := outbound.refusal(url):
            errors["url"] = reason
        out["url"] = url
    if kind == DataSource.Kind.HTTP_JSON:
        try:
            values.parse_path(path or "")
        except values.ValueProblem as problem:
            errors["path"] = str(problem)
        out["path"] = (path or "").strip()
    elif kind == DataSource.Kind.CSV:
        cell = " ".join((cell or "").split())
        if not cell:
            errors["cell"] = "Name a cell (B7) or a column's header (Revenue)."
        elif len(cell) > values.MAX_PATH:
            errors["cell"] = f"Keep it to {values.MAX_PATH} characters."
        out["cell"] = cell
    elif kind == DataSource.Kind.SQL:
        connection = (connection or "").strip()
        names = fetch.connections()
        if not connection:
            errors["connection"] = "Choose one of the operator's connections."
        elif connection not in names:
            known = ", ".join(sorted(names)) or "none is configured (CADENCE_DATA_SOURCES)"
            errors["connection"] = f"There is no connection {connection!r}: {known}."
        query = (query or "").strip()
        if not query:
            errors["query"] = "Write a query that returns one number."
        elif len(query) > MAX_QUERY:
            errors["query"] = f"Keep the query to {MAX_QUERY} characters."
        elif "\x00" in query:
            errors["query"] = "A query has no NUL characters."
        out["connection"], out["query"] = connection, query
    if headers is not None:
        if kind == DataSource.Kind.SQL and headers:
            errors["headers"] = "A SQL source sends no headers."
        elif len(headers) > MAX_HEADERS:
            errors["headers"] = f"Send at most {MAX_HEADERS} headers."
        else:
            for name, value in headers.items():
                if (
                    not isinstance(name, str)
                    or not name
                    or not all(c.isalnum() or c in "-_" for c in name)
                ):
                    errors["headers"] = f"{str(name)[:40]!r} is not a header name."
                    break
                if (
                    not isinstance(value, str)
                    or len(value) > MAX_HEADER_VALUE
                    or any(ord(c) < 32 or c == "\x7f" for c in value)
                ):
                    errors["headers"] = f"The value of {name} is not a header's value."
                    break
        out["headers"] = dict(headers)
    if errors:
        raise ValidationError(errors)
    return out


def _facts(source: DataSource) -> dict[str, Any]:
    return {
        "kind": source.kind,
        "url": source.url,
        "path": source.path,
        "cell": source.cell,
        "connection": source.connection,
        "query": source.query,
        "header_names": sorted(source.headers or {}),
        "active": source.active,
    }


def _audit(actor: Person, kind: str, source: DataSource, before: dict, after: dict) -> None:
    audit_record(
        organization=source.organization_id,
        kind=kind,
        actor=actor,
        target=source.target,
        target_label=source.target_name[:300],
        changes=changes_between(before, after),
    )


def _locked(target: Target) -> Target:
    """The target's row, locked (before the source's, in every write of a source). A KPI is
    locked as ``kpis.services`` locks it (with its unit), so both take the same rows in the
    same order."""
    if isinstance(target, Kpi):
        return Kpi.objects.select_for_update().select_related("unit").get(pk=target.pk)
    return (
        KeyResult.objects.select_for_update(of=("self",))
        .select_related("objective__unit", "objective__cycle")
        .get(pk=target.pk)
    )


@transaction.atomic
def data_source_set(
    *,
    actor: Person,
    key_result: KeyResult | None = None,
    kpi: Kpi | None = None,
    kind: str,
    url: str = "",
    path: str = "",
    cell: str = "",
    connection: str = "",
    query: str = "",
    headers: dict[str, str] | None = None,
    active: bool = True,
) -> DataSource:
    """Give the key result or the KPI a data source, or change it (those who may record its
    values). Its values will be recorded for ``actor`` (whose right each sync needs).
    ``headers`` None keeps the saved ones (they are never shown back); ``{}`` removes them.
    Nothing is fetched here: the worker syncs at the organization's hour, or when asked."""
    target = _locked(_target(key_result, kpi))
    _require_writer(actor, target)
    _require_not_archived(target, "give it a data source")
    cleaned = _clean(
        kind=kind,
        url=url,
        path=path,
        cell=cell,
        connection=connection,
        query=query,
        headers=headers,
    )
    now = timezone.now()
    source = DataSource.objects.select_for_update().filter(**_of(target)).first()
    before = _facts(source) if source else {}
    if source is None:
        source = DataSource(
            organization_id=target.organization_id,
            next_run_at=next_run(actor.organization, now),
            **_of(target),
        )
    if cleaned.get("kind") != source.kind and "headers" not in cleaned:
        cleaned["headers"] = {}  # another kind of source: the old credentials do not follow
    for field, value in cleaned.items():
        setattr(source, field, value)
    if cleaned["kind"] == DataSource.Kind.SQL:
        source.headers = {}
    source.active = bool(active)
    source.configured_by = actor
    if before and before != _facts(source):
        # Changed: a new start (the old streak and error were the old settings').
        source.last_error = ""
        source.failures_in_a_row = 0
        source.failure_notified = False
    _point_at(source, target)
    source.save()
    if before != _facts(source):
        _audit(actor, "data_source.set", source, before, _facts(source))
    return source


def _point_at(source: DataSource, target: Target) -> None:
    """The source keeps the locked target it was written with (the answer reads it)."""
    if isinstance(target, Kpi):
        source.kpi = target
    else:
        source.key_result = target


def _source_of(target: Target) -> DataSource:
    source = DataSource.objects.select_for_update().filter(**_of(target)).first()
    if source is None:
        raise Conflict(f"This {_what(target)} has no data source: set one first.")
    return source


@transaction.atomic
def data_source_switch(
    *,
    actor: Person,
    key_result: KeyResult | None = None,
    kpi: Kpi | None = None,
    active: bool,
) -> DataSource:
    """Switch the key result's or KPI's source on or off (kept either way; off, it is not
    synced)."""
    target = _locked(_target(key_result, kpi))
    _require_writer(actor, target)
    source = _source_of(target)
    before = _facts(source)
    source.active = bool(active)
    if not source.active and source.requested == DataSource.Request.SYNC:
        source.requested = DataSource.Request.NONE
    if source.active and not before["active"]:
        source.next_run_at = next_run(actor.organization, timezone.now())
        source.slot_attempts = 0
    _point_at(source, target)
    source.save()
    if before != _facts(source):
        _audit(actor, "data_source.set", source, before, _facts(source))
    return source


@transaction.atomic
def data_source_delete(
    *, actor: Person, key_result: KeyResult | None = None, kpi: Kpi | None = None
) -> None:
    """Remove the key result's or KPI's source (its check-ins or values stay, naming it)."""
    target = _locked(_target(key_result, kpi))
    _require_writer(actor, target)
    source = DataSource.objects.filter(**_of(target)).first()
    if source is None:
        return
    _point_at(source, target)
    _audit(actor, "data_source.deleted", source, _facts(source), {})
    source.delete()


@transaction.atomic
def data_source_request(
    *,
    actor: Person,
    key_result: KeyResult | None = None,
    kpi: Kpi | None = None,
    what: str,
) -> DataSource:
    """Ask the worker to sync the source at its next turn (``sync``: a new value is recorded)
    or to test it (``test``: the value found is shown, nothing is recorded). Nothing is
    fetched here. 409 when the target has no source, is an archived KPI, or a sync when the
    source is switched off."""
    if what not in (DataSource.Request.SYNC, DataSource.Request.TEST):
        raise ValidationError({"what": "Ask for a sync or a test."})
    target = _locked(_target(key_result, kpi))
    _require_writer(actor, target)
    source = _source_of(target)
    _require_not_archived(target, "sync or test its data source")
    if what == DataSource.Request.SYNC and not source.active:
        raise Conflict("This data source is switched off: switch it on to sync it.")
    if source.requested != DataSource.Request.SYNC:  # a sync asked for covers a test
        source.requested = what
    source.save(update_fields=["requested", "updated_at"])
    _point_at(source, target)
    return source


# The worker ---------------------------------------------------------------------------------


def _due(now: datetime) -> Q:
    unclaimed = Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    scheduled = Q(active=True) & (Q(next_run_at__lte=now) | Q(requested=DataSource.Request.SYNC))
    return (scheduled | Q(requested=DataSource.Request.TEST)) & unclaimed


def source_claim(
    *, source_id: uuid.UUID, now: datetime | None = None, lease: timedelta = LEASE
) -> DataSource | None:
    """Claim one due source for this worker: the claimed row, or None when another worker
    holds it or it is not due."""
    now = now or timezone.now()
    token = uuid.uuid4()
    taken = DataSource.objects.filter(_due(now), pk=source_id).update(
        claim_token=token, claimed_until=now + lease, updated_at=now
    )
    if taken != 1:
        return None
    return DataSource.objects.select_related("organization", "key_result", "kpi").get(
        pk=source_id, claim_token=token
    )


@dataclass(frozen=True)
class Outcome:
    value: float | None
    error: str = ""


def source_fetch(source: DataSource) -> Outcome:
    """Fetch the source's number (network or database): outside any transaction."""
    try:
        return Outcome(value=fetch.value_of(source))
    except values.ValueProblem as problem:
        return Outcome(value=None, error=str(problem)[:MAX_ERROR])


def _acting_person(source: DataSource, target: Target) -> Person:
    person = source.configured_by
    if person is None or not person.is_active:
        raise PermissionDenied(
            "The person who set this data source is no longer active: set it again to sync."
        )
    _require_writer(person, target)
    return person


def source_page_url(target: Target) -> str:
    """The path of the target's source page."""
    if isinstance(target, Kpi):
        return reverse("kpi_source", args=[target.pk])
    return reverse("key_result_source", args=[target.pk])


def _notify(source: DataSource, target: Target) -> None:
    person = target.owner or source.configured_by
    if person is None or not person.is_active or not person.email:
        return
    mail_services.delivery_enqueue(
        kind=Delivery.Kind.DATA_SOURCE,
        person=person,
        key=f"data_source:{source.pk}:{source.failures_in_a_row}:{source.last_attempt_at}",
        template="data_source_failing",
        context={
            "person": person,
            "what": _what(target),
            "name": _name(target),
            "by_hand": "enter a value by hand" if isinstance(target, Kpi) else "check in by hand",
            "source": source,
            "failures": source.failures_in_a_row,
            "error": source.last_error,
            "source_url": emails.absolute_url(source_page_url(target)),
        },
    )


def _record_value(source: DataSource, target: Target, actor: Person, value: float, now) -> str:
    """Record a synced value as the target's: "recorded", or "unchanged" when it is no news."""
    if isinstance(target, Kpi):
        # The day of the sync in the organization's time zone (``today`` too: the sync's moment,
        # not the server's clock, says which day it is).
        day = timezone.localtime(now, ZoneInfo(source.organization.time_zone)).date()
        news = bands.is_news(
            value,
            on=day,
            current_value=target.current_value,
            current_at=target.current_at,
            frequency=target.frequency,
        )
        if not news:
            return "unchanged"
        with transaction.atomic():  # a refused value leaves the source's save
            kpi_services.kpi_value_add(
                actor=actor, kpi=target, value=value, at=day, today=day, source=source.label
            )
        return "recorded"
    if target.current is not None and target.current == value:
        return "unchanged"
    with transaction.atomic():  # a refused check-in leaves the source's save
        okr_services.check_in_create(
            actor=actor,
            key_result=target,
            value=value,
            confidence=target.confidence or KeyResult.Confidence.ON_TRACK,
            source=source.label,
            at=now,
        )
    return "recorded"


def source_record(*, source: DataSource, outcome: Outcome, now: datetime) -> str:
    """Record a claimed attempt: returns "recorded" (a new value checked in, or a KPI's new
    value), "unchanged", "tested", "failed", or "" when the claim was lost meanwhile (nothing
    written)."""
    with transaction.atomic():
        # The target first, then the source: the order of every write of a source.
        target = _locked(source.target)
        mine = (
            DataSource.objects.select_for_update()
            .select_related("organization")
            .filter(pk=source.pk, claim_token=source.claim_token)
            .first()
        )
        if mine is None:
            logger.warning("The claim on data source %s was lost while fetching.", source.pk)
            return ""
        scheduled = mine.active and mine.next_run_at <= now
        testing = mine.requested == DataSource.Request.TEST and not scheduled
        mine.claim_token = None
        mine.claimed_until = None
        mine.last_attempt_at = now
        if testing:
            mine.requested = DataSource.Request.NONE
            mine.tested_at = now
            if outcome.error:
                mine.test_result = f"Failed: {outcome.error}"
            else:
                mine.test_result = f"Found {outcome.value:g}."
            mine.save()
            return "tested"
        result = "failed"
        error = outcome.error
        if not error:
            try:
                actor = _acting_person(mine, target)
                result = _record_value(mine, target, actor, outcome.value, now)
            except (PermissionDenied, ValidationError) as refused:
                messages = getattr(refused, "messages", None) or [str(refused)]
                what = "value" if isinstance(target, Kpi) else "check-in"
                error = f"The {what} was refused: {' '.join(messages)}"[:MAX_ERROR]
        if mine.requested == DataSource.Request.SYNC:
            mine.requested = DataSource.Request.NONE
        if error:
            mine.last_error = error
            mine.failures_in_a_row += 1
            if scheduled and mine.slot_attempts < len(RETRY_AFTER):
                mine.next_run_at = now + RETRY_AFTER[mine.slot_attempts]
                mine.slot_attempts += 1
            elif scheduled:
                mine.next_run_at = next_run(mine.organization, now)
                mine.slot_attempts = 0
            if mine.failures_in_a_row >= NOTIFY_AFTER and not mine.failure_notified:
                mine.failure_notified = True
                _notify(mine, target)
            mine.save()
            return "failed"
        mine.last_value = outcome.value
        mine.last_synced_at = now
        mine.last_error = ""
        mine.failures_in_a_row = 0
        mine.failure_notified = False
        if scheduled:
            mine.next_run_at = next_run(mine.organization, now)
            mine.slot_attempts = 0
        mine.save()
        return result


@dataclass
class SyncSummary:
    recorded: int = 0
    unchanged: int = 0
    tested: int = 0
    failed: int = 0
    skipped: int = 0  # claimed by another worker between our look and our claim

    def __str__(self) -> str:
        if not (self.recorded or self.unchanged or self.tested or self.failed):
            return ""
        synced = self.recorded + self.unchanged
        text = f"Data sources: {synced} synced ({self.recorded} new value"
        text += "s)" if self.recorded != 1 else ")"
        if self.tested:
            text += f", {self.tested} tested"
        if self.failed:
            text += f", {self.failed} failed"
        return text + "."


def sources_sync_due(
    *, now: datetime | None = None, lease: timedelta = LEASE, limit: int = TURN_LIMIT
) -> SyncSummary:
    """Sync the due sources nobody holds, the longest waiting first (not an archived KPI's)."""
    now = now or timezone.now()
    summary = SyncSummary()
    waiting = list(
        DataSource.objects.filter(_due(now), organization__data_sources_on=True)
        .exclude(kpi__archived_at__isnull=False)
        .order_by("next_run_at", "created_at")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in waiting:
        source = source_claim(source_id=pk, now=now, lease=lease)
        if source is None:
            summary.skipped += 1
            continue
        outcome = source_fetch(source)
        result = source_record(source=source, outcome=outcome, now=now)
        if result:
            setattr(summary, result, getattr(summary, result) + 1)
    return summary


def worker_turn(*, now: datetime | None = None) -> str:
    """The worker's turn for data sources (``scheduling.hooks.worker_turn``)."""
    return str(sources_sync_due(now=now))
