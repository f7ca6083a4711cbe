"""Outgoing webhooks, for the organization's admins: register an address for events, read,
switch off or delete it, send it a test, and read its delivery log. Deliveries are sent by the
worker, never during a request (README, "Outgoing webhooks")."""

from datetime import datetime
from typing import Literal
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from cadence.api.auth import actor
from cadence.api.schemas import ERRORS, Flag, Input, text
from cadence.core.limits import MAX_WEBHOOK_URL
from cadence.integrations import events as catalogue
from cadence.integrations import selectors, services
from cadence.integrations.models import WebhookDelivery, WebhookEndpoint
from cadence.orgs.models import Person

router = Router(tags=["webhooks"])

WebhookEvent = Literal[tuple(catalogue.EVENTS)]  # type: ignore[valid-type]
EVENTS_HELP = "The events it receives: " + ", ".join(f"`{e}`" for e in catalogue.EVENTS) + "."


class WebhookIn(Input):
    url: text(
        MAX_WEBHOOK_URL,
        min_chars=1,
        description="Where each event is POSTed: https (plain http only to addresses the "
        "operator allows); a private or local address only when the operator allows it.",
    )
    events: list[WebhookEvent] = Field(
        min_length=1, max_length=len(catalogue.EVENTS), description=EVENTS_HELP
    )


class WebhookPatch(Input):
    active: Flag | None = Field(
        None, description="false switches it off (waiting deliveries are not sent)."
    )
    events: list[WebhookEvent] | None = Field(
        None, min_length=1, max_length=len(catalogue.EVENTS), description=EVENTS_HELP
    )


class WebhookOut(Schema):
    id: UUID
    url: str
    events: list[str]
    active: bool
    created_at: datetime
    failures_in_a_row: int = Field(description="Failed attempts since the last success.")
    last_success_at: datetime | None
    last_failure_at: datetime | None


class WebhookCreatedOut(WebhookOut):
    secret: str = Field(
        description="Signs every delivery: `X-Cadence-Signature: sha256=<hex HMAC-SHA256 of the "
        "body>`. Shown this once."
    )


class DeliveryOut(Schema):
    id: UUID = Field(description="Sent as `X-Cadence-Delivery`: a repeat has the same id.")
    event: str
    state: Literal["pending", "delivered", "failed"]
    attempts: int
    response_code: int | None = Field(description="The last attempt's HTTP status, if any.")
    last_error: str
    created_at: datetime
    next_attempt_at: datetime | None = Field(description="While pending: not sent before.")
    sent_at: datetime | None


def _admin(request: HttpRequest) -> Person:
    person = actor(request)
    if not person.is_admin:
        raise PermissionDenied("Only admins manage the organization's webhooks.")
    return person


def _endpoint(request: HttpRequest, webhook_id: str) -> tuple[Person, WebhookEndpoint]:
    """Another organization's webhook is missing (404) before anyone's role is asked (403)."""
    person = actor(request)
    endpoint = selectors.webhook_get(person.organization, webhook_id)
    return _admin(request), endpoint


def _out(endpoint: WebhookEndpoint) -> dict:
    return {
        "id": endpoint.pk,
        "url": endpoint.url,
        "events": endpoint.events,
        "active": endpoint.active,
        "created_at": endpoint.created_at,
        "failures_in_a_row": endpoint.failures_in_a_row,
        "last_success_at": endpoint.last_success_at,
        "last_failure_at": endpoint.last_failure_at,
    }


def _delivery_out(delivery: WebhookDelivery) -> dict:
    pending = delivery.state == WebhookDelivery.State.PENDING
    return {
        "id": delivery.pk,
        "event": delivery.event,
        "state": delivery.state,
        "attempts": delivery.attempts,
        "response_code": delivery.response_code,
        "last_error": delivery.last_error,
        "created_at": delivery.created_at,
        "next_attempt_at": delivery.next_attempt_at if pending else None,
        "sent_at": delivery.sent_at,
    }


@router.get("/webhooks", response={200: list[WebhookOut], **ERRORS})
def webhook_list(request: HttpRequest) -> list[dict]:
    """The organization's webhooks (admins only), oldest first; secrets are never shown again."""
    person = _admin(request)
    return [_out(e) for e in selectors.webhooks_of(person.organization)]


@router.post("/webhooks", response={201: WebhookCreatedOut, **ERRORS})
def webhook_create(request: HttpRequest, payload: WebhookIn) -> Status:
    """Register an address for events (admins only). The answer carries the secret that signs
    every delivery, shown this once. Each event is POSTed as JSON by the worker, retried with
    backoff until it is answered 2xx (redirects are not followed)."""
    endpoint, secret = services.webhook_create(
        actor=_admin(request), url=payload.url, events=list(payload.events)
    )
    return Status(201, {**_out(endpoint), "secret": secret})


@router.get("/webhooks/{webhook_id}", response={200: WebhookOut, **ERRORS})
def webhook_detail(request: HttpRequest, webhook_id: str) -> dict:
    _, endpoint = _endpoint(request, webhook_id)
    return _out(endpoint)


@router.patch("/webhooks/{webhook_id}", response={200: WebhookOut, **ERRORS})
def webhook_update(request: HttpRequest, webhook_id: str, payload: WebhookPatch) -> dict:
    """Switch a webhook off (``active: false``; its waiting deliveries are not sent) or on, or
    change its events (admins only)."""
    person, endpoint = _endpoint(request, webhook_id)
    data = payload.model_dump(exclude_unset=True)
    endpoint = services.webhook_update(
        actor=person,
        endpoint=endpoint,
        active=data.get("active"),
        events=list(data["events"]) if data.get("events") is not None else None,
    )
    return _out(endpoint)


@router.delete("/webhooks/{webhook_id}", response={204: None, **ERRORS})
def webhook_delete(request: HttpRequest, webhook_id: str) -> Status:
    """Delete a webhook and its delivery log (admins only)."""
    person, endpoint = _endpoint(request, webhook_id)
    services.webhook_delete(actor=person, endpoint=endpoint)
    return Status(204, None)


@router.post("/webhooks/{webhook_id}/test", response={202: DeliveryOut, **ERRORS})
def webhook_test(request: HttpRequest, webhook_id: str) -> Status:
    """Queue a `ping` event to the webhook (admins only): the worker sends it within its next
    turn; its answer shows in the delivery log. 409 when the webhook is switched off."""
    person, endpoint = _endpoint(request, webhook_id)
    delivery = services.webhook_test(actor=person, endpoint=endpoint)
    return Status(202, _delivery_out(delivery))


@router.get("/webhooks/{webhook_id}/deliveries", response={200: list[DeliveryOut], **ERRORS})
def webhook_deliveries(request: HttpRequest, webhook_id: str) -> list[dict]:
    """The webhook's delivery log, newest first (the last 50): each event's state, attempts,
    the last answer's status code and error. Kept 30 days."""
    _, endpoint = _endpoint(request, webhook_id)
    return [_delivery_out(d) for d in selectors.deliveries_of(endpoint)]
