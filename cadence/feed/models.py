"""Discussion around the work: comments, likes and @mentions on weekly items, objectives and key
results; and every person's notifications (of every app's events: see ``cadence.feed.notices``),
their preferences per kind and channel, and their daily digest."""

from django.db import models
from django.db.models import Q

from cadence.core.limits import MAX_COMMENT
from cadence.core.models import BaseModel
from cadence.feed import notices
from cadence.kpis.models import Kpi
from cadence.mail.models import Delivery
from cadence.okrs.models import KeyResult, Objective
from cadence.orgs.models import Organization, Person
from cadence.weekly.models import Item

MAX_COMMENT_TEXT = MAX_COMMENT

# A comment or a like is about exactly one of these (nullable foreign keys, one set).
TARGET_FIELDS = ("item", "objective", "key_result")


def _exactly_one_target(prefix: str) -> models.CheckConstraint:
    one_of = (
        Q(item__isnull=False, objective__isnull=True, key_result__isnull=True)
        | Q(item__isnull=True, objective__isnull=False, key_result__isnull=True)
        | Q(item__isnull=True, objective__isnull=True, key_result__isnull=False)
    )
    return models.CheckConstraint(condition=one_of, name=f"{prefix}_exactly_one_target")


class Comment(BaseModel):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="comments"
    )
    text = models.TextField(max_length=MAX_COMMENT_TEXT)
    item = models.ForeignKey(
        Item, on_delete=models.CASCADE, null=True, blank=True, related_name="comments"
    )
    objective = models.ForeignKey(
        Objective, on_delete=models.CASCADE, null=True, blank=True, related_name="comments"
    )
    key_result = models.ForeignKey(
        KeyResult, on_delete=models.CASCADE, null=True, blank=True, related_name="comments"
    )
    # Deleted comments disappear from pages, the feed and notifications.
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [_exactly_one_target("comment")]
        indexes = [models.Index(fields=["organization", "created_at"])]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def target(self):
        return self.item or self.objective or self.key_result


class Like(BaseModel):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="likes")
    item = models.ForeignKey(
        Item, on_delete=models.CASCADE, null=True, blank=True, related_name="likes"
    )
    objective = models.ForeignKey(
        Objective, on_delete=models.CASCADE, null=True, blank=True, related_name="likes"
    )
    key_result = models.ForeignKey(
        KeyResult, on_delete=models.CASCADE, null=True, blank=True, related_name="likes"
    )

    class Meta:
        constraints = [
            _exactly_one_target("like"),
            *(
                models.UniqueConstraint(
                    fields=["person", name],
                    condition=Q(**{f"{name}__isnull": False}),
                    name=f"like_once_per_person_{name}",
                )
                for name in TARGET_FIELDS
            ),
        ]


class Mention(BaseModel):
    """A person named in a comment's text (``@lena.okafor`` or ``@lena.okafor@example.com``)."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="mentions")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="mentions")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["comment", "person"], name="mention_once_per_comment")
        ]


class Notification(BaseModel):
    """Something that concerns a person (``notices.KINDS``): a mention, a comment or a like on
    their work, an approval to give or its outcome, a dependency asked of their team, their key
    result turning off track or stale, a review due, a KPI out of its band. It links to what it
    is about (``url``). A row exists when any channel wanted it; the page shows those with
    ``in_app``; ``digest_pending`` ones wait for the person's daily email digest."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(
        max_length=20, choices=[(k.value, k.short) for k in notices.KINDS], default=notices.MENTION
    )
    actor = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, null=True, blank=True, related_name="notifications"
    )
    # What it is about when not (only) a comment; deleting it takes the notification away.
    objective = models.ForeignKey(
        Objective, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    key_result = models.ForeignKey(
        KeyResult, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    # The sentence shown and where it leads (a path of this site). Empty for a mention made
    # before notifications had them: the page words those from the comment.
    text = models.CharField(max_length=300, blank=True, default="")
    url = models.CharField(max_length=500, blank=True, default="")
    # What makes it one (``off_track:<signal id>``): notifying the same key twice does nothing.
    key = models.CharField(max_length=200, blank=True, default="")
    # Shown on the notifications page (the person's in-app preference for its kind).
    in_app = models.BooleanField(default=True)
    # Waits for the daily digest; once gathered, the digest's email.
    digest_pending = models.BooleanField(default=False)
    digest = models.ForeignKey(
        Delivery, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    read_at = models.DateTimeField(null=True, blank=True)
    # When the email copy went out (None: not sent, e.g. the mail server refused it).
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "comment", "kind"], name="notification_once_per_comment"
            ),
            models.UniqueConstraint(
                fields=["person", "key"], condition=~Q(key=""), name="notification_once_per_key"
            ),
        ]
        indexes = [
            models.Index(fields=["person", "read_at"]),
            models.Index(
                fields=["person", "created_at"],
                condition=Q(digest_pending=True),
                name="notification_digest_pending",
            ),
        ]


class NotificationPreference(BaseModel):
    """A person's choice for one kind of notification on one channel; without a row, the
    default of ``notices.default``."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=20)
    channel = models.CharField(max_length=10)
    enabled = models.BooleanField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person", "kind", "channel"], name="notification_preference_once"
            )
        ]


class DailyDigest(BaseModel):
    """A person who takes their notification emails as one digest a day, at ``hour`` in their
    time zone. ``last_on``: the local day whose digest a worker claimed (a conditional UPDATE:
    one worker per day)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="daily_digest")
    enabled = models.BooleanField(default=False)
    hour = models.PositiveSmallIntegerField(default=notices.DIGEST_HOUR)
    last_on = models.DateField(null=True, blank=True)


class KeyResultSignal(BaseModel):
    """A key result turned off track or stale (``kind``): open until it recovers. The one open
    row per key result and kind is what makes the transition told exactly once, whichever
    worker sees it first."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    key_result = models.ForeignKey(KeyResult, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20)
    cleared_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["key_result", "kind"],
                condition=Q(cleared_at__isnull=True),
                name="key_result_signal_one_open",
            )
        ]
