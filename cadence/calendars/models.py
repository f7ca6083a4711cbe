"""Calendar feeds: a secret address per person or per team that calendar apps subscribe to."""

from django.db import models
from django.db.models import Q

from cadence.core.models import BaseModel
from cadence.orgs.models import Organization, Person, Unit


class CalendarFeed(BaseModel):
    """One feed address. Only the SHA-256 hash of its secret is kept (like API tokens): the
    address is shown once, when it is made. Its owner is a person (their rituals, in all their
    teams) or a team. A revoked feed stays as a record and answers 410 Gone; each owner has at
    most one live feed (making a new one revokes the old)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, null=True, blank=True, related_name="calendar_feeds"
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, null=True, blank=True, related_name="calendar_feeds"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=12)
    created_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # When a calendar last fetched it (at most once a minute is written): the page's check that
    # a subscription works.
    last_fetched_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(person__isnull=False) & Q(unit__isnull=True))
                | (Q(person__isnull=True) & Q(unit__isnull=False)),
                name="calendar_feed_one_owner",
            ),
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(revoked_at__isnull=True, person__isnull=False),
                name="calendar_feed_one_live_per_person",
            ),
            models.UniqueConstraint(
                fields=["unit"],
                condition=Q(revoked_at__isnull=True, unit__isnull=False),
                name="calendar_feed_one_live_per_unit",
            ),
        ]

    def __str__(self) -> str:
        owner = self.person if self.person_id else self.unit
        return f"Calendar feed of {owner} ({self.prefix}…)"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
