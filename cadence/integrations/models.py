"""Outgoing webhooks: the addresses an organization's admins registered for events, and one
delivery row per event and endpoint, claimed by the worker (``services``: the claim protocol).
Slack and Teams channels: a unit's connected channels, one post row per message
(``channel_services``, the same protocol), the marks that tell a key result's turn once, and the
Slack users linked to people (``slack_services``)."""

import secrets
from urllib.parse import urlsplit

from django.db import models
from django.db.models import Q

from cadence.core.limits import MAX_CHANNEL_LABEL, MAX_WEBHOOK_URL
from cadence.core.models import BaseModel
from cadence.okrs.models import KeyResult
from cadence.orgs.models import Organization, Person, Unit


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


# Slack and Microsoft Teams channels -----------------------------------------------------------


class ChannelConnection(BaseModel):
    """A Slack or Teams channel that a unit's leads (or an admin) connected by its incoming
    webhook address: it receives the messages chosen (``channel_payloads.MESSAGES``)."""

    class Kind(models.TextChoices):
        SLACK = "slack", "Slack"
        TEAMS = "teams", "Microsoft Teams"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    # How people name the channel ("#platform-team"); the address itself is not shown again.
    label = models.CharField(max_length=MAX_CHANNEL_LABEL, blank=True, default="")
    # The incoming webhook (Slack) or workflow (Teams) address. Whoever has it can post to the
    # channel: pages show only its host.
    url = models.URLField(max_length=MAX_WEBHOOK_URL)
    messages = models.JSONField(default=list)
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    failures_in_a_row = models.PositiveIntegerField(default=0)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_failure_at = models.DateTimeField(null=True, blank=True)
    # When the worker last looked for key results that turned off track or stalled (claimed
    # with a conditional UPDATE: one worker per look).
    alerts_checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["organization", "unit"])]

    def __str__(self) -> str:
        return self.label or f"{self.get_kind_display()} channel"

    @property
    def host(self) -> str:
        return urlsplit(self.url).hostname or ""


class ChannelPost(BaseModel):
    """One message to one channel: queued by the worker (or "send a test") under a key that makes
    it one, then claimed, posted and retried like a webhook delivery."""

    class State(models.TextChoices):
        PENDING = "pending", "Waiting"
        DELIVERED = "delivered", "Posted"
        FAILED = "failed", "Failed"

    connection = models.ForeignKey(
        ChannelConnection, on_delete=models.CASCADE, related_name="posts"
    )
    message = models.CharField(max_length=20)
    # The JSON body exactly as it is posted (Slack blocks or a Teams card).
    payload = models.TextField()
    # ``<connection>:<message>:<what it is about>``: queuing it again does nothing.
    key = models.CharField(max_length=200, unique=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
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
                name="channel_post_due",
            ),
            models.Index(fields=["connection", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.message} to {self.connection_id}"


class KeyResultMark(BaseModel):
    """What a channel last knew of a key result (off track, stalled): a message tells of a
    key result that *turned* off track or stalled, once per turn, and the conditional UPDATE of
    this row decides which worker tells it."""

    connection = models.ForeignKey(
        ChannelConnection, on_delete=models.CASCADE, related_name="marks"
    )
    key_result = models.ForeignKey(KeyResult, on_delete=models.CASCADE, related_name="+")
    off_track = models.BooleanField(default=False)
    stalled = models.BooleanField(default=False)
    # Messages told of it so far (names each one's key).
    alerts = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "key_result"], name="key_result_mark_once"
            )
        ]


class SlackIdentity(BaseModel):
    """A Slack user linked to a person (once, from the link the ``/cadence`` command answers an
    unknown user with): their commands and modals act as that person."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="+")
    slack_team_id = models.CharField(max_length=32)
    slack_user_id = models.CharField(max_length=32)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["slack_team_id", "slack_user_id"], name="slack_identity_once"
            )
        ]


class DataSource(BaseModel):
    """Where a key result's or a KPI's value comes from (exactly one of the two: its target): a
    JSON document at a URL and a path in it, a CSV file at a URL and a cell or column of it, or
    a SQL query on a connection the operator named (``CADENCE_DATA_SOURCES``). The worker syncs
    it daily at the organization's hour and when someone asks ("Sync now", "Test"); each sync
    that finds a new value records a check-in (a key result) or a value (a KPI)."""

    class Kind(models.TextChoices):
        HTTP_JSON = "http_json", "JSON from a URL"
        CSV = "csv", "CSV from a URL"
        SQL = "sql", "SQL query"

    class Request(models.TextChoices):
        NONE = "", "Nothing asked"
        SYNC = "sync", "Sync now"
        TEST = "test", "Test"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    # The target: a key result or a KPI, never both (``data_source_has_one_target``).
    key_result = models.OneToOneField(
        "okrs.KeyResult",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="data_source",
    )
    kpi = models.OneToOneField(
        "kpis.Kpi", on_delete=models.CASCADE, null=True, blank=True, related_name="data_source"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    url = models.CharField(max_length=MAX_WEBHOOK_URL, blank=True, default="")
    # http_json: where the number is in the document (``data.items[0].value``; empty: the
    # document itself is the number).
    path = models.CharField(max_length=200, blank=True, default="")
    # csv: a cell (``B7``) or a column's header (its last non-empty value).
    cell = models.CharField(max_length=200, blank=True, default="")
    # sql: the operator's connection name, and the query returning one number.
    connection = models.CharField(max_length=100, blank=True, default="")
    query = models.TextField(blank=True, default="")
    # Request headers sent with the URL (an API key): a credential, never shown back.
    headers = models.JSONField(default=dict, blank=True)
    # Switched off: not synced (its settings are kept).
    active = models.BooleanField(default=True)
    # Whom the source acts for: its check-ins need this person's right to check in, a KPI's
    # values their right to enter values (the last person who set the source).
    configured_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    last_value = models.FloatField(null=True, blank=True)
    last_synced_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True, default="")
    # Syncs that failed since the last one that succeeded; the owner is told at the third,
    # once per streak (``failure_notified``).
    failures_in_a_row = models.PositiveIntegerField(default=0)
    failure_notified = models.BooleanField(default=False)
    # The next scheduled sync (the organization's daily hour, or a retry after a failure), and
    # how many attempts the current daily slot has made.
    next_run_at = models.DateTimeField()
    slot_attempts = models.PositiveSmallIntegerField(default=0)
    # What someone asked for, run at the worker's next turn.
    requested = models.CharField(
        max_length=10, choices=Request.choices, blank=True, default=Request.NONE
    )
    # The last test's outcome (a test records no check-in).
    test_result = models.TextField(blank=True, default="")
    tested_at = models.DateTimeField(null=True, blank=True)
    # The claim (as WebhookDelivery's): the worker holding it writes a fresh token.
    claim_token = models.UUIDField(null=True, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [
            models.Index(fields=["next_run_at"], condition=Q(active=True), name="source_due"),
            models.Index(fields=["organization", "created_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(key_result__isnull=False, kpi__isnull=True)
                | Q(key_result__isnull=True, kpi__isnull=False),
                name="data_source_has_one_target",
            )
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def target(self):
        """The key result or the KPI whose values it keeps."""
        return self.key_result if self.key_result_id else self.kpi

    @property
    def target_name(self) -> str:
        return self.key_result.title if self.key_result_id else self.kpi.name

    @property
    def label(self) -> str:
        """What the source is, in a few words (a check-in shows "from <label>")."""
        if self.kind == self.Kind.SQL:
            return f"SQL on {self.connection}"
        try:
            host = urlsplit(self.url).hostname or self.url
        except ValueError:
            host = self.url
        return f"{'JSON' if self.kind == self.Kind.HTTP_JSON else 'CSV'} from {host}"[:200]


class SourceSettings(BaseModel):
    """An organization's settings for its data sources: the hour (in its time zone) at which
    the worker syncs them each day."""

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="source_settings"
    )
    sync_hour = models.PositiveSmallIntegerField(default=6)
