"""Reads for outgoing webhooks and data sources, each scoped to one organization (another
organization's endpoint is missing: Http404)."""

from __future__ import annotations

from uuid import UUID

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404

from cadence.core.flags import said_empty
from cadence.integrations.models import (
    DataSource,
    SourceSettings,
    WebhookDelivery,
    WebhookEndpoint,
)
from cadence.kpis.models import Kpi
from cadence.okrs.models import KeyResult
from cadence.orgs.models import Organization

# Deliveries a log shows at most (the newest).
LOG_ROWS = 50
# The hour of the daily sync of data sources when an organization chose none.
DEFAULT_SYNC_HOUR = 6


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


# Data sources -------------------------------------------------------------------------------


def data_source_of(key_result: KeyResult) -> DataSource | None:
    """The key result's source, if it has one (the key result is already the organization's)."""
    return DataSource.objects.filter(
        organization_id=key_result.organization_id, key_result=key_result
    ).first()


def data_source_for(organization_id, key_result_id) -> DataSource | None:
    return DataSource.objects.filter(
        organization_id=organization_id, key_result_id=key_result_id
    ).first()


def objective_source_flags() -> dict:
    """The flag of an objective page's data sources (cadence.core.flags): whether any of its
    key results updates itself from one."""
    return {
        "has_data_sources": Exists(DataSource.objects.filter(key_result__objective=OuterRef("pk")))
    }


def data_sources_for(
    organization: Organization, key_result_ids, *, flags=None
) -> dict[UUID, DataSource]:
    """The sources of these key results, by key-result id, in one query (none when ``flags``,
    their objective as its page read it, says none has one)."""
    if said_empty(flags, "has_data_sources"):
        return {}
    return {
        s.key_result_id: s
        for s in DataSource.objects.filter(
            organization=organization, key_result_id__in=list(key_result_ids)
        )
    }


def kpi_data_source_of(kpi: Kpi) -> DataSource | None:
    """The KPI's source, if it has one (the KPI is already the organization's); answers
    ``kpis.hooks.kpi_data_source`` for the KPI's page."""
    return DataSource.objects.filter(organization_id=kpi.organization_id, kpi=kpi).first()


def data_sources_of(organization: Organization) -> list[DataSource]:
    """The organization's sources with their key results and objectives or their KPIs, for the
    settings: key results' first (by cycle, then title), then KPIs' (by unit, then name)."""
    rows = list(
        DataSource.objects.filter(organization=organization).select_related(
            "key_result__objective__cycle", "kpi__unit", "configured_by"
        )
    )

    def order(source: DataSource) -> tuple:
        if source.key_result_id:
            kr = source.key_result
            return (0, kr.objective.cycle.start.isoformat(), kr.title.lower(), str(source.pk))
        return (1, source.kpi.unit.name.lower(), source.kpi.name.lower(), str(source.pk))

    return sorted(rows, key=order)


def sync_hour_of(organization: Organization) -> int:
    row = SourceSettings.objects.filter(organization=organization).first()
    return row.sync_hour if row else DEFAULT_SYNC_HOUR
