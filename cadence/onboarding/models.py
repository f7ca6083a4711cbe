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
