"""Outgoing webhooks: the addresses an organization's admins registered for events, and one
delivery row per event and endpoint, claimed by the worker (``services``: the claim protocol)."""

import secrets

from django.db import models
from django.db.models import Q

from cadence.core.limits import MAX_WEBHOOK_URL
from cadence.core.models import BaseModel
from cadence.orgs.models import Organization, Person


def new_secret() -> str:
    """A webhook's signing secret: 32 random bytes, URL-safe."""
    return f"whsec_{secrets.token_urlsafe(32)}"


class WebhookEndpoint(BaseModel):
    """An address that receives a signed JSON POST for each event it subscribes to."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    url = models.URLField(max_length=MAX_WEBHOOK_URL)
    # The events it receives: names from ``integrations.events.EVENTS``.
    events = models.JSONField(default=list)
    # Signs every body (HMAC-SHA256); shown to the admin once, when the endpoint is created. A
    # credential: an organization archive made without credentials leaves it out, and the
    # endpoint imported from it gets a new one nobody knows (re-add it to sign again).
    secret = models.CharField(max_length=100, default=new_secret)
    # Switched off: no delivery is queued for it, and those waiting are not sent.
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Attempts that failed since the last one that succeeded (reset by a success).
    failures_in_a_row = models.PositiveIntegerField(default=0)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_failure_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["organization", "active"])]

    def __str__(self) -> str:
        return self.url


class WebhookDelivery(BaseModel):
    """One event's POST to one endpoint: written in the transaction of the change it tells of,
    then claimed, sent and retried by the worker until it succeeds or is given up."""

    class State(models.TextChoices):
        PENDING = "pending", "Waiting"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed"

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(max_length=40)
    # The JSON body exactly as it is sent and signed.
    payload = models.TextField()
    # What makes the delivery one (``<endpoint>:<event>:<what it is about>``): queuing it again
    # does nothing.
    key = models.CharField(max_length=200, unique=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    # Not sent before this moment (the backoff after a failed attempt).
    next_attempt_at = models.DateTimeField()
    # The worker holding the claim writes a fresh token; the claim lapses at ``claimed_until``
    # (the worker died mid-way), after which another worker may take it.
    claim_token = models.UUIDField(null=True, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True, default="")
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(state="pending"),
                name="webhook_delivery_due",
            ),
            models.Index(fields=["endpoint", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.event} to {self.endpoint_id}"
