"""Emails claimed in the database (no queue, no extra service): one ``Delivery`` row per email
to one person. See ``cadence/mail/services.py`` for the claim protocol.

Two ways a row is born:

- **Scheduled** (reminders, digests): the worker inserts the row when the email is due; the
  insert *is* the claim, and the unique constraints per kind, person and week (and team) make a
  second insert fail.
- **Queued** (mentions, approvals): the service that made the change inserts the row in its own
  transaction, rendered and unclaimed, under an idempotency ``key``; the worker claims it with a
  conditional UPDATE and sends it.

The table is still ``scheduling_delivery``: the model moved here from ``cadence.scheduling`` so
that okrs, alignment and feed (below scheduling) can queue emails.
"""

from django.db import models
from django.db.models import Q

from cadence.core.models import BaseModel
from cadence.orgs.models import Organization, Person, Unit


class Delivery(BaseModel):
    """One email to one person: claimed, then sent — exactly once per kind, person and week
    (and, for digests, team), or per ``key`` for a queued email."""

    class Kind(models.TextChoices):
        REMINDER = "reminder", "Reminder"
        DIGEST = "digest", "Digest"
        MENTION = "mention", "Mention"
        APPROVAL = "approval", "Approval"
        ACCOUNT = "account", "Account"
        INVITATION = "invitation", "Invitation"
        # To an external subscriber (no account): a team's digest, the monthly company summary.
        SUBSCRIBER = "subscriber", "Subscriber update"
        # The answer to a reply by email (cadence.mailin): what it added to the weekly update.
        REPLY = "reply", "Reply received"
        # A key result's data source failed three times in a row (cadence.integrations).
        DATA_SOURCE = "source", "Data source failing"
        # To a unit's leads: one of its KPIs left its healthy band (cadence.kpis).
        KPI = "kpi", "KPI left its band"
        # One notification's email (cadence.feed: comments, likes, dependencies, key results
        # off track or stale, reviews due), and a person's daily digest of them.
        NOTICE = "notice", "Notification"
        DAILY = "daily", "Daily notifications digest"
        # Before each 1:1, to both of its people (cadence.oneonones).
        ONE_ON_ONE = "oneonone", "1:1 reminder"

    # None only for an account email to an address that is nobody's (a password reset asked
    # for an unknown address is answered too, so that the form tells nothing).
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="+", null=True, blank=True
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    # The person the email is to (reminders, digests, mentions, approvals, account emails to a
    # known account); None for an invitation or an unknown address.
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="deliveries", null=True, blank=True
    )
    # Where it goes when that is not ``person.email``: an invitee, a new address to confirm.
    to_address = models.EmailField(max_length=254, blank=True, default="")
    # Scheduled emails: the team whose deadline the reminder is about, or whose report the
    # digest carries, and the Monday of the ISO week. Empty for queued emails.
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+", null=True)
    week = models.DateField(null=True, blank=True)
    # Queued emails: what makes the email one (e.g. ``mention:<notification id>``), and the
    # message rendered when it was queued. Empty for scheduled emails.
    key = models.CharField(max_length=200, blank=True, default="")
    subject = models.TextField(blank=True, default="")
    body = models.TextField(blank=True, default="")
    html = models.TextField(blank=True, default="")
    # An email to an external subscriber: the link that unsubscribes them in one click, sent as
    # the RFC 8058 List-Unsubscribe headers. Empty for every other email.
    unsubscribe_url = models.URLField(max_length=500, blank=True, default="")
    # Where answers go when not to the sender (a signed reply address: replies by email).
    reply_to = models.EmailField(max_length=254, blank=True, default="")
    # The worker holding the claim writes a fresh token with every claim; only the holder of
    # the current token may mark the row sent. A queued row waits unclaimed (both empty).
    claim_token = models.UUIDField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=1)  # claims so far
    last_error = models.TextField(blank=True)

    class Meta:
        db_table = "scheduling_delivery"
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
            # One queued email per key: queuing it twice is a no-op.
            models.UniqueConstraint(
                fields=["key"], condition=~Q(key=""), name="delivery_one_per_key"
            ),
            # Every email has somebody to go to.
            models.CheckConstraint(
                condition=Q(person__isnull=False) | ~Q(to_address=""),
                name="delivery_has_a_recipient",
            ),
        ]
        indexes = [
            models.Index(fields=["week", "kind"], name="scheduling__week_f2db62_idx"),
            # The worker's look for queued emails still to send.
            models.Index(
                fields=["created_at"],
                condition=Q(sent_at__isnull=True) & ~Q(key=""),
                name="delivery_queued",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key or self.week} to {self.to_address or self.person_id}"

    @property
    def recipient(self) -> str:
        return self.to_address or (self.person.email if self.person_id else "")
