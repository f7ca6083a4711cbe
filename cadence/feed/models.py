"""Discussion around the work: comments, likes and @mentions on weekly items, objectives and key
results, and the in-app notifications a mention sends."""

from django.db import models
from django.db.models import Q

from cadence.core.limits import MAX_COMMENT
from cadence.core.models import BaseModel
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
    """Something a person should see: for now, being mentioned in a comment."""

    class Kind(models.TextChoices):
        MENTION = "mention", "Mention"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.MENTION)
    actor = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, null=True, blank=True, related_name="notifications"
    )
    read_at = models.DateTimeField(null=True, blank=True)
    # When the email copy went out (None: not sent, e.g. the mail server refused it).
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "comment", "kind"], name="notification_once_per_comment"
            )
        ]
        indexes = [models.Index(fields=["person", "read_at"])]
