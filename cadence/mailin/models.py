"""Replies received by email: one row per message whose items were added (or refused)."""

from django.db import models

from cadence.core.models import BaseModel
from cadence.orgs.models import Organization, Person


class ReceivedReply(BaseModel):
    """A reply that passed its checks (signed address, the person's own From address) and was
    taken: its row is the claim that makes it count once, however often it arrives (an IMAP
    mailbox read twice, a provider's retry, an MTA's retry, two workers at once)."""

    class Via(models.TextChoices):
        PIPE = "pipe", "Mail server (cadence mail-in)"
        IMAP = "imap", "Mailbox (IMAP)"
        WEBHOOK = "webhook", "Inbound webhook"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    # The message's Message-ID as it came (or "sha256:<digest of the bytes>" without one).
    message_id = models.CharField(max_length=210)
    via = models.CharField(max_length=10, choices=Via.choices)
    week = models.DateField()
    items_added = models.PositiveIntegerField(default=0)
    # Why nothing was added although the reply was the person's (empty, refused by the weekly
    # rules); empty when its items were added.
    refused = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "message_id"], name="mailin_reply_once_per_message"
            )
        ]

    def __str__(self) -> str:
        return f"{self.message_id} from {self.person_id}"
