"""The one-time setup code that guards an empty install, and each organization's setup
checklist steps that cannot be read from its data."""

from django.db import models

from cadence.core.models import BaseModel
from cadence.orgs.models import Organization


class SetupCode(BaseModel):
    """The code `cadence serve` prints on an empty database. Only its hash is kept; issuing a
    new one replaces the old; it is spent by the setup that creates the first organization."""

    code_hash = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)


class Checklist(BaseModel):
    """What an admin confirmed on the setup checklist (the other steps are read from the data)."""

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="setup_checklist"
    )
    deadline_confirmed_at = models.DateTimeField(null=True, blank=True)
    dismissed_at = models.DateTimeField(null=True, blank=True)


class RolloutTick(BaseModel):
    """A step of the rollout checklist an admin ticked by hand (onboarding.rollout_selectors):
    the steps Cadence cannot read from the data, or reads only in part. Unticking deletes it;
    both are in the audit trail."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="rollout_ticks"
    )
    step = models.CharField(max_length=32)
    ticked_by = models.ForeignKey(
        "orgs.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    ticked_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "step"], name="rollout_tick_one_per_step"
            )
        ]
