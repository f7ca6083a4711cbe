"""Weekly updates (Plans, Progress, Problems and custom categories), their items, moves and
carry-over (docs/method.md §4)."""

from django.db import models
from django.db.models import Q

from cadence.core.limits import MAX_SHORT_TEXT
from cadence.core.models import BaseModel
from cadence.okrs.models import KeyResult, Objective
from cadence.orgs.models import Organization, Person, Unit

PLANS, PROGRESS, PROBLEMS = "plans", "progress", "problems"
BUILT_IN = (
    (PLANS, "Plans", True),
    (PROGRESS, "Progress", False),
    (PROBLEMS, "Problems", True),
)


class Category(BaseModel):
    """A column of the weekly update. Plans, Progress and Problems exist in every organization
    (they may be renamed and reordered, not archived); organizations and teams add their own."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    # None: organization-wide. A team's own categories apply to its members' updates.
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, null=True, blank=True, related_name="weekly_categories"
    )
    slug = models.SlugField(max_length=40)
    name = models.CharField(max_length=60)
    position = models.PositiveIntegerField(default=0)
    # Unfinished items of a carrying category move on to next week at the deadline.
    carries_over = models.BooleanField(default=False)
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "slug"],
                condition=Q(unit__isnull=True),
                name="weekly_category_org_slug",
            ),
            models.UniqueConstraint(
                fields=["organization", "unit", "slug"],
                condition=Q(unit__isnull=False),
                name="weekly_category_unit_slug",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_built_in(self) -> bool:
        return self.unit_id is None and self.slug in (PLANS, PROGRESS, PROBLEMS)


class WeeklyUpdate(BaseModel):
    """One person's update for one ISO week (``week`` is its Monday)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="weekly_updates")
    week = models.DateField()
    # Set when the person first writes something themselves (carried items alone do not count).
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-week"]
        constraints = [
            models.UniqueConstraint(fields=["person", "week"], name="weekly_update_once_a_week")
        ]
        indexes = [models.Index(fields=["organization", "week"])]


class Item(BaseModel):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    update = models.ForeignKey(WeeklyUpdate, on_delete=models.CASCADE, related_name="items")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="items")
    text = models.TextField(max_length=MAX_SHORT_TEXT)
    objective = models.ForeignKey(
        Objective, on_delete=models.SET_NULL, null=True, blank=True, related_name="weekly_items"
    )
    key_result = models.ForeignKey(
        KeyResult, on_delete=models.SET_NULL, null=True, blank=True, related_name="weekly_items"
    )
    position = models.PositiveIntegerField(default=0)
    # The item of the previous week this one continues. One-to-one: an item is carried over
    # at most once, however often or concurrently the rollover runs.
    carried_over_from = models.OneToOneField(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="carried_to"
    )
    created_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Deleted items stay recoverable for 30 days.
    deleted_at = models.DateTimeField(null=True, blank=True)
    # Written into its week after the week's deadline (late progress): never carried over.
    late = models.BooleanField(default=False)
    # A carried copy taken out of its week (deleted_at set) because the item it continues was
    # finished, moved out of a carrying category or deleted after the carry-over — not by hand.
    # It comes back if that item is reopened.
    settled = models.BooleanField(default=False)

    class Meta:
        ordering = ["position", "created_at"]
        indexes = [models.Index(fields=["update", "category"])]

    @property
    def carried_over(self) -> bool:
        return self.carried_over_from_id is not None


class ItemMove(BaseModel):
    """History: an item moved from one category to another."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="moves")
    from_category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+")
    to_category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["created_at"]
