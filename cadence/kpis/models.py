"""KPIs (docs/method.md §6): a unit's health metrics, each with a healthy band and values over
time, kept apart from OKRs. A KPI that leaves its band is recorded as a crossing (its leads are
told once per crossing) and may be linked to the objective that recovers it."""

from django.db import models
from django.db.models import Q

from cadence.core.limits import MAX_MEASURE_UNIT, MAX_NAME
from cadence.core.models import BaseModel
from cadence.core.validators import validate_date_in_range, validate_finite
from cadence.okrs.models import Objective
from cadence.orgs.models import Organization, Person, Unit


class Kpi(BaseModel):
    class Frequency(models.TextChoices):
        DAILY = "daily", "Daily"
        WEEKLY = "weekly", "Weekly"
        MONTHLY = "monthly", "Monthly"
        QUARTERLY = "quarterly", "Quarterly"

    class Status(models.TextChoices):
        HEALTHY = "healthy", "Healthy"
        UNHEALTHY = "unhealthy", "Unhealthy"
        UNKNOWN = "", "No value yet"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    # The owner unit: its leads are told when the KPI leaves its band.
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="kpis")
    name = models.CharField(max_length=MAX_NAME)
    unit_of_measure = models.CharField(max_length=MAX_MEASURE_UNIT, blank=True, default="")
    # The healthy band: a lower bound, an upper bound or both (bounds included).
    band_min = models.FloatField(null=True, blank=True, validators=[validate_finite])
    band_max = models.FloatField(null=True, blank=True, validators=[validate_finite])
    frequency = models.CharField(max_length=10, choices=Frequency.choices, default=Frequency.WEEKLY)
    # The person who keeps its values (optional).
    owner = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    archived_at = models.DateTimeField(null=True, blank=True)
    # Kept by the services from the latest value (bands.latest): what lists show and sort by.
    status = models.CharField(max_length=10, choices=Status.choices, blank=True, default="")
    current_value = models.FloatField(null=True, blank=True)
    current_at = models.DateField(null=True, blank=True)
    # The objective drafted to bring it back into its band (kpis.services.kpi_recovery_create).
    recovery_objective = models.ForeignKey(
        Objective,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="recovered_kpis",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(band_min__isnull=False) | Q(band_max__isnull=False),
                name="kpi_band_has_a_bound",
            ),
            models.CheckConstraint(
                condition=Q(band_min__isnull=True)
                | Q(band_max__isnull=True)
                | Q(band_min__lte=models.F("band_max")),
                name="kpi_band_in_order",
            ),
        ]
        indexes = [models.Index(fields=["organization", "unit"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def is_unhealthy(self) -> bool:
        return self.status == self.Status.UNHEALTHY


class KpiValue(BaseModel):
    """One measurement of a KPI, on a date (values may be entered in any order)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="values")
    value = models.FloatField(validators=[validate_finite])
    at = models.DateField(validators=[validate_date_in_range])
    entered_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The order values were entered in: of two on the same date, the later one is current.
    seq = models.PositiveIntegerField(default=0)
    # Written by a data source (integrations), not a person: what the source is, as the history
    # shows it ("from <source>"); ``entered_by`` is then empty. Blank for a person's value.
    source = models.CharField(max_length=200, blank=True, default="", db_default="")

    class Meta:
        ordering = ["at", "seq"]
        indexes = [models.Index(fields=["kpi", "at", "seq"])]

    def __str__(self) -> str:
        return f"{self.kpi} {self.at}: {self.value:g}"


class KpiCrossing(BaseModel):
    """The KPI left its band: recorded once per crossing, in the transaction of the change that
    caused it, with the emails to the owner unit's leads."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="crossings")
    # The value that took it out (None: a change of band did).
    value = models.ForeignKey(
        KpiValue, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    current_value = models.FloatField()
    band_min = models.FloatField(null=True, blank=True)
    band_max = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["kpi", "value"],
                condition=Q(value__isnull=False),
                name="kpi_crossing_once_per_value",
            )
        ]
