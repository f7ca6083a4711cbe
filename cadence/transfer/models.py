"""An uploaded import file kept between its dry run and the person's confirmation."""

from django.db import models

from cadence.core.models import BaseModel
from cadence.orgs.models import Organization, Person


class PendingImport(BaseModel):
    """The bytes of the files a dry run read, so that "Import" applies exactly what was previewed
    without a second upload. Only the person who uploaded them may confirm them, within an hour
    (``transfer.selectors.PENDING_LIFETIME``); confirming deletes the row, and each new upload
    deletes the organization's expired ones."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    okr_name = models.CharField(max_length=255)
    okr_data = models.BinaryField()
    check_in_name = models.CharField(max_length=255, blank=True)
    check_in_data = models.BinaryField(null=True, blank=True)
    sha256 = models.CharField(max_length=64)

    class Meta:
        indexes = [models.Index(fields=["organization", "person", "created_at"])]
