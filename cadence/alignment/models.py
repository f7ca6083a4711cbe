"""Vertical alignment's approval trail and sideways dependencies between teams
(docs/method.md §7)."""

from django.db import models
from django.db.models import Q

from cadence.core.limits import MAX_SHORT_TEXT, MAX_TEXT
from cadence.core.models import BaseModel
from cadence.okrs.models import Objective
from cadence.orgs.models import Organization, Person, Unit


class ApprovalEvent(BaseModel):
    """One step of an objective's propose → approve (or return) conversation. Append-only."""

    class Action(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        APPROVED = "approved", "Approved"
        RETURNED = "returned", "Returned with comments"
        REOPENED = "reopened", "Reopened as draft"
        # An approved objective's parent or unit changed: it waits for approval again.
        REALIGNED = "realigned", "Realigned, to be approved again"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    objective = models.ForeignKey(
        Objective, on_delete=models.CASCADE, related_name="approval_events"
    )
    actor = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=10, choices=Action.choices)
    comment = models.TextField(max_length=MAX_TEXT, blank=True)
    # An approval by the person who proposed it (only organization admins may).
    own_proposal = models.BooleanField(default=False)
    # The parent objective at the time of the step (alignment may change later).
    parent = models.ForeignKey(
        Objective, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["objective", "created_at"])]


class Dependency(BaseModel):
    """A sideways dependency: one team's objective needs something from another team."""

    class State(models.TextChoices):
        REQUESTED = "requested", "Requested"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        AT_RISK = "at_risk", "At risk"
        DONE = "done", "Done"

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="dependencies"
    )
    # The objective that needs help, and the unit asked for it.
    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="dependencies")
    provider = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="dependencies_asked")
    # Optional: the provider's objective that covers the request, once they link one.
    provider_objective = models.ForeignKey(
        Objective, on_delete=models.SET_NULL, null=True, blank=True, related_name="dependents"
    )
    description = models.TextField(max_length=MAX_SHORT_TEXT)
    state = models.CharField(max_length=12, choices=State.choices, default=State.REQUESTED)
    requested_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    acknowledged_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(max_length=MAX_SHORT_TEXT, blank=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(condition=~Q(state=""), name="dependency_state_not_blank")
        ]
        indexes = [
            models.Index(fields=["organization", "provider"]),
            models.Index(fields=["objective"]),
        ]
