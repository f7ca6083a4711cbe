"""The record of a cycle's review meetings (docs/method.md §3, §5): monthly, mid-cycle,
retrospective, department and company reviews. Their learnings and objective notes live in
``cadence.retrospectives.models``, score adjustments in ``cadence.scoring.models``, target changes
in ``cadence.okrs.models``."""

from django.db import models
from django.db.models import Q

from cadence.core.limits import MAX_LONG_TEXT, MAX_NOTES
from cadence.core.models import BaseModel
from cadence.okrs.models import Cycle
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
    notes = models.TextField(max_length=MAX_NOTES, blank=True)
    # The short overview (retrospective) or the closing summary (company review).
    overview = models.TextField(max_length=MAX_LONG_TEXT, blank=True)
    satisfaction = models.CharField(max_length=8, choices=Satisfaction.choices, blank=True)
    worked = models.TextField(max_length=MAX_LONG_TEXT, blank=True)  # main initiatives that worked
    failed = models.TextField(max_length=MAX_LONG_TEXT, blank=True)  # main initiatives that failed
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
