"""Hand adjustments of scores, kept as history beside the computed score (docs/method.md §3)."""

from django.db import models
from django.db.models import Q

from cadence.core.limits import MAX_TEXT
from cadence.core.models import BaseModel
from cadence.okrs.models import KeyResult, Objective
from cadence.orgs.models import Organization, Person


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
    reason = models.TextField(max_length=MAX_TEXT)
    actor = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        db_table = "reviews_scorechange"  # moved from reviews, rows kept
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
