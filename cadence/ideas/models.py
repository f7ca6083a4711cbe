"""The ideas round (docs/method.md §9): before a cycle, a team or the whole organization answers a
few prompts with ideas, reads and upvotes each other's, and its leader promotes the strongest
into draft objectives (or declines them, saying why)."""

from django.db import models

from cadence.core.limits import MAX_TEXT, MAX_TITLE
from cadence.core.models import BaseModel
from cadence.okrs.models import Cycle, Objective
from cadence.orgs.models import Organization, Person, Unit

# How long a prompt, an idea's detail and a comment may be.
MAX_PROMPT = 200
MAX_DETAIL = MAX_TEXT
MAX_IDEA_COMMENT = MAX_TEXT
MAX_DECLINE_REASON = 1000


class Round(BaseModel):
    """An ideas round for a unit (the company unit: the whole organization) ahead of ``cycle``:
    people answer and read each other's answers from ``opens_on`` to ``closes_on`` (both days
    included)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="ideas_rounds")
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="ideas_rounds")
    opens_on = models.DateField()
    closes_on = models.DateField()
    opened_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-opens_on", "-created_at"]
        indexes = [models.Index(fields=["organization", "closes_on"])]

    def __str__(self) -> str:
        return f"Ideas for {self.cycle.name} ({self.unit.name})"


class Prompt(BaseModel):
    """One question a round asks; the round keeps its own (defaults are copied in at opening)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="prompts")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(max_length=MAX_PROMPT)

    class Meta:
        ordering = ["round", "position"]

    def __str__(self) -> str:
        return self.text


class Idea(BaseModel):
    """An answer to a prompt: a title, an optional detail, and what became of it."""

    class State(models.TextChoices):
        OPEN = "open", "Open"
        PROMOTED = "promoted", "Promoted"
        DECLINED = "declined", "Declined"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="ideas")
    prompt = models.ForeignKey(Prompt, on_delete=models.CASCADE, related_name="ideas")
    author = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    title = models.CharField(max_length=MAX_TITLE)
    detail = models.TextField(blank=True, default="")
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    # The draft objective it became (None again if that objective is deleted).
    objective = models.OneToOneField(
        Objective, on_delete=models.SET_NULL, null=True, blank=True, related_name="idea"
    )
    decline_reason = models.TextField(blank=True, default="")
    decided_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class Vote(BaseModel):
    """One person's upvote of an idea: at most one each."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="votes")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["idea", "person"], name="ideas_vote_once_per_person")
        ]


class Comment(BaseModel):
    """A remark on an idea."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    text = models.TextField()

    class Meta:
        ordering = ["created_at"]
