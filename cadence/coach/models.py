"""An organization's coach settings and the findings people dismissed (with their reason).

Findings themselves are not stored: they are computed from the OKRs whenever they are read,
so they can never be stale. Only people's decisions about them are kept.
"""

from django.db import models
from django.db.models import Q

from cadence.core.limits import MAX_DISMISS_REASON
from cadence.core.models import BaseModel
from cadence.okrs.models import KeyResult, Objective
from cadence.orgs.models import Organization, Person, Unit


class Level(models.TextChoices):
    ERROR = "error", "Error"
    WARN = "warn", "Warning"
    INFO = "info", "Advice"


class CheckSetting(BaseModel):
    """An organization's override of one check: switched off, or at another level."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="coach_settings"
    )
    check_id = models.CharField(max_length=40)
    enabled = models.BooleanField(default=True)
    # Blank: the check's own level.
    level = models.CharField(max_length=5, choices=Level.choices, blank=True)
    changed_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "check_id"], name="coach_setting_once_per_check"
            )
        ]


class Dismissal(BaseModel):
    """Someone decided a warning or a piece of advice does not apply here, and said why.

    Exactly one of objective, key_result or unit is set (unit for unit-level checks such as
    unit-too-many-objectives, with the cycle it was judged in)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    check_id = models.CharField(max_length=40)
    objective = models.ForeignKey(
        Objective, on_delete=models.CASCADE, null=True, blank=True, related_name="dismissals"
    )
    key_result = models.ForeignKey(
        KeyResult, on_delete=models.CASCADE, null=True, blank=True, related_name="dismissals"
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    cycle = models.ForeignKey(
        "okrs.Cycle", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(max_length=MAX_DISMISS_REASON)
    dismissed_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(objective__isnull=False, key_result__isnull=True, unit__isnull=True)
                    | Q(objective__isnull=True, key_result__isnull=False, unit__isnull=True)
                    | Q(objective__isnull=True, key_result__isnull=True, unit__isnull=False)
                ),
                name="dismissal_exactly_one_target",
            ),
            models.UniqueConstraint(
                fields=["check_id", "objective"],
                condition=Q(objective__isnull=False),
                name="dismissal_once_per_objective",
            ),
            models.UniqueConstraint(
                fields=["check_id", "key_result"],
                condition=Q(key_result__isnull=False),
                name="dismissal_once_per_key_result",
            ),
            models.UniqueConstraint(
                fields=["check_id", "unit", "cycle"],
                condition=Q(unit__isnull=False),
                name="dismissal_once_per_unit_cycle",
            ),
        ]
        indexes = [models.Index(fields=["organization", "check_id"])]
