"""One-to-ones framed around OKRs (docs/method.md §9): a lead and a member of their units keep a
recurring conversation, each occurrence a ``Meeting`` with talking points, notes (shared or
private to their writer), action items that stay on every meeting until done, and feedback on
how the member contributed to the team's and the company's OKRs.

Only the two people read any of it: not admins, not other leads. Nothing here is a performance
rating and nothing here feeds pay.
"""

from django.db import models
from django.db.models import Q

from cadence.core.limits import MAX_NOTES, MAX_SHORT_TEXT, MAX_TEXT
from cadence.core.models import BaseModel
from cadence.okrs.models import KeyResult, Objective
from cadence.orgs.models import Organization, Person

MAX_POINT = MAX_SHORT_TEXT
MAX_NOTE = MAX_NOTES
MAX_ACTION = MAX_SHORT_TEXT
MAX_FEEDBACK = MAX_TEXT


class Pair(BaseModel):
    """A lead and a member who meet one-to-one, and when: every week, every two weeks or every
    month (the first ``weekday`` of the month), at ``at`` in the lead's time zone (their own,
    else the organization's), from ``starts_on`` on."""

    class Frequency(models.TextChoices):
        WEEKLY = "weekly", "Every week"
        BIWEEKLY = "biweekly", "Every two weeks"
        MONTHLY = "monthly", "Every month"

    MIN_MINUTES, MAX_MINUTES, DEFAULT_MINUTES = 10, 180, 30

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    lead = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    frequency = models.CharField(max_length=10, choices=Frequency.choices)
    weekday = models.PositiveSmallIntegerField()  # 0 = Monday
    at = models.TimeField()
    minutes = models.PositiveSmallIntegerField(default=DEFAULT_MINUTES)
    # The first day the schedule counts from (every two weeks: the weeks from this one).
    starts_on = models.DateField()

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["lead", "member"], name="oneonone_pair_once"),
            models.CheckConstraint(condition=~Q(lead=models.F("member")), name="oneonone_two"),
        ]

    def __str__(self) -> str:
        return f"1:1 of {self.lead} and {self.member}"

    def side_of(self, person: Person) -> str | None:
        """``"lead"``, ``"member"`` or None: which of the two ``person`` is."""
        if person.pk == self.lead_id:
            return ActionItem.Owner.LEAD
        if person.pk == self.member_id:
            return ActionItem.Owner.MEMBER
        return None


class Meeting(BaseModel):
    """One occurrence of a pair's 1:1, at the moment it starts (a scheduled occurrence, or one
    the two set apart from the schedule). At most one meeting per pair and moment."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    pair = models.ForeignKey(Pair, on_delete=models.CASCADE, related_name="meetings")
    at = models.DateTimeField()

    class Meta:
        ordering = ["at"]
        constraints = [models.UniqueConstraint(fields=["pair", "at"], name="oneonone_meeting_once")]

    def __str__(self) -> str:
        return f"1:1 on {self.at:%Y-%m-%d %H:%M}"


class TalkingPoint(BaseModel):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="talking_points")
    author = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(max_length=MAX_POINT)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return "Talking point"


class Note(BaseModel):
    """A note of a meeting: shared between the two, or private to its writer (only the writer
    ever reads a private note)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(max_length=MAX_NOTE)
    private = models.BooleanField(default=False)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        # Never the text: audit events and logs name a note, they do not quote it.
        return "Private note" if self.private else "Shared note"


class ActionItem(BaseModel):
    """Something one of the two will do. One row, shown on the meeting it was raised in and on
    every later meeting of the pair, up to the meeting it was ticked in (``done_in``)."""

    class Owner(models.TextChoices):
        LEAD = "lead", "Lead"
        MEMBER = "member", "Member"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    pair = models.ForeignKey(Pair, on_delete=models.CASCADE, related_name="action_items")
    raised_in = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="+")
    owner = models.CharField(max_length=10, choices=Owner.choices)
    text = models.TextField(max_length=MAX_ACTION)
    author = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    done_at = models.DateTimeField(null=True, blank=True)
    done_in = models.ForeignKey(
        Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return "Action item"

    @property
    def done(self) -> bool:
        return self.done_at is not None


class Feedback(BaseModel):
    """What one of the two says about how the member contributed to the team's and the
    company's OKRs, optionally about one objective or key result. Never a rating."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    pair = models.ForeignKey(Pair, on_delete=models.CASCADE, related_name="feedback")
    author = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(max_length=MAX_FEEDBACK)
    objective = models.ForeignKey(
        Objective, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    key_result = models.ForeignKey(
        KeyResult, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return "Feedback"
