"""Reads for outgoing webhooks, each scoped to one organization (another organization's
endpoint is missing: Http404)."""

from __future__ import annotations

from uuid import UUID

from django.db.models import QuerySet
from django.http import Http404

from cadence.integrations.models import WebhookDelivery, WebhookEndpoint
from cadence.orgs.models import Organization

# Deliveries a log shows at most (the newest).
LOG_ROWS = 50


def webhooks_of(organization: Organization) -> QuerySet[WebhookEndpoint]:
    return WebhookEndpoint.objects.filter(organization=organization).order_by("created_at")


def webhook_get(organization: Organization, webhook_id: UUID | str) -> WebhookEndpoint:
    try:
        return WebhookEndpoint.objects.get(organization=organization, pk=UUID(str(webhook_id)))
    except (ValueError, WebhookEndpoint.DoesNotExist) as error:
        raise Http404("No such webhook.") from error


def deliveries_of(endpoint: WebhookEndpoint, limit: int = LOG_ROWS) -> list[WebhookDelivery]:
    """The endpoint's newest deliveries, newest first (the log: event, state, attempts, the
    answer's status code, the last error)."""
    return list(
        WebhookDelivery.objects.filter(endpoint=endpoint)
        .defer("payload")
        .order_by("-created_at")[:limit]
    )


def deliveries_recent(organization: Organization, limit: int = LOG_ROWS) -> list[WebhookDelivery]:
    """The organization's newest deliveries to any of its endpoints, newest first."""
    return list(
        WebhookDelivery.objects.filter(endpoint__organization=organization)
        .select_related("endpoint")
        .defer("payload", "endpoint__secret")
        .order_by("-created_at")[:limit]
    )
