"""The cycle's rituals (method.md §3, §5): reviews and their notes, retrospectives, learnings,
score adjustments and target changes, each kept as history."""

from django.db import models
from django.db.models import Q

from cadence.core.models import BaseModel
from cadence.okrs.models import Cycle, KeyResult, Objective
from cadence.orgs.models import Organization, Person, Unit


class Review(BaseModel):
    """One review meeting's record: its answers to the kind's questions and free notes.

    - monthly: one per unit and month of the cycle (``period`` = first day of the month);
    - mid_cycle: one per unit and cycle;
    - retrospective: a team's end-of-cycle retrospective (full report in ``answers``, the short
      overview in ``overview`` / ``satisfaction`` / ``worked`` / ``failed`` and its Learnings);
    - department: a department's summary of its teams (up to 10 takeaways, as Learnings);
    - company: the company-wide review (notes, closing summary, ideas for next cycle).

    Review records stay editable after the cycle closes: they are the notes a closed cycle keeps.
    """

    class Kind(models.TextChoices):
        MONTHLY = "monthly", "Monthly review"
        MID_CYCLE = "mid_cycle", "Mid-cycle review"
        RETROSPECTIVE = "retrospective", "Retrospective"
        DEPARTMENT = "department", "Department review"
        COMPANY = "company", "Company-wide review"

    class Satisfaction(models.TextChoices):
        YES = "yes", "Satisfied"
        PARTLY = "partly", "Partly satisfied"
        NO = "no", "Not satisfied"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="reviews")
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="reviews")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="reviews")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    # Monthly reviews: the first day of the month reviewed. Other kinds: null.
    period = models.DateField(null=True, blank=True)
    # Question id (reviews/questions.py) → answer text.
    answers = models.JSONField(default=dict, blank=True)
    notes = models.TextField(max_length=10000, blank=True)
    # The short overview (retrospective) or the closing summary (company review).
    overview = models.TextField(max_length=4000, blank=True)
    satisfaction = models.CharField(max_length=8, choices=Satisfaction.choices, blank=True)
    worked = models.TextField(max_length=4000, blank=True)  # main initiatives that worked
    failed = models.TextField(max_length=4000, blank=True)  # main initiatives that failed
    completed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["cycle", "kind", "period"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "unit", "kind"],
                condition=Q(period__isnull=True),
                name="review_once_per_unit_kind",
            ),
            models.UniqueConstraint(
                fields=["cycle", "unit", "kind", "period"],
                condition=Q(period__isnull=False),
                name="review_once_per_unit_kind_period",
            ),
        ]
        indexes = [models.Index(fields=["organization", "cycle", "kind"])]


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
    text = models.TextField(max_length=1000)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["review", "position", "created_at"]
        indexes = [models.Index(fields=["organization", "cycle", "unit"])]


class ObjectiveReviewNote(BaseModel):
    """What a retrospective says about one objective — required for a committed objective scored
    below 1.0 (method.md §3)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="objective_notes")
    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="review_notes")
    text = models.TextField(max_length=4000)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["review", "objective"], name="review_note_once_per_objective"
            )
        ]


class ScoreChange(BaseModel):
    """A score adjusted by hand at the review, beside the computed score. Append-only."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    objective = models.ForeignKey(
        Objective, on_delete=models.CASCADE, null=True, blank=True, related_name="score_changes"
    )
    key_result = models.ForeignKey(
        KeyResult, on_delete=models.CASCADE, null=True, blank=True, related_name="score_changes"
    )
    computed_score = models.FloatField(null=True, blank=True)
    old_score = models.FloatField(null=True, blank=True)
    new_score = models.FloatField()
    reason = models.TextField(max_length=2000)
    actor = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(objective__isnull=False, key_result__isnull=True)
                    | Q(objective__isnull=True, key_result__isnull=False)
                ),
                name="score_change_exactly_one_target",
            ),
            models.CheckConstraint(
                condition=Q(new_score__gte=0) & Q(new_score__lte=1),
                name="score_change_in_range",
            ),
        ]


class TargetChange(BaseModel):
    """A key result's target (or start) changed at a review, with the reason. Append-only."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    key_result = models.ForeignKey(
        KeyResult, on_delete=models.CASCADE, related_name="target_changes"
    )
    review = models.ForeignKey(
        Review, on_delete=models.SET_NULL, null=True, blank=True, related_name="target_changes"
    )
    old_start = models.FloatField(null=True, blank=True)
    old_target = models.FloatField(null=True, blank=True)
    new_start = models.FloatField(null=True, blank=True)
    new_target = models.FloatField(null=True, blank=True)
    reason = models.TextField(max_length=2000)
    actor = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at"]
