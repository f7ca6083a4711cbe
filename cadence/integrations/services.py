"""Writes for outgoing webhooks: the endpoints admins register, the deliveries the changes queue,
and the worker's turn that sends them — each at most once per attempt across all workers.

The claim protocol (the house's, as ``cadence/mail/services.py``; no queue, no extra service):

1. **Queue** a delivery per subscribed endpoint **inside the transaction of the change** that
   it tells of (the hooks of okrs, weekly and scoring call the listeners below): it commits
   with the check-in, the state change, the weekly update or the closed cycle, or not at all.
   No request talks to another server. Its ``key`` makes queuing the same event twice a no-op.
2. **Claim** a due delivery with a conditional UPDATE ``… SET claim_token = new, claimed_until =
   now + lease, attempts = attempts + 1 WHERE state = 'pending' AND next_attempt_at <= now AND
   (claimed_until IS NULL OR claimed_until < now)``: it changes the row for exactly one worker
   (the database re-checks the WHERE clause on the row it updates). A claim whose worker died
   lapses at ``claimed_until`` and is taken again.
3. **Send** outside any transaction (``cadence.core.outbound``: refused private addresses,
   a timeout, no redirect followed), then **record** the answer with an UPDATE guarded by the
   claim token: a 2xx delivers it; anything else waits ``catalogue.wait_after(attempts)`` and is
   tried again, up to ``catalogue.MAX_ATTEMPTS`` attempts, then it is given up (failed).

As with email, one window cannot be closed without the receiver's help: a worker killed between
the receiver's 2xx and the UPDATE that records it sends that delivery again after the lease.
Receivers tell a repeat by its ``X-Cadence-Delivery`` id.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import requests
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from cadence.audit.services import audit_record, changes_between
from cadence.core import outbound
from cadence.core.errors import Conflict
from cadence.core.limits import MAX_WEBHOOKS
from cadence.integrations import addresses, payloads
from cadence.integrations import events as catalogue
from cadence.integrations.models import WebhookDelivery, WebhookEndpoint, new_secret
from cadence.kpis.models import Kpi, KpiCrossing
from cadence.okrs.models import CheckIn, Cycle, KeyResult, Objective
from cadence.orgs.models import Person
from cadence.weekly.models import WeeklyUpdate

logger = logging.getLogger(__name__)

# A claim not recorded after this long belongs to a worker that died (longer than any send:
# the connection and the answer each time out after outbound.TIMEOUT seconds).
LEASE = timedelta(minutes=5)
# Deliveries one worker turn claims at most (the rest wait for the next turn).
TURN_LIMIT = 100
# Delivered and failed deliveries stay in the log this long, then the worker removes them.
LOG_DAYS = 30
# Kept from an error's text, and from the address in messages.
MAX_ERROR = 500

# Endpoints ------------------------------------------------------------------------------------


def _require_admin(actor: Person, organization_id) -> None:
    if not (actor.is_active and actor.organization_id == organization_id and actor.is_admin):
        raise PermissionDenied("Only admins manage the organization's webhooks.")


def _clean_url(url: str) -> str:
    return addresses.clean_address(url, missing="Enter the address that receives the events.")


def _clean_events(names: list[str] | None) -> list[str]:
    return addresses.clean_choice(
        names,
        catalogue.EVENTS,
        field="events",
        noun="event",
        missing="Choose at least one event to send.",
    )


def _facts(endpoint: WebhookEndpoint) -> dict[str, Any]:
    return {"url": endpoint.url, "events": endpoint.events, "active": endpoint.active}


def _record(actor: Person, kind: str, endpoint: WebhookEndpoint, before: dict, after: dict):
    audit_record(
        organization=endpoint.organization_id,
        kind=kind,
        actor=actor,
        target=endpoint,
        target_label=endpoint.url[:300],
        changes=changes_between(before, after),
    )


@transaction.atomic
def webhook_create(
    *, actor: Person, url: str, events: list[str], active: bool = True
) -> tuple[WebhookEndpoint, str]:
    """Register ``url`` for ``events`` (admins only). Returns the endpoint and its secret, which
    signs every delivery and is shown to the admin this once. The address is checked as the
    worker will check it (``outbound.refusal``): https, and a public address unless the
    operator allows private ones."""
    _require_admin(actor, actor.organization_id)
    errors: dict[str, str] = {}
    cleaned: dict[str, Any] = {}
    for name, clean, value in (("url", _clean_url, url), ("events", _clean_events, events)):
        try:
            cleaned[name] = clean(value)
        except ValidationError as error:
            errors.update({k: v[0] for k, v in error.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    count = WebhookEndpoint.objects.filter(organization_id=actor.organization_id).count()
    if count >= MAX_WEBHOOKS:
        raise Conflict(f"An organization keeps at most {MAX_WEBHOOKS} webhooks: delete one first.")
    secret = new_secret()
    endpoint = WebhookEndpoint.objects.create(
        organization_id=actor.organization_id,
        url=cleaned["url"],
        events=cleaned["events"],
        secret=secret,
        active=bool(active),
        created_by=actor,
    )
    _record(actor, "webhook.created", endpoint, {}, _facts(endpoint))
    return endpoint, secret


def _give_up_waiting(endpoint: WebhookEndpoint, reason: str) -> int:
    """The endpoint's deliveries still waiting are not sent (their worker, if one holds them,
    records nothing: its token no longer matches)."""
    now = timezone.now()
    waiting = WebhookDelivery.objects.filter(endpoint=endpoint, state=WebhookDelivery.State.PENDING)
    return waiting.update(
        state=WebhookDelivery.State.FAILED,
        last_error=reason,
        claim_token=None,
        claimed_until=None,
        updated_at=now,
    )


@transaction.atomic
def webhook_update(
    *,
    actor: Person,
    endpoint: WebhookEndpoint,
    active: bool | None = None,
    events: list[str] | None = None,
) -> WebhookEndpoint:
    """Switch an endpoint on or off, or change its events (admins only). Switching it off also
    gives up its deliveries still waiting: switched on again, it receives only new events."""
    _require_admin(actor, endpoint.organization_id)
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    before = _facts(endpoint)
    if events is not None:
        endpoint.events = _clean_events(events)
    if active is not None:
        endpoint.active = bool(active)
    endpoint.save(update_fields=["events", "active", "updated_at"])
    if before["active"] and not endpoint.active:
        _give_up_waiting(endpoint, "Not sent: the webhook was switched off.")
    if _facts(endpoint) != before:
        _record(actor, "webhook.updated", endpoint, before, _facts(endpoint))
    return endpoint


@transaction.atomic
def webhook_delete(*, actor: Person, endpoint: WebhookEndpoint) -> None:
    """Delete an endpoint and its delivery log (admins only); nothing more is sent to it."""
    _require_admin(actor, endpoint.organization_id)
    _record(actor, "webhook.deleted", endpoint, _facts(endpoint), {})
    endpoint.delete()


@transaction.atomic
def webhook_test(*, actor: Person, endpoint: WebhookEndpoint) -> WebhookDelivery:
    """Queue a ``ping`` to the endpoint (admins only), sent by the worker like any delivery and
    shown in its log with the answer. 409 when the endpoint is switched off."""
    _require_admin(actor, endpoint.organization_id)
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    if not endpoint.active:
        raise Conflict("This webhook is switched off: switch it on to send a test.")
    now = timezone.now()
    payload = payloads.envelope(
        catalogue.PING,
        endpoint.organization_id,
        now,
        webhook={"id": str(endpoint.pk), "url": endpoint.url, "events": endpoint.events},
        actor=payloads.person(actor),
    )
    return WebhookDelivery.objects.create(
        endpoint=endpoint,
        event=catalogue.PING,
        payload=catalogue.body_of(payload),
        key=f"{endpoint.pk}:{catalogue.PING}:{uuid.uuid4()}",
        next_attempt_at=now,
    )


# Queuing: the listeners of the hooks below this app ------------------------------------------


def _subscribed(organization_id, event: str) -> list[WebhookEndpoint]:
    """The organization's endpoints switched on for ``event``: one query, nothing cached."""
    return [
        endpoint
        for endpoint in WebhookEndpoint.objects.filter(
            organization_id=organization_id, active=True, organization__webhooks_on=True
        ).only("id", "events")
        if event in (endpoint.events or [])
    ]


def deliveries_queue(*, organization_id, event: str, about: str, payload: Any) -> int:
    """Queue ``event`` for each endpoint of the organization subscribed to it; ``payload`` is
    the body, or a function that builds it (called only when someone subscribes). Call it in the
    transaction of the change; ``about`` names what happened, so queuing it again does nothing.
    Returns how many deliveries were queued."""
    endpoints = _subscribed(organization_id, event)
    if not endpoints:
        return 0
    now = timezone.now()
    body = catalogue.body_of(payload() if callable(payload) else payload)
    WebhookDelivery.objects.bulk_create(
        [
            WebhookDelivery(
                endpoint=endpoint,
                event=event,
                payload=body,
                key=f"{endpoint.pk}:{event}:{about}"[:200],
                next_attempt_at=now,
            )
            for endpoint in endpoints
        ],
        ignore_conflicts=True,
    )
    return len(endpoints)


def _private(objective: Objective) -> bool:
    """A private objective's events go to no endpoint: whoever reads what an endpoint receives
    is unknown to Cadence (okrs.visibility)."""
    return objective.visibility != Objective.Visibility.ORGANIZATION


def on_check_in_created(*, actor: Person, key_result: KeyResult, check_in: CheckIn) -> None:
    if _private(key_result.objective):
        return
    event = "check_in.created"
    deliveries_queue(
        organization_id=key_result.organization_id,
        event=event,
        about=str(check_in.pk),
        payload=lambda: payloads.envelope(
            event,
            key_result.organization_id,
            timezone.now(),
            key_result=payloads.key_result(key_result),
            check_in=payloads.check_in(check_in),
            actor=payloads.person(actor),
        ),
    )


def on_objective_state_changed(*, actor: Person | None, objective: Objective, before: str) -> None:
    if _private(objective):
        return
    event = "objective.state_changed"
    deliveries_queue(
        organization_id=objective.organization_id,
        event=event,
        about=str(uuid.uuid4()),  # every move is its own event
        payload=lambda: payloads.envelope(
            event,
            objective.organization_id,
            timezone.now(),
            objective=payloads.objective(objective),
            previous_state=before,
            state=objective.state,
            actor=payloads.person(actor),
        ),
    )


def on_update_submitted(*, actor: Person, update: WeeklyUpdate) -> None:
    event = "weekly_update.submitted"
    deliveries_queue(
        organization_id=update.organization_id,
        event=event,
        about=str(update.pk),  # submitted once
        payload=lambda: payloads.envelope(
            event,
            update.organization_id,
            timezone.now(),
            weekly_update=payloads.weekly_update(update, actor),
        ),
    )


def on_cycle_closed(*, actor: Person | None, cycle: Cycle, objectives_closed: int) -> None:
    event = "cycle.closed"
    deliveries_queue(
        organization_id=cycle.organization_id,
        event=event,
        about=f"{cycle.pk}:{cycle.closed_at.isoformat() if cycle.closed_at else ''}",
        payload=lambda: payloads.envelope(
            event,
            cycle.organization_id,
            timezone.now(),
            cycle=payloads.cycle(cycle),
            objectives_closed=objectives_closed,
            actor=payloads.person(actor),
        ),
    )


def on_kpi_left_band(*, kpi: Kpi, crossing: KpiCrossing) -> None:
    event = "kpi.left_band"
    deliveries_queue(
        organization_id=kpi.organization_id,
        event=event,
        about=str(crossing.pk),  # each crossing once
        payload=lambda: payloads.envelope(
            event, kpi.organization_id, timezone.now(), kpi=payloads.kpi(kpi, crossing)
        ),
    )


# Claims and sends ----------------------------------------------------------------------------


def _due(now: datetime) -> Q:
    """A waiting delivery whose time came and that nobody holds (or whose holder's lease ran
    out)."""
    return Q(state=WebhookDelivery.State.PENDING, next_attempt_at__lte=now) & (
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    )


def delivery_claim(
    *, delivery_id: uuid.UUID, now: datetime | None = None, lease: timedelta = LEASE
) -> WebhookDelivery | None:
    """Claim one due delivery for this worker: the claimed row (its attempt counted), or None
    when another worker holds it, it is not due, or it is done."""
    now = now or timezone.now()
    token = uuid.uuid4()
    taken = WebhookDelivery.objects.filter(_due(now), pk=delivery_id).update(
        claim_token=token,
        claimed_until=now + lease,
        attempts=F("attempts") + 1,
        updated_at=now,
    )
    if taken != 1:
        return None
    return WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id, claim_token=token)


@dataclass(frozen=True)
class Answer:
    """What one attempt got: the receiver's status code, or why there was none."""

    status: int | None
    error: str = ""


def delivery_post(delivery: WebhookDelivery) -> Answer:
    """POST the delivery's body, signed with its endpoint's secret. Outside any transaction; no
    redirect is followed (a 3xx is a failed attempt), the address is checked again at the
    moment of the call, and the connection and the answer each time out."""
    body = delivery.payload.encode()
    endpoint = delivery.endpoint
    headers = {
        "Content-Type": "application/json",
        "User-Agent": f"{settings.SITE_NAME}-Webhooks/1",
        catalogue.SIGNATURE_HEADER: catalogue.signature(endpoint.secret, body),
        catalogue.EVENT_HEADER: delivery.event,
        catalogue.DELIVERY_HEADER: str(delivery.pk),
    }
    session = outbound.guarded_session()
    try:
        # stream: the answer's body is never read (only its status counts), however long.
        with session.post(
            endpoint.url,
            data=body,
            headers=headers,
            timeout=outbound.TIMEOUT,
            allow_redirects=False,
            stream=True,
        ) as response:
            return Answer(status=response.status_code)
    except requests.RequestException as error:
        return Answer(status=None, error=f"{type(error).__name__}: {error}"[:MAX_ERROR])
    finally:
        session.close()


def delivery_record(*, delivery: WebhookDelivery, answer: Answer, now: datetime) -> str:
    """Record an attempt's answer under the claim; returns the delivery's state after it (or ""
    when the claim was lost meanwhile: the lease ran out, or the webhook was switched off)."""
    mine = WebhookDelivery.objects.filter(pk=delivery.pk, claim_token=delivery.claim_token)
    endpoint = WebhookEndpoint.objects.filter(pk=delivery.endpoint_id)
    if answer.status is not None and catalogue.is_success(answer.status):
        marked = mine.update(
            state=WebhookDelivery.State.DELIVERED,
            response_code=answer.status,
            last_error="",
            sent_at=now,
            claimed_until=None,
            updated_at=now,
        )
        if not marked:
            logger.warning("The claim on webhook delivery %s was lost while sending.", delivery.pk)
            return ""
        endpoint.update(failures_in_a_row=0, last_success_at=now)
        return WebhookDelivery.State.DELIVERED
    error = answer.error
    if answer.status is not None:
        error = f"The endpoint answered {answer.status}."
        if 300 <= answer.status < 400:
            error += " Redirects are not followed: register the final address."
    if delivery.attempts >= catalogue.MAX_ATTEMPTS:
        state, more = WebhookDelivery.State.FAILED, {}
        error += f" Given up after {delivery.attempts} attempts."
    else:
        state = WebhookDelivery.State.PENDING
        more = {"next_attempt_at": now + catalogue.wait_after(delivery.attempts)}
    marked = mine.update(
        state=state,
        response_code=answer.status,
        last_error=error.strip()[:MAX_ERROR],
        claim_token=None,
        claimed_until=None,
        updated_at=now,
        **more,
    )
    if not marked:
        return ""
    endpoint.update(failures_in_a_row=F("failures_in_a_row") + 1, last_failure_at=now)
    return state


@dataclass
class TurnSummary:
    delivered: int = 0
    retrying: int = 0  # failed attempts that will be tried again
    failed: int = 0  # given up this turn
    skipped: int = 0  # claimed by another worker between our look and our claim
    purged: int = 0

    def __str__(self) -> str:
        if not (self.delivered or self.retrying or self.failed or self.purged):
            return ""
        plural = "y" if self.delivered == 1 else "ies"
        text = f"Webhooks: {self.delivered} deliver{plural} sent"
        if self.retrying:
            text += f", {self.retrying} to be retried"
        if self.failed:
            text += f", {self.failed} given up"
        if self.purged:
            entries = "entry" if self.purged == 1 else "entries"
            text += f"; {self.purged} old log {entries} removed"
        return text + "."


def deliveries_send_due(
    *, now: datetime | None = None, lease: timedelta = LEASE, limit: int = TURN_LIMIT
) -> TurnSummary:
    """Send the due deliveries nobody holds, oldest first, each attempt made by one worker
    only. An endpoint whose attempt failed is not tried again in the same turn (a dead address
    does not hold up the others for a timeout per delivery)."""
    now = now or timezone.now()
    summary = TurnSummary()
    waiting = list(
        WebhookDelivery.objects.filter(_due(now), endpoint__organization__webhooks_on=True)
        .order_by("next_attempt_at", "created_at")
        .values_list("pk", "endpoint_id")[:limit]
    )
    failing: set[uuid.UUID] = set()
    for pk, endpoint_id in waiting:
        if endpoint_id in failing:
            continue
        delivery = delivery_claim(delivery_id=pk, now=now, lease=lease)
        if delivery is None:
            summary.skipped += 1
            continue
        if not delivery.endpoint.active:
            WebhookDelivery.objects.filter(pk=pk, claim_token=delivery.claim_token).update(
                state=WebhookDelivery.State.FAILED,
                last_error="Not sent: the webhook was switched off.",
                claimed_until=None,
                updated_at=now,
            )
            continue
        answer = delivery_post(delivery)
        state = delivery_record(delivery=delivery, answer=answer, now=now)
        if state == WebhookDelivery.State.DELIVERED:
            summary.delivered += 1
        elif state == WebhookDelivery.State.PENDING:
            summary.retrying += 1
            failing.add(endpoint_id)
        elif state == WebhookDelivery.State.FAILED:
            summary.failed += 1
            failing.add(endpoint_id)
    return summary


def deliveries_purge(*, now: datetime | None = None, days: int = LOG_DAYS) -> int:
    """Remove the deliveries delivered or given up more than ``days`` ago (the log stays
    bounded; one still being retried stays, however old)."""
    cutoff = (now or timezone.now()) - timedelta(days=days)
    deleted, _ = (
        WebhookDelivery.objects.filter(updated_at__lt=cutoff)
        .exclude(state=WebhookDelivery.State.PENDING)
        .delete()
    )
    return deleted


def worker_turn(*, now: datetime | None = None) -> str:
    """The worker's turn for webhooks (``scheduling.hooks.worker_turn``): send what is due, then
    trim the log. Returns the summary line, or "" when there was nothing to do."""
    summary = deliveries_send_due(now=now)
    summary.purged = deliveries_purge(now=now)
    return str(summary)
