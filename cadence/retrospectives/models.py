"""What a retrospective keeps besides its Review record: the learnings, takeaways and ideas
(searchable across cycles) and what it says about each objective (docs/method.md §3, §5)."""

from django.db import models

from cadence.core.limits import MAX_LONG_TEXT, MAX_SHORT_TEXT
from cadence.core.models import BaseModel
from cadence.okrs.models import Cycle, Objective
from cadence.orgs.models import Organization, Unit
from cadence.reviews.models import Review


class Learning(BaseModel):
    """A key learning of a team retrospective, a department takeaway, or a company review idea
    for the next cycle. Searchable across cycles (the learnings archive)."""

    class Kind(models.TextChoices):
        LEARNING = "learning", "Learning"
        TAKEAWAY = "takeaway", "Takeaway"
        IDEA = "idea", "Idea for next cycle"

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="learnings"
    )
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="learnings")
    # Denormalized from the review for the archive's filters.
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.LEARNING)
    text = models.TextField(max_length=MAX_SHORT_TEXT)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "reviews_learning"  # moved from reviews, rows kept
        ordering = ["review", "position", "created_at"]
        indexes = [models.Index(fields=["organization", "cycle", "unit"])]


class ObjectiveReviewNote(BaseModel):
    """What a retrospective says about one objective — required for a committed objective scored
    below 1.0 (docs/method.md §3)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="objective_notes")
    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="review_notes")
    text = models.TextField(max_length=MAX_LONG_TEXT)

    class Meta:
        db_table = "reviews_objectivereviewnote"  # moved from reviews, rows kept
        constraints = [
            models.UniqueConstraint(
                fields=["review", "objective"], name="review_note_once_per_objective"
            )
        ]
