"""The audit trail: one append-only row per change or sign-in event.

The app sits below `orgs` in the one-way order so that every app's services can write to it in
the same transaction as their change; it names the organization and the person by string
references, never by importing them.
"""

import uuid

from django.db import models
from django.utils import timezone


class AppendOnly(Exception):
    """An audit row was about to be changed or deleted outside the retention purge."""


class EventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnly("Audit events are never changed.")

    def delete(self):
        raise AppendOnly("Audit events are removed only by the retention purge.")

    def _rewrite(self, **fields) -> int:
        """Change these rows' labels and changes: for `services.audit_anonymise` (erasure of a
        person's personal data) alone."""
        return models.QuerySet.update(self, **fields)

    def _purge(self) -> int:
        """Delete these rows: for `services.audit_purge` (retention) alone."""
        return models.QuerySet.delete(self)[0]


class Event(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Who: the person (kept as a label too: a later rename or removal does not rewrite history);
    # none for the command line, the worker or an unknown account's failed sign-in.
    actor = models.ForeignKey(
        "orgs.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=254, blank=True)
    kind = models.CharField(max_length=64)
    # What: the object changed, by type, id and its name at the time.
    target_type = models.CharField(max_length=64, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    target_label = models.CharField(max_length=300, blank=True)
    # Before → after: {"field": [before, after]}, or other facts for events that are not edits.
    changes = models.JSONField(default=dict, blank=True)
    # From where.
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["organization", "-created_at"], name="audit_org_created"),
            models.Index(fields=["organization", "kind", "-created_at"], name="audit_org_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label or 'Cadence'} {self.kind}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnly("Audit events are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly("Audit events are removed only by the retention purge.")
