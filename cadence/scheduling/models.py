"""Scheduled emails claimed in the database (no queue, no extra service), and who follows
which team's weekly digest.

A ``Delivery`` row is the claim on one send: inserting it claims the send, the unique
constraints make a second insert fail, ``sent_at`` records success. See
``cadence/scheduling/runner.py`` for the protocol.
"""

from django.db import models
from django.db.models import Q

from cadence.core.models import BaseModel
from cadence.orgs.models import Organization, Person, Unit


class DigestSubscription(BaseModel):
    """Someone who is not on a team (a board member, a viewer, another team's lead) gets the
    team's weekly digest. Team members get it without subscribing."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="digest_subscriptions")
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="digest_subscriptions"
    )

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "person"], name="digest_subscription_once")
        ]


class Delivery(BaseModel):
    """One scheduled email to one person: claimed, then sent — exactly once per kind, person
    and week (and, for digests, team)."""

    class Kind(models.TextChoices):
        REMINDER = "reminder", "Reminder"
        DIGEST = "digest", "Digest"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="deliveries")
    # The team: whose deadline the reminder is about, or whose report the digest carries.
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    week = models.DateField()  # the Monday of the ISO week
    # The worker holding the claim writes a fresh token with every claim; only the holder of
    # the current token may mark the row sent.
    claim_token = models.UUIDField()
    claimed_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=1)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-claimed_at"]
        constraints = [
            # One reminder per person and week, whichever team the deadline came from.
            models.UniqueConstraint(
                fields=["kind", "person", "week"],
                condition=Q(kind="reminder"),
                name="delivery_one_reminder_per_week",
            ),
            # One digest per person, week and team (a subscriber of two teams gets two).
            models.UniqueConstraint(
                fields=["kind", "person", "week", "unit"],
                condition=Q(kind="digest"),
                name="delivery_one_digest_per_team_week",
            ),
        ]
        indexes = [models.Index(fields=["week", "kind"])]
