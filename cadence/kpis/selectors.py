"""Reads of KPIs, always scoped to an organization: a missing KPI and another organization's
look the same (Http404)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from uuid import UUID

from django.db.models import Case, Exists, F, IntegerField, OuterRef, QuerySet, Value, When, Window
from django.db.models.functions import RowNumber
from django.http import Http404

from cadence.core.flags import said_empty
from cadence.core.ids import uuid_or_404
from cadence.kpis import bands, charts
from cadence.kpis.models import Kpi, KpiCrossing, KpiValue
from cadence.okrs.models import Objective
from cadence.okrs.selectors import Viewer
from cadence.okrs.visibility import sight_of
from cadence.orgs.models import Membership, Organization, Person, Unit
from cadence.orgs.selectors import UnitTree

# How many of its latest values a KPI's sparkline draws.
SPARKLINE_VALUES = 12
# The most values a KPI's page lists and charts (the latest ones); the API pages through all.
PAGE_VALUES = 200

# Unhealthy first, then healthy, then those with no value yet.
_STATUS_ORDER = Case(
    When(status=Kpi.Status.UNHEALTHY, then=Value(0)),
    When(status=Kpi.Status.HEALTHY, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def kpis_of(organization: Organization) -> QuerySet[Kpi]:
    return Kpi.objects.filter(organization=organization)


def kpis_exist(organization: Organization) -> Exists:
    """Whether the organization has a KPI not archived (an annotation of a page's other query:
    without one, ``bands_by_unit`` is not asked)."""
    return Exists(kpis_of(organization).filter(archived_at__isnull=True))


def unhealthy_kpis_exist(organization: Organization, unit_ids=None) -> Exists:
    """Whether ``kpis_listed(unit_ids=..., unhealthy_only=True)`` would list any (an annotation
    of a page's other query: without one, the list is not asked)."""
    rows = kpis_of(organization).filter(archived_at__isnull=True, status=Kpi.Status.UNHEALTHY)
    if unit_ids is not None:
        rows = rows.filter(unit_id__in=list(unit_ids))
    return Exists(rows)


def unit_kpis_exist(unit_ref) -> Exists:
    """Whether the unit (``unit_ref``: an ``OuterRef`` to its id) has a KPI not archived: what
    ``kpis_listed(unit_ids=[unit])`` lists (an annotation of the unit's own query)."""
    return Exists(Kpi.objects.filter(unit_id=unit_ref, archived_at__isnull=True))


def veiled(kpi: Kpi, viewer: Viewer) -> Kpi:
    """The KPI as ``viewer`` reads it: a recovery objective they may not see (okrs.visibility)
    is left out of this loaded copy, never of the row (services read the row afresh)."""
    recovery = kpi.recovery_objective
    if recovery is not None and not sight_of(viewer).sees(recovery):
        kpi.recovery_objective = None
    return kpi


def kpi_get(organization: Organization, kpi_id, *, viewer: Viewer) -> Kpi:
    kpi = (
        kpis_of(organization)
        .select_related("unit", "owner", "recovery_objective")
        .filter(pk=uuid_or_404(kpi_id))
        .first()
    )
    if kpi is None:
        raise Http404("No such KPI.")
    return veiled(kpi, viewer)


def kpis_listed(
    organization: Organization,
    *,
    unit_ids: Iterable[UUID] | None = None,
    include_archived: bool = False,
    unhealthy_only: bool = False,
) -> QuerySet[Kpi]:
    """KPIs, unhealthy first, then by unit and name; of some units only with ``unit_ids``."""
    rows = kpis_of(organization).select_related("unit", "recovery_objective")
    if unit_ids is not None:
        rows = rows.filter(unit_id__in=list(unit_ids))
    if not include_archived:
        rows = rows.filter(archived_at__isnull=True)
    if unhealthy_only:
        rows = rows.filter(status=Kpi.Status.UNHEALTHY)
    return rows.annotate(status_order=_STATUS_ORDER).order_by("status_order", "unit__name", "name")


def kpi_values(kpi: Kpi) -> QuerySet[KpiValue]:
    """A KPI's values, oldest first (by date, then in the order entered)."""
    return KpiValue.objects.filter(kpi=kpi, organization_id=kpi.organization_id).order_by(
        "at", "seq"
    )


def kpi_values_latest(kpi: Kpi, limit: int = PAGE_VALUES) -> list[KpiValue]:
    """A KPI's latest ``limit`` values, oldest first, with who entered them."""
    rows = list(
        KpiValue.objects.filter(kpi=kpi, organization_id=kpi.organization_id)
        .select_related("entered_by")
        .order_by("-at", "-seq")[:limit]
    )
    rows.reverse()
    return rows


def kpi_crossings(kpi: Kpi) -> QuerySet[KpiCrossing]:
    return KpiCrossing.objects.filter(kpi=kpi, organization_id=kpi.organization_id).select_related(
        "value"
    )


def recent_values(kpis: list[Kpi], limit: int = SPARKLINE_VALUES) -> dict[UUID, list[float]]:
    """KPI id → its latest ``limit`` values, oldest first. One query whatever the number."""
    if not kpis:
        return {}
    rows = (
        KpiValue.objects.filter(kpi_id__in=[k.id for k in kpis])
        .annotate(
            rank=Window(
                RowNumber(), partition_by=[F("kpi_id")], order_by=[F("at").desc(), F("seq").desc()]
            )
        )
        .filter(rank__lte=limit)
        .order_by("kpi_id", "at", "seq")
        .values_list("kpi_id", "value")
    )
    out: dict[UUID, list[float]] = defaultdict(list)
    for kpi_id, value in rows:
        out[kpi_id].append(value)
    return dict(out)


def bands_by_unit(
    organization: Organization, unit_ids: Iterable[UUID] | None = None
) -> dict[UUID, tuple[tuple[float | None, float | None], ...]]:
    """unit id → the healthy bands of its KPIs in use (the coach's ``kr-restates-kpi`` compares
    a key result's target with them). One query."""
    rows = kpis_of(organization).filter(archived_at__isnull=True)
    if unit_ids is not None:
        rows = rows.filter(unit_id__in=list(unit_ids))
    out: dict[UUID, list[tuple[float | None, float | None]]] = defaultdict(list)
    for unit_id, low, high in rows.order_by("name").values_list("unit_id", "band_min", "band_max"):
        out[unit_id].append((low, high))
    return {k: tuple(v) for k, v in out.items()}


def objective_kpi_flags() -> dict:
    """The flags of an objective page's KPI reads (cadence.core.flags): the KPIs it was drafted
    to recover, the KPIs in use of its unit (whose bands the coach compares targets with)."""
    return {
        "recovers_kpis": Exists(Kpi.objects.filter(recovery_objective=OuterRef("pk"))),
        "unit_has_kpis": Exists(
            Kpi.objects.filter(unit=OuterRef("unit_id"), archived_at__isnull=True)
        ),
    }


def kpis_recovered_by(organization: Organization, objective: Objective) -> list[Kpi]:
    """The KPIs this objective was drafted to bring back into their band (none read when the
    objective was read with its flag and recovers none)."""
    if said_empty(objective, "recovers_kpis"):
        return []
    return list(kpis_of(organization).filter(recovery_objective=objective).order_by("name"))


def unit_has_kpis(unit: Unit) -> bool:
    return Kpi.objects.filter(unit=unit, archived_at__isnull=True).exists()


@dataclass(frozen=True)
class KpiRow:
    """A KPI as lists show it: its status, band and sparkline."""

    kpi: Kpi
    band: str
    status_label: str
    spark: charts.Sparkline

    def __getattr__(self, name):
        return getattr(self.kpi, name)


def kpi_rows(kpis: list[Kpi], *, viewer: Viewer) -> list[KpiRow]:
    """Rows for a list of KPIs (unit page, dashboard, meeting, company review): one query for
    every sparkline."""
    recent = recent_values(kpis)
    return [
        KpiRow(
            kpi=veiled(k, viewer),
            band=bands.band_text(k.band_min, k.band_max, k.unit_of_measure),
            status_label=bands.STATUS_LABELS[k.status],
            spark=charts.sparkline(recent.get(k.id, []), k.band_min, k.band_max),
        )
        for k in kpis
    ]


def leads_to_tell(unit: Unit) -> list[Person]:
    """Who is told when the unit's KPI leaves its band: the active leads of the unit, else of
    the nearest unit above it that has some."""
    tree = UnitTree.load(unit.organization)
    for candidate in [unit, *reversed(tree.ancestors(unit.id))]:
        leads = list(
            Person.objects.filter(
                memberships__unit=candidate,
                memberships__role=Membership.Role.LEAD,
                is_active=True,
            ).order_by("name")
        )
        if leads:
            return leads
    return []
