"""Who follows which team's weekly digest, and who outside the organization gets an update by
email. The claims on scheduled emails (``Delivery``) live in ``cadence.mail``, with the queued
ones."""

from django.db import models
from django.db.models import Q

from cadence.core.limits import MAX_EMAIL, MAX_NAME
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


class ExternalSubscriber(BaseModel):
    """Someone outside the organization (a board member, an investor) whom an admin subscribed
    by email to a read-only update: a team's weekly digest, or the monthly company OKR summary.
    No account: every email carries a link with ``token`` that unsubscribes them in one click.
    An unsubscribed row stays (``unsubscribed_at``) so that nobody re-adds them unknowingly."""

    class What(models.TextChoices):
        TEAM_DIGEST = "team_digest", "Team's weekly digest"
        COMPANY_SUMMARY = "company_summary", "Monthly company OKR summary"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    email = models.EmailField(max_length=MAX_EMAIL)  # stored lower-case
    name = models.CharField(max_length=MAX_NAME, blank=True, default="")
    what = models.CharField(max_length=20, choices=What.choices)
    # The team whose digest they get; None for the company summary.
    unit = models.ForeignKey(
        Unit,
        on_delete=models.CASCADE,
        related_name="external_subscribers",
        null=True,
        blank=True,
    )
    created_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, related_name="+", null=True, blank=True
    )
    # The secret in the unsubscribe link (random, not derived from anything).
    token = models.CharField(max_length=64, unique=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["email", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "email", "unit"],
                condition=Q(what="team_digest"),
                name="external_subscriber_once_per_team",
            ),
            models.UniqueConstraint(
                fields=["organization", "email"],
                condition=Q(what="company_summary"),
                name="external_subscriber_once_per_summary",
            ),
            models.CheckConstraint(
                condition=(Q(what="team_digest") & Q(unit__isnull=False))
                | (Q(what="company_summary") & Q(unit__isnull=True)),
                name="external_subscriber_team_digest_has_a_team",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} ({self.describe()})"

    def describe(self) -> str:
        """What they get, in words."""
        if self.what == self.What.TEAM_DIGEST and self.unit is not None:
            return f"weekly digest of {self.unit.name}"
        return "monthly company OKR summary"

    @property
    def is_active(self) -> bool:
        return self.unsubscribed_at is None
